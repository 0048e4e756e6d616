"""What changed in a program's directory while its preview was recorded, seen from the gate's process.

An update recorded beside its preview stands only when neither wrote a file (round 41). What the preview
wrote was the word of the watch in the program's own process (`gate.side_effects._Watch.own`), which the
program can edit, and it hears only what raises an audit event (round 42: `os.mknod`, `os.mkfifo` raise
none). So the gate also looks itself, once the preview has ended: a file or directory of the program's
whose status changed since the preview began (ctime: `os.utime` sets an mtime back, nothing sets a ctime)
has the update recorded again after the preview. Another recording of the run writing there costs that
second update recording, never a verdict. Not looked at: what the gate judges by or writes (the watch
refuses the program those; the gate writes this run's states into its output directory meanwhile).
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

_COARSE = 5   # Linux's CLOCK_REALTIME_COARSE (Python 3.11 has no name for it)


def now_ns() -> int:
    """A time no later than that of a file changed from now on: the kernel stamps files from its coarse
    clock, which may lag `time.time_ns()` by a tick."""
    if sys.platform == "linux":
        try:
            return time.clock_gettime_ns(_COARSE)
        except OSError:
            pass
    return time.time_ns() - 1_000_000_000


def next_tick_ns() -> int:
    """A start for `protected_changed`: the coarse clock's value two ticks on. It lags the real time by
    less than a tick, so a file made before the call (stamped at most at the real time then) is stamped
    before it, and one made just before the recordings is not taken for the program's (CI refused its own
    stack config); one made after is stamped at or after it. Only the coarse clock is read: the fine one
    may be moved (the suite's own clock travel made a wait for it endless)."""
    tick = now_ns()
    for _ in range(2):
        while (later := now_ns()) <= tick:
            time.sleep(0.0005)
        tick = later
    return tick


def changed_since(root: str, since_ns: int, skip: Collection[str] = ()) -> str | None:
    """The first path under `root` (itself included, links not followed) whose status changed at or after
    `since_ns`, but for those under `skip`; None when there is none."""
    return next((path for path, _ in _changed(root, since_ns, skip)), None)


def protected_changed(root: str, since_ns: int, judged: Collection[str], own: Collection[str]) -> list[str]:
    """Round 45: the files (not directories) under `root` changed or made at or after `since_ns` that the
    program may not write: a stack config, `pyproject.toml`, a fixture (gate.side_effects.is_protected),
    or one under `judged` (packs, records); not under `own` (the gate's code, environments and output,
    which it writes meanwhile), nor bytecode caches. The watch refuses every write to them it hears; these
    were made past it (a fresh `posix` module's `mknod`, C code), where the write fence allows them."""
    from gate.side_effects import is_protected

    inside, cache = tuple(j + os.sep for j in judged), f"{os.sep}__pycache__{os.sep}"

    def refused(path: str) -> bool:
        return path.startswith(inside) or path in judged or is_protected(Path(os.path.relpath(path, root)))

    return [path for path, st in _changed(root, since_ns, own)
            if not stat.S_ISDIR(st.st_mode) and cache not in path and refused(path)]


def made_unheard(root: str, since_ns: int, dirs: Collection[str], private: Collection[str] = (),
                 written: Callable[[], Collection[str]] = frozenset) -> list[str]:
    """Round 46: in the gate's own directories inside `root` (`dirs`: `--out`, the run's directory in it,
    the cache), the files changed at or after `since_ns` that only a program's unheard make leaves: a node
    (FIFO, socket) or an empty file. The watch refuses the program every write it hears there; past it, a
    fresh `posix` module's `mknod`/`mkfifo` makes only such files. The gate writes whole, non-empty files
    there, through a temporary name (`.<name>.<random>.tmp`, empty for an instant) and a rename. The run's
    own directory (`private`, `<out>/.runs/<id>`) is walked too since round 49 (a stack that found its id
    in memory left a node there unseen), but for the empty files checkov's processes leave there when they
    said nothing: only those the run's drivers wrote (`written()`, asked after the walk, so a scan that
    began meanwhile is among them; round 50 let a driver's file name for a scan the run never had pass,
    round 49 any empty file under `checkov/`)."""
    inside = [d for d in dirs if d.startswith(root + os.sep) and not any(d.startswith(o + os.sep)
                                                                         for o in dirs)]
    found = [path for d in inside for path, st in _changed(d, since_ns, private) if _unheard(path, st)]
    logs = []
    for d in (p for p in private if p.startswith(root + os.sep)):
        for path, st in _changed(d, since_ns, ()):
            if _unheard(path, st):
                (logs if stat.S_ISREG(st.st_mode) else found).append(path)
    if logs:
        own = {os.path.realpath(f) for f in written()}
        found += [path for path in logs if path not in own]
    return found


def _unheard(path: str, st: os.stat_result) -> bool:
    """A node or an empty file, not the gate's temporary name."""
    return (not stat.S_ISDIR(st.st_mode) and (not stat.S_ISREG(st.st_mode) or st.st_size == 0)
            and not _gate_temporary(os.path.basename(path)))


def _gate_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def refuse_protected(program: Path, since_ns: int, judged: Collection[str], gate_dirs: Collection[Path],
                     private: Path | None = None, written: Callable[[], Collection[str]] = frozenset) -> None:
    """A GateError naming what `protected_changed` finds in `program`'s directory since `since_ns`, but in
    `gate_dirs`, which the gate itself writes meanwhile (its run directory, `--out` with checkov's cache
    entries, a `--cache-dir`): there what only the program could have made (`made_unheard`, round 46),
    in the run's `private` directory too but for the files the run's checkov drivers `written()`."""
    from gate.errors import GateError
    from gate.options import gate_paths

    root, dirs = str(program.resolve()), {str(Path(d).resolve()) for d in gate_dirs}
    found = protected_changed(root, since_ns, judged, {*gate_paths(), *dirs})
    if found:
        raise GateError(f"{found[0]}: changed or made while the stacks were recorded ({len(found)} such "
                        "file(s)): a stack config, pyproject.toml, an invoke fixture, a pack or record is "
                        "not the program's to write, however it makes the file (round 45); remove it and let "
                        "the program write its own files elsewhere in its directory")
    made = made_unheard(root, since_ns, sorted(dirs), [str(private.resolve())] if private else [], written)
    if made:
        raise GateError(f"{made[0]}: a node or an empty file made in the gate's own directory while the "
                        f"stacks were recorded ({len(made)} such file(s)): the gate writes none there, and "
                        "the program may not write there at all, however it makes the file (a fresh posix "
                        "module's mknod or mkfifo: round 46); remove it and let the program write its own "
                        "files elsewhere in its directory")


def _changed(root: str, since_ns: int, skip: Collection[str]) -> Iterator[tuple[str, os.stat_result]]:
    """Each path under `root` (itself first, links not followed) whose status changed at or after
    `since_ns`, with its status, but for those under `skip`."""
    skipped, under = tuple(skip), tuple(s + os.sep for s in skip)
    try:
        st = os.lstat(root)
    except OSError:
        return
    if st.st_ctime_ns >= since_ns:
        yield root, st
    todo = [root]
    while todo:
        try:
            entries = os.scandir(todo.pop())
        except OSError:
            continue      # gone or unreadable: its parent's time tells a removal
        with entries:
            for entry in entries:
                if entry.path in skipped or entry.path.startswith(under):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if st.st_ctime_ns >= since_ns:
                    yield entry.path, st
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
