"""Deferred references resolved over the stack graph: to the resource whose recorded id, ARN, bucket name,
physical name or endpoint output they are (never its logical name), or through property dependencies for a
value that is unknown or secret; what resolves to nothing blocks, naming the field path.
"""

from __future__ import annotations

from policies.core.account_hosts import account_host, id_problem, label_problem, owner_problem
from policies.core.account_urls import WORKFLOW, callback_problem
from policies.core.azure_hosts import azure_modules
from policies.core.code_values import HELD
from policies.core.command_names import STORE_NOTE
from policies.core.command_places import NAMED_NOTE
from policies.core.cosmos_replicas import replica_problem
from policies.core.cross_stack import own_elsewhere, place
from policies.core.graph_index import STACK_REFERENCE, arn_accounts, graph_index
from policies.core.host_classes import GLOBAL_EVENTS, aws_resource_host, global_events_problem
from policies.core.location import allowed, effective_location, region_verdict
from policies.core.outside_parties import party_problem
from policies.core.private_zones import placed_otherwise, zone_name, zone_problem
from policies.core.read_grants import DATA_SHARE, principal_problem
from policies.core.references import Ref
from policies.core.relays import relay_arn
from policies.core.rule import RuleContext
from policies.core.stack_networks import address_problem, network_of
from policies.core.stored_refs import stored_problem
from policies.core.types import class_of
from policies.core.view import ResourceView, StackGraph


def _find(graph: StackGraph, ref: Ref) -> ResourceView | None:
    return graph_index(graph).find(ref)


def _placed(target: ResourceView, ref: Ref, graph: StackGraph, ctx: RuleContext, what: str) -> str | None:
    loc = effective_location(target, graph)
    if loc is None:
        return None
    if loc.problem is None and loc.region is None:
        return None  # no place of its own (global, or lives where its scope is)
    if loc.problem:
        return f"`{ref.path}` refers to {target.name}, whose location cannot be judged: {loc.problem}"
    return region_verdict(loc.cloud, loc.region or "", f"`{ref.path}` ({target.name}: {what})", allowed(ctx))


def _from_dependencies(
    ref: Ref, view: ResourceView, graph: StackGraph, ctx: RuleContext, what: str
) -> str | None:
    """An unknown or unreadable value: judged by where the resources it is computed from are."""
    deps = graph.dependency_of(view, ref.path.split(".", 1)[0].split("(", 1)[0])
    if ref.kind == "opaque":  # a field that names no destination: judged only where it comes from a place
        return _unrecorded_stack(ref, deps, what) or next(
            (m for d in deps if (m := _placed(d, ref, graph, ctx, what))), None
        )
    if not deps:
        how = "unknown during preview" if ref.kind == "unknown" else "a secret the policy cannot read"
        return (
            f"`{ref.path}` is {how} and computed from no resource of this stack, so where {what} "
            "cannot be judged (fail closed); make the destination a known, non-secret value"
        )
    msg = _unrecorded_stack(ref, deps, what)
    if msg:
        return msg
    # a random name places nothing (`https://{pet}.example`)
    if ref.kind == "unknown" and all(class_of(d.type) == "local" for d in deps):
        return (
            f"`{ref.path}` is unknown during preview and computed only from {deps[0].name} "
            f"({deps[0].type}), which has no location, so where {what} cannot be judged (fail closed); "
            "build the destination from a resource of this stack or a declared endpoint"
        )
    return next((m for d in deps if (m := _placed(d, ref, graph, ctx, what))), None)


def _unrecorded_stack(ref: Ref, deps: list[ResourceView], what: str) -> str | None:
    """A stack reference without recorded outputs is a stack the gate did not record and judge (a recorded
    one's unknown output is a resource of that stack, judged there)."""
    refs = [d.name for d in deps if d.type == STACK_REFERENCE and not isinstance(d.input("outputs"), dict)]
    if refs:
        return (
            f"`{ref.path}` is computed from stack reference {refs[0]}, a stack the gate has not "
            f"recorded, so where {what} cannot be judged (fail closed); record the referenced stack in "
            "the same run or declare the destination in stacks/records/endpoints.yaml"
        )
    return None



