"""The published set, checked by the sentinel parent once the gate's process ended (round 49).

Packs run in the gate's process, and code there can outlive the gate's last word: an `atexit` handler, a
thread, a finalizer that rewrites the published report to say "not blocked" and run.json to say exit 0,
and re-signs it with the gate's key (which that process holds). So `RunDir.publish` (gate.publish), still
under `<out>/.gate.lock` and before run.json stands in `--out`, hands the sentinel parent (gate.sentinel)
the lock itself (its descriptor), the run's id and the digests of run.json and its signature as the gate
wrote them. The parent, no pack's code in it, checks the set once the gate's process ended, still under
that lock: no other run can have published over it since, so an index that is not this run's own was put
there by code in the gate's process (a made-up "later run"), never by a concurrent run (round 49: a check
made after the lock was let go read a legitimate later run's index as tampering). A run that ends with 2
or more after it published withdraws its own set (it vouched for a verdict the run did not keep).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gate.run_sign import ENVELOPE

INDEX, LOCK = "run.json", ".gate.lock"   # the run index and lock of `--out` (gate.publish reads them)


def settle(code: int, handed: list[tuple[bytes, int]], say: Callable[[str], None]) -> int:
    """The exit status once each set the gate's process handed over is checked under its lock, then let go;
    `say` is the sentinel's own line writer (gate.sentinel calls this module, never the other way)."""
    for message, lock in handed:
        try:
            code = _settled(message, lock, code, say)
        finally:
            os.close(lock)
    return code


def _settled(message: bytes, lock: int, code: int, say: Callable[[str], None]) -> int:
    parts = message.split(b"\0")
    out = Path(os.fsdecode(parts[1])) if len(parts) == 5 else None
    why = "the gate's process handed over no set the gate published"
    if out is not None and _holds(lock, out):
        run, index_sha, envelope_sha = (p.decode("ascii", "replace") for p in parts[2:])
        if code not in (0, 1):
            _withdraw(out, run)
            return code
        why = problem(out, run, code, index_sha, envelope_sha)
        if why is None:
            return code
        _withdraw(out, run)
    say(f"gate: error: the published set in {os.fsdecode(parts[1]) if len(parts) > 1 else '?'} is not what "
        f"the gate published ({why}): code in the gate's process (a pack's) changed it after the gate wrote "
        "it: the run fails; nothing there vouches for it\n")
    return 2


def _holds(lock: int, out: Path) -> bool:
    """`lock` is `<out>/.gate.lock`, still held by this description (not let go and taken by another)."""
    try:
        same = os.fstat(lock).st_ino == os.stat(out / LOCK).st_ino
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return same


def _sha256(path: Path) -> str | None:
    """A regular file's digest (never through a link, a FIFO or a device), None when it is not one."""
    from gate.errors import GateError
    from gate.inputs import file_sha256

    try:
        return file_sha256(path, "a published file")
    except (OSError, GateError):
        return None


def _index(out: Path) -> tuple[dict[str, Any] | None, str | None]:
    """run.json, or why it is not a run index."""
    path = out / INDEX
    if path.is_symlink() or not path.is_file():
        return None, "run.json is gone"
    try:
        index = json.loads(path.read_bytes())
    except (OSError, ValueError):
        index = None
    if not isinstance(index, dict) or not isinstance(index.get("stacks"), dict):
        return None, "run.json is no run index"
    return index, None


def _listed(index: dict[str, Any]) -> dict[str, Any]:
    listed = dict(index["files"]) if isinstance(index.get("files"), dict) else {}
    for files in index["stacks"].values():
        listed.update(files if isinstance(files, dict) else {})
    return listed


def problem(out: Path, run: str, code: int, index_sha: str, envelope_sha: str) -> str | None:
    """What differs between the set in `out` and what run `run`, ending with `code` (0 or 1), published
    (`index_sha`, `envelope_sha`: run.json and its signature as the gate wrote them, "" unsigned); None when
    nothing does."""
    index, why = _index(out)
    if index is None:
        return why
    if index.get("run") != run:
        return f"run.json is another run's (run {str(index.get('run'))[:40]!r}), not this run's"
    if _sha256(out / INDEX) != index_sha:
        return "run.json differs from the index the gate wrote"
    if (_sha256(out / ENVELOPE) or "") != envelope_sha:
        return f"{ENVELOPE} differs from the signature the gate wrote"
    if index.get("exit") != code:
        return f"run.json says exit {index.get('exit')!r}, the gate's process said {code}"
    return _files_problem(out, _listed(index), code)


def _files_problem(out: Path, listed: dict[str, Any], code: int) -> str | None:
    blocked = False
    for name, digest in sorted(listed.items()):
        path = out / str(name)
        found = _sha256(path) if out.resolve() in path.resolve().parents else None
        if found is None:
            return f"{name} is gone"
        if found != digest:
            return f"{name} differs from its digest in run.json"
        if str(name).endswith(".report.json"):
            said = _report(path).get("blocked")
            if said is not False and (said is not True or code == 0):
                return f"{name} says blocked {json.dumps(said)[:20]}, run.json exit {code}"
            blocked = blocked or said
    if code == 1 and not blocked:
        return "no published report says blocked, run.json exit 1"
    return None


def _report(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_bytes())
    except ValueError:
        report = None
    return report if isinstance(report, dict) else {"blocked": "no report"}


def _withdraw(out: Path, run: str) -> None:
    """Nothing in `out` vouches for the run: its index and signature removed, and, when the index is this
    run's own, the files it lists (remove_set; the lock is held through the handed copy)."""
    index, _ = _index(out)
    with contextlib.suppress(OSError):
        remove_set(out, index if index is not None and index.get("run") == run else {})

def remove_set(out: Path, index: dict[str, Any]) -> None:
    """Under the lock: `out`'s run index first (a half-withdrawn directory has no index that vouches for
    anything), its signature, then the files `index` lists and the run-wide reports."""
    files, stacks = index.get("files"), index.get("stacks")
    listed = [*files] if isinstance(files, dict) else []
    for each in stacks.values() if isinstance(stacks, dict) else ():
        listed.extend(each if isinstance(each, dict) else ())
    (out / INDEX).unlink(missing_ok=True)
    (out / ENVELOPE).unlink(missing_ok=True)
    root = out.resolve()
    for name in {*listed, "gate.sarif", "gate.junit.xml"}:
        path = (out / str(name)).resolve()
        if root in path.parents and path.is_file():
            path.unlink()
