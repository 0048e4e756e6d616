"""How the chunked state reader (gate.state_load) stops, and what a large file that is no JSON is told.

The reader stops on whatever it does not expect (`Fallback`): the strict whole-file path then reads the
file and words the error. When what stopped it is no JSON (`NotJson`), a file past the prefix the strict
path words errors from (gate.inputs.PREFIX) is refused at the byte where it stopped instead (round 31:
one whose first error lay past its first 8 MiB was read whole, a few times its size, to word it).
"""

from __future__ import annotations

import os
from pathlib import Path

from gate.errors import GateError
from gate.inputs import PREFIX, refuse_unparsable_prefix


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


def refuse_large(path: Path, what: str, not_json: NotJson | None) -> None:
    """GateError for a file past PREFIX bytes that is no JSON: worded as the strict path words it when its
    prefix shows it (round 30), else at the byte the chunked reader stopped; never read whole to say so."""
    refuse_unparsable_prefix(path, what)
    if not_json is not None and os.path.getsize(path) > PREFIX:
        raise GateError(not_json.line(path, what))
