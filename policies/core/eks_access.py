"""EKS access entries (round 24): an access entry and the access policies associated with it give an IAM
principal Kubernetes rights outside IAM policies (cluster admin reads every Kubernetes secret). The principal
must be a role of the stack, so that its trust (MFA for people) and duties are judged, the access policy's
rights among its functions (round 26); a principal named only by an ARN outside the stack, an IAM user, or one
that cannot be read blocks. Node entries (EC2, Fargate,
hybrid nodes) admit the cluster's nodes, not people. An entry's `kubernetesGroups` (round 29) are subjects of
RoleBindings applied inside the cluster, which the pack cannot see: any of them may be bound to cluster-admin,
so a group counts as access rights (fail closed) — one function alone, as for a team's own role, passes.
`system:masters` is cluster-admin whatever RBAC says; EKS refuses any `system:` group in an access entry.

Round 43: the cluster itself must admit no one outside its access entries — `authenticationMode` API (with
CONFIG_MAP, the default, or API_AND_CONFIG_MAP, the aws-auth ConfigMap inside the cluster maps IAM principals
to Kubernetes groups, system:masters among them, where the program does not see it) and
`bootstrapClusterCreatorAdminPermissions` false (by default whoever creates the cluster, a person's session or
the pipeline, keeps a cluster-admin access entry no program declares)."""

from __future__ import annotations

import re

from policies.core.iam.stack_roles import stack_role
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

CLUSTER = "aws:eks/cluster:Cluster"
ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
CONTROLS = (ENTRY, ASSOCIATION)
_NODE_TYPES = frozenset(
    {"EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX"}
)


# What an EKS access policy lets its holder do in Kubernetes, as R2016's functions (round 26): cluster
# admin and admin create Roles and RoleBindings, i.e. decide who may do what in the cluster (access
# rights); edit and the view policies grant no RBAC. Any other policy cannot be weighed (closed world).
ACCESS_POLICIES: dict[str, tuple[str, ...]] = {
    "AmazonEKSClusterAdminPolicy": ("access rights",),
    "AmazonEKSAdminPolicy": ("access rights",),
    "AmazonEKSEditPolicy": (),
    "AmazonEKSAdminViewPolicy": (),
    "AmazonEKSViewPolicy": (),
}
_POLICY_ARN = re.compile(r"^arn:aws[\w-]*:eks::aws:cluster-access-policy/(\w+)$")


def _role(graph: StackGraph, r: ResourceView) -> ResourceView | bool | None:
    """The stack's role the principal is (fed from it, or named in the ARN); False: none; None: unread."""
    return stack_role(graph, r, "principalArn", r.input("principalArn"))


def _policy(r: ResourceView) -> tuple[str, ...] | None:
    """The functions an association's access policy grants; None when the policy is not one weighed."""
    m = _POLICY_ARN.match(str(r.input("policyArn")))
    return ACCESS_POLICIES.get(m.group(1)) if m else None


def kubernetes_functions(graph: StackGraph) -> dict[str, set[str]]:
    """{role URN: functions its EKS access policies grant}; a policy that cannot be weighed counts as access
    rights (fail closed; eks_access_principals says why)."""
    out: dict[str, set[str]] = {}
    for r in graph.by_type(ENTRY):
        kind, groups = r.input("type"), r.input("kubernetesGroups")
        node = isinstance(kind, str) and kind.upper() in _NODE_TYPES
        if groups and not node and isinstance(role := _role(graph, r), ResourceView):
            out.setdefault(role.urn, set()).add("access rights")
    for r in graph.by_type(ASSOCIATION):
        role = _role(graph, r)
        if isinstance(role, ResourceView):
            granted = _policy(r)
            out.setdefault(role.urn, set()).update(("access rights",) if granted is None else granted)
    return out


def _outside_entries(r: ResourceView) -> list[str]:
    """Why cluster `r` may admit IAM principals to Kubernetes outside its access entries."""
    mode = r.get("accessConfig.authenticationMode")
    creator = r.get("accessConfig.bootstrapClusterCreatorAdminPermissions")
    if is_unknown(r.input("accessConfig")) or is_unknown(mode) or is_unknown(creator):
        return [unknown_message("accessConfig", "who may use the cluster outside its access entries")]
    out = []
    if mode != "API":
        out.append(
            f"`accessConfig.authenticationMode` is {mode!r} (CONFIG_MAP when left out): the aws-auth "
            "ConfigMap, edited inside the cluster where the program does not see it, maps IAM principals to "
            "Kubernetes groups (system:masters is cluster admin, every secret); set API and grant rights by "
            "access entries"
        )
    if creator is not False:
        out.append(
            "`accessConfig.bootstrapClusterCreatorAdminPermissions` is not false (default true): whoever "
            "creates the cluster (a person's session or the pipeline, outside the program) keeps a "
            "cluster-admin access entry no program declares; set it false and grant rights by access entries "
            "to roles of this stack"
        )
    return out


def eks_access_principals(graph: StackGraph) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [(r.urn, m) for r in graph.by_type(CLUSTER) for m in _outside_entries(r)]
    for r in graph.by_type(ENTRY, ASSOCIATION):
        kind = r.input("type") if r.type == ENTRY else None
        if isinstance(kind, str) and kind.upper() in _NODE_TYPES:
            continue
        if r.type == ASSOCIATION and _policy(r) is None:
            out.append(
                (
                    r.urn,
                    f"access policy {r.input('policyArn')!r} is not one the gate weighs, so whether it lets "
                    "its holder decide who may do what in the cluster cannot be judged; use one of "
                    f"{', '.join(sorted(ACCESS_POLICIES))}",
                )
            )
        own = _role(graph, r)
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
