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
subnet or virtual network (`recorded_ids`: made by the resource's own inputs), or a literal id in a
subscription the stack's PIA record names (`network_subscriptions`, round 62: who runs it and why; rounds 60
and 61 took any subscription a provider of the stack pins, and a provider may pin another party's
subscription for one harmless resource). A virtual network named whole is
the same question (round 62): a private DNS zone linked to it resolves the stack's private endpoints there, a
peering (a resource of its own or the network's inline `virtualNetworkPeerings`) or hub connection joins it.
Closed world: a literal subnet or virtual network id under any field name is read by its shape; under a field
known to hold one, an id that is no ARM network id, or an unknown value not fed from the stack's network,
blocks."""

from __future__ import annotations

import re
from typing import Any

from policies.core.iam.breakglass import records
from policies.core.recorded_ids import made_by, own_resource
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
# Objects whose `id` is a subnet or a virtual network: a private endpoint's or NIC's subnet, a private DNS
# zone link's and a DNS resolver link's network, a peering's or hub connection's remote network.
_ID_OBJECTS = frozenset({"subnet", "virtualNetwork", "remoteVirtualNetwork"})
# Lists that admit subnets: unknown as a whole, which subnets they admit cannot be read.
_LISTS = frozenset({"virtualNetworkRules", "ipSecurityRestrictions", "scmIpSecurityRestrictions"})
_NETWORK_ID = re.compile(
    r"^/subscriptions/([^/]+)/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+"
    r"(/subnets/[^/]+)?$",
    re.IGNORECASE,
)
_SUBSCRIPTION = re.compile(r"^/subscriptions/([^/]+)/", re.IGNORECASE)
_SCALARS = frozenset({str, bool, int, float, type(None)})  # exactly these types: no container, no subclass
UNRECORDED = "which the stack's PIA record does not name (`network_subscriptions`)"


def _rule_id(entry: Any) -> Any:
    """The subnet of one `virtualNetworkRules` entry: `subnet.id`, `virtualNetworkResourceId`, `id`, or the
    entry itself."""
    if isinstance(entry, dict):
        subnet = entry.get("subnet")
        if isinstance(subnet, dict) and "id" in subnet:
            return subnet["id"]
        return next((entry[k] for k in _RULE_ID_KEYS if k in entry), None)
    return entry


def _named(value: Any, path: str, key: str = "", out: list[tuple[str, Any, bool]] | None = None,
           ) -> list[tuple[str, Any, bool]]:
    """(path, value, known to be a network) of every subnet or virtual network the inputs name, however deep:
    each entry of a `virtualNetworkRules` list, each field of `_SUBNET_KEYS`, each `id` of `_ID_OBJECTS`, and
    any other string shaped like an ARM subnet or virtual network id. An unknown list of `_LISTS` is yielded
    whole. Into a list, in input order: every Azure resource of a stack is walked, and a scalar under any
    other key (most of them) is judged in its container's loop, without a call (round 22)."""
    out = [] if out is None else out
    if key in _LISTS and is_unknown(value):
        out.append((path, value, True))
    elif key == "virtualNetworkRules" and isinstance(value, list):
        out.extend([(f"{path}[{i}]", _rule_id(entry), True) for i, entry in enumerate(value)])
    elif isinstance(value, dict):
        ids = key in _ID_OBJECTS
        for k, v in value.items():
            if ids and k == "id":
                out.append((f"{path}.{k}" if path else k, v, True))
            elif type(v) in _SCALARS and k not in _SUBNET_KEYS and k not in _LISTS:
                if type(v) is str and _NETWORK_ID.match(v):
                    out.append((f"{path}.{k}" if path else k, v, False))
            else:
                _named(v, f"{path}.{k}" if path else k, k, out)
    elif isinstance(value, list):
        plain_key = key not in _SUBNET_KEYS and key not in _LISTS
        for i, v in enumerate(value):
            if plain_key and type(v) in _SCALARS:
                if type(v) is str and _NETWORK_ID.match(v):
                    out.append((f"{path}[{i}]", v, False))
            else:
                _named(v, f"{path}[{i}]", key, out)
    elif key in _SUBNET_KEYS and value is not None and value != "":
        out.append((path, value, True))
    elif isinstance(value, str) and _NETWORK_ID.match(value):
        out.append((path, value, False))
    return out


def recorded_subscriptions(stack: str) -> set[str]:
    """The subscriptions the stack's PIA record names in `network_subscriptions` (lower-cased): whose networks
    and resources the stack may name besides its own (round 62; before, any provider's pin counted)."""
    return {str(e.get("subscription", "")).lower() for e in records(stack, "network_subscriptions")}


def _recorded_in_stack(sid: str, graph: StackGraph, fed: list[ResourceView]) -> bool:
    """A literal id of the stack's own subnet or virtual network, or of a subnet under its own virtual
    network: the id the stack records for it, or one made by the network the field is fed from (never by
    name alone).
    An update's preview knows the ids of what exists, and a stack need not pin the subscription its provider
    defaults to for its own network to be its own."""
    vnet_id = re.split("/subnets/", sid, maxsplit=1, flags=re.IGNORECASE)[0]
    subnet, vnet = own_resource(graph, sid), own_resource(graph, vnet_id)
    if (subnet is not None and subnet.type in _NETWORKS) or (vnet is not None and vnet.type == _NETWORKS[1]):
        return True
    return any(made_by(d, sid) or (d.type == _NETWORKS[1] and made_by(d, vnet_id)) for d in fed)


def _stack_networks_feeding(r: ResourceView, graph: StackGraph, path: str) -> list[ResourceView]:
    top = path.split(".", 1)[0].split("[", 1)[0]
    return [d for d in graph.dependency_of(r, top) if d.type in _NETWORKS]


def _message(r: ResourceView, where: str, sid: Any, whose: str) -> str:
    admits = r.type.endswith("VirtualNetworkRule") or any(k in where for k in _LISTS)
    m = _NETWORK_ID.match(sid) if isinstance(sid, str) else None
    what = "virtual network" if m is not None and m.group(2) is None else "subnet"
    return (
        f"`{where}` {'admits' if admits else 'names'} {what} {sid!r} {whose}: a network of another "
        "subscription or tenant is one whose hosts may reach what admits, links or is placed in it, and "
        "whose routes carry what joins it, and this pack cannot judge who runs it; feed the id from a "
        f"{what} of this stack, name the subscription in the PIA record's `network_subscriptions` (who runs "
        "it, why), or drop it (reach a store through a private endpoint in the stack's own network)"
    )


def foreign_subnets(r: ResourceView, graph: StackGraph, recorded: set[str], inputs: Any = None) -> list[str]:
    """disallow-public-data-access: why a subnet `r` names may be another party's (`recorded`: the
    subscriptions of `recorded_subscriptions`; `inputs`: `r.inputs` where the caller has them)."""
    if not r.type.startswith("azure-native:"):
        return []
    out = []
    for where, sid, slot in _named(r.inputs if inputs is None else inputs, ""):
        fed = _stack_networks_feeding(r, graph, where)
        if is_unknown(sid):
            if not fed:
                out.append(unknown_message(where, "which subnet it names"))
            continue
        if isinstance(sid, str) and _recorded_in_stack(sid, graph, fed):
            continue
        readable = isinstance(sid, str) and (_NETWORK_ID.match(sid) or not slot)
        m = _SUBSCRIPTION.match(sid) if readable else None
        if m is not None and m.group(1).lower() in recorded:
            continue
        whose = f"of subscription {m.group(1)!r}, {UNRECORDED}" if m else (
            "that is no readable ARM subnet id fed from a subnet of this stack")
        out.append(_message(r, where, sid, whose))
    return out
