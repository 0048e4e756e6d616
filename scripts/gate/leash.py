"""A child that ends when the process that started it ends, however that one ended (round 17).

`PR_SET_PDEATHSIG` (gate.procs.die_with_parent) fires when the *thread* that started the child exits, and a
child the gate starts with `subprocess` cannot set it before the code it runs (a pack server's
`pulumi.policy`, the gate run by `evidence export`). A leashed child instead runs a small prologue (`python
-c LEASH MODE MODULE ARGS...`): a daemon thread blocks reading its stdin, a pipe whose only writer is the
parent (never written; not inheritable, so `subprocess` keeps it out of every other child), moved off
descriptor 0 first (round 25: MODULE's stdin is /dev/null, so code that reads it, a recorded program's,
neither waits on the leash nor takes its end of file for its own). When the parent ends, SIGKILL included,
the pipe reads end of file and the child ends: `kill` SIGKILLs its own process group (a pack server and what
it started) and, first, what left that group and was reparented to it (round 28: a `kill` leash makes its
process the subreaper of its tree, so a `setsid` double fork of a hostile `sitecustomize` lands there),
`term` sends itself SIGTERM (the gate: it kills its children's groups, prints one line and
exits 2) and SIGKILLs itself if that has not ended it within `_GRACE` seconds. The prologue then runs MODULE
as `python -m MODULE ARGS...` would; once MODULE is done, a `kill` prologue ends what it adopted before it
exits (round 33: what left the group ran on, reparented to the gate, through the rest of the run: the
recording, the judgment, the publication), and a negative exit code (a child's signal, passed on by
`gate._leashed`) is that signal's. Which children use which: docs/gate.md, "Children that end with the
gate".
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

_GRACE = 10.0
SUBREAPER = 36   # PR_SET_CHILD_SUBREAPER (gate.procs.adopt_orphans)
LEASH = f"""\
import os, runpy, signal, sys, threading, time
_leash = os.dup(0)
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
def _watch(mode):
    while True:
        try:
            if not os.read(_leash, 4096):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    if mode == "term":
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep({_GRACE})
    if mode == "kill":
        _kill(_adopted())
    if mode == "kill" and os.getpgrp() == os.getpid():
        os.killpg(0, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
def _kill(pids):
    for pid in pids:
        try:
            if os.getpgid(pid) == pid != os.getpgrp():
                os.killpg(pid, signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return pids
def _end_adopted():
    for _ in range(100):
        for pid in _kill(_adopted()) or ():
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass
        if not _adopted():
            return
def _adopted():
    me, found = str(os.getpid()), []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{{entry}}/stat") as stat:
                if entry.isdigit() and stat.read().rsplit(")", 1)[1].split()[1] == me:
                    found.append(int(entry))
        except (OSError, IndexError):
            pass
    return found
_mode, _module = sys.argv[1], sys.argv[2]
if _mode == "kill":
    try:
        import ctypes
        ctypes.CDLL(None).prctl({SUBREAPER}, 1, 0, 0, 0)
    except Exception:
        pass
threading.Thread(target=_watch, args=(_mode,), name="gate-leash", daemon=True).start()
del sys.argv[1:3]
_code = 0
try:
    runpy.run_module(_module, run_name="__main__", alter_sys=True)
except SystemExit as _exit:
    _code = _exit.code
finally:
    if _mode == "kill":
        _end_adopted()
if isinstance(_code, int) and _code < 0:
    try:
        signal.signal(-_code, signal.SIG_DFL)
    except (OSError, ValueError):
        pass
    os.kill(os.getpid(), -_code)
sys.exit(_code)
"""


_HELD: dict[int, int] = {}     # child pid -> the write end of its leash
_LOCK = threading.Lock()


def command(module: str, *args: str, mode: str = "kill", unbuffered: bool = False,
            python: str | None = None) -> list[str]:
    """`python [-u] -m MODULE ARGS...` on a leash (its stdin must be the leash: use `popen`); `python`:
    another interpreter than the gate's (a program's own environment)."""
    assert mode in ("kill", "term")
    return [python or sys.executable, *(["-u"] if unbuffered else []), "-c", LEASH, mode, module, *args]


def popen(module: str, *args: str, mode: str = "kill", unbuffered: bool = False, python: str | None = None,
          **kwargs: Any) -> subprocess.Popen[Any]:
    """Start `python -m MODULE ARGS...` on a leash (subprocess.Popen's other arguments but stdin); the
    leash is held until `release(proc)`, or until this process ends."""
    read, write = os.pipe()
    try:
        proc = subprocess.Popen(command(module, *args, mode=mode, unbuffered=unbuffered, python=python),
                                stdin=read, **kwargs)
    except BaseException:
        os.close(write)
        raise
    finally:
        os.close(read)
    with _LOCK:
        _HELD[proc.pid] = write
    return proc


def release(proc: subprocess.Popen[Any]) -> None:
    """Let go of the child's leash (once it is done or killed): it reads end of file."""
    with _LOCK:
        write = _HELD.pop(proc.pid, None)
    if write is not None:
        os.close(write)
