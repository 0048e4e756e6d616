"""The program's reads of environment variables: the gate cannot know another machine's environment.

While the program runs, reads of `os.environ` / `os.getenv` made directly by the program's own files
(or by a provider SDK's `_utilities.get_env` filling an input the program left out, noted at the
program's line) are noted (name and file:line; the CLI's own `PULUMI_*` variables excluded). After the
run, each read becomes a warning naming the variable and the resources whose inputs hold its value ("the
region of X depends on $ELOKET_REGION"). Values never leave the worker: only names, places and resource
URNs are reported.

The update recording (`is_dry_run()` false) does not use this machine's environment: every variable the
program's own code reads is `$NAME` there (set or not, `in os.environ` is true), because the machine that
deploys has its own. A region or location taken from the environment is then no region, and the
residency rules block it as deployed; a default in the program (`os.getenv("X", "eu-west-1")`) does not
hide the read. A program that enumerates the whole environment (`dict(os.environ)`) is noted as `*`, and
so is one that reads the dictionaries beneath it (`posix.environ`, `os.environ._data`; round 4): those
reads pass no placeholder, so any of them stands for the whole environment.
"""

from __future__ import annotations

import os
import posix
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SKIP = ("os.py", "_collections_abc.py", "env_reads.py")


WHOLE = "*"     # the name noted when the program enumerates the whole environment


def placeholder(name: str) -> str:
    """What the update recording gives the program for a variable: the deploy machine's value is unknown."""
    return f"${name}"


class EnvReads:
    def __init__(self, program_file: Callable[[str], str]) -> None:
        self._program_file = program_file
        self.placeholders = False     # the update recording: program reads get placeholder(name)
        # name -> (file:line, value or None, the value the program got)
        self.reads: dict[str, tuple[str, str | None, str | None]] = {}

    def note(self, name: Any, value: str | None) -> bool:
        """Note a read; True when the program's own code made it (not the SDK, a library, the CLI's vars)."""
        if not isinstance(name, str) or name.startswith("PULUMI_"):
            return False
        frame: Any = sys._getframe(2)
        while frame is not None and (frame.f_code.co_filename.startswith("<frozen")
                                     or Path(frame.f_code.co_filename).name in _SKIP):
            frame = frame.f_back
        if frame is None or frame.f_code.co_filename.startswith("<"):
            return False
        if _sdk_default(frame):   # a provider SDK filling an input from the environment for the program
            frame = self._program_frame(frame.f_back)
            if frame is None:
                return False
        file = self._program_file(Path(frame.f_code.co_filename).resolve().as_uri())
        if not file:
            return False
        if name not in self.reads:
            got = placeholder(name) if self.placeholders else value
            self.reads[name] = (f"{file}:{frame.f_lineno}", value, got)
        return True

    def _program_frame(self, frame: Any) -> Any:
        while frame is not None and not self._program_file(Path(frame.f_code.co_filename).resolve().as_uri()):
            frame = frame.f_back
        return frame

    def report(self, resources: list[Any]) -> list[dict[str, Any]]:
        """One entry per variable: name, whether it was set, where it was read, resources it reached."""
        out = []
        for name, (site, value, got) in sorted(self.reads.items()):
            long_enough = got is not None and len(got) >= 3     # "1" or "eu" would match everything
            reached = sorted(r.urn for r in resources if long_enough and _holds(r.inputs, got))
            out.append({"name": name, "set": value is not None, "site": site, "reached": reached,
                        "placeholder": self.placeholders})
        return out


def _sdk_default(frame: Any) -> bool:
    """A provider SDK's `_utilities.get_env(...)` called by its own code, not by get_env_bool/int/float:
    the string default of a provider input (aws.Provider `region` from AWS_REGION, azuread `environment`
    from ARM_ENVIRONMENT) that the deploy machine's environment decides, read on the program's behalf."""
    path = Path(frame.f_code.co_filename)
    if frame.f_code.co_name != "get_env" or path.name != "_utilities.py" or \
            not path.parent.name.startswith("pulumi_"):
        return False
    caller = frame.f_back
    return caller is not None and Path(caller.f_code.co_filename) != path


