"""A location inherited from a resource group or a parent is an allowed EEA region (CLOUD "Servers", DPA
art. 12).

Second line over the graph: azure-native resources without a `location` of their own are created where their
resource group is, and child types (no `location` input: a blob container, a Key Vault secret) live in their
parent, which only the whole stack shows (policies/core/parents.py).
"""

from __future__ import annotations

from policies.core.location import ALLOWED_REGIONS_SCHEMA, allowed, effective_location, region_verdict
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph

_INHERITED = ("resource group", "parent")  # where the location comes from only the whole stack can tell


def check_resource(r: ResourceView, graph: StackGraph, ctx: RuleContext) -> list[str]:
    local = effective_location(r, None)
    if local is None or local.region is not None or local.problem or local.source not in _INHERITED:
        return []
    loc = effective_location(r, graph)
    if loc is None:
        return []
    if loc.problem:
        return [loc.problem]
    if loc.region is not None:
        where = f"the resource (location from {loc.source})"
        msg = region_verdict(loc.cloud, loc.region, where, allowed(ctx))
        return [msg] if msg else []
    return []


RULE = Rule(
    id="require-eea-inherited-location",
    title="Every resource that takes its location from a resource group or a parent is in an allowed EEA "
    "region.",
    severity="critical",
    remediation="Create the resource group in an allowed EEA region, or give the resource its own allowed "
    "`location`; the resource group must be a resource of this stack with a known location.",
    controls=("LOC-01", "LOC-02"),
    each=check_resource,
    module=__name__,
    scope="stack",
    config_schema=ALLOWED_REGIONS_SCHEMA,
    waivable=False,
)
