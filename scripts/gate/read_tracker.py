"""What a run reads: files opened (imports and `open` alike, stats and listings in the recording worker)
and environment variables, noted by an audit hook from `ReadTracker.start()` on. The stack cache
(gate.stackcache) keys an entry by them; the recording worker, the zygote and the relay import only this.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate.read_probes import source_of


class ReadTracker:
    """Files opened for reading (an audit hook: imports and `open` alike, even of files that turn out
    missing) and environment variables read in this process, from `start()` on."""

    paths: set[str] = set()
    env: set[str] = set()
    states: set[str] = set()      # read for their stack outputs only (outputs_only)
    installed = False
    probing = False
    _local = threading.local()

    @classmethod
    def start(cls, probing: bool = False) -> None:
        """`probing` (the recording worker): stats and directory listings are noted too (gate.read_probes)."""
        if probing and not cls.probing:
            from gate.read_probes import install_stat_probes

            cls.probing = True
            install_stat_probes(cls._probe)
        if cls.installed:
            return
        sys.addaudithook(cls._hook)
        cls.installed = True
        environ_type = type(os.environ)
        getitem = environ_type.__getitem__

        def tracked(self: Any, key: str) -> Any:
            if self is os.environ:
                cls.env.add(key)
            return getitem(self, key)

        environ_type.__getitem__ = tracked   # type: ignore[method-assign]  # os.getenv/.get go through it

    @classmethod
    @contextlib.contextmanager
    def not_an_input(cls) -> Iterator[None]:
        """Reads of this thread that no stack depends on (the run seal hashing every file of the project
        while the stacks record: counted, they made each stack depend on every other stack's program)."""
        cls._local.quiet = True
        try:
            yield
        finally:
            cls._local.quiet = False

    @classmethod
    def quiet_here(cls) -> bool:
        """Whether this thread is in `not_an_input` (the gate's own read, gate.side_effects)."""
        return bool(getattr(cls._local, "quiet", False))

    @classmethod
    @contextlib.contextmanager
    def outputs_only(cls, path: Path) -> Iterator[None]:
        """The recorder reading a state for a StackReference: the stack depends on that state's outputs,
        not on its bytes (which hold when it was recorded). A program opening the file itself is still a
        read of the whole file."""
        try:
            with cls.not_an_input():
                yield
        finally:
            cls.states.add(os.path.abspath(path))

    @classmethod
    def _probe(cls, marked: str) -> None:
        if not getattr(cls._local, "quiet", False):
            cls.paths.add(marked)

    @classmethod
    def _hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.probing and event in ("os.listdir", "os.scandir") and args:
            from gate.read_probes import LISTING, mark

            marked = mark(LISTING, args[0])
            if marked is not None:
                cls._probe(marked)
            return
        if event not in ("open", "import") or not args or getattr(cls._local, "quiet", False):
            return
        path, mode = args[0], args[1] if len(args) > 1 else "r"
        if event == "import":   # round 38: an extension module is mapped by its loader, never `open`ed
            if isinstance(mode, str):
                cls.paths.add(os.path.abspath(mode))
            return
        if isinstance(path, bytes):   # round 40: `open(b"settings/region.txt")` is a read too
            path = os.fsdecode(path)
        if isinstance(path, str) and (mode is None or (isinstance(mode, str) and "r" in mode
                                                        and "+" not in mode)):
            cls.paths.add(os.path.abspath(path))   # bytecode checked against its source: dropped later
            if path.endswith(".pyc"):
                cls.paths.add(os.path.abspath(source_of(path)))
