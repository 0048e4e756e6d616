"""The kernel refuses a recording worker's writes outside its program's directory and its own (round 44).

The watch (gate.side_effects) hears the program's interpreter, and a program reaches past it: a `posix`
module made anew from its spec has the real `mkfifo`/`mknod` and raises no event (round 43), and the watch
is Python objects the program can edit. Landlock (Linux 5.13+) lets a process give up rights for good: once
installed, no code of the worker, the program's or C code's, can create, write, truncate, rename, link or
remove a file outside the allowed trees, and the process cannot lift it (nor can its threads made after).

What a worker legitimately writes, listed from gate._zygote, gate._worker, gate.relay and gate.relay_result:
the files of its program's directory (its own `build/`; the watch still refuses the protected ones there),
its own temporary directory (stdout, stderr, `result.json.tmp`, the recorder process's result) and
`/dev/null`. Reads, process starts (gate.syscall_filter), the network, modes, owners and times are not this
fence's (Landlock does not cover `chmod`, `chown`, `utime`; the watch refuses them outside the directory).

Needs Landlock ABI 3 (Linux 6.2: truncation; ABI 2 for renames between directories); without it, or off
Linux, `install` returns why, the worker says so in its result and the gate warns once per run: the watch
alone then refuses such writes. Not installed with GATE_UNSAFE_PROGRAM_SIDE_EFFECTS=1, like the filter.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import Any

_CREATE, _ADD_RULE, _RESTRICT = 444, 445, 446   # the same numbers on x86-64 and arm64 (generic table)
_PATH_BENEATH = 1
# WRITE_FILE, REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK,
# MAKE_SYM (ABI 1), REFER (ABI 2), TRUNCATE (ABI 3); EXECUTE and the reads stay unhandled (allowed)
_WRITES = sum(1 << b for b in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))
_FILE_RIGHTS = (1 << 1) | (1 << 14)             # what a rule on a single file (not a directory) may grant
NEEDED_ABI = 3
_FENCED = [False]   # installed in this process: a program's EACCES may be the fence's (only a message's word)


def abi() -> int:
    """The kernel's Landlock ABI version; 0 without Landlock (or off Linux)."""
    if sys.platform != "linux":
        return 0
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        return max(0, int(libc.syscall(_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))))
    return 0


def install(trees: list[str]) -> str:
    """Allow writes only beneath `trees` (and to /dev/null) for the rest of this process; "" when
    installed, else why not (a sentence for the gate's warning)."""
    from gate.side_effects import UNSAFE

    if os.environ.get(UNSAFE) == "1":
        return ""
    version = abi()
    if version < NEEDED_ABI:
        return (f"the kernel offers Landlock ABI {version}, the gate's write fence needs {NEEDED_ABI} "
                "(Linux 6.2)" if version else "the kernel offers no Landlock (Linux 6.2 with it enabled)")
    import ctypes

    class Ruleset(ctypes.Structure):
        _fields_ = [("handled_access_fs", ctypes.c_uint64)]

    class Beneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    attr = Ruleset(_WRITES)
    size = ctypes.c_size_t(ctypes.sizeof(attr))
    ruleset = libc.syscall(_CREATE, ctypes.byref(attr), size, ctypes.c_uint32(0))
    if ruleset < 0:
        return f"Landlock refused a ruleset ({os.strerror(ctypes.get_errno())})"
    try:
        for path, rights in [*((t, _WRITES) for t in trees), (os.devnull, _FILE_RIGHTS)]:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = Beneath(rights, fd)
                if libc.syscall(_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_PATH_BENEATH),
                                ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    return f"Landlock refused the rule for {path} ({os.strerror(ctypes.get_errno())})"
            finally:
                os.close(fd)
        if libc.prctl(38, 1, 0, 0, 0) != 0:     # PR_SET_NO_NEW_PRIVS (set already with the filter)
            return "the kernel refused no_new_privs, which Landlock needs"
        if libc.syscall(_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return f"Landlock refused to restrict the worker ({os.strerror(ctypes.get_errno())})"
    finally:
        os.close(ruleset)
    _FENCED[0] = True
    return ""


def hint(exc: BaseException) -> str:
    """What to add to a program's failure that may be the fence's refusal (EACCES on a write outside)."""
    if not (_FENCED[0] and isinstance(exc, PermissionError) and exc.errno == errno.EACCES):
        return ""
    return (" (if it was a write: the kernel's write fence refuses a recording's writes outside its "
            "program's directory, however they are made; write in the program's directory)")


_WARNED: set[str] = set()


def warn_unfenced(why: Any) -> None:
    """The gate's warning, once per run and reason, for a worker the kernel could not fence."""
    if isinstance(why, str) and why and why not in _WARNED:
        _WARNED.add(why)
        print(f"gate: warning: {why}: a recording's writes outside its program's directory are refused "
              "by the watch in its own process only (docs/gate.md, round 44)", file=sys.stderr)
