"""checkov's secrets scan over the repository, every file type (CI): exit 1 when a secret is committed.

Usage: ``uv run python -m gate.checkov.secret_scan [DIR]``. Skips what is not the project's source
(virtualenvs, tool environments, git internals, gate output, caches). Not findings:
- the Pulumi SDK's public signature constants (secret/resource signatures, the unknown sentinel), which look
  like high-entropy strings;
- values listed in ``data/secret_allowlist.yaml`` by the SHA-1 checkov reports, each with a reason;
- lines carrying checkov's own ``# checkov:skip=CKV_SECRET_6: <reason>`` (the preferred way for a planted
  test canary).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from gate import recording
from gate.checkov import toolenv
from gate.checkov.processes import checkov_env

SKIP = [".git", ".venv", ".tools", ".gate", "build", "node_modules", ".pytest_cache", ".ruff_cache",
        ".hypothesis", "__pycache__"]
ALLOWLIST = Path(__file__).with_name("data") / "secret_allowlist.yaml"


def public_constants() -> set[str]:
    """SHA-1s of the Pulumi protocol constants (checkov names a found secret by the SHA-1 of its value)."""
    values = [recording.SIG_KEY, recording.SECRET_SIG, recording.RESOURCE_SIG, recording.UNKNOWN]
    return {hashlib.sha1(v.encode()).hexdigest() for v in values}


def allowed() -> set[str]:
    raw = yaml.safe_load(ALLOWLIST.read_text()) if ALLOWLIST.is_file() else None
    return public_constants() | set((raw or {}).keys())


def findings(target: Path) -> list[dict[str, Any]]:
    """checkov's failed secret checks under ``target`` that are not allowed."""
    checkov = toolenv.ensure().parent / "checkov"
    cmd = [str(checkov), "-d", str(target), "--framework", "secrets", "--enable-secret-scan-all-files",
           "--skip-download", "--quiet", "--compact", "-o", "json"]
    for skip in SKIP:
        cmd += ["--skip-path", skip]
    done = subprocess.run(cmd, env=checkov_env(), capture_output=True, text=True, check=False)
    out = done.stdout.strip()
    if not out.startswith(("{", "[")):
        raise SystemExit(f"secret scan: checkov produced no report (exit {done.returncode})")
    data = json.loads(out)
    reports = data if isinstance(data, list) else [data]
    ok = allowed()
    return [c for r in reports for c in (r.get("results") or {}).get("failed_checks", [])
            if c.get("resource") not in ok]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else toolenv.ROOT
    found = findings(target)
    for c in found:
        lines = c.get("file_line_range") or [0]
        print(f"{c.get('file_path', '?').lstrip('/')}:{lines[0]}: {c.get('check_id')} {c.get('check_name')} "
              f"(sha1 {c.get('resource')})")
    if found:
        print(f"secret scan: {len(found)} finding(s). Remove the secret, or for a planted test value add "
              "'# checkov:skip=CKV_SECRET_6: <reason>' on its line.", file=sys.stderr)
        return 1
    print("secret scan: no secrets found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
