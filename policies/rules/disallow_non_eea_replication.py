"""Data must not leave through any reference in a resource's inputs: replicas, backup copies, failover
partners, log and event sinks, peerings, webhooks, hosts in JSON/YAML documents (DPA art. 12, CLOUD
"Servers").

Resource scope: every reference the reference scanner finds is judged from what it says itself (the region
of an ARN, a regional hostname, a region name), from the declared external endpoints, or as a documented
location-free class. References only the stack can place (Azure ids, bucket ARNs, Azure service hosts) are
resolved over the graph by require-resolved-references.
"""

from __future__ import annotations

from policies.core.backend import PROJECT_DIRS_SCHEMA
from policies.core.destinations import LocalJudge
from policies.core.geo import GEO_SETTINGS, geo_copies, routed_processing
from policies.core.image_endpoints import image_endpoints
from policies.core.image_programs import image_programs
from policies.core.lambda_code import lambda_code
from policies.core.location import ALLOWED_REGIONS_SCHEMA, allowed, effective_location, region_verdict
from policies.core.org_policies import org_policy_problems
from policies.core.references import references
from policies.core.restore_sources import cross_subscription_restore
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    if not view.custom:
        return []
    judge = LocalJudge(ctx)
    out = [o.problem for ref in references(view) if (o := judge(ref)).problem]
    out += routed_processing(view) + cross_subscription_restore(view) + org_policy_problems(view)
    out += image_endpoints(view) + image_programs(view)  # rounds 94-95: what a container's image may set
    out += lambda_code(view, ctx)  # rounds 98-99: code fetched by the engine or from outside the checkout
    if view.type in GEO_SETTINGS:
        home = effective_location(view, None)
        for field, region, problem in geo_copies(view, home):
            msg = problem or region_verdict(
                "azure", region or "", f"`{field}` (geo-redundant copy)", allowed(ctx)
            )
            if msg:
                out.append(msg)
    return out


RULE = Rule(
    id="disallow-non-eea-replication",
    title="No input of a resource sends or copies data to a place outside the allowed EEA regions.",
    severity="critical",
    remediation="Point the replica/copy/sink/URL at a resource of this stack in an allowed EEA region, or "
    "declare the outside endpoint with its region and reason in stacks/records/endpoints.yaml; make the "
    "destination known (not unknown, not secret) at preview.",
    controls=("LOC-02", "LOC-01", "LOC-03"),
    check=check,
    module=__name__,
    config_schema={**ALLOWED_REGIONS_SCHEMA, **PROJECT_DIRS_SCHEMA},
    waivable=False,
)
