"""The program's reads of environment variables: the gate cannot know another machine's environment.

While the program runs, reads of `os.environ` / `os.getenv` made directly by the program's own files are
noted (name and file:line; the CLI's own `PULUMI_*` variables excluded). After the run, each read becomes
a warning naming the variable and the resources whose inputs hold its value ("the region of X depends on
$ELOKET_REGION"). Values never leave the worker: only names, places and resource URNs are reported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SKIP = ("os.py", "_collections_abc.py", "env_reads.py")


class EnvReads:
    def __init__(self, program_file: Callable[[str], str]) -> None:
        self._program_file = program_file
        self.reads: dict[str, tuple[str, str | None]] = {}     # name -> (file:line, value or None)

    def note(self, name: Any, value: str | None) -> None:
        if not isinstance(name, str) or name.startswith("PULUMI_") or name in self.reads:
            return
        frame: Any = sys._getframe(2)
        while frame is not None and (frame.f_code.co_filename.startswith("<frozen")
                                     or Path(frame.f_code.co_filename).name in _SKIP):
            frame = frame.f_back
        if frame is None or frame.f_code.co_filename.startswith("<"):
            return
        file = self._program_file(Path(frame.f_code.co_filename).resolve().as_uri())
        if file:   # only the program's own reads, not the SDK's or a library's
            self.reads[name] = (f"{file}:{frame.f_lineno}", value)

    def report(self, resources: list[Any]) -> list[dict[str, Any]]:
        """One entry per variable: name, whether it was set, where it was read, resources it reached."""
        out = []
        for name, (site, value) in sorted(self.reads.items()):
            long_enough = value is not None and len(value) >= 3     # "1" or "eu" would match everything
            reached = sorted(r.urn for r in resources if long_enough and _holds(r.inputs, value))
            out.append({"name": name, "set": value is not None, "site": site, "reached": reached})
        return out


def _holds(value: Any, needle: str) -> bool:
    if isinstance(value, str):
        return needle in value
    if isinstance(value, dict):
        return any(_holds(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, needle) for v in value)
    return False


@contextmanager
def noting_env_reads(reads: EnvReads) -> Iterator[None]:
    """Note `os.environ[...]`, `.get`, `in` and `os.getenv` for the duration of the program run."""
    cls = type(os.environ)
    getitem, contains = cls.__getitem__, vars(cls).get("__contains__")

    def value(self: Any, key: Any) -> str | None:
        try:   # the original __getitem__: Mapping's __contains__ itself goes through self[key]
            return getitem(self, key)
        except KeyError:
            return None

    def noted_getitem(self: Any, key: Any) -> Any:
        reads.note(key, value(self, key))
        return getitem(self, key)

    def noted_contains(self: Any, key: Any) -> bool:
        found = value(self, key)
        reads.note(key, found)
        return found is not None

    had_contains = "__contains__" in vars(cls)
    cls.__getitem__, cls.__contains__ = noted_getitem, noted_contains   # type: ignore[method-assign]
    try:
        yield
    finally:
        cls.__getitem__ = getitem   # type: ignore[method-assign]
        if had_contains:
            cls.__contains__ = contains   # type: ignore[method-assign]
        else:
            del cls.__contains__
