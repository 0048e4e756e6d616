"""How the chunked state reader (gate.state_load) stops, and what a large file that is no JSON is told.

The reader stops on whatever it does not expect (`Fallback`): the strict whole-file path then reads the
file and words the error. When what stopped it is no JSON (`NotJson`), a file past the prefix the strict
path words errors from (gate.inputs.PREFIX) is refused at the byte where it stopped instead (round 31:
one whose first error lay past its first 8 MiB was read whole, a few times its size, to word it). What
the strict path refuses for another reason (a key given twice, `NaN`, nesting too deep, a top level that
is no object, a lone surrogate) the reader names too (`Worded`), so a large file is refused at its byte
without being read whole (round 32).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gate.errors import GateError
from gate.inputs import MAX_DEPTH, PREFIX, _encodes, refuse_unparsable_prefix


class Fallback(Exception):
    """Not read here: the strict whole-file path reads it (and words any error)."""


class NotJson(Fallback):
    """No JSON at byte `at` (`msg` as the standard library words it; `utf8`: not UTF-8 there). A Fallback
    still: where a half of a split read stops is no proof (gate.state_split), one reader reads it again."""

    def __init__(self, at: int, msg: str, utf8: bool = False) -> None:
        super().__init__(at, msg)
        self.at, self.msg, self.utf8 = at, msg, utf8

    def line(self, path: Path, what: str) -> str:
        if self.utf8:
            return f"{path}: {what} is not valid UTF-8 (byte {self.at})"
        return f"{path}: not JSON (byte {self.at}: {self.msg})"


class Worded(Fallback):
    """What the strict path refuses in valid JSON syntax, `text` at byte `at` (None until the reader, which
    knows where the value began, places it). A Fallback too: a small file is worded by the strict path."""

    def __init__(self, at: int | None, text: str) -> None:
        super().__init__(at, text)
        self.at, self.text = at, text

    def placed(self, at: int) -> Worded:
        self.at = at
        return self

    def line(self, path: Path, what: str) -> str:
        return f"{path}: byte {self.at}: {self.text}"


def twice(key: str) -> Worded:
    return Worded(None, f"key {key!r} is given twice in one object (a reader sees the first value, a parser "
                        "keeps the last): keep one")


def not_a_number(name: str) -> Any:
    raise Worded(None, f"not JSON ({name} is not a JSON number)")


TOO_DEEP = f"nesting too deep (more than {MAX_DEPTH} levels)"
NO_OBJECT = "the top level is not a JSON object (a state is `pulumi stack export` output)"


def lone_surrogate(value: Any, path: str = "") -> str | None:
    """Where a decoded value (objects as tuples of pairs) holds a string or key that is no Unicode (a lone
    surrogate escape): its key path ("" at the value itself), None when there is none."""
    if type(value) is str:
        return None if _encodes(value) else path
    if type(value) is tuple:
        for k, v in value:
            if not _encodes(k):
                return f"{path or 'a key'} ({k!r})"
            found = lone_surrogate(v, f"{path}.{k}" if path else k)
            if found is not None:
                return found
    elif type(value) is list:
        for i, v in enumerate(value):
            found = lone_surrogate(v, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def refuse_large(path: Path, what: str, stopped: Fallback | None) -> None:
    """GateError for a file past PREFIX bytes that is no JSON: worded as the strict path words it when its
    prefix shows it (round 30), else at the byte the chunked reader stopped (round 31), or at what it named
    (`Worded`, round 32); never read whole to say so."""
    refuse_unparsable_prefix(path, what)
    if isinstance(stopped, (NotJson, Worded)) and os.path.getsize(path) > PREFIX:
        raise GateError(stopped.line(path, what))
