"""Stdout is the report's: while the gate runs, whatever else writes to file descriptor 1 — a policy pack
printing at import or from a policy, a child process it starts — goes to stderr instead, a line at a time,
each line marked as not the gate's and `printable` (round 21).

CI parses `--format json`/`sarif` from stdout; a pack's `print` of a clean report before the gate's own
would be read first (or make the document unparsable). `claim` points fd 1 at a pipe whose lines a thread
writes to stderr; `release` points it back just before the report is written. Round 21: the lines went to
stderr as they were, so a pack printing a resource name or a config value (a debugging print) put the
program's escape sequences, workflow commands (`::error::`), a line reading `gate: allowed` or bytes that
are no UTF-8 into the CI log.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from gate.errors import LIMIT, GateError
from gate.report_parts import printable

PREFIX = "gate: output: "   # what fd 1 carried while the gate ran: never the gate's own word
_LINE = 1 << 16             # a longer line is cut into lines of this many bytes
_saved: list[int] = []
_relays: list[threading.Thread] = []
_unclaimed: list[str] = []    # why the relay could not start (round 25: a thread limit), for `claimed`


def claim() -> None:
    """fd 1 -> a pipe relayed to stderr, keeping the real stdout aside (only when stdout is the process's
    own fd 1: an embedding caller's captured stdout is left alone)."""
    if _saved or sys.stdout is not sys.__stdout__:
        return
    try:
        if sys.stdout.fileno() != 1:
            return
        sys.stdout.flush()
        read, write = os.pipe()
        _saved.append(os.dup(1))
        os.dup2(write, 1)
        os.close(write)
    except (OSError, ValueError, AttributeError):
        return
    relay = threading.Thread(target=_relay, args=(read,), name="gate-stdout-relay", daemon=True)
    try:
        relay.start()
    except RuntimeError as exc:   # `can't start new thread`: fd 1 back as it was, the command refuses
        os.dup2(_saved[0], 1)
        os.close(_saved.pop())
        os.close(read)
        _unclaimed.append(str(exc))
        return
    _relays.append(relay)


def claimed() -> None:
    """GateError when `claim` could not start its relay: a pack's print would then land in the report.
    Raised by the command (after its arguments are read), so an exit 2 withdraws as any other does."""
    if _unclaimed:
        raise GateError(f"stdout: cannot start the thread that keeps it the report's: {_unclaimed.pop()} "
                        f"({LIMIT})")


def _relay(read: int) -> None:
    """Each line read from the pipe, decoded (bytes that are no UTF-8 replaced), `printable` and marked."""
    with os.fdopen(read, "rb") as pipe:
        while line := pipe.readline(_LINE):
            text = line.removesuffix(b"\n").decode("utf-8", "replace")
            data = f"{PREFIX}{printable(text)}\n".encode()
            with contextlib.suppress(OSError):
                while data:
                    data = data[os.write(2, data):]


def release() -> None:
    """The real stdout back on fd 1 (idempotent): what is written from now on is the report. The relay
    ends when the last writer closes the pipe (a child that keeps it is not waited for long)."""
    if not _saved:
        return
    fd = _saved.pop()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os.dup2(fd, 1)
    os.close(fd)
    while _relays:
        _relays.pop().join(timeout=0.5)
