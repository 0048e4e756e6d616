"""The signed-off drill report: one JSON file per stack and day, read by `evidence export` (LOC-03/LOC-04).

Location: `stacks/records/drills/<stack>-<YYYY-MM-DD>.json`. The `signature` covers every other field
(canonical JSON: sorted keys, no spaces): HMAC-SHA256 with the drill signing key when
`EXIT_DRILL_SIGNING_KEY` is set, else a plain SHA-256 digest (integrity only, `signed: false`).
The key itself is never written or printed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from pathlib import Path
from typing import Any

KIND = "exit-drill-report/1"
CONTROLS = ("LOC-03", "LOC-04")
KEY_ENV = "EXIT_DRILL_SIGNING_KEY"


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(body: dict[str, Any]) -> dict[str, Any]:
    key = os.environ.get(KEY_ENV)
    data = canonical(body)
    if key:
        return {"algorithm": "hmac-sha256", "signed": True,
                "value": hmac.new(key.encode(), data, hashlib.sha256).hexdigest()}
    return {"algorithm": "sha256", "signed": False, "value": hashlib.sha256(data).hexdigest()}


def verify(report: dict[str, Any], key: str | None = None) -> bool:
    """Whether the report's signature matches its other fields (with `key` for HMAC reports)."""
    body = {k: v for k, v in report.items() if k != "signature"}
    sig = report.get("signature") or {}
    data = canonical(body)
    if sig.get("algorithm") == "hmac-sha256":
        if not key:
            return False
        expected = hmac.new(key.encode(), data, hashlib.sha256).hexdigest()
    elif sig.get("algorithm") == "sha256":
        expected = hashlib.sha256(data).hexdigest()
    else:
        return False
    return hmac.compare_digest(expected, str(sig.get("value", "")))


def build(*, stack: str, date: str, mode: str, signed_off_by: str, findings: dict[str, Any],
          target: str) -> dict[str, Any]:
    body = {
        "kind": KIND,
        "stack": stack,
        "date": date,
        "mode": mode,
        "controls": list(CONTROLS),
        "result": "passed" if findings.get("ok") else "failed",
        "signed_off_by": signed_off_by,
        "copy": findings.get("copy", {}),
        "restore_target": target,
        "tables": findings.get("tables", []),
        "problems": findings.get("problems", []),
    }
    return {**body, "signature": sign(body)}


def write(report: dict[str, Any], path: Path) -> None:
    """Write atomically: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)


def default_path(root: Path, stack: str, date: str) -> Path:
    return root / "stacks" / "records" / "drills" / f"{stack}-{date}.json"
