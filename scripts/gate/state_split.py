"""A large checkpoint read by two processes at once: the gate reads the first half of
`deployment.resources`, a forked child the second; the child's resources come back as plain data.

Reading is the largest serial part of `gate analyze` on a large state (the standard library's decoder and
the compaction walk of gate.state_load, ~4 s for 100k resources), and the machine's other CPUs are idle
then. The file is cut where the text says one resource ends and the next begins (`}, {"urn":`, found
near the middle); whether the cut really is there is proven by the parse, not assumed: the gate's half
must end exactly after a whole resource of the top-level resource list (gate.state_load._Reader.join), and
the child's half must be a sequence of whole values closed by `]`. Anything else (a cut inside a nested
list, a child that fails, dies or finds anything gate.state_load would not read) makes the caller read the
whole file in one process as before, so the values and every error are those of the one-process reader.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from gate.parallel_eval import LimitReached, WorkerFailed, forked

SPLIT_MIN = 16 * 1024 * 1024      # bytes: below this, forking costs about what the half saves
_LOOK = 1 << 20                   # bytes read from the middle to find a cut
_CUT = re.compile(rb'\}[ \t\n\r]*,([ \t\n\r]*)\{[ \t\n\r]*"urn"[ \t\n\r]*:')


def cut_of(fh: BinaryIO, size: int) -> tuple[int, int] | None:
    """(end of the gate's half, start of the child's) in bytes, or None: read in one process (a small
    file, one CPU, no fork, GATE_EVAL_WORKERS=1, no cut found near the middle)."""
    if (size < SPLIT_MIN or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2
            or os.environ.get("GATE_EVAL_WORKERS", "") == "1"):
        return None
    middle = size // 2
    fh.seek(middle)
    found = _CUT.search(fh.read(_LOOK))
    fh.seek(0)
    return None if found is None else (middle + found.start() + 1, middle + found.end(1))


def _trim() -> None:
    """Give the C heap's free pages back (glibc): the child's result passed through ~50 MB of buffers that
    the interpreter's own allocator would not reuse, and they would stay in the gate's peak."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).malloc_trim(0)


class _Limited:
    """The first `limit` bytes of a file."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self.fh, self.left = fh, limit

    def read(self, n: int) -> bytes:
        data = self.fh.read(min(n, self.left)) if self.left > 0 else b""
        self.left -= len(data)
        return data


class _Prefixed:
    """`first`, then the rest of a file."""

    def __init__(self, first: bytes, fh: BinaryIO) -> None:
        self.first, self.fh = first, fh

    def read(self, n: int) -> bytes:
        first, self.first = self.first, b""
        return first + self.fh.read(max(n - len(first), 0)) if first else self.fh.read(n)


def read_split(fh: BinaryIO, path: Path, cut: tuple[int, int], reader: Callable[..., Any],
               fallback: type[Exception]) -> tuple[Any, list[bool]]:
    """The checkpoint and its per-resource limit flags (as gate.state_load._Reader gives them), read by
    this process and a forked child; `fallback` when the halves do not join as described above."""
    head_end, tail_start = cut

    def second_half() -> Any:          # runs in the child
        try:
            with open(path, "rb") as own:
                own.seek(tail_start)
                child = reader(_Prefixed(b"[", own))
                rest = child._resources()
                while child._more():   # what follows the list, for the gate's reader
                    pass
                return rest, child.compact.checked, "]" + child.buf[child.pos:]
        except Exception:              # any failure: the gate reads the file itself
            return None

    with contextlib.ExitStack() as children:
        try:
            collect = children.enter_context(forked([second_half]))
        except LimitReached:   # a refused fork: one process reads it (round 27: the state file was blamed)
            raise fallback from None

        def join() -> tuple[list[Any], list[bool], str]:
            try:
                (got,) = collect()
            except (WorkerFailed, LimitReached):
                raise fallback from None
            if got is None:
                raise fallback
            _trim()
            return got

        first = reader(_Limited(fh, head_end), join)
        state = first.document()
        if first.join is not None:     # never joined: the cut was not where a resource ends
            raise fallback
        return state, first.compact.checked
