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

Round 49: the child tells through a datagram socket, so that publishing (gate.publish) can hand the
parent `<out>/.gate.lock`'s descriptor with what it published (`hand_over`); once the child ended, the
parent ends what the child left running (it is their reaper: a pack's process forked at exit, out of the
gate's session, waiting for the lock to be let go), checks the published set under that lock
(gate.published) and then lets it go.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

_TELL: list[int] = []   # in the child: the socket the parent reads
_MAX = 64
PUBLISHED = b"published"   # a datagram handing over a published set's lock (gate.published)


def stand() -> None:
    """Fork; return in the child (which runs the gate), never in the parent. Off POSIX, nothing."""
    if not hasattr(os, "fork") or sys.platform == "win32":
        return
    from gate.procs import adopt_orphans

    adopt_orphans()   # round 49: what the gate's process leaves running comes here once it ended
    inherited = signal.signal(signal.SIGCHLD, signal.SIG_DFL)   # ignored: the kernel would reap the child
    pair = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    read, write = (_above_standard(end.detach()) for end in pair)   # a closed stdio stays closed (round 24)
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError as exc:   # a process limit: said as the gate says it (rounds 26-27), nothing ran
        from gate.errors import limit_line

        say(f"gate: error: {limit_line('the gate', exc)}\n")
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


def say(line: str) -> None:
    with contextlib.suppress(OSError):   # stderr closed or broken: the status still says it
        os.write(2, line.encode("utf-8", "replace"))


def _child(parent: int, write: int) -> None:
    from gate.procs import tie_to

    tie_to(parent)()   # the parent killed outright (SIGKILL): the child, and its tree, end with it
    os.setpgid(0, 0)
    os.set_blocking(write, False)   # a socket code in the child filled makes a tell fail, never hang
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
        with contextlib.suppress(OSError):   # unsaid: the parent fails a status of 0 or 1
            os.write(fd, f"{code}\n".encode())
        os.close(fd)


def hand_over(lock: int, out: Path, run: str, index_sha: str, envelope_sha: str) -> bool:
    """In the child, publishing under `lock` (`<out>/.gate.lock`): hand the parent a copy of the lock and
    what run `run` is about to publish (run.json's and its signature's SHA-256, "" unsigned). True when
    handed: the lock is then the parent's to let go. Embedded (no sentinel): False."""
    if not _TELL:
        return False
    told = (os.fsencode(out), run.encode(), index_sha.encode(), envelope_sha.encode())
    message = b"\0".join([PUBLISHED, *told])
    try:
        end = socket.socket(fileno=_TELL[0])
        try:
            socket.send_fds(end, [message], [lock])
        finally:
            end.detach()
    except OSError as exc:
        from gate.errors import GateError

        raise GateError(f"{out}: the published set could not be handed to the gate's parent process "
                        f"({exc.strerror or exc}): nothing published vouches for the run") from None
    return True


def _wait(pid: int, read: int) -> int:
    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    _, status = os.waitpid(pid, 0)
    from gate.procs import end_adopted

    end_adopted()   # round 49: nothing the gate's process left running outlives the check (a pack's daemon)
    said, handed = _messages(read)
    code = verdict(said, status)
    if handed:   # round 49: the sets it published, checked under their locks (no pack's code here)
        from gate.published import settle

        code = settle(code, handed, say)
    return code


def _messages(read: int) -> tuple[bytes, list[tuple[bytes, int]]]:
    """What the child said (its status) and the published sets it handed over, each with its lock."""
    end = socket.socket(fileno=read)
    end.setblocking(False)
    said, handed = b"", []
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(end, 4096, 1)
        except OSError:
            return said[:_MAX], handed
        if not message and not fds:
            return said[:_MAX], handed
        if message.startswith(PUBLISHED + b"\0") and len(fds) == 1:
            handed.append((message, fds[0]))
            continue
        for fd in fds:
            os.close(fd)
        said += message


def verdict(said: bytes, status: int) -> int:
    """The gate's exit status from what the child said and how it ended (a `waitpid` status)."""
    code = os.waitstatus_to_exitcode(status)
    if said == f"{code}\n".encode():
        return code
    if code >= 2:
        return code
    why = f"was killed by signal {-code}" if code < 0 else f"ended with exit {code}"
    told = f" (it said {said[:16]!r})" if said else ""
    say(f"gate: error: the gate's process {why} without having said so{told}: code in it (a pack's) "
         "ended it before the gate chose its exit status: the run fails\n")
    return 2