def prepare_index(graph: StackGraph, ctx: RuleContext) -> None:
    """The graph-wide indexes judge_in_graph uses, built ahead of a split (a rule's `prepare`)."""
    graph_index(graph)
    arn_accounts(graph)


def judge_in_graph(
    ref: Ref, view: ResourceView, graph: StackGraph, ctx: RuleContext, what: str = "data is sent there"
) -> str | None:
    """A deferred reference, resolved to a resource of the stack (by recorded id/ARN/endpoint) or failing."""
    if ref.kind in ("unknown", "secret", "opaque"):
        return _from_dependencies(ref, view, graph, ctx, what)
    if ref.kind in ("stored", "held", "keyed"):  # read at run time from a store (core/stored_refs.py)
        return stored_problem(ref.path, ref.value, graph, held=ref.kind == "held", keyed=ref.kind == "keyed")
    if ref.kind == "address":  # round 49: a private address, inside the stack's networks or nowhere
        net = network_of(graph, ref.value)
        return _placed(net, ref, graph, ctx, what) if net else address_problem(ref.path, ref.value)
    idx = graph_index(graph)
    if ref.kind == "foreign":  # an ARN of another account: fine only in the account of the stack's resources
        arn = Ref(ref.path, "arn", ref.value)
        own = (ref.value.split(":")[4] in arn_accounts(graph) or idx.find(arn) is not None
               or own_elsewhere(arn, idx.stack_refs, _find))  # a recorded ARN of the stack or run is own
        return None if own else party_problem(ref.kind, ref.path, ref.value)
    target = idx.find(ref)
    if target is not None:
        return _placed(target, ref, graph, ctx, what)
    elsewhere, verdict = place(ref, idx.stack_refs, ctx, what, _find, _placed)  # round 11: another stack's
    if elsewhere:
        return verdict
    if ref.kind == "host" and idx.by_name(ref.value) is not None and (label := idx.unproven_label(ref.value)):
        return label_problem(ref.path, ref.value, label)
    if ref.kind == "host" and idx.by_name(ref.value) is not None and (rid := idx.unproven_id(ref.value)):
        return id_problem(ref.path, ref.value, rid)
    named = aws_resource_host(ref.value) or azure_modules(ref.value)  # its name in the host: said below
    if ref.kind == "host" and not named and account_host(ref.value):
        return owner_problem(ref.path, ref.value, arn_accounts(graph))
    if ref.kind == "host" and (why := replica_problem(ref.path, ref.value, azure_modules(ref.value), idx)):
        return why
    if ref.kind == "host" and ref.value.endswith(GLOBAL_EVENTS):
        return global_events_problem(ref.path, ref.value)
    if ref.kind == "host" and zone_name(ref.value):
        return None if placed_otherwise(view, ref.path) else zone_problem(ref.path, ref.value)
    if ref.kind == "named" and ref.value.startswith(f"{WORKFLOW}|"):
        return callback_problem(ref.path, ref.value)
    if ref.kind == "guid" and view.type == DATA_SHARE:
        return principal_problem(ref.path, ref.value)
    relayed = ref.kind == "arn" and relay_arn(ref.value, ref.path)
    return (
        f"`{ref.path}` refers to {ref.value!r}, which is neither a resource of this stack (matched by its "
        "recorded id, ARN or endpoint, never by name) nor a declared external endpoint "
        "(stacks/records/endpoints.yaml), so where it is cannot be judged" + (_RELAY_NOTE if relayed else "")
        + (_HELD_NOTE if ref.kind == "bucket" and HELD.search(ref.value) else "")
        + (STORE_NOTE if ref.kind == "host" and ref.value[:1] in "${" else "")
        + (NAMED_NOTE if ref.kind == "named" and ("|$" in ref.value or "|{" in ref.value) else "")
    )


_HELD_NOTE = ("; the code holds the bucket in a variable or expression the pack cannot read: write the "
              "bucket's name (a resource of this stack) in the code, assign the variable that literal in the "
              "same code, or set the environment variable in the resource's own environment")


_RELAY_NOTE = ("; it passes on what it receives to destinations its own inputs set (a relay: a stream, "
               "topic, API, function or destination of another stack), so create it in this stack or "
               "declare it")
