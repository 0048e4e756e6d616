"""Public exposure of Azure machines and their network security groups (disallow-public-data-access; moved
out of the rule in round 94, unchanged): a security rule letting the internet in, a VM's network interface
with a public IP address, a scale set giving every instance one."""

from __future__ import annotations

from policies.core.exposure import _nsg_rule
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

NIC = "azure-native:network:NetworkInterface"


def nsg(r: ResourceView, graph: StackGraph) -> list[str]:
    rules = r.input("securityRules")
    if is_unknown(rules):
        return [unknown_message("securityRules", "who can reach the group's hosts")]
    return [
        f"security rule {rule.get('name', i)!r} lets {hit} in"
        for i, rule in enumerate(rules or [])
        if isinstance(rule, dict) and (hit := _nsg_rule(rule))
    ]


def azure_vm(r: ResourceView, graph: StackGraph) -> list[str]:
    nics = graph.dependency_of(r, "networkProfile") + [
        n
        for ref in r.get("networkProfile.networkInterfaces") or []
        if isinstance(ref, dict)
        for n in graph.named(str(ref.get("id", "")).rsplit("/", 1)[-1])
        if n.type == NIC
    ]
    out = []
    for nic in {n.urn: n for n in nics if n.type == NIC}.values():
        for c in nic.input("ipConfigurations") or []:
            if isinstance(c, dict) and c.get("publicIPAddress"):
                out.append(f"network interface {nic.name} gives the data host a public IP address")
    return out


def vmss(r: ResourceView, graph: StackGraph) -> list[str]:
    configs = r.get("virtualMachineProfile.networkProfile.networkInterfaceConfigurations")
    if is_unknown(configs):
        return [unknown_message("virtualMachineProfile.networkProfile", "whether instances get public IPs")]
    return [
        f"network interface configuration {c.get('name', i)!r} gives every instance a public IP address"
        for i, c in enumerate(configs or [])
        if isinstance(c, dict)
        and any(
            isinstance(ip, dict) and ip.get("publicIPAddressConfiguration")
            for ip in c.get("ipConfigurations") or []
        )
    ]
