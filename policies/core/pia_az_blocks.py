"""Judges of the common Azure building blocks the closed world found unjudged: private endpoint connections,
server firewall rules, Event Hubs / Service Bus network rule sets, load balancer pools, private link services,
Redis geo-replication links, Container Apps ingress, storage encryption scopes and queue/table keys.
disallow-public-data-access, require-tls-1-2 and require-customer-managed-keys merge these tables into
theirs. Closed world: what cannot be read blocks, with what to set."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from policies.core.azure_uris import named_in_stack
from policies.core.exposure import _azure_world, _ports, beyond_web
from policies.core.failover_partners import CHECKS as FAILOVER
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
PrivateCheck = Callable[[ResourceView, StackGraph], list[str]]


def _last(value: Any) -> str | None:
    """The name an input gives: the value itself or the last segment of an ARM id."""
    if not isinstance(value, str) or is_unknown(value) or not value:
        return None
    return value.rstrip("/").rsplit("/", 1)[-1]


def in_stack(graph: StackGraph, r: ResourceView, fld: str, types: tuple[str, ...]) -> list[ResourceView]:
    """The resources of `types` the input `fld` names: by property dependency, else as its literal names
    them (round 90, `azure_uris.named_in_stack`: an ARM id by its type, subscription, group and names; a
    bare name in the caller's resource group)."""
    deps = [d for d in graph.dependency_of(r, fld.split(".", 1)[0]) if d.type in types]
    return deps or named_in_stack(graph, r, r.get(fld), types)


# ---------------------------------------------------------------- private endpoint connections

PRIVATE_ENDPOINT_CONNECTIONS = (
    "azure-native:app:ManagedEnvironmentPrivateEndpointConnection",
    "azure-native:appconfiguration:PrivateEndpointConnection",
    "azure-native:cognitiveservices:PrivateEndpointConnection",
    "azure-native:compute:DiskAccessAPrivateEndpointConnection",
    "azure-native:containerregistry:PrivateEndpointConnection",
    "azure-native:containerservice:PrivateEndpointConnection",
    "azure-native:cosmosdb:PrivateEndpointConnection",
    "azure-native:dbformysql:PrivateEndpointConnection",
    "azure-native:dbforpostgresql:PrivateEndpointConnection",
    "azure-native:dbforpostgresql:ServerGroupPrivateEndpointConnection",
    "azure-native:eventhub:PrivateEndpointConnection",
    "azure-native:keyvault:MHSMPrivateEndpointConnection",
    "azure-native:keyvault:PrivateEndpointConnection",
    "azure-native:monitor:PrivateEndpointConnection",
    "azure-native:network:ApplicationGatewayPrivateEndpointConnection",
    "azure-native:network:PrivateLinkServicePrivateEndpointConnection",
    "azure-native:recoveryservices:PrivateEndpointConnection",
    "azure-native:redis:PrivateEndpointConnection",
    "azure-native:search:PrivateEndpointConnection",
    "azure-native:security:PrivateEndpointConnection",
    "azure-native:servicebus:PrivateEndpointConnection",
    "azure-native:sql:ManagedInstancePrivateEndpointConnection",
    "azure-native:sql:PrivateEndpointConnection",
    "azure-native:storage:PrivateEndpointConnection",
    "azure-native:web:AppServiceEnvironmentPrivateEndpointConnection",
    "azure-native:web:StaticSitePrivateEndpointConnection",
    "azure-native:web:WebAppPrivateEndpointConnection",
    "azure-native:web:WebAppPrivateEndpointConnectionSlot",
)


def _own_endpoint(r: ResourceView, graph: StackGraph) -> bool:
    """The connection belongs to a private endpoint of this stack: a dependency, the endpoint id it names,
    or its name (Azure names a connection `<endpoint name>.<guid>`)."""
    if any(graph.get(u) and graph.get(u).type == PRIVATE_ENDPOINT for u in r.dependencies):
        return True
    names = {
        _last(r.get("privateEndpoint.id")),
        _last(r.get("properties.privateEndpoint.id")),
        str(r.input("privateEndpointConnectionName") or "").split(".", 1)[0] or None,
    } - {None}
    return any(
        pe.name in names or pe.input("privateEndpointName") in names for pe in graph.by_type(PRIVATE_ENDPOINT)
    )


def private_endpoint_connection(r: ResourceView, graph: StackGraph) -> list[str]:
    """Approving a connection lets the requesting endpoint's network reach the store past its closed public
    access; only an endpoint of this stack (whose network the stack holds) may be approved."""
    fld = "privateLinkServiceConnectionState.status"
    if unknown := r.unknowns("privateLinkServiceConnectionState", "properties"):
        return [unknown_message(unknown[0], "whether the connection admits another network")]
    if r.get(fld) is None and r.get("properties") is not None:
        fld = "properties." + fld
    status = r.get(fld)
    if str(status).lower() != "approved" or _own_endpoint(r, graph):
        return []
    return [
        f"`{fld}` approves a private endpoint this stack does not hold: another network (maybe "
        "another tenant's) could reach the store; create the network:PrivateEndpoint in this stack, or set "
        "the status to Rejected"
    ]


# ---------------------------------------------------------------- firewall rules, network rule sets


# Wide ranges are private only inside one of these (0.0.0.0 and 255.255.255.255 count as "private" to
# ipaddress, so a range between them would pass a per-address test).
_PRIVATE_V4 = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)


