"""Subnets admitted by Azure network rules (round 60). A store's `virtualNetworkRules` (a storage account's
`networkRuleSet`, a Key Vault's `properties.networkAcls`, an Elastic SAN volume group's `networkAcls`, and the
same list on Cosmos DB, Service Bus, Event Hubs and others, and rules that are resources of their own, such
as SQL's `VirtualNetworkRule`) admit subnets by their ARM id, and Microsoft's
Elastic SAN networking page says what holds for all of them: "the allowed subnets can belong to a virtual
network in the same subscription, or those in a different subscription, including subscriptions belonging to
a different Microsoft Entra tenant". The rules take effect only while public network access is enabled (the
pack refuses that per store), but a list that admits another party's subnet is one setting away from letting
it in, and who runs that subnet cannot be judged. So every rule of every Azure resource must name a subnet of
the stack: an id fed from a subnet or network of the stack (unknown in preview), or a literal id in a
subscription an azure-native provider of the stack pins (`subscriptionId`). Closed world: an entry whose id
cannot be read, or a list that is unknown, blocks."""

from __future__ import annotations

import re
from typing import Any

from policies.core.accounts import azure_subscription
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

_NETWORKS = ("azure-native:network:Subnet", "azure-native:network:VirtualNetwork")
_ID_KEYS = ("virtualNetworkResourceId", "id")
_SUBSCRIPTION = re.compile(r"^/subscriptions/([^/]+)/", re.IGNORECASE)


def _rule_lists(value: Any, path: str) -> list[tuple[str, Any]]:
    """(path, value) of every `virtualNetworkRules` in the inputs, however deep."""
    if isinstance(value, dict):
        return [
            hit
            for k, v in value.items()
            for hit in ([(f"{path}{k}", v)] if k == "virtualNetworkRules" else _rule_lists(v, f"{path}{k}."))
        ]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in _rule_lists(v, f"{path[:-1]}[{i}].")]
    return []


def _subnet_id(entry: Any) -> Any:
    if isinstance(entry, dict):
        subnet = entry.get("subnet")
        if isinstance(subnet, dict) and "id" in subnet:
            return subnet["id"]
        return next((entry[k] for k in _ID_KEYS if k in entry), None)
    return entry


def pinned_subscriptions(graph: StackGraph) -> set[str]:
    """The subscriptions azure-native providers of the stack pin (lower-cased)."""
    return {
        sub
        for r in graph.resources
        if r.type.startswith("azure-native:") and (sub := azure_subscription(r.provider)[0])
    }


def _fed_from_stack_network(r: ResourceView, graph: StackGraph, path: str) -> bool:
    top = path.split(".", 1)[0].split("[", 1)[0]
    return any(d.type in _NETWORKS for d in graph.dependency_of(r, top))


def _lists(r: ResourceView) -> list[tuple[str, Any]]:
    """The rule lists of `r`; a rule that is a resource of its own (SQL's `VirtualNetworkRule`, a namespace's
    `NamespaceVirtualNetworkRule`, Data Lake Store's) is a list of one, its `virtualNetworkSubnetId` or
    `subnetId`."""
    if r.type.endswith("VirtualNetworkRule"):
        key = "subnetId" if "subnetId" in r.inputs else "virtualNetworkSubnetId"
        return [(key, [r.input(key)])]
    return _rule_lists(r.inputs, "")


def foreign_subnets(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: why a network rule of `r` may admit a subnet of another party."""
    if not r.type.startswith("azure-native:"):
        return []
    out = []
    pinned: set[str] | None = None
    for path, rules in _lists(r):
        if is_unknown(rules):
            out.append(unknown_message(path, "which subnets the network rules admit"))
            continue
        for i, entry in enumerate(rules if isinstance(rules, list) else [rules]):
            where, sid = path if r.type.endswith("VirtualNetworkRule") else f"{path}[{i}]", _subnet_id(entry)
            if is_unknown(sid) and _fed_from_stack_network(r, graph, path):
                continue
            m = _SUBSCRIPTION.match(sid) if isinstance(sid, str) and not is_unknown(sid) else None
            pinned = pinned_subscriptions(graph) if pinned is None else pinned
            if m is not None and m.group(1).lower() in pinned:
                continue
            whose = f"of subscription {m.group(1)!r}, which no provider of the stack pins" if m else (
                "that is no readable ARM subnet id fed from a subnet of this stack")
            out.append(
                f"`{where}` admits subnet {sid!r} {whose}: a network rule may let in a virtual network "
                "of another subscription or tenant, whose hosts this pack cannot judge; feed the id from a "
                "subnet of this stack, pin that subscription with `subscriptionId` on the provider that "
                "creates the subnet, or drop the rule and reach the store through a private endpoint"
            )
    return out
