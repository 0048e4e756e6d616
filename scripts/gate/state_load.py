"""Reading a large checkpoint in a fraction of the memory its text and a plain `json.loads` take.

A 100k-resource state is ~250 MB of JSON; read whole, its text and its objects (~560 MB) are alive at
once. Here the file is read in chunks and `deployment.resources` decoded one resource at a time, each
compacted as it arrives (less than half the memory, same values):
- equal strings are one object (URNs repeat in parents, dependencies and providers; names, ids, source
  positions repeat across resources), dict keys interned;
- an output equal to the input of the same name is that input's object (previews echo inputs).
The result is read-only for the gate (nothing mutates a loaded state), so sharing is safe.

Anything this reader does not expect (other top-level shapes, invalid UTF-8, NaN, lone surrogates, a
key given twice in one object, bad JSON) makes it stop: a file up to gate.inputs.PREFIX is then read by
the whole-file strict path (gate.inputs.parse_json), so its errors are worded exactly as before; a larger
one is refused at the byte where the reader stopped, with what it found there (gate.not_json), never read
whole to word it (rounds 31, 32). The decoder gives each object as a tuple of its pairs (C speed) and the
compactor (gate.state_compact) builds the dict, so a key given twice is seen (a plain dict would keep the
last value, as orjson and Go do, while a reviewer reads the first).
"""

from __future__ import annotations

import codecs
import gc
import json
import os
import re
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from gate.errors import GateError
from gate.inputs import CHUNK, MAX_STATE_BYTES, PREFIX, parse_json, read_text, require_regular_file
from gate.not_json import NO_OBJECT, TOO_DEEP, lone_surrogate, not_a_number, twice
from gate.not_json import Fallback as _Fallback
from gate.not_json import NotJson as _NotJson
from gate.not_json import Worded as _Worded
from gate.not_json import refuse_large as _refuse_large
from gate.state_compact import Compactor

AHEAD = 256 * 1024        # read the next chunk before a value when fewer characters than this are left
_WS = re.compile(r"[ \t\n\r]*")
# A surrogate escape (a fast scan: literal prefix), then the slow check whether one is alone: a high
# surrogate escape not followed by a low one, or a low one not after a high one (emoji pairs pass).
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def load_state(path: Path, what: str = "state file", checked: list[bool] | None = None) -> Any:
    """The parsed checkpoint at `path` (GateError for an unreadable file or bad JSON, as parse_json).

    `checked`, when given, gets per resource whether its values are within the limits validation checks
    (gate.checkpoint_schema `values_checked`: the resources the loader saw within them are not walked a
    second time); nothing when the strict path read the file."""
    state, flags = _load(path, what)
    if checked is not None and flags is not None:
        checked.extend(flags)
    return state


def _load(path: Path, what: str) -> tuple[Any, list[bool] | None]:
    """The checkpoint and, when this reader read it, per resource whether its values are within the
    limits (Compactor.resource); None from the strict path."""
    require_regular_file(path, what, MAX_STATE_BYTES)   # round 29: the strict path reads it whole
    try:
        return _chunked(path, what, _read)
    except _Fallback as exc:
        stopped = exc
    if type(stopped) is _Fallback and os.path.getsize(path) > PREFIX:
        try:     # only the fast scan for a lone surrogate stops the reader without naming why
            return _chunked(path, what, _read_checked)
        except _Fallback as exc:
            stopped = exc
    _refuse_large(path, what, stopped)
    return parse_json(read_text(path, what, MAX_STATE_BYTES), str(path)), None


def _chunked(path: Path, what: str, read: Any) -> tuple[Any, list[bool]]:
    paused = gc.isenabled()
    gc.disable()          # millions of new containers: no collector passes over them while reading
    try:
        with open(path, "rb") as fh:
            state, flags = read(fh, path)
        gc.freeze()       # it lives until the gate exits: later collections need not scan it again
        return state, flags
    except OSError as exc:
        raise GateError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    finally:
        if paused:
            gc.enable()


def _read_checked(fh: BinaryIO, path: Path) -> tuple[Any, list[bool]]:
    """Read again, each value checked for a lone surrogate where the fast scan over the text suspected one
    (an escaped backslash before `ud800` and a pair cut by a chunk's end are none): named, or none."""
    reader = _Reader(fh, check=True)
    return reader.document(), reader.compact.checked


def _read(fh: BinaryIO, path: Path) -> tuple[Any, list[bool]]:
    """A large file by two processes (gate.state_split), falling back to one; any other in one."""
    from gate.state_split import cut_of, read_split

    cut = cut_of(fh, os.fstat(fh.fileno()).st_size)
    if cut is not None:
        try:
            return read_split(fh, path, cut, _Reader, _Fallback)
        except _Fallback:
            fh.seek(0)
    reader = _Reader(fh)
    return reader.document(), reader.compact.checked


