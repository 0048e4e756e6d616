"""Resources by a string key held as the key's hash, for keys every resource of a large stack has and that
can be made again from the resource (its lower-cased Azure id): an int instead of a ~150-character string
each (round 24: ~30 MB of a 100k stack's index). Every hit is checked against the key made again from the
resource, so the answers are exactly those of a dict by the key in which the first resource set wins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.core.view import ResourceView

_hash = hash   # one name for the tests to make keys collide


class HashedKeys:
    """`setdefault(key, r)` / `get(key)` of a `dict[str, ResourceView]`; `key_of(r)` makes r's key again."""

    __slots__ = ("_by_hash", "_key_of")

    def __init__(self, key_of: Callable[[ResourceView], str | None]):
        self._by_hash: dict[int, Any] = {}   # hash -> a view, or a list of views whose keys share the hash
        self._key_of = key_of

    def setdefault(self, key: str, r: ResourceView) -> None:
        h = _hash(key)
        held = self._by_hash.get(h)
        if held is None:
            self._by_hash[h] = r
            return
        views = held if type(held) is list else [held]
        if not any(self._key_of(v) == key for v in views):   # a key set before keeps its first view
            self._by_hash[h] = [*views, r]

    def get(self, key: str) -> ResourceView | None:
        held = self._by_hash.get(_hash(key))
        if held is None:
            return None
        key_of = self._key_of
        if type(held) is not list:
            return held if key_of(held) == key else None
        return next((v for v in held if key_of(v) == key), None)
