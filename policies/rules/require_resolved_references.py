"""Every reference only the stack can place resolves to a resource of the stack in an allowed EEA region
(DPA art. 12, CLOUD "Servers").

Second line over the graph: Azure resource ids, bucket ARNs and Azure service hostnames are matched to the
stack resource whose recorded id, ARN or endpoint they are (never by logical name); geo-redundant copies of
resources that inherit their location are judged here too. What matches nothing blocks, naming the field;
so does an identity policy sending to buckets, queues, topics… by a pattern no store of the stack can be
matched to.
"""

from __future__ import annotations

from policies.core.destinations import LocalJudge
from policies.core.endpoints import load_endpoints
from policies.core.geo import GEO_SETTINGS, geo_copies
from policies.core.grant_patterns import granted, open_grants
from policies.core.key_policy_writes import key_policy_writes
from policies.core.location import ALLOWED_REGIONS_SCHEMA, allowed, effective_location, region_verdict
from policies.core.org_policies import attachment_problems
from policies.core.redirect_grants import acls_disabled, aimed_grants, resource_policy_grants
from policies.core.references import references, release
from policies.core.resolution import judge_in_graph, prepare_index
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph


def check_resource(r: ResourceView, graph: StackGraph, ctx: RuleContext) -> list[str]:
    if not r.custom:
        return []
    judge = graph.once(f"local-judge:{id(ctx)}", lambda: LocalJudge(ctx))  # one per run: the graph's life
    declared = graph.once(f"endpoints:{id(ctx)}", lambda: load_endpoints(ctx.stack))
    statements = granted(r, graph)
    out = open_grants(r, statements, allowed(ctx), declared)
    held = resource_policy_grants(r)
    aimed, pinned = aimed_grants(allowed(ctx), statements + held, acls_disabled(r, graph))
    out += aimed + key_policy_writes(r, graph, statements, held) + attachment_problems(r, graph)
    out += [m for path, value in pinned for m in _pinned(path, value, r, graph, ctx, judge)]
    for ref in references(r):
        if judge(ref).deferred and (msg := judge_in_graph(ref, r, graph, ctx)):
            out.append(msg)
    if r.type in GEO_SETTINGS and (local := effective_location(r, None)) and local.source == "resource group":
        for field, region, problem in geo_copies(r, effective_location(r, graph)):
            where = f"`{field}` (geo-redundant copy)"
            msg = problem or region_verdict("azure", region or "", where, allowed(ctx))
            if msg:
                out.append(msg)
    return out


def _pinned(path: str, value: str, r: ResourceView, graph: StackGraph, ctx: RuleContext,
            judge: LocalJudge) -> list[str]:
    """Round 65: a destination a grant's condition pins (`sns:Endpoint`) is judged as the reference it is, by
    itself or in the graph, as if the resource sent there (policies/core/redirect_grants.py)."""
    probe = ResourceView(type=r.type, raw={"destination": value}, urn=r.urn, name=r.name, provider=r.provider)
    out = []
    for ref in references(probe):
        found = judge(ref)
        if msg := found.problem or (judge_in_graph(ref, probe, graph, ctx) if found.deferred else None):
            out.append(msg.replace("`destination`", path, 1))
    return out


RULE = Rule(
    id="require-resolved-references",
    title="Every Azure id, bucket or service host a resource refers to is a resource of this stack in an "
    "allowed EEA region, or a declared endpoint.",
    severity="critical",
    remediation="Refer to a resource of this stack (its id/ARN/endpoint output), or declare the outside "
    "resource with its region and reason in stacks/records/endpoints.yaml.",
    controls=("LOC-02",),
    each=check_resource,
    prepare=prepare_index,
    release=release,  # its references: no later rule reads them (round 26)
    module=__name__,
    scope="stack",
    config_schema=ALLOWED_REGIONS_SCHEMA,
    waivable=False,
)
