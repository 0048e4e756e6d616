"""Azure NetApp Files volumes' NFS export policies (round 50): a rule's `allowedClients` (the SDK: "comma
separated string with IPv4 CIDRs, IPv4 host addresses and host names") says which hosts may mount the
volume; a client outside the stack's virtual networks (0.0.0.0/0, a peered or on-premises range) mounts it
unjudged."""

from __future__ import annotations

import ipaddress
from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

VOLUME = "azure-native:netapp:CapacityPoolVolume"
_NETWORKS = {
    "azure-native:network:VirtualNetwork": "addressSpace.addressPrefixes",
    "azure-native:network:Subnet": "addressPrefixes",
}


def _stack_networks(graph: StackGraph) -> list[Any]:
    out = []
    for t, path in _NETWORKS.items():
        for n in graph.by_type(t):
            prefixes = n.get(path) or []
            single = n.get("addressPrefix") if t.endswith("Subnet") else None
            for p in [*prefixes, *([single] if single else [])]:
                try:
                    out.append(ipaddress.ip_network(str(p), strict=False))
                except ValueError:
                    continue
    return out


def _outside(client: str, networks: list[Any]) -> bool:
    try:
        net = ipaddress.ip_network(client, strict=False)
    except ValueError:
        return True  # a host name: where it points is not judged here
    return not any(net.version == n.version and net.subnet_of(n) for n in networks)


def export_clients(r: ResourceView, graph: StackGraph) -> list[str]:
    """Every export rule's clients must lie in an address prefix of a virtual network or subnet of the
    stack; no export policy is the service's default rule, which admits 0.0.0.0/0."""
    rules = r.get("exportPolicy.rules")
    if is_unknown(rules):
        return [unknown_message("exportPolicy.rules", "which hosts may mount the volume")]
    if not rules:
        return [
            "`exportPolicy.rules` is not set: the service's default export rule admits every client "
            "(0.0.0.0/0); give rules whose `allowedClients` lie in the stack's virtual networks"
        ]
    networks, out = _stack_networks(graph), []
    for i, rule in enumerate(rules):
        clients = rule.get("allowedClients") if isinstance(rule, dict) else None
        if is_unknown(clients):
            out.append(unknown_message(f"exportPolicy.rules[{i}].allowedClients", "who may mount the volume"))
            continue
        wide = [c for c in str(clients or "").replace(" ", "").split(",") if c and _outside(c, networks)]
        if wide or not clients:
            out.append(
                f"`exportPolicy.rules[{i}].allowedClients` admits {', '.join(wide) or 'no named client'}, "
                "outside the address prefixes of the stack's virtual networks and subnets: hosts the "
                "stack does not place may mount the volume; name CIDRs or addresses of this stack's networks"
            )
    return out


PUBLIC_CHECKS = {VOLUME: export_clients}
