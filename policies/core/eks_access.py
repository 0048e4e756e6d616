"""EKS access entries (round 24): an access entry and the access policies associated with it give an IAM
principal Kubernetes rights outside IAM policies (cluster admin reads every Kubernetes secret). The principal
must be a role of the stack, so that its trust (MFA for people) and duties are judged; a principal named only
by an ARN outside the stack, an IAM user, or one that cannot be read blocks. Node entries (EC2, Fargate,
hybrid nodes) admit the cluster's nodes, not people."""

from __future__ import annotations

import re

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
CONTROLS = (ENTRY, ASSOCIATION)
ROLE = "aws:iam/role:Role"
_NODE_TYPES = frozenset(
    {"EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX"}
)
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/(?:.*/)?([^/]+)$")


def _stack_role(graph: StackGraph, r: ResourceView) -> bool | None:
    """Whether the principal is a role of the stack (fed from it, or named in the ARN); None: unread."""
    if any(d.type == ROLE for d in graph.dependency_of(r, "principalArn")):
        return True
    arn = r.input("principalArn")
    if not isinstance(arn, str) or is_unknown(arn):
        return None
    m = _ROLE_ARN.match(arn)
    return bool(m) and any(m.group(1) in {x.input("name"), x.name} for x in graph.by_type(ROLE))


def eks_access_principals(graph: StackGraph) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for r in graph.by_type(ENTRY, ASSOCIATION):
        kind = r.input("type") if r.type == ENTRY else None
        if isinstance(kind, str) and kind.upper() in _NODE_TYPES:
            continue
        own = _stack_role(graph, r)
        if own is None:
            out.append((r.urn, unknown_message("principalArn", "who gets Kubernetes rights")))
        elif not own:
            out.append(
                (
                    r.urn,
                    f"`principalArn` {r.input('principalArn')} is no role of this stack: it gets Kubernetes "
                    "rights (an admin policy reads every secret) while whether it signs in with MFA cannot "
                    "be judged; grant them to a role of this stack that people assume with MFA",
                )
            )
    return out
