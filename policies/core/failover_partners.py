"""Failover groups that geo-replicate the stack's databases (round 63). A SQL failover group copies its
databases into each partner server (`partnerServers[].id`, "resource identifier of the partner server", the
installed SDK) and a managed instance failover group into the partner instance of each pair
(`managedInstancePairs[].partnerManagedInstanceId`): the copy's key, exposure and readers are judged only when
the stack holds it. The pack took residency's check for them, which asks where the partner is, not whose
(r63p-42, -43). A server is named by its global name (`<name>.database.windows.net`); an instance id
counts when fed from an instance of the stack or made by one's own inputs (`recorded_ids`). Closed world: a
partner the program does not show blocks."""

from __future__ import annotations

from policies.core.recorded_ids import made_by, own_resource
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

SQL_SERVER = "azure-native:sql:Server"
MANAGED_INSTANCE = "azure-native:sql:ManagedInstance"
_PAIR_KEYS = ("primaryManagedInstanceId", "partnerManagedInstanceId")


def _not_ours(where: str, value: str, what: str) -> str:
    return (
        f"`{where}` ({value!r}) names no {what} of this stack: the copy of the databases it receives, its "
        "key, exposure and readers, is not judged; pair the stack's own"
    )


def server_partners(r: ResourceView, graph: StackGraph) -> list[str]:
    if any(d.type == SQL_SERVER for d in graph.dependency_of(r, "partnerServers")):
        return []
    partners = r.input("partnerServers")
    if is_unknown(partners) or r.unknowns("partnerServers"):
        return [unknown_message("partnerServers", "which server receives the databases")]
    own = {str(x.input("serverName")).lower() for x in graph.by_type(SQL_SERVER)}
    return [
        _not_ours(f"partnerServers[{i}].id", pid, "sql:Server")
        for i, p in enumerate(partners if isinstance(partners, list) else [])
        if isinstance(pid := p.get("id") if isinstance(p, dict) else p, str)
        and pid.rstrip("/").rsplit("/", 1)[-1].lower() not in own
    ]


def instance_partners(r: ResourceView, graph: StackGraph) -> list[str]:
    fed = [d for d in graph.dependency_of(r, "managedInstancePairs") if d.type == MANAGED_INSTANCE]
    pairs = r.input("managedInstancePairs")
    if is_unknown(pairs):
        return [] if fed else [unknown_message("managedInstancePairs", "which instances hold the databases")]
    out = []
    for i, pair in enumerate(pairs if isinstance(pairs, list) else []):
        for key in _PAIR_KEYS:
            value = pair.get(key) if isinstance(pair, dict) else None
            where = f"managedInstancePairs[{i}].{key}"
            if is_unknown(value):
                out += [unknown_message(where, "which instance holds the databases")] * (not fed)
            elif isinstance(value, str) and own_resource(graph, value) is None:
                made = any(made_by(d, value) for d in fed)
                out += [_not_ours(where, value, "sql:ManagedInstance")] * (not made)
    return out


CHECKS = {
    "azure-native:sql:FailoverGroup": server_partners,
    "azure-native:sql:InstanceFailoverGroup": instance_partners,
}
