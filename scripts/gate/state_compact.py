"""The resources of a checkpoint rebuilt as they are read (gate.state_load), in less memory and checked.

Equal strings become one object and keys are interned; an output equal to the input of the same name
becomes that input's object; equal URN lists are one list. On the way every number and the nesting of
every container is seen, so validation need not walk again the resources within its limits. A key given
twice in one object is refused here (the decoder gives each object as a tuple of its pairs, so it is seen),
named so that a large state need not be read whole to word it (round 32).
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

from gate.checkpoint_schema import MAX_INT, MAX_STRING
from gate.inputs import MAX_DEPTH
from gate.not_json import twice


class Compactor:
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
                raise twice(_first_twice(pairs))
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
        chains (`sourceChain`) and dependencies (5,083 distinct of 8,382 per realistic 10k) repeat across
        resources. Only lists of strings are shared (a list equal
        to a shared one holds strings too: a string equals nothing else)."""
        try:      # a list holding lists or objects (bad input: validation words it) is not hashable
            for key in ("sourceChain", "dependencies"):
                v = r.get(key)
                if type(v) is list:
                    r[key] = self._list(v)
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


def _first_twice(pairs: tuple[tuple[str, Any], ...]) -> str:
    seen: set[str] = set()
    return next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]


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
