"""The Azure party pre-check once per resource (performance round 32): a resource's two views (the resource
policies' and the stack policies') mostly hold the same top-level inputs, and the pre-check of
`bare_parties._may_name_parties` is orjson over all of them, twice.

The pre-check answers for a dict whether any of its items' JSON texts holds a key `_azure` judges: each
pattern ends in `":` (or starts with `"` and ends so), which JSON writes only after a key, so every match lies
inside one item's text and the whole's answer is the `or` of its items'. Where a view of a URN answered
False, every one of its items answers False; another view of that URN need only test its items that are not
one of those (another key, or a value that is not equal: a different type, or a proxy whose container in the
state differs). Equal containers write the same keys (the state's keys are strings); a value's own text never
matches (its quotes are escaped). Only False answers are kept: a True one walks the inputs anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy

from policies.core.proxy_attrs import PROXIES, held

_KEPT_MAX = 8192
"""Two generations of this many URNs: a resource's two views are judged one evaluation range apart (~6,300
resources at 100k, as the reference scan's string traces, references._Recent)."""


class _Kept(dict):  # type: ignore[type-arg]
    """URN -> the top-level dict of a view whose pre-check answered False; `old`: the generation before."""

    __slots__ = ("old",)

    def __init__(self) -> None:
        super().__init__()
        self.old: dict[str, dict[Any, Any]] = {}

    def find(self, urn: str) -> dict[Any, Any] | None:
        found = self.get(urn)
        return self.old.get(urn) if found is None else found

    def keep(self, urn: str, top: dict[Any, Any]) -> None:
        if len(self) >= _KEPT_MAX:
            self.old = dict(self)
            self.clear()
        self[urn] = top


KEPT = _Kept()
_NONE = object()
_SCALARS = (str, float, int, bool, type(None))


def _same(v: Any, w: Any) -> bool:
    """`v` and `w` write the same JSON keys: the same object, equal scalars of one type, or the gate's proxies
    of one class over equal containers of the state (plain JSON, round 29). pulumi_policy's own proxies hold
    proxies, whose comparison would read through the unknown check: the same object only."""
    if v is w:
        return True
    t = type(v)
    if t is not type(w):
        return False
    if t in _SCALARS:
        return bool(v == w)
    return t is not _DictProxy and t is not _ListProxy and isinstance(v, PROXIES) and held(v) == held(w)


def may_name_parties(urn: Any, raw: Any, check: Callable[[Any], bool]) -> bool:
    """`check(raw)` (the party pre-check), testing only the top-level items another view of `urn` did not
    answer False for already."""
    if type(raw) is not _DictProxy or not urn:
        return check(raw)
    top = raw._DictProxy__target
    kept = KEPT.find(urn)
    if kept is None:
        found = check(raw)
    else:
        rest = {k: v for k, v in top.items() if not _same(kept.get(k, _NONE), v)}
        found = bool(rest) and check(rest)
    if not found and kept is None:
        KEPT.keep(urn, top)
    return found
