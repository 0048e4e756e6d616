"""Which threads the interpreter runs, told apart by what a program cannot forge (gate.deferred's view).

`sys._current_exceptions` keys every thread state by the ident its thread sets once the thread runs; a
thread `_thread.start_new_thread` returned but the kernel has not yet scheduled is under its starter's
ident there (3.11; 0 from 3.12), so in no list at all. Session 37: a loaded CI worker ended a recording in
that moment and the program's raw thread went unseen; such a thread is counted on CPython's own list of
thread states (public C API) and waited for.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import time
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
    the same start. The id is read from the C library's CPU clock of the thread, `~tid << 3 | 6` in glibc
    and musl. None where neither is known (not Linux; a thread that ended meanwhile)."""
    try:
        tid = ~(time.pthread_getcpuclockid(ident) >> 3)
        with open(f"/proc/self/task/{tid}/stat", "rb") as stat:
            return tid, int(stat.read().rsplit(b")", 1)[1].split()[19])
    except (AttributeError, OSError, ValueError, IndexError):
        return None


def _c_function(name: str, *argtypes: Any) -> Any:
    fn = getattr(_PYTHON, name)
    fn.argtypes, fn.restype = list(argtypes), ctypes.c_void_p
    return fn


# Loaded when the gate is imported, before any program: gate.side_effects refuses native code while one
# runs, except these calls (reading the lists), known by address.
_PYTHON = ctypes.PyDLL(None)   # keeps the GIL; not `ctypes.pythonapi`, whose types stay as others set them
_HEAD = _c_function("PyInterpreterState_Head")
_NEXT = _c_function("PyInterpreterState_Next", ctypes.c_void_p)
_THREADS = _c_function("PyInterpreterState_ThreadHead", ctypes.c_void_p)
_NEXT_THREAD = _c_function("PyThreadState_Next", ctypes.c_void_p)
NATIVE_CALLS = frozenset(ctypes.cast(f, ctypes.c_void_p).value
                         for f in (_HEAD, _NEXT, _THREADS, _NEXT_THREAD))


def unborn() -> int:
    """Thread states whose thread has not begun running: how many more CPython lists (every interpreter's
    `PyThreadState` chain, walked holding the GIL, under which states are made and dropped) than
    `sys._current_exceptions` shows under a distinct ident of its own."""
    held, interp = 0, _HEAD()
    while interp:
        tstate = _THREADS(interp)
        while tstate:
            held, tstate = held + 1, _NEXT_THREAD(tstate)
        interp = _NEXT(interp)
    return held - len(set(sys._current_exceptions()) - {0})


def interpreters() -> int:
    """How many interpreters the process runs (round 40: a subinterpreter the program left has its own
    audit hooks, so nothing it reads or writes is seen)."""
    count, interp = 0, _HEAD()
    while interp:
        count, interp = count + 1, _NEXT(interp)
    return count
