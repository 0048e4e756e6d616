"""Stdout is the report's: while the gate runs, whatever else writes to file descriptor 1 — a policy pack
printing at import or from a policy, a child process it starts — goes to stderr instead.

CI parses `--format json`/`sarif` from stdout; a pack's `print` of a clean report before the gate's own
would be read first (or make the document unparsable). `claim` points fd 1 at stderr when the gate
starts; `release` points it back just before the report is written.
"""

from __future__ import annotations

import contextlib
import os
import sys

_saved: list[int] = []


def claim() -> None:
    """fd 1 -> stderr, keeping the real stdout aside (only when stdout is the process's own fd 1: an
    embedding caller's captured stdout is left alone)."""
    if _saved or sys.stdout is not sys.__stdout__:
        return
    try:
        if sys.stdout.fileno() != 1:
            return
        sys.stdout.flush()
        _saved.append(os.dup(1))
        os.dup2(2, 1)
    except (OSError, ValueError, AttributeError):
        return


def release() -> None:
    """The real stdout back on fd 1 (idempotent): what is written from now on is the report."""
    if not _saved:
        return
    fd = _saved.pop()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os.dup2(fd, 1)
    os.close(fd)
