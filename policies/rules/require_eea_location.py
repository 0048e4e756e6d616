"""Every resource's own location is an allowed EEA region (CLOUD "Servers", DPA art. 12).

Resource scope, so `pulumi up` blocks the registration itself: the resource's `region`/`location` input,
else its provider's (explicit, or the default provider from stack config). A location inherited from a
resource group is judged over the graph by require-eea-inherited-location.
"""

from __future__ import annotations

from policies.core.location import ALLOWED_REGIONS_SCHEMA, allowed, effective_location, region_verdict
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    loc = effective_location(view, None)
    if loc is None:
        return []
    if loc.problem:
        return [loc.problem]
    if loc.region is None:
        return []
    msg = region_verdict(loc.cloud, loc.region, f"the resource (location from {loc.source})", allowed(ctx))
    return [msg] if msg else []


RULE = Rule(
    id="require-eea-location",
    title="Every resource is located in an allowed EEA region.",
    severity="critical",
    remediation="Set the resource's region/location (or its provider's, or aws:region / "
    "azure-native:location in the stack config) to an allowed EEA region; make it known at preview.",
    controls=("LOC-01", "LOC-02", "SYS-02", "SYS-03"),
    check=check,
    module=__name__,
    config_schema=ALLOWED_REGIONS_SCHEMA,
    waivable=False,
)
