"""Child processes the gate starts: each in its own process group, killed with it on every exit path."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_CHILDREN: set[subprocess.Popen[Any]] = set()
_GROUPS: set[int] = set()        # process groups of children another process forked (gate.zygote)
_LOCK = threading.Lock()


def register_child(proc: subprocess.Popen[Any]) -> None:
    """Remember a child started with `start_new_session=True`, so kill_all() can end its group."""
    with _LOCK:
        _CHILDREN.add(proc)


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL the child's whole process group (its own children too) and reap it."""
    kill_pgid(proc.pid)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    with _LOCK:
        _CHILDREN.discard(proc)


def register_group(pgid: int) -> None:
    """Remember a process group the gate must end if it is interrupted (a zygote's child)."""
    with _LOCK:
        _GROUPS.add(pgid)


def forget_group(pgid: int) -> None:
    with _LOCK:
        _GROUPS.discard(pgid)


def kill_pgid(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def kill_all() -> None:
    """Every child still running (an interrupted run): their groups are killed."""
    with _LOCK:
        children, groups = list(_CHILDREN), list(_GROUPS)
    for pgid in groups:
        kill_pgid(pgid)
    for proc in children:
        kill_group(proc)


PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Be the reaper of this process's tree (Linux `PR_SET_CHILD_SUBREAPER`, round 28): a process that leaves
    its group and session (`setsid`, a double fork: a hostile `sitecustomize` of a program's environment)
    is reparented here, not to init, so `end_adopted` finds it. For the gate's own process only: embedded
    (`gate.cli.main(argv)` in a host), the host's other children are not the gate's to end."""
    with contextlib.suppress(Exception):   # not Linux: what leaves a group outlives the gate (docs/gate.md)
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (zombies included), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def end_adopted(rounds: int = 100) -> None:
    """SIGKILL every process still a child of this one, and the group each leads, and reap them, until none
    is left: each one killed hands its own children to this process (`adopt_orphans`). Bounded: a tree
    forking faster than it is killed ends with the gate's exit anyway, reparented to init."""
    me, mine = os.getpid(), os.getpgrp()
    for _ in range(rounds):
        children = children_of(me)
        if not children:
            return
        for pid in children:
            with contextlib.suppress(OSError):
                if os.getpgid(pid) == pid != mine:
                    os.killpg(pid, signal.SIGKILL)
                os.kill(pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


_RELEASED = 5.0   # seconds a released leash's prologue has to end what it adopted


def run_bounded(module: str, *args: str, python: str, timeout: float | None,
                env: dict[str, str] | None = None, out_dir: Path) -> tuple[int, str, str]:
    """Run `python -m MODULE ARGS...` on a leash (gate.leash: it ends with the gate, SIGKILL included;
    round 25: a program of its own environment ran on after a gate killed outright) in its own process
    group, stdout/stderr to files in `out_dir` (a grandchild that keeps them open cannot hang the gate);
    (exit code, stdout, stderr). TimeoutExpired after `timeout` seconds, the whole group killed either
    way once the command is done, and what left the group ended by the leash's prologue, which adopted it:
    nothing of it outlives the step (round 33)."""
    from gate import leash

    out, err = Path(out_dir) / "stdout", Path(out_dir) / "stderr"
    with out.open("wb") as fo, err.open("wb") as fe:
        proc = leash.popen(module, *args, python=python, env=env, stdout=fo, stderr=fe,
                           start_new_session=True)
        register_child(proc)
        try:
            code = proc.wait(timeout=timeout)
        finally:
            leash.release(proc)   # round 33: its prologue ends what it adopted, then its group...
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=_RELEASED)
            kill_group(proc)      # ...and this whatever is left of the group
    return (code, out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"))


def run_steps(steps: list[list[str]], env: dict[str, str], cwd: Path | None = None) -> str | None:
    """Run each command of an install in turn, each on a leash (`gate._leashed`, `run_bounded`: round 26,
    `uv venv`, `uv pip install` and what they started ran on after a gate killed outright); None once all
    succeeded, else the last line the failing one wrote (its error). Not bounded in time: an install takes
    what the registry takes, and ends with the gate."""
    for cmd in steps:
        with tempfile.TemporaryDirectory(prefix="gate-install-") as out_dir:
            code, out, err = run_bounded("gate._leashed", str(cwd or ""), *cmd, python=sys.executable,
                                         timeout=None, env=env, out_dir=Path(out_dir))
        if code != 0:
            return ((err or out).strip().splitlines()[-1:] or ["no output"])[0]
    return None


INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT/SIGTERM held back (delivered right after) while a step must not be cut in two: files being
    renamed into --out (gate.publish), a worker forked and not yet noted for killing (gate.parallel_eval,
    round 27). A child forked meanwhile starts with them blocked: it unblocks them itself."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def tie_to(parent: int) -> Callable[[], None]:
    """`die_with_parent(parent)` made ready in the parent: the C library's `prctl` found now, so that a
    child forked from the gate's threaded process (an evaluation worker, gate.parallel_eval) only calls
    it — loading a library after such a fork can wait forever on a lock a thread of the parent held."""
    prctl = None
    with contextlib.suppress(Exception):   # not Linux: the gate's own exit paths still end its children
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl

    def tie() -> None:
        if prctl is not None:
            prctl(1, signal.SIGKILL, 0, 0, 0)   # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:   # it ended before the signal was asked for
            os._exit(1)

    return tie


def die_with_parent(parent: int) -> None:
    """Be killed when `parent` ends (Linux `PR_SET_PDEATHSIG`): a gate killed outright (a CI job's
    timeout) leaves no zygote and no recording running. Set before the program runs; the handle is
    dropped, and a program's own native calls are refused (gate.side_effects). `parent` is the pid the
    parent had before the fork: one that ended before this call (round 18: between the fork and here)
    left this process with another parent, which it must not stay alive for. See docs/gate.md
    "Children that end with the gate"."""
    tie_to(parent)()