def _holds(value: Any, needle: str) -> bool:
    if isinstance(value, str):
        return needle in value
    if isinstance(value, dict):
        return any(_holds(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, needle) for v in value)
    return False


def _name(key: Any) -> Any:
    """`os.environb` keys are bytes: the same variables."""
    return key.decode("utf-8", "replace") if isinstance(key, bytes) else key


def _text(value: Any) -> Any:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _raw_environ(reads: EnvReads, data: dict[Any, Any]) -> dict[Any, Any]:
    """A copy of `data` (posix.environ, os.environ._data) whose reads by anyone but `os` note the whole
    environment: its values come from this machine, past the placeholders."""

    def noting(method: Any) -> Any:
        def read(self: Any, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_code.co_filename   # os's own methods read it for os.environ
            if not caller.startswith("<frozen") and Path(caller).name not in _SKIP:
                reads.note(WHOLE, None)
            return method(self, *args, **kwargs)

        return read

    reads_of = ("__getitem__", "get", "__contains__", "__iter__", "keys", "items", "values", "copy",
                "__len__", "__repr__", "__or__")
    raw = type("RawEnviron", (dict,), {name: noting(getattr(dict, name)) for name in reads_of})
    return raw(data)


@contextmanager
def _noting_raw_reads(reads: EnvReads) -> Iterator[None]:
    saved = posix.environ, os.environ._data, os.environb._data   # type: ignore[attr-defined]
    shared = os.environ._data is os.environb._data               # type: ignore[attr-defined]
    posix.environ = _raw_environ(reads, saved[0])
    os.environ._data = _raw_environ(reads, saved[1])             # type: ignore[attr-defined]
    os.environb._data = os.environ._data if shared else _raw_environ(reads, saved[2])  # type: ignore[attr-defined]
    try:
        yield
    finally:   # the program may have set variables meanwhile: keep them
        saved[1].clear()
        saved[1].update(dict.items(os.environ._data))             # type: ignore[attr-defined]
        posix.environ, os.environ._data, os.environb._data = saved  # type: ignore[attr-defined]


@contextmanager
def noting_env_reads(reads: EnvReads) -> Iterator[None]:
    """Note `os.environ[...]`, `.get`, `in`, `os.getenv` and enumerations for the duration of the program
    run; in the update recording, the program's own reads get placeholders."""
    cls = type(os.environ)
    getitem, contains, iterate = cls.__getitem__, vars(cls).get("__contains__"), cls.__iter__

    def value(self: Any, key: Any) -> str | None:
        try:   # the original __getitem__: Mapping's __contains__ itself goes through self[key]
            return getitem(self, key)
        except KeyError:
            return None

    def noted_getitem(self: Any, key: Any) -> Any:
        if reads.note(_name(key), _text(value(self, key))) and reads.placeholders:
            return placeholder(key) if isinstance(key, str) else placeholder(_name(key)).encode()
        return getitem(self, key)

    def noted_contains(self: Any, key: Any) -> bool:
        found = value(self, key)
        return (reads.note(_name(key), _text(found)) and reads.placeholders) or found is not None

    def noted_iter(self: Any) -> Any:
        reads.note(WHOLE, None)
        return iterate(self)

    had_contains = "__contains__" in vars(cls)
    cls.__getitem__, cls.__contains__ = noted_getitem, noted_contains   # type: ignore[method-assign]
    cls.__iter__ = noted_iter   # type: ignore[method-assign]
    try:
        with _noting_raw_reads(reads):
            yield
    finally:
        cls.__getitem__, cls.__iter__ = getitem, iterate   # type: ignore[method-assign]
        if had_contains:
            cls.__contains__ = contains   # type: ignore[method-assign]
        else:
            del cls.__contains__
