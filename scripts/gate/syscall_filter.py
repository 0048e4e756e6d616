"""A recording worker may not start a process at all: a seccomp filter, installed before the program runs.

Round 7 (docs/gate-red-team.md): the audit hook refuses every process start the interpreter announces, and
one started past every seam (a re-imported `_posixsubprocess`) was only noticed after it ran. In a forked
recording worker the kernel now ends the worker the moment anything in it forks (a `clone` that is not a
thread, `fork`, `vfork`) or executes (`execve`, `execveat`): the process never starts, and the gate names
the cause from the worker's SIGSYS (gate.runner). `clone3` answers ENOSYS, so threads are made with `clone`
(glibc falls back), whose flags the filter can read. Linux on x86-64 and arm64; elsewhere (or when the
kernel refuses the filter) the detection after the fact (gate.side_effects) still fails the recording.
Not installed with GATE_UNSAFE_PROGRAM_SIDE_EFFECTS=1 (the engine's own process tests).
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal

KILLED = -signal.SIGSYS                      # the worker's exit code when the filter ended it
_ARCH = {                                    # AUDIT_ARCH, kill (fork-like, exec), clone, clone3, seccomp()
    "x86_64": (0xC000003E, (57, 58, 59, 322), 56, 435, 317),
    "aarch64": (0xC00000B7, (221, 281), 220, 435, 277),
}
_CLONE_THREAD = 0x00010000
_ALLOW, _KILL, _ENOSYS = 0x7FFF0000, 0x80000000, 0x00050000 | 38


def _program(arch: int, kill: tuple[int, ...], clone: int, clone3: int) -> list[tuple[int, int, int, int]]:
    """Classic BPF over seccomp_data (nr at 0, arch at 4, args[0] at 16); the three returns come last."""
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    body = [("ld", 4), ("jeq", arch, None, "kill"), ("ld", 0), ("jge", 0x40000000, "kill", None),
            *[("jeq", nr, "kill", None) for nr in kill], ("jeq", clone3, "enosys", None),
            ("jeq", clone, None, "allow"), ("ld", 16), ("jset", _CLONE_THREAD, "allow", "kill")]
    labels = {"allow": len(body), "kill": len(body) + 1, "enosys": len(body) + 2}
    codes = {"ld": ld, "jeq": jeq, "jge": jge, "jset": jset}
    out = []
    for i, ins in enumerate(body):
        if ins[0] == "ld":
            out.append((ld, 0, 0, ins[1]))
            continue
        jt, jf = (0 if t is None else labels[t] - i - 1 for t in ins[2:])
        out.append((codes[ins[0]], jt, jf, ins[1]))
    return [*out, (ret, 0, 0, _ALLOW), (ret, 0, 0, _KILL), (ret, 0, 0, _ENOSYS)]


def install() -> bool:
    """Install the filter on every thread of this process; False when it could not be (see the docstring)."""
    from gate.side_effects import UNSAFE

    spec = _ARCH.get(platform.machine())
    if os.environ.get(UNSAFE) == "1" or spec is None or not hasattr(os, "fork"):
        return False
    arch, kill, clone, clone3, seccomp = spec
    with contextlib.suppress(Exception):
        import ctypes

        class Insn(ctypes.Structure):
            _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                        ("k", ctypes.c_uint)]

        class Prog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Insn))]

        insns = _program(arch, kill, clone, clone3)
        table = (Insn * len(insns))(*[Insn(*i) for i in insns])
        prog = Prog(len(insns), table)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(38, 1, 0, 0, 0) != 0:     # PR_SET_NO_NEW_PRIVS: required to install a filter
            return False
        # seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC): every thread, not only this one
        return libc.syscall(seccomp, 1, 1, ctypes.byref(prog)) == 0
    return False
