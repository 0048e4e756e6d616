"""Which threads the interpreter runs, told apart by what a program cannot forge (gate.deferred's view).

`sys._current_exceptions` keys every thread state by the ident its thread sets once the thread runs; a
thread `_thread.start_new_thread` returned but the kernel has not yet scheduled is under its starter's
ident there (3.11; 0 from 3.12), so in no list at all. Session 37: a loaded CI worker ended a recording in
that moment and the program's raw thread went unseen; such a thread is counted on CPython's own list of
thread states and waited for. Session 44: that list and a thread's kernel id are read so that a thread
ending meanwhile cannot crash the reader or shorten the count (one faulthandler snapshot; /proc/self/mem).
"""

from __future__ import annotations

import ctypes
import faulthandler
import os
import re
import sys
import threading
from typing import Any


def outermost(frame: Any) -> Any:
    while frame is not None and frame.f_back is not None:
        frame = frame.f_back
    return frame


def states() -> dict[int, tuple[Any, Any]]:
    """Every thread the interpreter holds a state for, with its outermost frame (None: it runs a C callable,
    which `sys._current_frames` leaves out and `sys._current_exceptions` does not) and its kernel thread. A
    thread keeps that frame while it runs, so one that takes the ident of a thread that ended is told from
    it (round 30: glibc mostly gives a new thread the ident of one just ended); two frameless ones are told
    apart by the kernel's thread (round 33)."""
    frames = sys._current_frames()
    me = threading.get_ident()
    return {ident: (outermost(frames.get(ident)), kernel_thread(ident))
            for ident in sys._current_exceptions() if ident not in (me, 0)}


