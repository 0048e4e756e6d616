"""Subnets of another party named by Azure resources (rounds 60 and 61). A store's `virtualNetworkRules` (a
storage account's `networkRuleSet`, a Key Vault's `properties.networkAcls`, an Elastic SAN volume group's
`networkAcls`, and the same list on Cosmos DB, Service Bus, Event Hubs and others, and rules that are
resources of their own, such as SQL's `VirtualNetworkRule`) admit subnets by their ARM id, and Microsoft's
Elastic SAN networking page says what holds for all of them: "the allowed subnets can belong to a virtual
network in the same subscription, or those in a different subscription, including subscriptions belonging to
a different Microsoft Entra tenant". App Service access restrictions admit subnets the same way under another
name (`ipSecurityRestrictions[].vnetSubnetResourceId`, and `scmIpSecurityRestrictions` for the deployment
site). A subnet a resource is placed in or joins is the same party's question the other way round: a private
endpoint or a delegated server answers in that network, and an app's Regional VNet Integration
(`virtualNetworkSubnetId`) sends its outbound calls through the routes and firewall whoever runs the network
sets. Who runs another subscription's network cannot be judged, so every subnet any Azure resource names must
be the stack's: an id fed from a subnet or network of the stack, a literal id the stack records for its own
subnet or virtual network, or a literal id in a subscription an azure-native provider of the stack pins
(`subscriptionId`). Closed world: a literal subnet id under any field
name is read by its shape; under a field known to hold a subnet, an id that is no ARM subnet id, or an unknown
value not fed from the stack's network, blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from policies.core.accounts import azure_subscription
from policies.core.graph_index import graph_index
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

_NETWORKS = ("azure-native:network:Subnet", "azure-native:network:VirtualNetwork")
_RULE_ID_KEYS = ("virtualNetworkResourceId", "id")
# Fields whose value is a subnet id (the installed SDK's names): access restrictions, Regional VNet
# Integration (the app's own field and its Swift connection resource), delegated flexible servers, Container
# Apps environments, AKS node and pod subnets, and the `subnetId` of Data Explorer, Databricks and others.
_SUBNET_KEYS = frozenset({
    "vnetSubnetResourceId", "virtualNetworkSubnetId", "subnetResourceId", "delegatedSubnetResourceId",
    "infrastructureSubnetId", "vnetSubnetID", "podSubnetID", "subnetId",
})
# Lists that admit subnets: unknown as a whole, which subnets they admit cannot be read.
_LISTS = frozenset({"virtualNetworkRules", "ipSecurityRestrictions", "scmIpSecurityRestrictions"})
_SUBNET_ID = re.compile(
    r"^/subscriptions/([^/]+)/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+"
    r"/subnets/[^/]+$",
    re.IGNORECASE,
)
_SUBSCRIPTION = re.compile(r"^/subscriptions/([^/]+)/", re.IGNORECASE)


def _rule_id(entry: Any) -> Any:
    """The subnet of one `virtualNetworkRules` entry: `subnet.id`, `virtualNetworkResourceId`, `id`, or the
    entry itself."""
    if isinstance(entry, dict):
        subnet = entry.get("subnet")
        if isinstance(subnet, dict) and "id" in subnet:
            return subnet["id"]
        return next((entry[k] for k in _RULE_ID_KEYS if k in entry), None)
    return entry


def _named(value: Any, path: str, key: str = "") -> Iterator[tuple[str, Any, bool]]:
    """(path, value, known to be a subnet) of every subnet the inputs name, however deep: each entry of a
    `virtualNetworkRules` list, each field of `_SUBNET_KEYS`, each `subnet.id`, and any other string shaped
    like an ARM subnet id. An unknown list of `_LISTS` is yielded whole."""
    if key in _LISTS and is_unknown(value):
        yield path, value, True
    elif key == "virtualNetworkRules" and isinstance(value, list):
        for i, entry in enumerate(value):
            yield f"{path}[{i}]", _rule_id(entry), True
    elif isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else k
            if key == "subnet" and k == "id":
                yield sub, v, True
            else:
                yield from _named(v, sub, k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _named(v, f"{path}[{i}]", key)
    elif key in _SUBNET_KEYS and value is not None and value != "":
        yield path, value, True
    elif isinstance(value, str) and _SUBNET_ID.match(value):
        yield path, value, False


def pinned_subscriptions(graph: StackGraph) -> set[str]:
    """The subscriptions azure-native providers of the stack pin (lower-cased)."""
    return {
        sub
        for r in graph.resources
        if r.type.startswith("azure-native:") and (sub := azure_subscription(r.provider)[0])
    }


def _recorded_in_stack(sid: str, graph: StackGraph) -> bool:
    """A literal id the stack records: its own subnet, or a subnet under its own virtual network (by recorded
    id, never by name). An update's preview knows the ids of what exists, and a stack need not pin the
    subscription its provider defaults to for its own network to be its own."""
    by_key = graph_index(graph).by_key
    rid = sid.lower()
    subnet, vnet = by_key.get(f"id:{rid}"), by_key.get(f"id:{rid.rsplit('/subnets/', 1)[0]}")
    return (subnet is not None and subnet.type in _NETWORKS) or (
        vnet is not None and vnet.type == _NETWORKS[1])


def _fed_from_stack_network(r: ResourceView, graph: StackGraph, path: str) -> bool:
    top = path.split(".", 1)[0].split("[", 1)[0]
    return any(d.type in _NETWORKS for d in graph.dependency_of(r, top))


def _message(r: ResourceView, where: str, sid: Any, whose: str) -> str:
    admits = r.type.endswith("VirtualNetworkRule") or any(k in where for k in _LISTS)
    return (
        f"`{where}` {'admits' if admits else 'names'} subnet {sid!r} {whose}: a subnet of another "
        "subscription or tenant is a network whose hosts may reach what admits or is placed in it, and "
        "whose routes carry what joins it, and this pack cannot judge who runs it; feed the id from a "
        "subnet of this stack, pin that subscription with `subscriptionId` on the provider that creates the "
        "subnet, or drop it (reach a store through a private endpoint in the stack's own network)"
    )


def foreign_subnets(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: why a subnet `r` names may be another party's."""
    if not r.type.startswith("azure-native:"):
        return []
    out = []
    pinned: set[str] | None = None
    for where, sid, slot in _named(r.inputs, ""):
        if is_unknown(sid):
            if not _fed_from_stack_network(r, graph, where):
                out.append(unknown_message(where, "which subnet it names"))
            continue
        if isinstance(sid, str) and _recorded_in_stack(sid, graph):
            continue
        m = _SUBSCRIPTION.match(sid) if isinstance(sid, str) and (_SUBNET_ID.match(sid) or not slot) else None
        pinned = pinned_subscriptions(graph) if pinned is None else pinned
        if m is not None and m.group(1).lower() in pinned:
            continue
        whose = f"of subscription {m.group(1)!r}, which no provider of the stack pins" if m else (
            "that is no readable ARM subnet id fed from a subnet of this stack")
        out.append(_message(r, where, sid, whose))
    return out
