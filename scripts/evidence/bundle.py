"""Write a bundle atomically with a SHA-256 manifest, and verify one later.

The bundle is built in a temporary directory next to the target and renamed into place, so a failed
export never leaves a half-written bundle. The manifest lists every other file with its hash; `verify`
recomputes them and names every changed, added or removed file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from evidence.errors import EvidenceError
from evidence.redact import Redactor

MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hashes(root: Path) -> dict[str, str]:
    """Relative POSIX path -> SHA-256 of every file under ``root`` except the manifest itself."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() or path.is_symlink():
            rel = path.relative_to(root).as_posix()
            if rel != MANIFEST:
                out[rel] = sha256(path) if path.is_file() else "symlink"
    return out


def write(out: Path, files: dict[str, bytes], meta: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """Publish ``files`` (relative path -> bytes) plus manifest.json at ``out``; returns the manifest."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).is_file())):
        raise EvidenceError(f"{out}: exists and is not an evidence bundle (refusing to replace it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, data in files.items():
            if redactor.leaks(data):
                raise EvidenceError(f"{rel}: would contain a secret value; export aborted")
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        manifest = {**meta, "files": hashes(tmp)}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return manifest
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def verify(root: Path) -> list[str]:
    """Problems found in the bundle at ``root`` (empty list: intact)."""
    root = Path(root)
    if not root.is_dir():
        raise EvidenceError(f"{root}: not a directory")
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        recorded = manifest["files"]
        if not isinstance(recorded, dict):
            raise TypeError
    except FileNotFoundError:
        return [f"removed: {MANIFEST}"]
    except (ValueError, KeyError, TypeError):
        return [f"changed: {MANIFEST} (unreadable or without 'files')"]
    actual = hashes(root)
    problems = [
        f"changed: {rel}" for rel in sorted(recorded) if rel in actual and actual[rel] != recorded[rel]
    ]
    problems += [f"removed: {rel}" for rel in sorted(recorded) if rel not in actual]
    problems += [f"added: {rel}" for rel in sorted(actual) if rel not in recorded]
    return problems
