"""Every resource's effective location is an allowed EEA region (CLOUD "Servers", DPA art. 12)."""

from __future__ import annotations

from policies.core.location import ALLOWED_REGIONS_SCHEMA, allowed, effective_location, region_verdict
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    """Own location, else explicit/default provider's, else the resource group's; unknown fails closed."""
    ok = allowed(ctx)
    out: list[tuple[str, str]] = []
    for r in graph.resources:
        loc = effective_location(r, graph)
        if loc is None:
            continue
        if loc.problem:
            out.append((r.urn, loc.problem))
        elif loc.region is not None:
            msg = region_verdict(loc.cloud, loc.region, f"the resource (location from {loc.source})", ok)
            if msg:
                out.append((r.urn, msg))
    return out


RULE = Rule(
    id="require-eea-location",
    title="Every resource is located in an allowed EEA region.",
    severity="critical",
    remediation="Set the resource's region/location (or its provider's, or aws:region / "
    "azure-native:location "
    "in the stack config) to an allowed EEA region; make it known at preview.",
    controls=("LOC-01", "LOC-02", "SYS-02", "SYS-03"),
    check=check,
    module=__name__,
    scope="stack",
    config_schema=ALLOWED_REGIONS_SCHEMA,
    waivable=False,  # residency is a contract term (DPA art. 12): no waiver can lift it
)
