"""A resource's top-level scan, handed from its first view to its second (performance round 31).

The gate judges every resource through two views: the resource view (its inputs) and the stack view (its
inputs with its outputs merged over them, `{**inputs, **outputs}`). The stack view's first keys are the inputs
in their order, as the very values the resource view holds wherever an output did not replace them (the gate
shares those sub-proxies, `gate.state_view.inputs_view`); its outputs follow. The reference scan replays each
top-level key's trace in order against what was found before it (the de-duplication depends on the order),
so where the first view's top level is, key for key, the start of the second's, the second view's scan up to
there is the first's: it takes that and scans only the keys after it. Anything else (an input replaced, a
value not the same object or an unequal string, other own keys, a view of another value under the same URN)
takes nothing and scans everything, as before.
"""

from __future__ import annotations

from typing import Any

from policies.core.proxy_attrs import PROXIES
from policies.core.proxy_attrs import TRACE as _TRACE_ATTR

_KEPT_MAX = 1 << 13
"""Scans kept per generation: a resource's two views are one evaluation range apart (~6,300 resources at
100k, policies/core/references.py `_Recent`), two generations keep them; a first view whose second never
scans (a rule that skips the resource) is dropped two generations later."""

Kept = tuple[frozenset[str], dict[Any, Any], tuple[Any, ...]]
"""(own keys, the first view's top level, its references)."""


class _Kept(dict):  # type: ignore[type-arg]
    __slots__ = ("old",)

    def __init__(self) -> None:
        super().__init__()
        self.old: dict[str, Kept] = {}


_KEPT = _Kept()


def waiting(urn: str) -> bool:
    """A scan of a view of `urn` is kept: this view is the second (or a view of another value: a probe)."""
    return urn in _KEPT or urn in _KEPT.old


def keep(urn: str, own: frozenset[str], top: dict[Any, Any], refs: list[Any]) -> None:
    """Remember the first view's scan of its top level for the other view of `urn` (nothing waits for it)."""
    if len(_KEPT) >= _KEPT_MAX:
        _KEPT.old = dict(_KEPT)
        _KEPT.clear()
    _KEPT[urn] = (own, top, tuple(refs))


def take(urn: str, own: frozenset[str], top: dict[Any, Any]) -> tuple[int, list[Any]] | None:
    """The kept scan of the other view of `urn` where its top level starts this one (the number of keys it
    covers and the references found there), else None."""
    kept = _KEPT.get(urn) or _KEPT.old.get(urn)
    if kept is None:
        return None
    k_own, first, refs = kept
    if len(first) > len(top) or (k_own is not own and k_own != own):
        return None
    for (k, v), (k2, v2) in zip(first.items(), top.items(), strict=False):
        if k != k2 or (v is not v2 and not (type(v) is str and type(v2) is str and v == v2)):
            return None
    if _KEPT.pop(urn, None) is None:
        _KEPT.old.pop(urn, None)
    for v in first.values():  # traces a third view left on them are taken, as a second scan takes them
        if isinstance(v, PROXIES) and getattr(v, _TRACE_ATTR, None) is not None:
            setattr(v, _TRACE_ATTR, None)
    return len(first), list(refs)


def replay(trace: Any, refs: list[Any], seen: set[Any]) -> None:
    """Append what a trace found (policies/core/references.py `Trace`) that `seen` does not hold yet."""
    for pre, found, tokens in trace:
        for key, ref in pre:
            if key not in seen:
                seen.add(key)
                refs.append(ref)
        before = len(refs)
        for key, ref in found:
            if key not in seen:
                seen.add(key)
                refs.append(ref)
        if tokens and len(refs) == before:  # region tokens inside ARNs/hosts are judged with those
            for key, ref in tokens:
                if key not in seen:
                    seen.add(key)
                    refs.append(ref)
