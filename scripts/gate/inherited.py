"""The process state a command inherits through exec, made its own before anything runs (round 24).

A CI runner, a shell or a parent hands a process more than its environment (round 20): a signal mask,
signals set to be ignored, standard descriptors it closed, a umask. Each reached a verdict or the gate's
word: SIGCHLD ignored let the kernel reap the recording zygote's workers, so every run failed as "the
zygote ended while a worker ran"; SIGUSR2 blocked left the policy watchdog unheard (a stuck policy ended
the run as an internal error instead of its violation); a closed stdout made `sys.stdout` None (exit 3),
and a closed descriptor is the number the next `open` or `pipe` gets, so a child's stdio would land in
whatever file the gate opened next; umask 0o000 published verdicts, caches and checkov's views others
could rewrite, 0o777 files their owner could not read back.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

_STREAMS = ((0, "stdin", os.O_RDONLY), (1, "stdout", os.O_WRONLY), (2, "stderr", os.O_WRONLY))
# What a umask may keep from others and the group; the owner always reads and writes what it makes
_UMASK_CLEARS = 0o077
_UMASK_KEEPS = 0o022


@contextlib.contextmanager
def owned() -> Iterator[None]:
    """Standard descriptors open, no signal blocked, SIGCHLD's default disposition, a umask that lets no
    one else write and the owner read — for the command's duration (an embedding caller gets its
    disposition and umask back; the mask is left clear, as a new interpreter has it)."""
    _standard_descriptors()
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    umask = os.umask(0o077)
    os.umask((umask & _UMASK_CLEARS) | _UMASK_KEEPS)
    child = _default(signal.SIGCHLD)
    try:
        yield
    finally:
        os.umask(umask)
        if child is not None:
            signal.signal(signal.SIGCHLD, child)


def _default(sig: signal.Signals) -> signal.Handlers | None:
    """SIG_DFL for an ignored `sig` (only the main thread may set it); the disposition it replaced."""
    with contextlib.suppress(ValueError):
        if signal.getsignal(sig) == signal.SIG_IGN:
            return signal.signal(sig, signal.SIG_DFL)
    return None


def _standard_descriptors() -> None:
    """/dev/null on a standard descriptor that is closed (and a stream for it when Python made none)."""
    for fd, name, mode in _STREAMS:
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        null = os.open(os.devnull, mode)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        if getattr(sys, name) is None:
            stream = open(fd, "r" if fd == 0 else "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            setattr(sys, name, stream)
            setattr(sys, f"__{name}__", stream)


def unnamed_place() -> str:
    """Where an OSError that names no file happened, when it can be told: a working directory deleted
    under the command (a relative path resolves nowhere; `os.getcwd` fails) — else nothing."""
    try:
        os.getcwd()
    except OSError:
        return "the working directory no longer exists (give absolute paths): "
    return ""
