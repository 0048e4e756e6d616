"""Per-run isolation of the gate's outputs.

Every run works in a private directory (`<out>/.runs/<id>/`, same filesystem as `--out`). Only when the
run finished (exit 0 or 1) are its outputs published: under an advisory lock on `<out>/.gate.lock`, each
stack's whole set (state, report, checkov exports) is renamed into `--out` and `run.json` lists exactly
the stacks this run produced (with their files' SHA-256), so `evidence export --gate-dir` takes one run.
A concurrent run waits for the lock (bounded: LOCK_WAIT seconds), then exits 2; runs never mix. A run that
fails withdraws the earlier run published there (`withdraw`): nothing in `--out` reads as its result.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate.env_values import seconds
from gate.errors import GateError
from gate.procs import signals_deferred
from gate.published import INDEX as RUN_INDEX
from gate.published import LOCK as LOCK_FILE
from gate.published import remove_set

RUNS_DIR = ".runs"
LOCK_WAIT = 120.0   # seconds; GATE_LOCK_TIMEOUT overrides


def lock_wait() -> float:
    """Read per run (round 20: read at import, an empty or non-numeric value broke every command)."""
    return seconds("GATE_LOCK_TIMEOUT", LOCK_WAIT)


class Lock:
    """A held advisory lock: its descriptor, and whether it was handed to the sentinel parent, which lets
    it go once it checked the published set (gate.published)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.handed = False


@contextlib.contextmanager
def locked(out: Path, wait: float | None = None) -> Iterator[Lock]:
    """Hold the advisory lock of `out` (fcntl.flock), waiting at most `wait` seconds (GATE_LOCK_TIMEOUT)."""
    wait = lock_wait() if wait is None else wait
    out.mkdir(parents=True, exist_ok=True)
    try:
        with held(out / LOCK_FILE, wait) as lock:
            yield lock
    except TimeoutError:
        raise GateError(f"{out}: locked by another gate run (waited {wait:g} s; "
                        "GATE_LOCK_TIMEOUT raises the wait)") from None


