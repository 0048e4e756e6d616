"""Small shared judgements: tags, classification, links between resources, IAM policy documents."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterator
from typing import Any

from policies.core.records import CLASSIFICATIONS, load_pia
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message

HIGH_CLASSIFICATIONS = frozenset({"vertrouwelijk", "strikt-vertrouwelijk"})


def tags_of(view: ResourceView) -> tuple[dict[str, Any] | None, str | None]:
    """(tags, problem): problem when the tags are unknown at preview."""
    return view.tag_info


def is_transient(view: ResourceView) -> bool:
    """Tagged `data-retention: transient` (a cache that never persists)."""
    tags, _ = tags_of(view)
    return bool(tags) and tags.get("data-retention") == "transient"


def recorded_classification(stack: str | None = None) -> str:
    """The classification the stack's PIA record states ('' when there is no valid record)."""
    return load_pia(stack).classification


def classification(view: ResourceView, recorded: str | None = None) -> str | None:
    """The resource's classification: its tag may raise the stack's recorded PIA classification
    (`recorded_classification`), never lower it (D36 §100, §133). None when neither is valid."""
    tags, _ = tags_of(view)
    tag = (tags or {}).get("classification")
    recorded = recorded_classification() if recorded is None else recorded
    ranks = [CLASSIFICATIONS.index(c) for c in (tag, recorded) if c in CLASSIFICATIONS]
    return CLASSIFICATIONS[max(ranks)] if ranks else None


def needs_cmk(view: ResourceView, recorded: str | None = None) -> bool:
    """Classification 'vertrouwelijk' and above; a missing or unknown classification counts as high."""
    tags, _ = tags_of(view)
    tag = (tags or {}).get("classification")
    if tag not in CLASSIFICATIONS or tag in HIGH_CLASSIFICATIONS:
        return True
    return classification(view, recorded) in HIGH_CLASSIFICATIONS


_LINK_KEYS = (
    "bucket",
    "name",
    "identifier",
    "id",
    "arn",
    "resourceName",
    "accountName",
    "serverName",
    "vaultName",
    "workspaceName",
)


def linked(graph: StackGraph, target: ResourceView, types: tuple[str, ...], field: str) -> list[ResourceView]:
    """Resources of `types` whose input `field` refers to `target` (property dependency or same name/id).

    Kept per graph: several rules link the same resources (a bucket to its encryption configuration).
    """
    known = graph.once("linked", dict)
    key = (id(target), types, field)
    hit = known.get(key)
    if hit is not None and hit[0] is target:
        return list(hit[1])
    names = {target.name}
    for k in _LINK_KEYS:
        v = target.input(k)
        if isinstance(v, str) and not is_unknown(v):
            names.add(v)
    found = graph.referring(types, field, target.urn, names)
    known[key] = (target, tuple(found))
    return found


@functools.lru_cache(maxsize=4096)
def _pattern_matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: Any) -> Iterator[dict[str, Any]]:
    """The statements of a parsed IAM policy document."""
    if not isinstance(document, dict):
        return
    for s in _as_list(document.get("Statement")):
        if isinstance(s, dict):
            yield s


def allows(stmts: list[dict[str, Any]], action: str) -> bool:
    """Whether `action` is allowed by an Allow statement and not denied by a Deny statement (resources,
    conditions and NotAction are ignored on the Allow side: an over-approximation, fail closed)."""
    allowed = False
    for s in stmts:
        effect = s.get("Effect")
        acts = [str(a) for a in _as_list(s.get("Action"))]
        hit = any(_pattern_matches(a, action) for a in acts)
        if effect == "Deny" and hit and not s.get("Condition") and _all_resources(s):
            return False
        if effect == "Allow":
            if hit:
                allowed = True
            elif "NotAction" in s:
                nots = [str(a) for a in _as_list(s.get("NotAction"))]
                allowed = allowed or not any(_pattern_matches(a, action) for a in nots)
    return allowed


def _all_resources(stmt: dict[str, Any]) -> bool:
    res = _as_list(stmt.get("Resource"))
    return not res or "*" in res


def parse_policy(view: ResourceView, field: str) -> tuple[list[dict[str, Any]], str | None]:
    """(statements, problem) of the policy document in input `field`."""
    doc, error = json_document(view.input(field))
    if error == "unknown":
        return [], unknown_message(field, "the permissions it grants")
    if error:
        return [], f"`{field}` is {error}, so the permissions it grants cannot be judged"
    return list(statements(doc)), None
