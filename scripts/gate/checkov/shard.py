"""Cutting an exported view into the independent pieces checkov judges separately, and dealing them out.

checkov's per-resource checks see one resource; its graph checks see a resource and what it is connected
to. In a Terraform plan the only connections are the ``configuration`` expression references (the gate
writes them from property dependencies); in an ARM template they are ``dependsOn`` and the
``reference()`` / ``resourceId()`` / ``parameters()`` / ``variables()`` functions, which the gate's
export does not write. So a connected component of that reference graph is judged the same alone as
inside the whole document: the unit of sharding and of the result cache. An ARM template that does use
any of those is kept whole (one component), which is always correct.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

ARM_LINKS = ("dependsOn", "reference(", "resourceId(", "parameters(", "variables(")


class Component:
    """Resources judged together: their addresses (as checkov names them) and the document holding them.

    The document may be built on demand (`build`) when the digest it would have (`key`) is already known:
    a component the result cache answers is never built."""

    def __init__(self, addresses: tuple[str, ...] | list[str], document: dict[str, Any] | None = None, *,
                 key: str | None = None, build: Callable[[], dict[str, Any]] | None = None) -> None:
        self.addresses = tuple(addresses)
        self._document = document
        self.key = key
        self._build = build

    @property
    def document(self) -> dict[str, Any]:
        if self._document is None:
            assert self._build is not None, "a component needs a document or a way to build it"
            self._document = self._build()
        return self._document

    @property
    def size(self) -> int:
        return len(self.addresses)


def _roots(parent: dict[str, str], a: str) -> str:
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


def groups(addresses: list[str], links: list[tuple[str, str]]) -> list[list[str]]:
    """Connected components (union-find), each in document order, ordered by their first member."""
    parent = {a: a for a in addresses}
    for a, b in links:
        if a in parent and b in parent:
            ra, rb = _roots(parent, a), _roots(parent, b)
            if ra != rb:
                parent[rb] = ra
    groups: dict[str, list[str]] = {}
    for a in addresses:
        groups.setdefault(_roots(parent, a), []).append(a)
    return list(groups.values())


def _reference_address(ref: str) -> str:
    """``aws_s3_bucket.data.id`` -> ``aws_s3_bucket.data``."""
    return ".".join(ref.split(".")[:2])


def terraform_links(expressions: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(address, referenced address) for each reference in the resources' configuration expressions."""
    return [(address, _reference_address(ref))
            for address, exprs in expressions
            for expr in (exprs or {}).values() if isinstance(expr, dict)
            for ref in expr.get("references") or []]


def terraform_components(plan: dict[str, Any]) -> list[Component]:
    """A plan's resources grouped by configuration references, each group as its own plan document."""
    planned = plan.get("planned_values", {}).get("root_module", {}).get("resources", [])
    changes = {c["address"]: c for c in plan.get("resource_changes", [])}
    config_root = plan.get("configuration", {}).get("root_module", {})
    configs = {c["address"]: c for c in config_root.get("resources", [])}
    addresses = [r["address"] for r in planned]
    links = terraform_links((address, conf.get("expressions")) for address, conf in configs.items())
    by_address = {r["address"]: r for r in planned}
    out = []
    for group in groups(addresses, links):
        doc = {**plan,
               "planned_values": {"root_module": {"resources": [by_address[a] for a in group]}},
               "resource_changes": [changes[a] for a in group if a in changes],
               "configuration": {**plan.get("configuration", {}),
                                 "root_module": {**config_root,
                                                 "resources": [configs[a] for a in group if a in configs]}}}
        out.append(Component(tuple(group), doc))
    return out


def arm_components(template: dict[str, Any]) -> list[Component]:
    """One component per top-level resource (children nested in it), or the whole template if linked."""
    resources = template.get("resources", [])
    addresses = [f"{r.get('type')}.{r.get('name')}" for r in resources]
    text = json.dumps(resources)
    if any(link in text for link in ARM_LINKS) or len(set(addresses)) != len(addresses):
        return [Component(tuple(addresses), template)]
    return [Component((address,), {**template, "resources": [res]})
            for address, res in zip(addresses, resources, strict=True)]


def merge_terraform(plan: dict[str, Any], parts: list[Component]) -> dict[str, Any]:
    """One plan document holding the given components (the inverse of terraform_components)."""
    config = plan.get("configuration", {})
    return {**plan,
            "planned_values": {"root_module": {"resources": [
                r for c in parts for r in c.document["planned_values"]["root_module"]["resources"]]}},
            "resource_changes": [r for c in parts for r in c.document["resource_changes"]],
            "configuration": {**config, "root_module": {**config.get("root_module", {}), "resources": [
                r for c in parts for r in c.document["configuration"]["root_module"]["resources"]]}}}


def merge_arm(template: dict[str, Any], parts: list[Component]) -> dict[str, Any]:
    return {**template, "resources": [r for c in parts for r in c.document["resources"]]}


def deal(sizes: list[int], shards: int) -> list[list[int]]:
    """Indices of `sizes` dealt into at most `shards` bins of about equal total (largest first)."""
    bins: list[list[int]] = [[] for _ in range(max(1, shards))]
    totals = [0] * len(bins)
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        j = totals.index(min(totals))
        bins[j].append(i)
        totals[j] += sizes[i]
    return [sorted(b) for b in bins if b]
