"""Reading a large checkpoint in a fraction of the memory its text and a plain `json.loads` take.

A 100k-resource state is ~250 MB of JSON; read whole, its text and its objects (~560 MB) are alive at
once. Here the file is read in chunks and `deployment.resources` decoded one resource at a time, each
compacted as it arrives (less than half the memory, same values):
- equal strings are one object (URNs repeat in parents, dependencies and providers; names, ids, source
  positions repeat across resources), dict keys interned;
- an output equal to the input of the same name is that input's object (previews echo inputs).
The result is read-only for the gate (nothing mutates a loaded state), so sharing is safe.

Anything this reader does not expect (other top-level shapes, invalid UTF-8, NaN, lone surrogates, a
key given twice in one object, bad JSON) makes it stop and the whole-file strict path
(gate.inputs.parse_json) read the file instead, so errors are worded exactly as before. The decoder gives
each object as a tuple of its pairs (C speed) and the compactor builds the dict, so a key given twice is
seen (a plain dict would keep the last value, as orjson and Go do, while a reviewer reads the first).
"""

from __future__ import annotations

import codecs
import gc
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from gate.checkpoint_schema import MAX_INT, MAX_STRING
from gate.errors import GateError
from gate.inputs import (
    CHUNK,
    MAX_DEPTH,
    MAX_STATE_BYTES,
    PREFIX,
    parse_json,
    read_text,
    require_regular_file,
)
from gate.not_json import Fallback as _Fallback
from gate.not_json import NotJson as _NotJson
from gate.not_json import refuse_large as _refuse_large

