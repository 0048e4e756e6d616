"""EKS control-plane logs (round 23): CloudTrail records who changed a cluster, never who read which
Kubernetes secret, under which identity; only the control plane's `audit` log does (each request with the
user it was authenticated as), and EKS sends none unless asked. It lands in `/aws/eks/<cluster>/cluster`,
which EKS creates never expiring; a group of that name the stack declares must keep it as long as any other
audit log. A group whose name is fed from a cluster of the stack (round 24: an autonamed cluster's name is
unknown at preview) is that cluster's group too."""

from __future__ import annotations

import re
from typing import Any

from policies.core.view import StackGraph, is_unknown, unknown_message

CLUSTER = "aws:eks/cluster:Cluster"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
NEEDED = ("audit",)
_EKS_GROUP = re.compile(r"^/aws/eks/[^/]+/cluster$")


def eks_unlogged(graph: StackGraph) -> list[tuple[str, str]]:
    """Clusters whose control plane does not send its audit log."""
    out: list[tuple[str, str]] = []
    for c in graph.by_type(CLUSTER):
        types = c.input("enabledClusterLogTypes")
        if is_unknown(types) or (isinstance(types, list) and any(is_unknown(t) for t in types)):
            out.append(
                (c.urn, unknown_message("enabledClusterLogTypes", "which control-plane logs EKS keeps"))
            )
            continue
        given = {str(t) for t in types} if isinstance(types, list) else set()
        if not set(NEEDED) <= given:
            out.append(
                (
                    c.urn,
                    "the EKS control plane does not send its audit log (`enabledClusterLogTypes` lacks "
                    "'audit'): who read or changed which Kubernetes secret, as which user, is recorded "
                    "nowhere; add 'audit'",
                )
            )
    return out


def _days(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return float(str(raw).strip())
    except ValueError:
        return None


def eks_log_retention(graph: StackGraph, minimum: int) -> list[tuple[str, str]]:
    """The stack's `/aws/eks/<cluster>/cluster` groups keep at least `minimum` days (unset: never expire)."""
    out: list[tuple[str, str]] = []
    for g in graph.by_type(LOG_GROUP):
        name = g.input("name")
        fed = [c.name for c in graph.dependency_of(g, "name") if c.type == CLUSTER]
        if fed:
            name = f"named from the cluster {fed[0]}"
        elif not isinstance(name, str) or not _EKS_GROUP.match(name):
            continue
        raw = g.input("retentionInDays")
        if is_unknown(raw):
            out.append(
                (g.urn, unknown_message("retentionInDays", "how long the cluster's audit log is kept"))
            )
            continue
        days = _days(raw) if raw is not None else 0.0
        if days is None or 0 < days < minimum:
            out.append(
                (
                    g.urn,
                    f"the log group {name} holds the EKS control plane's audit log and keeps {raw!r} days; "
                    f"keep it at least {minimum} days (or leave retentionInDays unset: never expire)",
                )
            )
    return out