def firewall_range(lo_key: str, hi_key: str) -> PrivateCheck:
    """A firewall range of the internet (an /8 or wider that is not private) or 0.0.0.0-0.0.0.0, which admits
    every Azure tenant's addresses."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        lo, hi = r.get(lo_key), r.get(hi_key)
        if is_unknown(lo) or is_unknown(hi):
            return [unknown_message(f"{lo_key}/{hi_key}", "who can reach the server")]
        try:
            a, b = ipaddress.ip_address(str(lo)), ipaddress.ip_address(str(hi))
        except ValueError:
            return [f"firewall range {lo!r}-{hi!r} is unreadable (judged as the internet)"]
        if int(a) == int(b) == 0:
            return ["firewall range 0.0.0.0-0.0.0.0 admits every Azure service of every tenant"]
        if int(b) - int(a) >= 2**24 and not any(a in net and b in net for net in _PRIVATE_V4):
            return [f"firewall range {lo}-{hi} opens the server to the internet"]
        return []

    return judge


def network_rule_set(r: ResourceView, graph: StackGraph) -> list[str]:
    """The rule set's publicNetworkAccess overrides the namespace's (the service's default is Enabled)."""
    value = r.input("publicNetworkAccess")
    if is_unknown(value):
        return [unknown_message("publicNetworkAccess", "public network access")]
    if str(value).lower() == "disabled":
        return []
    shown = "not set (default Enabled)" if value is None else repr(value)
    return [
        f"`publicNetworkAccess` is {shown}: the rule set opens the namespace's public endpoint, whatever the "
        "namespace says; set it to 'Disabled'"
    ]


# ---------------------------------------------------------------- load balancers, private link, Redis links

LOAD_BALANCER = "azure-native:network:LoadBalancer"


def backend_pool(r: ResourceView, graph: StackGraph) -> list[str]:
    """Hosts added to a load balancer the stack does not hold: which ports reach them cannot be judged."""
    if in_stack(graph, r, "loadBalancerName", (LOAD_BALANCER,)):
        return []  # its rules are judged on the load balancer (disallow-public-data-access)
    return [
        f"the pool's load balancer ({r.input('loadBalancerName')!r}) is not a resource of this stack, so "
        "which ports reach the pool's hosts from the internet cannot be judged; create the load balancer here"
    ]


def private_link_service(r: ResourceView, graph: StackGraph) -> list[str]:
    if unknown := r.unknowns("autoApproval"):
        return [unknown_message(unknown[0], "who may connect without approval")]
    subs = r.get("autoApproval.subscriptions")
    if "*" in (subs or []):
        return [
            "`autoApproval.subscriptions` holds '*': any subscription's private endpoint connects unasked"
        ]
    return []


REDIS = "azure-native:redis:Redis"


def redis_link(r: ResourceView, graph: StackGraph) -> list[str]:
    """Geo-replication copies the cache to the linked one: it must be a cache of this stack (judged)."""
    if in_stack(graph, r, "linkedRedisCacheId", (REDIS,)):
        return []
    return [
        "`linkedRedisCacheId` names no redis:Redis of this stack: the cache's data would be replicated to a "
        "cache whose key, exposure and TLS are not judged"
    ]


VNET = "azure-native:network:VirtualNetwork"


def remote_network(r: ResourceView, graph: StackGraph) -> list[str]:
    """A peering or hub connection joins the remote network to the stack's private endpoints and hosts: it
    must be a virtual network of this stack (another subscription's or tenant's could reach them)."""
    return _held(graph, r, "remoteVirtualNetwork.id", (VNET,), "who reaches the stack's private addresses")


def registry_public(r: ResourceView, graph: StackGraph) -> list[str]:
    """A registry is public unless publicNetworkAccess is Disabled; anonymous pull serves images to anyone."""
    if unknown := r.unknowns("publicNetworkAccess", "anonymousPullEnabled"):
        return [unknown_message(unknown[0], "public network access")]
    out = []
    if str(r.input("publicNetworkAccess")).lower() != "disabled":
        out.append(
            f"`publicNetworkAccess` is {r.input('publicNetworkAccess') or 'not set (default Enabled)'!r}"
        )
    if r.input("anonymousPullEnabled") is True:
        out.append("`anonymousPullEnabled` is true: anyone can pull the registry's images")
    return out


def container_app_ingress(r: ResourceView, graph: StackGraph) -> list[str]:
    """External TCP ingress puts a raw port on the internet: only the web ports may face it."""
    if unknown := r.unknowns("configuration"):
        return [unknown_message(unknown[0], "what the app exposes")]
    ingress = r.get("configuration.ingress")
    if not isinstance(ingress, dict) or ingress.get("external") is not True:
        return []
    if str(ingress.get("transport", "auto")).lower() != "tcp":
        return []  # HTTP(S) ingress: 80/443 only, TLS judged by require-tls-1-2
    port = ingress.get("exposedPort", ingress.get("targetPort"))
    if not isinstance(port, int):
        return ["external TCP ingress on an unknown port"]
    hit = beyond_web("the internet", "tcp", port, port)
    return [f"external TCP ingress opens {hit}"] if hit else []


def container_app_tls(v: ResourceView) -> list[str]:
    if unknown := v.unknowns("configuration.ingress"):
        return [unknown_message(unknown[0], "the TLS setting")]
    insecure = v.get("configuration.ingress.allowInsecure")
    if insecure is True:
        return ["`configuration.ingress.allowInsecure` is true: the app answers plain HTTP"]
    return []


# ---------------------------------------------------------------- Azure Firewall DNAT, copies elsewhere

IP_GROUP = "azure-native:network:IpGroup"
FIREWALL_POLICY = "azure-native:network:FirewallPolicy"


def _nat_rules(value: Any) -> list[dict[str, Any]]:
    """Every NAT rule in a firewall's or rule collection group's inputs (a rule names a translated port,
    address or FQDN), however deep its collections nest."""
    if isinstance(value, list):
        return [x for v in value for x in _nat_rules(v)]
    if not isinstance(value, dict):
        return []
    if any(k in value for k in ("translatedPort", "translatedAddress", "translatedFqdn")):
        return [value]
    return [x for v in value.values() for x in _nat_rules(v)]


def _sources(rule: dict[str, Any], graph: StackGraph) -> list[str]:
    """The rule's source addresses, with its IP groups' addresses when the stack holds them ('*' else)."""
    out = [s for s in rule.get("sourceAddresses") or [] if isinstance(s, str)]
    for gid in rule.get("sourceIpGroups") or []:
        name = _last(gid)
        groups = [g for g in graph.by_type(IP_GROUP) if name in (g.name, g.input("ipGroupsName"))]
        addresses = [a for g in groups for a in g.input("ipAddresses") or []]
        out += addresses if groups and all(isinstance(a, str) for a in addresses) else ["*"]
    return out


def firewall_dnat(r: ResourceView, graph: StackGraph) -> list[str]:
    """A DNAT rule from the internet forwards a firewall port to a private host: only the web ports may be
    forwarded, on both sides (443 translated to 1433 exposes the database)."""
    if unknown := r.unknowns("natRuleCollections", "ruleCollections"):
        return [unknown_message(unknown[0], "what the firewall forwards from the internet")]
    for policy in ("firewallPolicy", "basePolicy"):
        if r.get(policy) is not None and (
            out := _held(graph, r, f"{policy}.id", (FIREWALL_POLICY,), "the rules it brings")
        ):
            return out
    rules = _nat_rules(dict(r.inputs))
    out = []
    for rule in rules:
        world = [s for s in _sources(rule, graph) if _azure_world(s)]
        if not world:
            continue
        specs = [*(rule.get("destinationPorts") or ["*"]), rule.get("translatedPort") or "*"]
        for spec in specs:
            span = _ports(spec)
            hit = (
                f"{world[0]} on unreadable ports {spec!r}"
                if span is None
                else beyond_web(world[0], "tcp", *span)
            )
            if hit:
                out.append(
                    f"NAT rule {rule.get('name')!r} forwards {hit} to {rule.get('translatedAddress')!r}"
                )
                break
    return out


def _held(graph: StackGraph, r: ResourceView, fld: str, types: tuple[str, ...], what: str) -> list[str]:
    """The resource `fld` names must be one of the stack's `types`, whose protections are judged (an id
    computed from one is unknown at preview: its property dependency says which)."""
    if in_stack(graph, r, fld, types):
        return []
    if r.unknowns(fld.split(".", 1)[0]):
        return [unknown_message(fld, what)]
    return [
        f"`{fld}` ({r.get(fld)!r}) names no {types[0].rsplit(':', 1)[-1]} of this stack: {what} is not judged"
    ]


def event_hub_capture(r: ResourceView, graph: StackGraph) -> list[str]:
    """Capture copies every event into the storage account it names: it must be an account of the stack."""
    enabled = r.get("captureDescription.enabled")
    if is_unknown(enabled) or is_unknown(r.input("captureDescription")):
        return [unknown_message("captureDescription.enabled", "where the events are copied")]
    if enabled is not True:
        return []
    fld = "captureDescription.destination.storageAccountResourceId"
    return _held(graph, r, fld, (STORAGE_ACCOUNT,), "the account the events are captured to")


def object_replication(r: ResourceView, graph: StackGraph) -> list[str]:
    """Blobs are copied from the source to the destination account: both must be accounts of the stack."""
    return [
        m
        for fld in ("sourceAccount", "destinationAccount")
        for m in _held(graph, r, fld, (STORAGE_ACCOUNT,), "the account blobs are replicated with")
    ]


WORKSPACE = "azure-native:operationalinsights:Workspace"
PUBLIC_CHECKS: dict[str, PrivateCheck] = {
    **{t: private_endpoint_connection for t in PRIVATE_ENDPOINT_CONNECTIONS},
    "azure-native:sql:FirewallRule": firewall_range("startIpAddress", "endIpAddress"),
    "azure-native:dbforpostgresql:FirewallRule": firewall_range("startIpAddress", "endIpAddress"),
    "azure-native:dbformysql:FirewallRule": firewall_range("startIpAddress", "endIpAddress"),
    "azure-native:cosmosdb:MongoClusterFirewallRule": firewall_range("startIpAddress", "endIpAddress"),
    "azure-native:redis:FirewallRule": firewall_range("startIP", "endIP"),
    "azure-native:redis:RedisFirewallRule": firewall_range("startIP", "endIP"),
    "azure-native:eventhub:NamespaceNetworkRuleSet": network_rule_set,
    "azure-native:servicebus:NamespaceNetworkRuleSet": network_rule_set,
    "azure-native:network:LoadBalancerBackendAddressPool": backend_pool,
    "azure-native:network:PrivateLinkService": private_link_service,
    "azure-native:redis:LinkedServer": redis_link,
    "azure-native:redis:RedisLinkedServer": redis_link,
    "azure-native:app:ContainerApp": container_app_ingress,
    "azure-native:containerregistry:Registry": registry_public,
    "azure-native:network:AzureFirewall": firewall_dnat,
    "azure-native:network:FirewallPolicyRuleCollectionGroup": firewall_dnat,
    "azure-native:network:FirewallPolicy": firewall_dnat,  # its base policy brings rules
    "azure-native:eventhub:EventHub": event_hub_capture,
    "azure-native:storage:ObjectReplicationPolicy": object_replication,
    **FAILOVER,  # round 63: partner servers and instances (failover_partners.py)
    "azure-native:network:VirtualNetworkPeering": remote_network,
    "azure-native:network:HubVirtualNetworkConnection": remote_network,
}
TLS_CHECKS: dict[str, Callable[[ResourceView], list[str]]] = {
    "azure-native:app:ContainerApp": container_app_tls,
}