def kernel_thread(ident: int) -> tuple[int, int] | None:
    """The kernel's id of the thread behind `ident` and when it started (clock ticks after boot): a later
    thread may get the id back once ids wrap (`pid_max`: 32768 here, a few seconds of threads), never with
    the same start. None where neither is known (not Linux; a thread that ended meanwhile)."""
    tid = _peek_tid(ident)
    if not tid:
        return None
    try:
        with open(f"/proc/self/task/{tid}/stat", "rb") as stat:
            return tid, int(stat.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _peek(address: int, size: int) -> bytes | None:
    """Memory of this process read by the kernel: a page no longer mapped is an error, not a crash. Session
    44: `time.pthread_getcpuclockid` read the C library's thread struct in place, and a thread that ended
    after `sys._current_exceptions` listed it (the GIL goes between two calls) took it with its stack:
    a segfault."""
    pid = _GETPID()
    if not _MEMORY or _MEMORY[0] != pid:   # a fork's file would still read its parent
        try:
            fd = _OPEN("/proc/self/mem", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None
        if _MEMORY:
            _CLOSE(_MEMORY[1])
        _MEMORY[:] = [pid, fd]
    try:
        return _PREAD(_MEMORY[1], size, address)
    except (OSError, OverflowError, ValueError):
        return None


def _tid_offsets(ident: int, tid: int) -> set[int]:
    raw = _peek(ident, 1024) or b""
    return {i for i in range(0, len(raw) - 3, 4) if int.from_bytes(raw[i:i + 4], sys.byteorder) == tid}


def _calibrate() -> int | None:
    """Where the C library keeps a thread's kernel id in the struct an ident points to (glibc and musl: the
    ident is that struct's address): the offset found there for this thread and for a fresh one."""
    here = _tid_offsets(threading.get_ident(), threading.get_native_id())
    fresh: list[set[int]] = []
    probe = threading.Thread(target=lambda: fresh.append(_tid_offsets(threading.get_ident(),
                                                                      threading.get_native_id())))
    probe.start()
    probe.join()
    both = sorted(here & (fresh[0] if fresh else set()))
    return both[0] if both else None


def _peek_tid(ident: int) -> int | None:
    if _TID_AT[0] is None:
        return None
    raw = _peek(ident + _TID_AT[0], 4)
    return int.from_bytes(raw, sys.byteorder) if raw and len(raw) == 4 else None   # 0: the thread ended


# taken when the gate is imported: a program may rebind the modules' names, not these
_OPEN, _PREAD, _SEEK, _READ, _CLOSE, _GETPID = os.open, os.pread, os.lseek, os.read, os.close, os.getpid
_MEMORY: list[int] = []   # this process's pid and its /proc/self/mem
_TID_AT: list[int | None] = [_calibrate() if sys.platform == "linux" else None]


def _c_function(name: str, *argtypes: Any) -> Any:
    fn = getattr(_PYTHON, name)
    fn.argtypes, fn.restype = list(argtypes), ctypes.c_void_p
    return fn


# Loaded when the gate is imported, before any program: gate.side_effects refuses native code while one
# runs, except these calls (reading the lists), known by address; the functions below are taken then too.
_PYTHON = ctypes.PyDLL(None)   # keeps the GIL; not `ctypes.pythonapi`, whose types stay as others set them
_HEAD = _c_function("PyInterpreterState_Head")
_NEXT = _c_function("PyInterpreterState_Next", ctypes.c_void_p)
_CURRENT = _c_function("PyInterpreterState_Get")
_THREADS = _c_function("PyInterpreterState_ThreadHead", ctypes.c_void_p)
_NEXT_THREAD = _c_function("PyThreadState_Next", ctypes.c_void_p)
NATIVE_CALLS = frozenset(ctypes.cast(f, ctypes.c_void_p).value
                         for f in (_HEAD, _NEXT, _CURRENT, _THREADS, _NEXT_THREAD))
_DUMP, _MEMFD = faulthandler.dump_traceback, getattr(os, "memfd_create", None)   # Linux
_HEADER = re.compile(rb"^(?:Current thread|Thread) 0x([0-9a-f]+)", re.M)   # one per state; frames indented
_MORE = b"..."   # faulthandler lists 100 states, then this line


def _idents_here() -> list[int] | None:
    """The ident of each of this interpreter's thread states (an unborn one's: its starter's in 3.11, 0 from
    3.12), read by faulthandler in one C call under the GIL; None past the 100 it lists, or off Linux.
    Session 44: a walk in Python, one call per state, let the GIL go between calls, so a thread ending
    meanwhile freed the state the walk stood on (a segfault, or a count cut short); and states counted
    apart from the idents they were compared with could miss one thread ending as another began."""
    if _MEMFD is None:
        return None
    fd = _MEMFD("gate-thread-states", os.MFD_CLOEXEC)   # never full, so the dump is never cut short
    try:
        _DUMP(fd, all_threads=True)
        _SEEK(fd, 0, os.SEEK_SET)
        dumped = bytearray()
        while chunk := _READ(fd, 1 << 16):
            dumped += chunk
    finally:
        _CLOSE(fd)
    return None if _MORE in dumped.splitlines() else [int(i, 16) for i in _HEADER.findall(dumped)]


def _walked(here: bool) -> int:
    """Thread states of this interpreter, or of the others (a program's subinterpreter, which
    gate.side_effects refuses), walked state by state: one whose thread ends meanwhile is the risk left."""
    held, current, interp = 0, _CURRENT(), _HEAD()
    while interp:
        tstate = _THREADS(interp) if (interp == current) == here else None
        while tstate:
            held, tstate = held + 1, _NEXT_THREAD(tstate)
        interp = _NEXT(interp)
    return held


def unborn() -> int:
    """Thread states whose thread has not begun running: how many more states there are than distinct
    idents of their own, and (round 47) those under the ident of a thread the kernel ended (a state is
    deleted before its thread ends, so one left there is a thread its starter began and outlived). One
    snapshot when this interpreter is all there is; with another interpreter, or past faulthandler's list,
    the list walked against `sys._current_exceptions` (as before session 44)."""
    idents, elsewhere = _idents_here(), _walked(here=False)
    if idents is not None and not elsewhere:   # round 47: a starter that ended leaves its ident, unrun
        gone = sum(1 for i in set(idents) - {0} if not _peek_tid(i)) if _TID_AT[0] is not None else 0
        return len(idents) - len(set(idents) - {0}) + gone
    held = (len(idents) if idents is not None else _walked(here=True)) + elsewhere
    return max(held - len(set(sys._current_exceptions()) - {0}), 0)


def interpreters() -> int:
    """How many interpreters the process runs (round 40: a subinterpreter the program left has its own
    audit hooks, so nothing it reads or writes is seen)."""
    count, interp = 0, _HEAD()
    while interp:
        count, interp = count + 1, _NEXT(interp)
    return count
