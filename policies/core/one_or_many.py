"""Indexes of a stack's views by name or reference that hold a key's only value as itself and a list only
where a key has several (round 25): most names, ids and id suffixes belong to one resource, and a list per
key was 1.5 MB per realistic 10k for the names alone, kept to the end of the run."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def add(idx: dict[Any, Any], key: Any, value: Any) -> None:
    """Add `value` (never a list) under `key`, after the values added before."""
    found = idx.get(key, _MISSING)
    if found is _MISSING:
        idx[key] = value
    elif type(found) is list:
        found.append(value)
    else:
        idx[key] = [found, value]


def values(idx: dict[Any, Any], key: Any) -> list[Any]:
    """The values added under `key`, in order (a new list, or the index's own: read only)."""
    found = idx.get(key, _MISSING)
    if found is _MISSING:
        return []
    return found if type(found) is list else [found]


class RefIndex:
    """Positions of resources by the URNs their `field` depends on, by its value and by its id suffixes."""

    __slots__ = ("by_dep", "by_suffix", "by_value", "members")

    def __init__(self, members: list[Any], field: str):
        self.members = members
        self.by_dep: dict[str, Any] = {}
        self.by_value: dict[str, Any] = {}
        self.by_suffix: dict[str, Any] = {}
        for i, r in enumerate(members):
            for u in r.property_dependencies.get(field, ()):
                add(self.by_dep, u, i)
            v = r.input(field)
            if isinstance(v, str):
                add(self.by_value, v, i)
                parts = v.split("/")
                for k in range(1, len(parts)):
                    add(self.by_suffix, "/".join(parts[k:]), i)

    def positions(self, urn: str, names: Any) -> list[int]:
        """Positions of the members whose field depends on `urn` or holds one of `names` (or ends in it)."""
        found = set(values(self.by_dep, urn))
        for n in names:
            found.update(values(self.by_value, n))
            if n:
                found.update(values(self.by_suffix, n))
        return sorted(found)
