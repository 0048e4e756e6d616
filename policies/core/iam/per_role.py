"""An Azure role's answers remembered by what is read of it: every grant of a role asks them again
(thousands of assignments of a few roles in a large stack)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

_PERM_KEYS = ("actions", "notActions", "dataActions", "notDataActions")
MAX = 4096


def per_role(judge: Callable[[list[dict[str, Any]]], set[str]]) -> Callable[[list[dict[str, Any]]], set[str]]:
    """`judge(perms)` (a set, returned as a new one each call) computed once per role: keyed by every
    entry's operations as the strings `covers` matches (`str` of each); a role that cannot be read so is
    judged afresh (and fails as it would)."""
    cache: dict[tuple[Any, ...], frozenset[str]] = {}

    @functools.wraps(judge)
    def remembered(perms: list[dict[str, Any]]) -> set[str]:
        try:
            key = tuple(tuple(tuple(map(str, p.get(k) or ())) for k in _PERM_KEYS) for p in perms)
        except Exception:  # anything odd: not remembered
            return judge(perms)
        found = cache.get(key)
        if found is None:
            if len(cache) >= MAX:
                cache.clear()
            found = cache[key] = frozenset(judge(perms))
        return set(found)

    return remembered
