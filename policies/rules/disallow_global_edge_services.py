"""Global and edge services copy data to points of presence worldwide (DPA art. 12, CLOUD "Servers")."""

from __future__ import annotations

from policies.core.rule import Rule, RuleContext
from policies.core.types import class_of, tokens_of_class
from policies.core.view import ResourceView


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    if not view.custom or class_of(view.type) != "edge":
        return []
    return [f"{view.type} is a global or edge service: it serves or replicates data outside one EEA region"]


RULE = Rule(
    id="disallow-global-edge-services",
    title="No global or edge service (CDN, global front door, accelerator, global replication) is deployed.",
    severity="high",
    remediation="Serve from a regional EEA endpoint (e.g. an EEA load balancer or an application gateway "
    "behind the regional WAF); residency findings cannot be waived (DPA art. 12).",
    controls=("LOC-02",),
    check=check,
    module=__name__,
    resource_types=tokens_of_class("edge"),  # the fast path: only these types are called
    waivable=False,
)
