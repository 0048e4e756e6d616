"""The gate's exit status, said by a process no pack's code runs in (round 48).

Packs run in the gate's process, and code there can end it however it likes: libc's `_exit` through a
function pointer computed from another symbol's address, machine code of its own in an executable
`mmap`, a signal handler raising SystemExit in the main thread. No audit hook hears all of these (ctypes
raises no event for a call through a pointer it was given). So `stand`, called by gate.cli first thing in
the gate's own process, forks: the child runs the gate; the parent runs nothing else and exits with the
child's status only where the child said that status itself (`tell`, gate.cli, once the command returned
its code and the gate's own clean-up is done). A child that ended 0 or 1 without saying so, or with
another status than it said, was ended by code in it, not by the gate: exit 2, naming the status. A
status the child did not say that is 2 or more stays (a failure either way); killed by a signal, 2.

SIGINT and SIGTERM reach the child through the parent (which also asks the kernel to kill the child with
it, `PR_SET_PDEATHSIG`); the child leads a process group of its own, so a signal to the parent's group is
forwarded once. The descriptor the child tells through is closed in every process it forks (a recording
worker's program, an evaluation worker). Not closed: code in the gate's process that writes the verdict
itself into that descriptor (found in /proc/self/fd) before ending the process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

_TELL: list[int] = []   # in the child: the descriptor the parent reads
_MAX = 64


def stand() -> None:
    """Fork; return in the child (which runs the gate), never in the parent. Off POSIX, nothing."""
    if not hasattr(os, "fork") or sys.platform == "win32":
        return
    inherited = signal.signal(signal.SIGCHLD, signal.SIG_DFL)   # ignored: the kernel would reap the child
    read, write = (_above_standard(fd) for fd in os.pipe())   # a closed stdio stays closed (round 24)
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError as exc:   # a process limit: said as the gate says it (rounds 26-27), nothing ran
        from gate.errors import limit_line

        _say(f"gate: error: {limit_line('the gate', exc)}\n")
        os._exit(2)
    if pid == 0:
        os.close(read)
        signal.signal(signal.SIGCHLD, inherited)   # as exec handed it (gate.inherited decides)
        _child(parent, write)
        return
    os.close(write)
    os._exit(_wait(pid, read))


def _above_standard(fd: int) -> int:
    if fd > 2:
        return fd
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return moved


def _say(line: str) -> None:
    with contextlib.suppress(OSError):   # stderr closed or broken: the status still says it
        os.write(2, line.encode("utf-8", "replace"))


def _child(parent: int, write: int) -> None:
    from gate.procs import tie_to

    tie_to(parent)()   # the parent killed outright (SIGKILL): the child, and its tree, end with it
    os.setpgid(0, 0)
    _TELL[:] = [write]
    os.register_at_fork(after_in_child=_forget)


def _forget() -> None:
    if _TELL:
        with contextlib.suppress(OSError):
            os.close(_TELL.pop())


def tell(code: int) -> None:
    """In the child, once: the exit status the gate chose (gate.cli, the command's last step)."""
    if _TELL:
        fd = _TELL.pop()
        os.write(fd, f"{code}\n".encode())
        os.close(fd)


def _wait(pid: int, read: int) -> int:
    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    _, status = os.waitpid(pid, 0)
    os.set_blocking(read, False)
    try:
        said = os.read(read, _MAX)
    except OSError:
        said = b""
    return verdict(said, status)


def verdict(said: bytes, status: int) -> int:
    """The gate's exit status from what the child said and how it ended (a `waitpid` status)."""
    code = os.waitstatus_to_exitcode(status)
    if said == f"{code}\n".encode():
        return code
    if code >= 2:
        return code
    why = f"was killed by signal {-code}" if code < 0 else f"ended with exit {code}"
    told = f" (it said {said[:16]!r})" if said else ""
    _say(f"gate: error: the gate's process {why} without having said so{told}: code in it (a pack's) "
         "ended it before the gate chose its exit status: the run fails\n")
    return 2