@contextlib.contextmanager
def held(lock_file: Path, wait: float) -> Iterator[Lock]:
    """Hold an advisory lock on `lock_file` (created if missing), waiting at most `wait` seconds, else
    TimeoutError; also the lock of `evidence export`'s --out (evidence.bundle, round 28)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(lock_file) from None
                time.sleep(0.05)
        lock = Lock(fd)
        try:
            yield lock
        finally:
            if not lock.handed:   # else held by the sentinel parent through its copy until it checked
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


UPDATES_DIR = ".updates"   # each stack's update graph: what the stacks referencing it read for their update


def stack_files(directory: Path, stack: str) -> list[Path]:
    """The set of one stack in a run directory: `<stack>.*.json|sarif` files, its update graph
    (`.updates/<stack>.state.json`, read by a later run of a stack referencing it) and `checkov/<stack>/`."""
    found = [p for p in directory.iterdir() if p.is_file() and p.name.startswith(f"{stack}.")
             and p.name[len(stack) + 1:].count(".") == 1]
    update = directory / UPDATES_DIR / f"{stack}.state.json"
    exports = directory / "checkov" / stack
    return sorted(found) + ([update] if update.is_file() else []) + ([exports] if exports.is_dir() else [])


def _digest(path: Path) -> str:
    """In chunks, never through a link nor from a FIFO or device (round 30: read whole)."""
    from gate.inputs import file_sha256

    return file_sha256(path, "a file of the run")


class RunDir:
    """A private working directory for one run; removed on every exit path (publish moves out of it)."""

    def __init__(self, out: Path | None) -> None:
        self.out = out
        self._held = -1     # a descriptor of the directory, locked for as long as the run works in it
        if out is not None:
            self.path, self._held = self._private(out / RUNS_DIR)
            sweep(out / RUNS_DIR)
        else:
            self.path = Path(tempfile.mkdtemp(prefix="gate-run-"))
        self.id = self.path.name

    @staticmethod
    def _private(runs: Path) -> tuple[Path, int]:
        # A finishing run removes `.runs` when it looks empty, possibly between our mkdir and mkdtemp; a
        # sweeping run may take a directory between its mkdtemp and its lock (then it is gone: again).
        for _ in range(100):
            try:
                runs.mkdir(parents=True, exist_ok=True)
                path = Path(tempfile.mkdtemp(prefix=f"{uuid.uuid4().hex[:12]}-", dir=runs))
                held = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
            except (FileNotFoundError, FileExistsError):  # `.runs` vanished under our feet: again
                continue
            fcntl.flock(held, fcntl.LOCK_EX)
            with contextlib.suppress(FileNotFoundError):
                if os.stat(path).st_ino == os.fstat(held).st_ino:
                    return path, held
            os.close(held)
        raise GateError(f"{runs}: cannot create a private run directory (removed by other runs each time)")

    def __enter__(self) -> RunDir:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._held >= 0:
            os.close(self._held)
            self._held = -1
        if self.out is not None:
            with contextlib.suppress(OSError):    # only when no other run is working in it
                (self.out / RUNS_DIR).rmdir()

    def publish(self, stacks: list[str], extra: dict[str, Any] | None = None) -> None:
        """Move each stack's set into `out` and write the run index, under the lock."""
        if self.out is None:
            return
        from gate import run_sign

        key = run_sign.signer()   # before anything moves: an unusable key is exit 2 with --out untouched
        with locked(self.out) as lock, signals_deferred():   # a signal now would leave a half-published set
            index: dict[str, Any] = {"run": self.id, "stacks": {}, "files": {}, **(extra or {})}
            for name in (RUN_INDEX, run_sign.ENVELOPE):   # first: a set half moved (SIGKILL) has no index
                (self.out / name).unlink(missing_ok=True)
            for stack in stacks:
                index["stacks"][stack] = self._move(stack)
                stale = self.out / UPDATES_DIR / f"{stack}.state.json"   # not this run's: it replaces the set
                if f"{UPDATES_DIR}/{stack}.state.json" not in index["stacks"][stack]:
                    stale.unlink(missing_ok=True)
            for name in (".stack-references.json", ".sdk-modules.json", "gate.sarif", "gate.junit.xml"):
                if (self.path / name).is_file():
                    index["files"][name] = _digest(self.path / name)
                    os.replace(self.path / name, self.out / name)
            self._write_index(index, key, lock)

    def _write_index(self, index: dict[str, Any], key: Any, lock: Lock) -> None:
        """run.json, and its signature when the run has a key (a stale signature of an earlier run is
        removed first: an unsigned run never leaves one that seems to vouch for it). Before they stand in
        `out`, the lock and their digests go to the sentinel parent, which checks the set once the gate's
        process ended (round 49, gate.published); one that cannot be handed fails the run with no index."""
        from gate import run_sign, sentinel

        body = (json.dumps(index, indent=1, sort_keys=True) + "\n").encode()
        (self.out / run_sign.ENVELOPE).unlink(missing_ok=True)   # type: ignore[operator]
        signed = run_sign.envelope(body, key) if key is not None else b""
        lock.handed = sentinel.hand_over(lock.fd, self.out, self.id,   # type: ignore[arg-type]
                                         hashlib.sha256(body).hexdigest(),
                                         hashlib.sha256(signed).hexdigest() if signed else "")
        for name, data in ((RUN_INDEX, body), (run_sign.ENVELOPE, signed)):
            if data:
                (self.path / name).write_bytes(data)
                os.replace(self.path / name, self.out / name)   # type: ignore[operator]

    def _move(self, stack: str) -> dict[str, str]:
        hashes: dict[str, str] = {}
        for src in stack_files(self.path, stack):
            rel = src.relative_to(self.path)
            dst = self.out / rel   # type: ignore[operator]
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                for f in sorted(src.rglob("*")):
                    if f.is_file():
                        hashes[f.relative_to(self.path).as_posix()] = _digest(f)
                old = dst.with_name(f".{dst.name}.old-{self.id}")
                if dst.exists():
                    os.replace(dst, old)
                os.replace(src, dst)
                shutil.rmtree(old, ignore_errors=True)
            else:
                hashes[rel.as_posix()] = _digest(src)
                os.replace(src, dst)
        return hashes


def sweep(runs: Path) -> None:
    """Remove the private directories of runs that ended without cleaning up (killed outright: SIGKILL,
    the OOM killer, a CI job's timeout): a running run holds a lock on its directory, the kernel drops it
    with the process, so a directory whose lock can be had is no run's (round 17)."""
    try:
        entries = list(os.scandir(runs))
    except OSError:
        return
    for entry in entries:
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            shutil.rmtree(entry.path, ignore_errors=True)
        finally:
            os.close(fd)


def withdraw(out: Path, started_ns: int) -> None:
    """A run that failed (bad input, exit 2 or 3) leaves no earlier result in `out` that a later step
    could read as its own: the run index of a run published before this one began, its signature and the
    files it lists are removed, under the lock (round 15). A run that published while this one ran is
    another's result, and stays."""
    index_file = out / RUN_INDEX
    if not index_file.is_file() or index_file.stat().st_mtime_ns >= started_ns:
        return
    with locked(out, wait=5.0), signals_deferred():   # held by a run publishing now: its result stays
        if not index_file.is_file() or index_file.stat().st_mtime_ns >= started_ns:
            return
        try:
            index = json.loads(index_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            index = {}
        remove_set(out, index if isinstance(index, dict) else {})



def read_run_index(out: Path) -> dict[str, Any] | None:
    """The run index of `out` (None if absent)."""
    try:
        data = json.loads((out / RUN_INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise GateError(f"{out / RUN_INDEX}: unreadable run index ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("stacks"), dict):
        raise GateError(f"{out / RUN_INDEX}: not a gate run index")
    return data