class _Reader:
    """A checkpoint read from a binary file in chunks: the top-level and deployment objects walked key by
    key, every other value decoded by the standard library's scanner."""

    def __init__(self, fh: Any, join: Any = None, check: bool = False) -> None:
        self.fh = fh
        self.join = join          # gate.state_split: the resources after this file's end, and what follows
        self.check = check        # each value checked for lone surrogates (_read_checked), no fast scan
        self.read = 0             # bytes read from fh
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder(parse_constant=not_a_number, object_pairs_hook=tuple)
        self.compact = Compactor()
        self.length = 0           # characters of the last value read
        self.start = 0            # where in the buffer it began

    def document(self) -> Any:
        doc = self._object(lambda key: self._deployment if key == "deployment" else None)
        if self._ws():
            raise self._not_json("Extra data")
        return doc

    def _not_json(self, msg: str, pos: int | None = None) -> _NotJson:
        return _NotJson(self._byte(self.pos if pos is None else pos), msg)

    def _byte(self, pos: int) -> int:
        """`pos` of the buffer as a byte of the file."""
        ahead = self.buf[pos:].encode("utf-8", "surrogatepass")
        return self.read - len(ahead) - len(self.utf8.getstate()[0])

    def _placed(self, compact: Any, *args: Any) -> Any:
        """The last value read, compacted; what the compactor refuses placed at the value's byte."""
        try:
            return compact(*args)
        except _Worded as exc:
            exc.at = self._byte(self.start)
            raise

    def _deployment(self) -> Any:
        if self._ws() != "{":
            return self._placed(self.compact.plain, self._value())
        return self._object(lambda key: self._resources if key == "resources" else None)

    def _resources(self) -> Any:
        if self._ws() != "[":
            return self._placed(self.compact.plain, self._value())
        self.pos += 1
        out: list[Any] = []
        if self._ws() == "]":
            self.pos += 1
            return out
        while True:
            out.append(self._placed(self.compact.resource, self._value(), self.length))
            if self.join is not None and self._ws() == "":   # this half ends after a whole resource
                self._join(out)
            if not self._separator("]"):
                self.compact.memo.clear()
                self.compact.lists.clear()
                return out

    def _join(self, out: list[Any]) -> None:
        """Append the other half's resources and flags; read on in what followed them (from its `]`)."""
        join, self.join = self.join, None
        rest, flags, after = join()
        out.extend(rest)
        self.compact.checked.extend(flags)
        self.buf, self.pos, self.eof = after, 0, True

    def _object(self, special: Any) -> dict[str, Any]:
        if self._ws() != "{":
            raise _Worded(self._byte(self.pos), NO_OBJECT)
        self.pos += 1
        out: dict[str, Any] = {}
        if self._ws() == "}":
            self.pos += 1
            return out
        while True:
            if self._ws() != '"':
                raise self._not_json("Expecting property name enclosed in double quotes")
            key = self._value()
            if key in out:
                raise twice(key).placed(self._byte(self.start))   # two `resources`, say
            if self._ws() != ":":
                raise self._not_json("Expecting ':' delimiter")
            self.pos += 1
            read = special(key)
            out[key] = read() if read is not None else self._placed(self.compact.plain, self._value())
            if not self._separator("}"):
                return out

    def _separator(self, close: str) -> bool:
        """True after a comma (more items), False after `close`."""
        c = self._ws()
        self.pos += 1
        if c == ",":
            return True
        if c == close:
            return False
        raise self._not_json(f"Expecting ',' delimiter or '{close}'", self.pos - 1)

    def _ws(self) -> str:
        """Skip whitespace; the next character ("" at the end of the file)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def _value(self) -> Any:
        self._ws()
        if len(self.buf) - self.pos < AHEAD:
            self._more()          # a value cut by the chunk's end costs a failed decode and its error
        while True:
            self.start = self.pos
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue      # the value may go on in the next chunk
                raise self._not_json(exc.msg, exc.pos) from None
            except _Worded as exc:     # NaN, Infinity
                raise exc.placed(self._byte(self.start)) from None
            except ValueError as exc:  # an integer of too many digits
                raise _Worded(self._byte(self.start), f"not JSON ({exc})") from None
            except RecursionError:
                raise _Worded(self._byte(self.start), TOO_DEEP) from None
            if end == len(self.buf) and self._more():
                continue          # a number (or anything) may go on in the next chunk
            self.length, self.pos = end - self.pos, end
            if self.check:
                self._unicode(value)
            return value

    def _unicode(self, value: Any) -> None:
        """A Worded for a lone surrogate in the last value read (orjson refuses one at C speed; the walk
        names where it is, or finds that orjson refused something else)."""
        try:
            orjson.dumps(value)
            return
        except TypeError:
            pass
        try:
            at = lone_surrogate(value)
        except RecursionError:
            raise _Worded(self._byte(self.start), TOO_DEEP) from None
        if at is not None:
            raise _Worded(self._byte(self.start),
                          f"{at or 'a string'}: holds a lone UTF-16 surrogate (not valid Unicode)")

    def _more(self) -> bool:
        """Append the next chunk (dropping what was read); False at the end of the file."""
        if self.eof:
            return False
        data = self.fh.read(CHUNK)
        self.eof = not data
        pending = len(self.utf8.getstate()[0])
        self.read += len(data)
        try:
            text = self.utf8.decode(data, final=self.eof)
        except UnicodeDecodeError as exc:   # at exc.start of what was pending and this chunk
            raise _NotJson(self.read - len(data) - pending + exc.start, "", utf8=True) from None
        rest = self.buf[self.pos:]
        self.buf, self.pos = rest + text, 0
        if not self.check and "\\u" in self.buf and _SURROGATE.search(self.buf) \
                and _LONE_SURROGATE.search(self.buf):
            raise _Fallback       # the strict path, or _read_checked, decides whether it is alone
        return bool(text) or not self.eof
