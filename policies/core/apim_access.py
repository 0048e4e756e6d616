"""Who may call an API Management API (round 43; disallow-public-data-access, D36 §96/§131 explicit security
measures on the link, DPA annex 3 a.i least privilege): the gateway hands out what its backends return to
whoever it admits. An API that asks no subscription key (`subscriptionRequired` false) and validates no
token in its own inbound policy (`validate-jwt`, `validate-azure-ad-token`) admits every caller that reaches
the gateway. A product admits the holders of its subscription keys: an open product (`subscriptionRequired`
false) admits anyone, and a published product shown to the built-in Developers or Guests group without
`approvalRequired` gives a key at once to whoever signs up on the developer portal. A policy, product or group
that cannot be read admits as if it were absent (closed world). The API's own policy is where the reading
starts: product and operation policies are not read here, the global one only where `<base />` runs it.

The token check must also come first (round 71): `<inbound>` runs in order, so a `<send-request>` to the
backend answered by `<return-response>`, or a `<cache-lookup>` serving a cached answer, placed before
`validate-jwt` hands data to callers the check never sees. Before the check only elements that neither call
out nor answer may stand (they read, reshape or refuse the request; a refusal carries no data); any other
element, one this module does not know included, counts as answering (closed world).

`<base />` runs the global policy of the API's service in its place (round 72), so that policy's `<inbound>`
is read there, in order, as part of the API's: its own token check first is as good as the API's, and what
answers in it before any check blocks on the API. Only a service the stack creates has a global policy the
stack can read: the one it declares (`Policy`), or, declaring none, the default Azure gives a new service,
taken to answer nothing (docs/pia-conditions.md, round 72's leads). A service of another team or stack has a
global policy read nowhere, so `<base />` before the check blocks there, as does a declared global policy that
cannot be read, or two (which applies is not said). What is set outside the program on the stack's own service
is drift, which no check of a program sees. Product policies still
block wherever the stack sets them (require-judgeable-data-types). `<limit-concurrency>` runs its
children in place for every caller it admits (the rest are refused), so they are read as if they stood in
`<inbound>`; `<cors>` answers a preflight request with headers and no data, and is read as such only when it
holds its own four elements.

A product is read only where the stack creates it (round 73): a link putting an API into a product, or a
product into a group, that names no product of the stack (the built-in sample products `starter` and
`unlimited` a classic-tier service comes with; another stack's; one unknown at preview) leaves who may
subscribe read nowhere, so the link blocks. Names are matched as Azure matches them,
case aside. Workspaces (their APIs, products, policies and subscriptions, behind the workspace gateway) are
read by no check and block where they are used (require-judgeable-data-types, with `UNJUDGED`'s remedy).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

API = "azure-native:apimanagement:Api"
API_POLICY = "azure-native:apimanagement:ApiPolicy"
GLOBAL_POLICY = "azure-native:apimanagement:Policy"
SERVICE = "azure-native:apimanagement:ApiManagementService"
PRODUCT = "azure-native:apimanagement:Product"
PRODUCT_GROUPS = ("azure-native:apimanagement:ProductGroupLink", "azure-native:apimanagement:ProductGroup")
PRODUCT_APIS = ("azure-native:apimanagement:ProductApiLink", "azure-native:apimanagement:ProductApi")
CONTROLS = (API, API_POLICY, GLOBAL_POLICY, PRODUCT, *PRODUCT_GROUPS, *PRODUCT_APIS)
# Type prefixes of what decides who may call a workspace's APIs (and the types named after them): how to make
# the data path judgeable, for require-judgeable-data-types' message.
_WORKSPACE = (
    "API Management workspaces are read by no check (who may call a workspace API: its key, its and the "
    "workspace's policies, products and subscriptions): serve the API from the service itself (Api, "
    "ApiPolicy, Product, ProductApiLink, read by apim_access), or add a check for the workspace types"
)
UNJUDGED = {
    f"azure-native:apimanagement:{t}": _WORKSPACE
    for t in ("WorkspaceApi", "WorkspacePolicy", "WorkspaceProduct", "WorkspaceSubscription")
}
SELF_SERVICE_GROUPS = ("developers", "guests")  # built in: who signs up on the portal; anonymous visitors
_TOKEN_CHECKS = ("validate-jwt", "validate-azure-ad-token")
_INERT = frozenset({
    "base", "set-header", "set-query-parameter", "set-variable", "set-method", "rewrite-uri", "check-header",
    "ip-filter", "rate-limit", "rate-limit-by-key", "quota", "quota-by-key", "trace",
})
_CORS_PARTS = frozenset({"allowed-origins", "allowed-methods", "allowed-headers", "expose-headers"})
_OWN = "its own inbound policy"
_GLOBAL = "the global policy of its service"
# A step of the inbound pipeline: an element and the policy it stands in, or (None, why no step can be read).
Step = tuple[ET.Element | None, str]
_NO_CHECK = (
    "the API asks no subscription key (subscriptionRequired false) and its own inbound policy validates "
    "no token (validate-jwt or validate-azure-ad-token): every caller that reaches the gateway reads "
    "what its backend returns; require a subscription, or validate an Entra token in the API's policy"
)


def _same(graph: StackGraph, link: ResourceView, fld: str, target: ResourceView, id_field: str) -> bool:
    """`link.fld` names `target`: fed from it, or its identifier (or a resource id ending in it) in the same
    service."""
    if any(d.urn == target.urn for d in graph.dependency_of(link, fld)):
        return True
    value, own = link.input(fld), target.input(id_field)
    services = (link.input("serviceName"), target.input("serviceName"))
    return (
        isinstance(value, str) and isinstance(own, str) and value.rsplit("/", 1)[-1].lower() == own.lower()
        and all(isinstance(s, str) for s in services) and services[0].lower() == services[1].lower()
    )


def _inbound(value: str) -> ET.Element | str:
    """A policy's `<inbound>` (empty when it has none), or why the policy cannot be read."""
    try:
        root = ET.fromstring(value)
    except ET.ParseError as e:
        return f"does not parse as XML ({e})"
    inbound = root.find("inbound")
    return ET.Element("inbound") if inbound is None else inbound


