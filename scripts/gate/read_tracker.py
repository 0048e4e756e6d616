"""What a run reads: files opened (imports and `open` alike, stats and listings in the recording worker)
and environment variables, noted by an audit hook from `ReadTracker.start()` on. The stack cache
(gate.stackcache) keys an entry by them; the recording worker, the zygote and the relay import only this.

Round 45: which read is the gate's own (not an input) was a thread-local flag the program could set on its
own thread (`_local.quiet`, or `not_an_input()` called itself). In a recording worker the gate's only own
read is a state's outputs for a StackReference, and it is told by where it is made: the frame that opens
the file is `_state_outputs`'s, for the path it was given (a program cannot make a frame of that code
object run its own code: its names are sealed, gate.watch_seal, and its `__code__` may not be set). The
run seal's `not_an_input` counts only in the gate's own process (`probing` off: no program runs there).
"""

from __future__ import annotations

import _json
import contextlib
import io
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate.read_probes import source_of

_OPEN = io.open   # bound before any program runs: a program's `builtins.open` is not the state read's
_SCAN = _json.make_scanner(json.JSONDecoder())   # C from here: no Python a program reached runs in the parse
STACK_TYPE = "pulumi:pulumi:Stack"


def outputs_in(data: Any) -> dict[str, Any] | None:
    """The stack outputs of a checkpoint's JSON (what a StackReference gives a program); None if none."""
    try:
        resources = data["deployment"]["resources"]
    except (KeyError, TypeError):
        return None
    if not isinstance(resources, list):
        return None
    root = next((r for r in resources if isinstance(r, dict) and r.get("type") == STACK_TYPE), None)
    outputs = root.get("outputs") if root else None
    return outputs if isinstance(outputs, dict) else None


def _state_outputs(path: str) -> dict[str, Any] | None:
    """The one read of this process that is the gate's own (`ReadTracker._hook` knows it by this frame)."""
    try:
        with _OPEN(path, "rb") as f:
            text = f.read().decode("utf-8")
        return outputs_in(_SCAN(text, 0)[0])
    except (OSError, ValueError, StopIteration):
        return None


_READER = _state_outputs.__code__
_CALLERS: tuple[Any, ...] = ()   # round 46: the code objects that may ask for a state's outputs (`reader`)


def reader(fn: Any) -> Any:
    """Make `fn` (the recorder's state read, at its import, before any program) a caller `state_outputs`
    answers; a program rebinding `_CALLERS` is put back by the seal (gate.watch_seal) and fails."""
    global _CALLERS
    _CALLERS = (*_CALLERS, fn.__code__)
    return fn


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
        while the stacks record: counted, they made each stack depend on every other stack's program).
        Counted in the gate's own process only: in a recording worker (`probing`) a program could say it."""
        cls._local.quiet = True
        try:
            yield
        finally:
            cls._local.quiet = False

    @classmethod
    def _quiet(cls) -> bool:
        return not cls.probing and bool(getattr(cls._local, "quiet", False))

    @classmethod
    def state_outputs(cls, path: Path | str) -> dict[str, Any] | None:
        """The recorder reading a state for a StackReference: the stack depends on that state's outputs,
        not on its bytes (which hold when it was recorded; gate.stack_inputs keys a file that holds no
        state by its bytes). A program opening the file itself is still a read of the whole file."""
        where, caller = os.path.abspath(path), sys._getframe(1).f_code
        if not any(caller is code for code in _CALLERS):   # round 46: the program's own call
            sys.audit("gate.state_read", where)   # the watch notes and refuses it while a program runs
            raise PermissionError("the gate's state read is the recorder's: read another stack's outputs "
                                  "through a StackReference")
        cls.states.add(where)
        return _state_outputs(where)

    @staticmethod
    def reads_state(frame: Any, target: str, _reader: Any = _READER) -> bool:
        """Whether `frame` (the one that opens `target`) is the gate's read of a state's outputs (the code
        bound at definition: this hook runs before the watch's, which puts a swapped name back)."""
        return frame is not None and frame.f_code is _reader and frame.f_locals.get("path") == target

    @classmethod
    def _probe(cls, marked: str) -> None:
        if not cls._quiet():
            cls.paths.add(marked)

    @classmethod
    def _hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.probing and event in ("os.listdir", "os.scandir") and args:
            from gate.read_probes import LISTING, mark

            marked = mark(LISTING, args[0])
            if marked is not None:
                cls._probe(marked)
            return
        if event not in ("open", "import") or not args or cls._quiet():
            return
        path, mode = args[0], args[1] if len(args) > 1 else "r"
        if event == "open" and cls.reads_state(sys._getframe(1), path):
            return   # the gate's read of a state's outputs (`state_outputs` noted it in `states`)
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
