"""What would end or replace the gate's own process from code it runs in it: refused there (rounds 47-48).

Packs run in the gate's process. `os._exit` is refused there from the packs' start to the gate's end
(gate.deadlines, sessions 43-44), but a pack's thread, woken once the evaluation is over, ended the gate
with exit 0 and no report through libc's `_exit` loaded with ctypes (`ctypes.CDLL(None)._exit(0)`), or
replaced it with `/bin/true` (`os.execv`): CI reads a pass. In the gate's own process (`keep_refusing`,
called by gate.cli before anything runs; a process it forks is not) an audit hook now refuses every
`os.exec*` and a ctypes look-up of a C function that ends, replaces or signals a process or raises in
another thread, whoever asks: the call raises PermissionError, the gate says so on stderr at once, and a
run that would have exited 0 or 1 exits 2 (`tried`). The gate's own ctypes look-ups here (`prctl`,
`malloc_trim`, the interpreter's thread list) are none of these.

Round 48: the names were a list (`Py_ExitStatusException` was not on it) and the hook read its owner from
a module list a pack emptied (`_OWNER.clear()`); a pack also called `_exit` by an address computed from
`getpid`'s, and machine code of its own in an executable `mmap`. Now the installed hook holds what it
decides by in its closure (the owner's pid, `getpid`, the patterns), a name is judged by what it says
(`_ENDING`: exit, abort, kill, exec, spawn, fork, …), and every ctypes call in the gate's process
(`ctypes.call_function`) is judged by where it lands: the start of a symbol the dynamic linker names
(`dladdr`), not an ending one, or one of ctypes' own helpers; code at no symbol's start is refused. cffi's
Python package may not be imported there (its calls raise no audit event). Edits of the gate's modules
and classes from a pack: gate.gate_seal.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

_ENDS = frozenset({
    "_exit", "_Exit", "exit", "quick_exit", "abort", "syscall", "kill", "killpg", "raise", "tgkill",
    "tkill", "pthread_kill", "sigqueue", "pthread_sigqueue", "execv", "execve", "execvp", "execvpe",
    "execl", "execle", "execlp", "execveat", "fexecve", "system", "popen", "posix_spawn", "posix_spawnp",
    "fork", "vfork", "_Fork", "clone", "clone3", "Py_Exit", "Py_Finalize", "Py_FinalizeEx", "Py_FatalError",
    "PyThreadState_SetAsyncExc", "PyErr_SetInterrupt", "PyErr_SetInterruptEx", "Py_AddPendingCall",
    "_PyErr_SetInterruptEx",
})
# What a C function's name says it does (round 48: a list missed Py_ExitStatusException, Py_RunMain, …).
_ENDING = re.compile(r"exit|abort|kill|exec|spawn|fork|clone|system|fatal|finali[sz]e|interrupt|asyncexc|"
                     r"pendingcall|syscall|sigqueue|popen|^Py_(Bytes|Run)?Main$|^raise$|^_?longjmp|^siglongjmp",
                     re.IGNORECASE)
_EVENTS = ("os.exec", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function", "import")
_OWNER: list[int] = []     # the gate's own process, once keep_refusing ran there
_TRIED: list[str] = []


def ends(name: object) -> bool:
    """Whether a C function of this name ends, replaces or signals a process (by the list or its name)."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return isinstance(name, str) and (name in _ENDS or _ENDING.search(name) is not None)


def _what(event: str, args: tuple[Any, ...], landing: Any = None) -> str | None:
    if event == "os.exec":
        return f"replace the gate's process with {str(args[0] if args else '?')[:80]} (os.exec*)"
    if event == "import":
        name = str(args[0]) if args else ""
        return ("import cffi, whose native calls the gate cannot hear" if name.split(".")[0] == "cffi"
                else None)
    if event == "ctypes.call_function":
        where = landing(args[0]) if landing is not None and args else None
        return None if where is None else f"call native code at {where} through ctypes"
    name = args[1] if len(args) > 1 else None
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return f"look up libc's or the interpreter's {name} through ctypes" if ends(name) else None


def _refuse(what: str, tried: list[str], write: Any) -> None:
    tried.append(what)
    write(2, f"gate: error: code in the gate's process (a pack's) tries to {what}, which would end or "
             "replace the gate's process: refused\n".encode("utf-8", "replace"))
    raise PermissionError(f"the gate does not let code in its process {what}")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    """The round-47 hook over the module's state (tests call it); the installed one is `_holding`'s."""
    if event not in _EVENTS or os.getpid() not in _OWNER:
        return
    what = _what(event, args)
    if what is not None:
        _refuse(what, _TRIED, os.write)


def _holding(owner: int, landing: Any) -> Any:
    """The installed hook: what it decides by is bound here, out of reach of the module's names."""
    getpid, write, events = os.getpid, os.write, frozenset(_EVENTS)
    what_of, refuse, tried = _what, _refuse, _TRIED

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in events or getpid() != owner:
            return
        what = what_of(event, args, landing)
        if what is not None:
            refuse(what, tried, write)
    return hook


def keep_refusing() -> None:
    """For the gate's own process (gate.cli, its console script): from now on, in this process only."""
    if not _OWNER:
        from gate.native_calls import landing

        sys.addaudithook(_holding(os.getpid(), landing(ends)))
    _OWNER[:] = [os.getpid()]


def tried() -> list[str]:
    """What was refused in this process so far."""
    return list(_TRIED)
