"""Global and edge services copy data to points of presence worldwide (DPA art. 12, CLOUD "Servers")."""

from __future__ import annotations

from policies.core.rule import Rule, RuleContext
from policies.core.types import GLOBAL_EDGE
from policies.core.view import ResourceView


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    return [
        f"{view.type} is a global or edge service: it serves or replicates data outside one EEA region; "
        "serve it from a regional EEA service instead (residency findings cannot be waived)"
    ]


RULE = Rule(
    id="disallow-global-edge-services",
    title="No global or edge service (CDN, global front door, accelerator, global replication) is deployed.",
    severity="high",
    remediation="Serve from a regional EEA endpoint (e.g. an EEA load balancer or S3 website behind the "
    "regional WAF).",
    controls=("LOC-02",),
    check=check,
    module=__name__,
    resource_types=GLOBAL_EDGE,
    waivable=False,  # residency is a contract term (DPA art. 12): no waiver can lift it
)
