"""Resources shared through AWS RAM (round 37): a share whose principals include an account the stack's PIA
record does not name (`aws_accounts`; any provider's pin until round 63), an organisation or an organisational
unit hands what it holds to another party — an Aurora cluster shared for cross-account cloning is a copy of
the database in the other account. Network plumbing (subnets, transit gateways, prefix lists, IPAM pools,
resolver rules) holds no data and may be shared; any other resource, or a share whose resources the stack does
not show, blocks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from policies.core.accounts import account_of
from policies.core.iam.statements import as_list
from policies.core.pia_other_accounts import UNRECORDED, stack_accounts
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

SHARE = "aws:ram/resourceShare:ResourceShare"
PRINCIPAL = "aws:ram/principalAssociation:PrincipalAssociation"
RESOURCE = "aws:ram/resourceAssociation:ResourceAssociation"
EXCLUSIVE = "aws:ram/resourceShareAssociationsExclusive:ResourceShareAssociationsExclusive"
CONTROLS = (SHARE, PRINCIPAL, RESOURCE, EXCLUSIVE)
_PLUMBING = re.compile(
    r"^arn:aws[\w-]*:(ec2:[\w-]*:\d{12}:(subnet|transit-gateway|prefix-list|ipam-pool)/"
    r"|route53resolver:[\w-]*:\d{12}:resolver-rule/)"
)


def _share_key(r: ResourceView, graph: StackGraph) -> str | None:
    """The share an association belongs to: the ResourceShare it is computed from, else its literal ARN."""
    for d in graph.dependency_of(r, "resourceShareArn"):
        if d.type == SHARE:
            return d.urn
    arn = r.input("resourceShareArn")
    return arn if isinstance(arn, str) and not is_unknown(arn) else None


def _outsiders(graph: StackGraph, principals: Any) -> list[str]:
    own = stack_accounts(graph)
    return sorted({str(p) for p in as_list(principals) if (a := account_of(p)) is None or a not in own})


def _resources(r: ResourceView, graph: StackGraph) -> list[str] | None:
    """ARNs (or names of the stack's resources) the share holds; None when one cannot be read."""
    key = _share_key(r, graph)
    out: list[str] = []
    for a in graph.by_type(RESOURCE):
        if key is None or _share_key(a, graph) != key:
            continue
        arn = a.input("resourceArn")
        if is_unknown(arn):
            return None
        out.append(str(arn) if arn else a.name)
    return out


def _judge(r: ResourceView, graph: StackGraph, principals: Any, held: list[str] | None) -> list[str]:
    if is_unknown(principals):
        return [unknown_message("principal", "who the RAM share is shared with")]
    outside = _outsiders(graph, principals)
    if not outside:
        return []
    if held is None:
        return [unknown_message("resourceArn", "what the RAM share holds")]
    data = [a for a in held if not _PLUMBING.match(a)]
    if held and not data:
        return []
    what = ", ".join(data) if data else "resources the stack does not show"
    return [
        f"the RAM share gives {what} to {', '.join(outside)}, {UNRECORDED} (an "
        "organisation or unit is every account in it): another party's people reach the data unjudged (no "
        "MFA, duties or exposure checks); share data only with the stack's accounts, and share only network "
        "plumbing (subnets, transit gateways, prefix lists, IPAM pools, resolver rules) beyond them"
    ]


def _principal(r: ResourceView, graph: StackGraph) -> list[str]:
    return _judge(r, graph, r.input("principal"), _resources(r, graph))


def _exclusive(r: ResourceView, graph: StackGraph) -> list[str]:
    arns = r.input("resourceArns")
    held = None if is_unknown(arns) else [str(a) for a in as_list(arns)] + (_resources(r, graph) or [])
    return _judge(r, graph, r.input("principals"), held)


EXTRA_CHECKS: tuple[tuple[str, Callable[[ResourceView, StackGraph], list[str]]], ...] = (
    (PRINCIPAL, _principal),
    (EXCLUSIVE, _exclusive),
)
