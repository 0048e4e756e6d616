"""OpenSearch Serverless network policies (round 7; round 77 their endpoints): a rule set that keeps the
internet out (`AllowFromPublic` false) still admits every network its `SourceVPCEs` names. Those are
OpenSearch Serverless-managed interface endpoints (`CreateVpcEndpoint`, ids `vpce-…`), and whoever runs in an
endpoint's VPC reaches the collection through it; so, as a `*` grant's `aws:SourceVpce` (round 76), each must
be an endpoint the stack creates, named by the id it records. A dependency is not a place: a policy fed from
the stack's endpoint that names another id admits that one. Closed world: a list that cannot be read
blocks. Round 78: `SourceServices` ("supported AWS services such as Amazon Bedrock", AWS developer guide,
"Network access for Amazon OpenSearch Serverless") opens a private path to the collection for a service; who
reads through it is the data access policy's. Only Bedrock is known; another service, or a value that is not a
list of names, blocks until a check reads what it brings."""

from __future__ import annotations

from typing import Any

from policies.core.pia_more_stores import aoss_policy_blocks
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ENDPOINT = "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint"
SERVICES = frozenset({"bedrock.amazonaws.com"})  # knowledge bases; callers judged by the data access policy
CONTROLS = (ENDPOINT,)  # read as the places SourceVPCEs names (disallow-public-data-access)


def network_policy(r: ResourceView, graph: StackGraph) -> list[str]:
    """Each rule set keeps the internet out and names only the stack's endpoints."""
    if is_unknown(r.input("type")):
        return [unknown_message("type", "whether the policy opens collections to the internet")]
    if r.input("type") != "network":
        return []
    blocks, problem = aoss_policy_blocks(r)
    if problem:
        return [problem]
    out = []
    for i, (block, patterns) in enumerate(blocks):
        what = ", ".join(patterns) or "its resources"
        if block.get("AllowFromPublic") is not False:
            out.append(f"network policy rule set {i} allows access from the public internet "
                       f"(AllowFromPublic) to {what}")
        out += _foreign_endpoints(i, block.get("SourceVPCEs"), what, graph)
        out += _unknown_services(i, block.get("SourceServices"), what)
    return out


def _unknown_services(i: int, named: Any, what: str) -> list[str]:
    if named is None:
        return []
    if not isinstance(named, list) or not all(isinstance(v, str) for v in named):
        return [f"network policy rule set {i}: `SourceServices` is not a list of service names, so which "
                f"services reach {what} cannot be judged (fail closed)"]
    return [
        f"network policy rule set {i} admits {what} to the service {v!r}, which this pack does not know "
        f"(known: {', '.join(sorted(SERVICES))}): whose calls its private path brings cannot be judged (fail "
        "closed); leave it out, or add it to `aoss_network.SERVICES` once a check reads it"
        for v in named if v not in SERVICES
    ]


def _foreign_endpoints(i: int, named: Any, what: str, graph: StackGraph) -> list[str]:
    if named is None:
        return []
    if not isinstance(named, list) or not all(isinstance(v, str) for v in named):
        return [f"network policy rule set {i}: `SourceVPCEs` is not a list of endpoint ids, so which "
                f"networks reach {what} cannot be judged (fail closed)"]
    own = graph.once("aoss_endpoints", lambda: frozenset(
        str(e.input("id")) for e in graph.by_type(ENDPOINT) if isinstance(e.input("id"), str)))
    return [
        f"network policy rule set {i} admits {what} through VPC endpoint {v!r}, which is no OpenSearch "
        "Serverless endpoint of this stack (none it creates records that id): whoever runs in that "
        "endpoint's VPC, another party among them, reaches the collection; name the endpoint the stack "
        f"creates ({ENDPOINT.rsplit(':', 1)[-1]}) by its id"
        for v in named if v not in own
    ]
