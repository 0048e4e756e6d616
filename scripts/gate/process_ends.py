"""What would end or replace the gate's own process from code it runs in it: refused there (round 47).

Packs run in the gate's process. `os._exit` is refused there from the packs' start to the gate's end
(gate.deadlines, sessions 43-44), but a pack's thread, woken once the evaluation is over, ended the gate
with exit 0 and no report through libc's `_exit` loaded with ctypes (`ctypes.CDLL(None)._exit(0)`), or
replaced it with `/bin/true` (`os.execv`): CI reads a pass. In the gate's own process (`keep_refusing`,
called by gate.cli before anything runs; a process it forks is not) an audit hook now refuses every
`os.exec*` and a ctypes look-up of a C function that ends, replaces or signals a process or raises in
another thread (`_ENDS`), whoever asks: the call raises PermissionError, the gate says so on stderr at
once, and a run that would have exited 0 or 1 exits 2 (`tried`). The gate's own ctypes look-ups here
(`prctl`, `malloc_trim`, the interpreter's thread list) are none of these. Not covered: a function
pointer computed from another symbol's address, and pack code editing the gate's modules in its process.
"""

from __future__ import annotations

import os
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
_EVENTS = ("os.exec", "ctypes.dlsym", "ctypes.dlsym/handle")
_OWNER: list[int] = []     # the gate's own process, once keep_refusing ran there
_TRIED: list[str] = []


def _what(event: str, args: tuple[Any, ...]) -> str | None:
    if event == "os.exec":
        return f"replace the gate's process with {str(args[0] if args else '?')[:80]} (os.exec*)"
    name = args[1] if len(args) > 1 else None
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return f"look up libc's or the interpreter's {name} through ctypes" if name in _ENDS else None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event not in _EVENTS or os.getpid() not in _OWNER:
        return
    what = _what(event, args)
    if what is None:
        return
    _TRIED.append(what)
    os.write(2, f"gate: error: code in the gate's process (a pack's) tries to {what}, which would end or "
                "replace the gate's process: refused\n".encode("utf-8", "replace"))
    raise PermissionError(f"the gate does not let code in its process {what}")


def keep_refusing() -> None:
    """For the gate's own process (gate.cli, its console script): from now on, in this process only."""
    if not _OWNER:
        sys.addaudithook(_hook)
    _OWNER[:] = [os.getpid()]


def tried() -> list[str]:
    """What was refused in this process so far."""
    return list(_TRIED)
