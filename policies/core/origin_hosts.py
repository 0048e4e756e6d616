"""Where a Front Door or CDN origin forwards the requests it receives (round 63). Round 62 read only an
origin's private link (`sharedPrivateLinkResource.privateLink.id`); an origin reached over its public endpoint
is named by `hostName` ("the address of the origin", the installed SDK), and the request carries
`originHostHeader` ("the host header value sent to the origin with each request"), by which Azure's shared
front ends (Blob Storage, Web Apps) choose the resource that serves it: a host header naming another party's
account sends the uploads there even when `hostName` is the stack's (r63p-22). What users send through the
stack's front door lands in that resource, whose key, exposure and readers are judged only when the stack
holds it. So each such host must be a resource of the stack (its recorded address, or the name a service host
carries: storage account names are global) or a host the endpoints record declares for the stack; an unknown
value counts only when fed from a resource a host can name (`_named_by_host`). Closed world: any other host,
an IP address included, blocks. Round 64: an Application Gateway's backend pools (`backendAddresses[].fqdn`)
and the host header its HTTP settings send (`backendHttpSettingsCollection[].hostName`, "host header to be
sent to the backend servers"), and an API Management backend's `url` ("runtime url of the backend") forward
the same way (r64p-10 to -12); a backend's `ipAddress` is left unread (an address of the stack's network names
no party). Round 65: a classic Front Door's backends (`backendPools[].backends[].address`, "location of the
backend (IP address or FQDN)", and `backendHostHeader`, "the host header sent to the backend") and the server
name an Application Gateway's TLS-proxy settings send (`backendSettingsCollection[].hostName`, "server name
indication to be sent to the backend servers") forward the same way (r65p-10 to -12). Round 66: a gateway
backend's `ipAddress` ("IP address") is read after all: a private address (the stack's network or one it
joins, judged by the network rules) names no party, a public one names whoever holds it and must be declared,
as an origin's host is (r66p-12, -61). And an API Management pool backend (type `Pool`) has no `url`: it
balances its calls over `pool.services[].id`, "the unique ARM id of the backend entity", so each member must
be a backend of the stack, whose own `url` is judged here: fed from one, or the literal id the stack records
for one. A member naming another service's backend (another party's, r66p-10), fed from a resource that is no
backend (r66p-11) or not placed at all forwards where no check reads (closed world). Round 68: a private
address was trusted to the network rules, but those judge who reaches the stack's networks, not where an
address lies: 10.50.2.4 or 192.168.10.5 is answered by whatever a peering, VPN or ExpressRoute routes it to
(another party's network, a data centre anywhere; r68p-10 to -16). So a private address, in any forwarding
field (a gateway's `ipAddress`, an API Management `url`'s host, a Front Door origin), must lie in a subnet or
network the stack creates (`stack_networks.network_of`, the check private DNS records get) or in a range the
endpoints record declares with its region or jurisdiction (`cidrs`); a public address must be declared, as
before. Round 69: an API Management backend's web proxy (`proxy.url`, "WebProxy Server AbsoluteUri") sees
every call it relays, and an Application Gateway's redirect (`redirectConfigurations[].targetUrl`, "Url to
redirect the request to") and a classic Front Door's (`routingRules[].routeConfiguration.customHost`, "Host to
redirect") send the users' browsers, uploads and all, to that host: each is read as an origin is (r69p-10 to
-13). Round 70: the other redirects — a Front Door Standard/Premium or CDN delivery rule's `UrlRedirect`
(`customHostname`, "Host to redirect"), a web app's ramp-up rule (`actionHostName`, "Hostname of a slot to
which the traffic will be redirected"), App Service sign-in's `allowedExternalRedirectUrls` ("External URLs
that can be redirected to as part of logging in or logging out") —, an API Management API's `serviceUrl`
("Absolute URL of the backend service implementing this API", where `<forward-request>` sends) and the
targets of API Management policies (`apim_policy_targets`) are read as origins (r70p-10 to -19): a slot's
host `<site>-<slot>` is the stack's when it creates the slot, and a policy's `backend-id` must name a backend
of the stack, whose `url` is judged here."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from policies.core.apim_policy_targets import POLICIES, policy_targets
from policies.core.azure_hosts import azure_modules
from policies.core.endpoints import find, load_endpoints
from policies.core.graph_index import graph_index
from policies.core.pia_types import pia_role
from policies.core.private_link_targets import fed_from, unplaced
from policies.core.recorded_ids import made_by, names, own_resource
from policies.core.records import current_stack
from policies.core.references import Ref
from policies.core.stack_networks import network_of
from policies.core.types import is_child, is_scoped
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

# type -> fields naming where its origins' requests go (`origins[]` a list of origins on the endpoint itself)
ORIGINS: dict[str, tuple[str, ...]] = {
    "azure-native:cdn:AFDOrigin": ("hostName", "originHostHeader"),
    "azure-native:cdn:Origin": ("hostName", "originHostHeader"),
    "azure-native:cdn:Endpoint": (
        "originHostHeader", "origins[].hostName", "origins[].originHostHeader",
        "deliveryPolicy.rules[].actions[].parameters.customHostname",
    ),
    "azure-native:network:ApplicationGateway": (
        "backendAddressPools[].backendAddresses[].fqdn", "backendAddressPools[].backendAddresses[].ipAddress",
        "backendHttpSettingsCollection[].hostName",
        "backendSettingsCollection[].hostName",
        "redirectConfigurations[].targetUrl",
    ),
    "azure-native:frontdoor:FrontDoor": (
        "backendPools[].backends[].address", "backendPools[].backends[].backendHostHeader",
        "routingRules[].routeConfiguration.customHost",
    ),
    "azure-native:apimanagement:Backend": ("url", "proxy.url"),
    "azure-native:apimanagement:WorkspaceBackend": ("url", "proxy.url"),
    "azure-native:apimanagement:Api": ("serviceUrl",),
    "azure-native:apimanagement:WorkspaceApi": ("serviceUrl",),
    "azure-native:cdn:Rule": ("actions[].parameters.customHostname",),
    "azure-native:web:WebApp": ("siteConfig.experiments.rampUpRules[].actionHostName",),
    "azure-native:web:WebAppSlot": ("siteConfig.experiments.rampUpRules[].actionHostName",),
    **dict.fromkeys(("azure-native:web:WebAppAuthSettings", "azure-native:web:WebAppAuthSettingsSlot"),
                    ("allowedExternalRedirectUrls[]",)),
    **dict.fromkeys((f"azure-native:web:WebAppAuthSettingsV2{s}" for s in (
        "", "Slot", "WithoutSecrets", "WithoutSecretsSlot")), ("login.allowedExternalRedirectUrls[]",)),
}


def _values(r: ResourceView, fields: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    for fld in fields:
        head, _, leaf = fld.removesuffix("[]").partition("[].")
        leaf = leaf or ("[]" if fld.endswith("[]") else "")
        top, _, below = head.partition(".")
        yield from _walk(_at(r.input(top), below) if below else r.input(top), head, leaf)


def _at(value: Any, path: str) -> Any:
    """The value at a dotted path below `value`; an unknown on the way is the value (what it holds is
    unknown, so it is judged as unknown, not skipped)."""
    for part in path.split("."):
        if is_unknown(value):
            return value
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _walk(value: Any, at: str, rest: str) -> Iterator[tuple[str, Any]]:
    """(path, value) of each `rest` below `value`, through every list item (`a[].b[].c`); an unknown list is
    yielded whole, as what it holds is unknown."""
    if not rest or is_unknown(value):
        yield at, value
        return
    if rest == "[]":  # a list of hosts or URLs itself (`allowedExternalRedirectUrls`)
        for i, item in enumerate(value if isinstance(value, list) else ()):
            yield f"{at}[{i}]", item
        return
    head, _, leaf = rest.partition("[].")
    for i, item in enumerate(value if isinstance(value, list) else ()):
        yield from _walk(_at(item, head) if isinstance(item, dict) else item, f"{at}[{i}].{head}", leaf)


def _host(value: str) -> str:
    """The host a value names: itself, or a URL's host (an API Management backend's `url`); a URL that does
    not parse is kept whole, so it matches no host and blocks."""
    try:
        return (urlsplit(value).hostname or value) if "://" in value else value
    except ValueError:
        return value


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


# Ranges no party holds on the internet, routed to whichever network a peering, VPN or ExpressRoute reaches
# (RFC 1918, the carriers' shared 100.64.0.0/10, IPv6 unique local). Other addresses that are not global
# (documentation, loopback) name no network of the stack either: they block as an undeclared host does.
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                   "100.64.0.0/10", "fc00::/7"))


def _private(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(ip.version == n.version and ip in n for n in _PRIVATE)


def _address_placed(graph: StackGraph, where: str, host: str, ip: ipaddress.IPv4Address |
                    ipaddress.IPv6Address) -> str | None:
    """None when the address is the stack's or declared, else why not. A private address names no party by
    itself: only the network that holds it does, so it must be one of the stack's networks or a declared
    range (an on-premises data centre reached over the stack's VPN)."""
    declared = find(load_endpoints(current_stack()), "address", host) is not None
    if declared or (_private(ip) and network_of(graph, host) is not None):
        return None
    if not _private(ip):
        return None if _own_host(graph, where, host) else _foreign(where, host)
    return (
        f"`{where}` forwards the requests it receives, uploads included, to {host}, a private address in no "
        "subnet or virtual network of this stack: whatever a peering, VPN or ExpressRoute routes it to "
        "(another party's network, a data centre anywhere) receives what users send, and no check reads "
        "where that is; forward to an address of a subnet of the stack (its `addressPrefix`) or declare the "
        "range in stacks/records/endpoints.yaml (`cidrs`, with its region or jurisdiction and why)"
    )


def _foreign(where: str, host: str) -> str:
    return (
        f"`{where}` sends the requests the front door, CDN, gateway or API receives, uploads included, "
        f"to {host!r}, which is no resource this stack creates nor a host the endpoints record declares: "
        "what users send lands where no check reads the key, exposure or readers; forward to a resource "
        "of the stack (feed its host from it) or declare the host in stacks/records/endpoints.yaml "
        "(region, why)"
    )


def _named_by_host(d: ResourceView) -> bool:
    """Whether `d` is a resource an origin's host can name: an Azure resource of its own (not a child such as
    a secret, nor an extension) that holds data or decides over it (a `store` or `control`). Scripts,
    deployments and identities are `part`s: their outputs may name anything."""
    t = d.type
    return (
        t.startswith("azure-native:") and not is_child(t) and not is_scoped(t)
        and pia_role(t) in ("store", "control")
    )


def _own_host(graph: StackGraph, where: str, host: str) -> bool:
    """A host the stack records for its resource, or a service host naming a resource of the stack by the
    name its inputs give (service host names are global: no other party's account is `stcorpus`)."""
    if graph_index(graph).find(Ref(where, "host", host)) is not None:
        return True
    named = azure_modules(host)
    return named is not None and any(
        r.type.split(":")[1] in named[1] and not is_child(r.type) and named[0] in names(r) | _slot_host(r)
        for r in graph.resources
    )


def _slot_host(r: ResourceView) -> set[str]:
    """A web app slot's host name `<site>-<slot>` (its default host; the site names are global)."""
    site, slot = r.input("name"), r.input("slot")
    ok = r.type.startswith("azure-native:web:") and r.type.endswith("Slot")
    return {f"{site}-{slot}".lower()} if ok and isinstance(site, str) and isinstance(slot, str) else set()


def foreign_origins(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: the origin hosts of `r` that are not the stack's nor declared."""
    out = []
    for where, host in _values(r, ORIGINS.get(r.type, ())):
        fed = fed_from(r, graph, where)
        if is_unknown(host):
            if not any(_named_by_host(d) for d in fed):
                out.append(unknown_message(where, "where the origin's requests go"))
            continue
        if host is None or host == "" or not isinstance(host, str):
            continue
        problem = host_problem(graph, where, host)
        out.extend([problem] if problem else [])
    return out


def host_problem(graph: StackGraph, where: str, host: str) -> str | None:
    """None when the host or URL `where` forwards to is the stack's or declared, else why not."""
    name = _host(host).lower().rstrip(".")
    ip = _address(name)
    if ip is not None:
        return _address_placed(graph, where, name, ip)
    if _own_host(graph, where, name) or find(load_endpoints(current_stack()), "host", name) is not None:
        return None
    return _foreign(where, host)


BACKENDS = frozenset({"azure-native:apimanagement:Backend", "azure-native:apimanagement:WorkspaceBackend"})


def _stack_backend(graph: StackGraph, fed: list[ResourceView], member: str) -> bool:
    own = own_resource(graph, member)
    return (own is not None and own.type in BACKENDS) or any(
        d.type in BACKENDS and made_by(d, member) for d in fed)


def foreign_pool_members(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: the members of pool backend `r` that are no backend of the stack."""
    out = []
    fed = fed_from(r, graph, "pool")
    backends = [d for d in fed if d.type in BACKENDS]
    pool = r.input("pool")
    services = pool if is_unknown(pool) else pool.get("services") if isinstance(pool, dict) else None
    for where, member in _walk(services, "pool.services", "id"):
        if is_unknown(member):
            if not backends:
                out.append(unplaced(
                    where, fed, "which backend of the stack the pool forwards to",
                    "none an API Management backend", "feed the id of a backend of this stack"))
            continue
        if isinstance(member, str) and member and _stack_backend(graph, fed, member):
            continue
        out.append(
            f"`{where}` puts {member!r} in the pool, which names no API Management backend this stack "
            "creates: the calls the pool receives go where that backend sends them, which no check reads; "
            "feed the id of a backend of this stack (whose `url` is judged)"
        )
    return out


def foreign_policy_targets(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: the targets of API Management policy `r` that are not the stack's nor
    declared, a `backend-id` naming no backend of the stack, and what cannot be read."""
    out, service = [], r.input("serviceName")
    for where, kind, value in policy_targets(r):
        if kind == "problem":
            out.append(value)
        elif kind == "host":
            out.extend(p for p in [host_problem(graph, where, value)] if p)
        elif not any(b.input(key) == value and b.input("serviceName") in (service, None)
                     for key, types in _ENTITIES[kind] for b in graph.by_type(*types)):
            what = "backend" if kind == "backend" else "policy fragment"
            out.append(
                f"`{where}` hands calls to {what} {value!r}, which no API Management {what} of this stack "
                f"is: where that {what} sends them is read nowhere; name a {what} of this stack (whose "
                "targets are judged) or a `base-url` of the stack")
    return out


# what a policy's `backend-id` and `fragment-id` name: the entity's id input, by its types
_ENTITIES = {
    "backend": (("backendId", BACKENDS),),
    "fragment": (("id", ("azure-native:apimanagement:PolicyFragment",
                         "azure-native:apimanagement:WorkspacePolicyFragment")),),
}


EXTRA_CHECKS = (
    *((t, foreign_origins) for t in ORIGINS),
    *((t, foreign_policy_targets) for t in sorted(POLICIES)),
    *((t, foreign_pool_members) for t in sorted(BACKENDS)),
)
