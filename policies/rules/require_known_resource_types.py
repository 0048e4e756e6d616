"""A resource type nobody has classified may hold data anywhere: fail closed until it is classified."""

from __future__ import annotations

from policies.core.rule import Rule, RuleContext
from policies.core.types import is_classified, is_component, is_provider_type
from policies.core.view import ResourceView, StackGraph


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    """Judged over the graph (every type applies: a per-resource policy would cost a call per resource)."""
    return [(r.urn, m) for r in graph.resources for m in _judge(r)]


def _judge(view: ResourceView) -> list[str]:
    t = view.type
    if is_provider_type(t) or is_component(t) or is_classified(t):
        return []
    return [
        f"{t} is not classified in policies/core/types.py (data store, key, edge, deployer or "
        f"data-free), "
        "so whether and where it holds data cannot be judged"
    ]


RULE = Rule(
    id="require-known-resource-types",
    title="Every resource type is classified as data-bearing or data-free.",
    severity="high",
    remediation="Add the type to policies/core/types.py (data stores/keys get the residency, key and "
    "protection "
    "rules) after reviewing where it keeps data.",
    controls=("LOC-02",),
    check=check,
    module=__name__,
    scope="stack",
    waivable=False,  # residency is a contract term (DPA art. 12): no waiver can lift it
)