AHEAD = 256 * 1024        # read the next chunk before a value when fewer characters than this are left
_WS = re.compile(r"[ \t\n\r]*")
# A surrogate escape (a fast scan: literal prefix), then the slow check whether one is alone: a high
# surrogate escape not followed by a low one, or a low one not after a high one (emoji pairs pass).
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _no_constant(name: str) -> Any:
    raise _Fallback


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
    limits (_Compactor.resource); None from the strict path."""
    require_regular_file(path, what, MAX_STATE_BYTES)   # round 29: the strict path reads it whole
    paused = gc.isenabled()
    gc.disable()          # millions of new containers: no collector passes over them while reading
    not_json = None
    try:
        with open(path, "rb") as fh:
            state, flags = _read(fh, path)
        gc.freeze()       # it lives until the gate exits: later collections need not scan it again
        return state, flags
    except _NotJson as exc:
        not_json = exc
    except _Fallback:
        pass
    except OSError as exc:
        raise GateError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    finally:
        if paused:
            gc.enable()
    _refuse_large(path, what, not_json)
    return parse_json(read_text(path, what, MAX_STATE_BYTES), str(path)), None


def refuse_not_json(path: Path, what: str) -> None:
    """GateError when a regular file past PREFIX bytes is no JSON, found by reading it in chunks and
    keeping one resource at a time (the export's `read_state`, before it reads the file whole); nothing
    for a smaller file, or one this reader leaves to the strict path (a key given twice, NaN)."""
    not_json = None
    if os.path.getsize(path) > PREFIX:
        try:
            with open(path, "rb") as fh:
                _Reader(fh, keep=False).document()
        except _NotJson as exc:
            not_json = exc
        except _Fallback:
            pass
    _refuse_large(path, what, not_json)


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


class _Compactor:
    """Rebuilds a decoded resource with shared strings and interned keys (the hot loop of loading).

    On the way it sees every number and the nesting of every container, so it tells validation which
    resources are within gate.checkpoint_schema's value limits (`checked`; see `resource`)."""

    def __init__(self) -> None:
        self.memo: dict[str, str] = {}
        self.lists: dict[tuple[str, ...], list[str]] = {}
        self.checked: list[bool] = []
        self.beyond = False      # the resource being compacted holds a value past a limit
        share, intern, deep = self.memo.setdefault, sys.intern, _DEEP

        def obj(pairs: tuple[tuple[str, Any], ...], depth: int = 0) -> dict[str, Any]:
            if depth >= deep:
                self.beyond = True
            out = {}
            for k, x in pairs:
                t = type(x)
                if t is str:
                    out[intern(k)] = share(x, x)
                elif t is tuple:
                    out[intern(k)] = obj(x, depth + 1)
                elif t is list:
                    out[intern(k)] = seq(x, depth + 1)
                else:
                    if (t is int or t is float) and not -MAX_INT <= x <= MAX_INT:
                        self.beyond = True     # NaN and the infinities too (no comparison holds)
                    out[intern(k)] = x
            if len(out) != len(pairs):
                raise _Fallback   # a key given twice in one object: the strict path names it
            return out

        def seq(items: list[Any], depth: int) -> list[Any]:
            if depth >= deep:
                self.beyond = True
            out = []
            for x in items:
                t = type(x)
                if t is str:
                    out.append(share(x, x))
                elif t is tuple:
                    out.append(obj(x, depth + 1))
                elif t is list:
                    out.append(seq(x, depth + 1))
                else:
                    if (t is int or t is float) and not -MAX_INT <= x <= MAX_INT:
                        self.beyond = True
                    out.append(x)
            return out

        self.obj, self.seq = obj, seq

    def plain(self, v: Any) -> Any:
        """A decoded value as JSON types (the decoder gives each object as a tuple of its key/value pairs,
        so that a key given twice is seen)."""
        t = type(v)
        return self.obj(v) if t is tuple else self.seq(v, 0) if t is list else v

    def resource(self, r: Any, length: int) -> Any:
        """The resource compacted; `checked` gets whether its values are within the limits: no container
        nested deep enough to approach MAX_DEPTH, no integer past MAX_INT, no float that is not finite (or
        is past MAX_INT), and its text (`length` characters) shorter than MAX_STRING, so no string or key
        in it can be longer (an escape never decodes to more characters than it takes)."""
        self.beyond = length >= MAX_STRING or type(r) is not tuple
        if type(r) is not tuple:
            self.checked.append(False)
            return self.plain(r)
        r = self.obj(r)
        self.checked.append(not self.beyond)
        self._share_lists(r)
        inputs, outputs = r.get("inputs"), r.get("outputs")
        if type(inputs) is dict and type(outputs) is dict and inputs:
            for k, v in outputs.items():
                mine = inputs.get(k, outputs)
                if mine is not outputs and mine is not v and mine == v and _alike(mine, v):
                    outputs[k] = mine
        return r

    def _share_lists(self, r: dict[str, Any]) -> None:
        """Equal URN lists are one list: property dependencies map most properties to an empty list, call
        chains (`sourceChain`) repeat across resources. Only lists of strings are shared (a list equal
        to a shared one holds strings too: a string equals nothing else)."""
        try:      # a list holding lists or objects (bad input: validation words it) is not hashable
            v = r.get("sourceChain")
            if type(v) is list:
                r["sourceChain"] = self._list(v)
            deps = r.get("propertyDependencies")
            if type(deps) is dict:
                lists = self.lists
                for k, v in deps.items():
                    if type(v) is list:
                        found = lists.get(tuple(v))
                        deps[k] = found if found is not None else self._list(v)
        except TypeError:
            pass

    def _list(self, v: list[Any]) -> list[Any]:
        key = tuple(v)
        found = self.lists.get(key)
        if found is None:
            if not set(map(type, v)) <= _STR:
                return v
            self.lists[key] = found = v
        return found


_STR = {str}
# A container at this depth of a resource (the resource itself 0) may be nested as deep as validation
# refuses (checkpoint_schema counts the resource's other keys from 1 and its inputs and outputs from 1).
_DEEP = MAX_DEPTH - 1


def _alike(a: Any, b: Any) -> bool:
    """`_same`, at C speed: equal values (given) with the same JSON text are alike in types and key order
    (orjson writes 1, 1.0 and true apart, -0.0 apart from 0.0); integers past 64 bits take `_same`."""
    try:
        return orjson.dumps(a) == orjson.dumps(b)
    except TypeError:
        return _same(a, b)


def _same(a: Any, b: Any) -> bool:
    """`a == b` (given) and alike in types and key order too: `==` equates True with 1 and 1 with 1.0."""
    t = type(a)
    if t is not type(b):
        return False
    if t is dict:
        return list(a) == list(b) and all(_same(x, b[k]) for k, x in a.items())
    if t is list:
        return all(map(_same, a, b))
    return True


class _Reader:
    """A checkpoint read from a binary file in chunks: the top-level and deployment objects walked key by
    key, every other value decoded by the standard library's scanner."""

    def __init__(self, fh: Any, join: Any = None, keep: bool = True) -> None:
        self.fh = fh
        self.join = join          # gate.state_split: the resources after this file's end, and what follows
        self.keep = keep          # False: the resources are checked, not kept (refuse_not_json)
        self.read = 0             # bytes read from fh
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder(parse_constant=_no_constant, object_pairs_hook=tuple)
        self.compact = _Compactor()
        self.length = 0           # characters of the last value read

    def document(self) -> Any:
        doc = self._object(lambda key: self._deployment if key == "deployment" else None)
        if self._ws():
            raise self._not_json("Extra data")
        return doc

    def _not_json(self, msg: str, pos: int | None = None) -> _NotJson:
        """At `pos` (the current position by default) of the buffer, as a byte of the file."""
        ahead = self.buf[self.pos if pos is None else pos:].encode("utf-8", "surrogatepass")
        return _NotJson(self.read - len(ahead) - len(self.utf8.getstate()[0]), msg)

    def _deployment(self) -> Any:
        if self._ws() != "{":
            return self.compact.plain(self._value())
        return self._object(lambda key: self._resources if key == "resources" else None)

    def _resources(self) -> Any:
        if self._ws() != "[":
            return self.compact.plain(self._value())
        self.pos += 1
        out: list[Any] = []
        if self._ws() == "]":
            self.pos += 1
            return out
        while True:
            value = self._value()
            if self.keep:
                out.append(self.compact.resource(value, self.length))
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
            raise _Fallback       # another value than an object: the strict path words it
        self.pos += 1
        out: dict[str, Any] = {}
        if self._ws() == "}":
            self.pos += 1
            return out
        while True:
            if self._ws() != '"':
                raise self._not_json("Expecting property name enclosed in double quotes")
            key = self._value()
            if self._ws() != ":":
                raise self._not_json("Expecting ':' delimiter")
            self.pos += 1
            if key in out:
                raise _Fallback   # a key given twice (two `resources`): the strict path names it
            read = special(key)
            out[key] = read() if read is not None else self.compact.plain(self._value())
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
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue      # the value may go on in the next chunk
                raise self._not_json(exc.msg, exc.pos) from None
            except (ValueError, RecursionError):
                raise _Fallback from None
            if end == len(self.buf) and self._more():
                continue          # a number (or anything) may go on in the next chunk
            self.length, self.pos = end - self.pos, end
            return value

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
        if "\\u" in self.buf and _SURROGATE.search(self.buf) and _LONE_SURROGATE.search(self.buf):
            raise _Fallback       # the strict path decides whether it is a lone surrogate
        return bool(text) or not self.eof