def _steps(section: Iterable[ET.Element], where: str, outer: Callable[[], Iterator[Step]]) -> Iterator[Step]:
    """The elements of `section` in the order the gateway runs them: `<base />` replaced by the steps of the
    scope above, `<limit-concurrency>` by its children."""
    for el in section:
        if el.tag == "base":
            yield from outer()
        elif el.tag == "limit-concurrency":
            yield from _steps(el, where, outer)
        else:
            yield el, where


def _global_steps(graph: StackGraph, api: ResourceView) -> Iterator[Step]:
    """What `<base />` in the API's policy runs: the inbound of the global policy of its service."""
    services = [s for s in graph.by_type(SERVICE) if _same(graph, api, "serviceName", s, "serviceName")]
    if not services:
        yield None, (f"{_GLOBAL} ({api.input('serviceName')!r}), which this stack does not create: that "
                     "policy is read nowhere and may answer first")
        return
    own = services[0]
    declared = [p for p in graph.by_type(GLOBAL_POLICY) if _same(graph, p, "serviceName", own, "serviceName")]
    if len(declared) > 1:
        yield None, f"{_GLOBAL}, declared {len(declared)} times: which one applies is not said"
        return
    for p in declared:
        fmt, value = p.input("format") or "xml", p.input("value")
        if fmt not in ("xml", "rawxml") or not isinstance(value, str) or is_unknown(value):
            yield None, f"{_GLOBAL}, which cannot be read (format {fmt!r}, or a value not known at preview)"
            return
        inbound = _inbound(value)
        if isinstance(inbound, str):
            yield None, f"{_GLOBAL}, which {inbound}"
            return
        yield from _steps(inbound, _GLOBAL, lambda: iter(()))


def _answers(el: ET.Element) -> bool:
    """Whether the element can call out or answer the caller (one not known to do neither included)."""
    if el.tag == "cors":
        return any(part.tag not in _CORS_PARTS for part in el)
    return el.tag not in _INERT


def _inbound_gap(value: str, outer: Callable[[], Iterator[Step]]) -> str | None:
    """None when a token check comes before anything that can reach a backend or answer, `<base />` read as
    the steps `outer` gives."""
    inbound = _inbound(value)
    if isinstance(inbound, str):
        return f"the API's policy {inbound}, so no token check can be placed; {_NO_CHECK}"
    checks = " or ".join(_TOKEN_CHECKS)
    for el, where in _steps(inbound, _OWN, outer):
        if el is None:
            return (
                f"the API asks no subscription key (subscriptionRequired false) and its policy runs "
                f"<base /> before its token check, inserting {where}; put {checks} before <base />, create "
                "the service in this stack, or require a subscription"
            )
        if el.tag in _TOKEN_CHECKS:
            return None
        if _answers(el):
            return (
                f"the API asks no subscription key (subscriptionRequired false) and {where} runs <{el.tag}> "
                f"before its token check: an element that can call a backend or answer the caller (or one "
                f"not known to do neither) serves data to callers the check never sees; put {checks} first "
                "in <inbound>, or require a subscription"
            )
    return _NO_CHECK


def _token_gap(graph: StackGraph, api: ResourceView) -> str | None:
    """Why the API's policy does not check every caller's token first, or None when it does."""
    gaps = []
    for p in graph.by_type(API_POLICY):
        value = p.input("value")
        if (
            _same(graph, p, "apiId", api, "apiId") and p.input("format") in (None, "xml", "rawxml")
            and isinstance(value, str) and not is_unknown(value)
        ):
            if (gap := _inbound_gap(value, lambda: _global_steps(graph, api))) is None:
                return None
            gaps.append(gap)
    return gaps[0] if gaps else _NO_CHECK


def _api(api: ResourceView, graph: StackGraph) -> list[str]:
    required = api.input("subscriptionRequired")
    if is_unknown(required):
        return [unknown_message("subscriptionRequired", "who may call the API")]
    if required is not False:
        return []
    gap = _token_gap(graph, api)
    return [] if gap is None else [gap]


def _group_names(graph: StackGraph, product: ResourceView) -> list[Any]:
    links = graph.by_type(*PRODUCT_GROUPS)
    return [g.input("groupId") for g in links if _same(graph, g, "productId", product, "productId")]


def _product(product: ResourceView, graph: StackGraph) -> list[str]:
    fields = ("subscriptionRequired", "approvalRequired", "state")
    required, approval, state = (product.input(f) for f in fields)
    groups = _group_names(graph, product)
    if any(is_unknown(v) for v in (required, approval, state, *groups)):
        return [unknown_message("subscriptionRequired/approvalRequired/state", "who may call its APIs")]
    if required is False:
        return [
            "the product is open (subscriptionRequired false): its APIs answer callers without a "
            "subscription key; require subscriptions with approval"
        ]
    shown = sorted({n for g in groups if (n := str(g).rsplit("/", 1)[-1].lower()) in SELF_SERVICE_GROUPS})
    if state == "published" and approval is not True and shown:
        return [
            f"the product is published to the built-in {' and '.join(shown)} group with approvalRequired "
            f"{approval!r} (default false): whoever signs up on the developer portal gets a subscription key "
            "at once and calls its APIs; require approval, or show it only to a group the platform team "
            "manages"
        ]
    return []


def _link(link: ResourceView, graph: StackGraph) -> list[str]:
    """A product link names a product of the stack, whose subscription, approval and groups are read."""
    if any(_same(graph, link, "productId", p, "productId") for p in graph.by_type(PRODUCT)):
        return []
    named = link.input("productId")
    if is_unknown(named):
        return [unknown_message("productId", "which product the link names, and so who may subscribe,")]
    puts = "the API" if link.type in PRODUCT_APIS else "a group"
    return [
        f"the link puts {puts} into product {str(named).rsplit('/', 1)[-1]!r}, which this stack does not "
        f"create in service {link.input('serviceName')!r}: who may subscribe to it (whether it asks a key, "
        "approval, the groups it is shown to) is read nowhere (the built-in starter and unlimited are sample "
        "products Azure creates with a classic-tier service, shown to groups the stack does not set); use a "
        "product this stack creates (approvalRequired true), or declare that product in the stack"
    ]


EXTRA_CHECKS = (
    (API, _api), (PRODUCT, _product), *((t, _link) for t in (*PRODUCT_APIS, *PRODUCT_GROUPS)),
)
