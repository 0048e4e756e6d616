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
is drift, which no check of a program sees. Product policies are read
for their targets only (round 79: apim_members, origin_hosts). `<limit-concurrency>` runs its
children in place for every caller it admits (the rest are refused), so they are read as if they stood in
`<inbound>`; `<cors>` answers a preflight request with headers and no data, and is read as such only when it
holds its own four elements.

A product is read only where the stack creates it (round 73): a link putting an API into a product, or a
product into a group, that names no product of the stack (the built-in sample products `starter` and
`unlimited` a classic-tier service comes with; another stack's; one unknown at preview) leaves who may
subscribe read nowhere, so the link blocks. Names are matched as Azure matches them,
case aside. Workspaces (their APIs, products, policies and subscriptions, behind the workspace gateway) are
read by no check and block where they are used (require-judgeable-data-types, with `UNJUDGED`'s remedy).

A link, policy or API names a resource of the stack only by its identifier and in the service that resource
stands in (round 74): Azure places a child by its `serviceName` and `resourceGroupName` and links what its
identifier says, so one fed from the stack's product whose `serviceName` or `productId` says another names
that other product, read nowhere. A dependency counts only where preview cannot know the name.

A subscription the program creates hands out a key (round 74; the API Management subscriptions page): scoped
to `/apis` it calls every API of the service, present and future, and product policies do not apply to it;
to `/products/{id}` the product's APIs; to `/apis/{id}` one API. So its scope must name a product or API of
the stack, in its service (what the key opens is then read there); a scope it cannot place blocks. Tracing
(`allowTracing`) lets the key's holder read request traces, which the `trace` policy page warns carry keys,
access tokens, passwords and internal host names. An owner (`ownerId`, a developer-portal user) is shown the
keys of its product subscriptions in the portal, and no check reads who that user is unless the stack creates
it (round 79: a `User` of its service, read by apim_members); a standalone
subscription (no owner) is read through the management plane, by those the service's role assignments admit.
The state is not read: each state is one approval away from `active`.
"""

from __future__ import annotations

import re
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
SUBSCRIPTION = "azure-native:apimanagement:Subscription"
USER = "azure-native:apimanagement:User"
CONTROLS = (API, API_POLICY, GLOBAL_POLICY, PRODUCT, *PRODUCT_GROUPS, *PRODUCT_APIS, SUBSCRIPTION)
# Type prefixes of what decides who may call a workspace's APIs (and the types named after them): how to make
# the data path judgeable, for require-judgeable-data-types' message.
_WORKSPACE = (
    "API Management workspaces are read by no check (who may call a workspace API: its key, its and the "
    "workspace's policies, products and subscriptions): serve the API from the service itself (Api, "
    "ApiPolicy, Product, ProductApiLink, read by apim_access), or add a check for the workspace types"
)
UNJUDGED = {
    **{
        f"azure-native:apimanagement:{t}": _WORKSPACE
        for t in ("WorkspaceApi", "WorkspacePolicy", "WorkspaceProduct", "WorkspaceSubscription")
    },
}
SELF_SERVICE_GROUPS = ("developers", "guests")  # built in: who signs up on the portal; anonymous visitors
_TOKEN_CHECKS = ("validate-jwt", "validate-azure-ad-token")
# `trace` stays (round 74): it writes to the service's own logs (resource logs through its diagnostic setting,
# Application Insights only through a Logger and Diagnostic, which block unread) and answers no caller.
_INERT = frozenset({
    "base", "set-header", "set-query-parameter", "set-variable", "set-method", "rewrite-uri", "check-header",
    "ip-filter", "rate-limit", "rate-limit-by-key", "quota", "quota-by-key", "trace",
})
# The service a resource id names (…/providers/Microsoft.ApiManagement/service/{name}/…), and a subscription's
# scope: /apis (all APIs), /apis/{id} or /products/{id}, alone or after the service's resource id.
_ID_SERVICE = re.compile(r"(?i)/providers/Microsoft\.ApiManagement/service/([^/]+)/")
_SCOPE = re.compile(
    r"(?i)(?:/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ApiManagement/service/[^/]+)?"
    r"/(apis|products)(?:/([^/]+))?"
)
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


def _known(value: Any) -> bool:
    return isinstance(value, str) and not is_unknown(value)


def _same_place(graph: StackGraph, child: ResourceView, target: ResourceView) -> bool:
    """`child` stands in `target`'s service and resource group: the same names, case aside, or, where a name
    is not known, fed from the same resource (or from `target`)."""
    for fld in ("serviceName", "resourceGroupName"):
        mine, theirs = child.input(fld), target.input(fld)
        if _known(mine) and _known(theirs):
            if mine.lower() != theirs.lower():
                return False
            continue
        fed = {d.urn for d in graph.dependency_of(target, fld)} | {target.urn}
        if not fed & {d.urn for d in graph.dependency_of(child, fld)}:
            return False
    return True


def _same(graph: StackGraph, link: ResourceView, fld: str, target: ResourceView, id_field: str) -> bool:
    """`link.fld` names `target`: its identifier (or a resource id of its service ending in it), or, where
    either is not known, fed from it; and `link` stands in its service. The names decide where Azure puts a
    resource and what it links, so a dependency counts only for what preview cannot know."""
    value, own = link.input(fld), target.input(id_field)
    if _known(value) and _known(own):
        if value.rsplit("/", 1)[-1].lower() != own.lower():
            return False
    elif not any(d.urn == target.urn for d in graph.dependency_of(link, fld)):
        return False
    service = _ID_SERVICE.search(value) if _known(value) else None
    if service and not (_known(target.input("serviceName"))
                        and service[1].lower() == target.input("serviceName").lower()):
        return False
    return _same_place(graph, link, target)


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
    puts = {**dict.fromkeys(PRODUCT_APIS, "the API"), **dict.fromkeys(PRODUCT_GROUPS, "a group")}.get(
        link.type, "a client application")
    return [
        f"the link puts {puts} into product {str(named).rsplit('/', 1)[-1]!r}, which this stack does not "
        f"create in service {link.input('serviceName')!r}: who may subscribe to it (whether it asks a key, "
        "approval, the groups it is shown to) is read nowhere (the built-in starter and unlimited are sample "
        "products Azure creates with a classic-tier service, shown to groups the stack does not set); use a "
        "product this stack creates (approvalRequired true), or declare that product in the stack"
    ]


def _scope_gap(graph: StackGraph, sub: ResourceView, scope: str) -> str | None:
    """Why the subscription's scope does not name a product or API of the stack in its service, or None."""
    found = _SCOPE.fullmatch(scope)
    remedy = (
        "scope it to a product this stack creates (/products/{id}, approvalRequired true) or one of its "
        "APIs"
    )
    if found is None or (found[1].lower() == "products" and found[2] is None):
        return f"the subscription's scope {scope!r} is not /apis, /apis/{{id}} or /products/{{id}}: {remedy}"
    kind, named = found[1].lower(), found[2]
    if named is None:
        return (
            f"the subscription's scope is {scope!r}: its key calls every API of service "
            f"{sub.input('serviceName')!r}, present and future, other teams' included, and product policies "
            f"do not apply to it; {remedy}"
        )
    type_, id_field = (PRODUCT, "productId") if kind == "products" else (API, "apiId")
    if any(_same(graph, sub, "scope", t, id_field) for t in graph.by_type(type_)):
        return None
    return (
        f"the subscription's scope {scope!r} names no {kind[:-1]} this stack creates in service "
        f"{sub.input('serviceName')!r}: what its key opens is read nowhere; {remedy}"
    )


def _subscription(sub: ResourceView, graph: StackGraph) -> list[str]:
    """A key the program hands out: what its scope opens, whether its holder reads traces, who is shown it."""
    scope, tracing, owner = (sub.input(f) for f in ("scope", "allowTracing", "ownerId"))
    owner = None if own_user(graph, sub, "ownerId") else owner  # round 79: a User the stack creates
    if not _known(scope) or any(is_unknown(v) for v in (tracing, owner)):
        return [unknown_message("scope/allowTracing/ownerId", "what its key opens and who holds it")]
    out = [gap] if (gap := _scope_gap(graph, sub, scope)) else []
    if tracing not in (None, False):
        out.append(
            f"the subscription allows tracing (allowTracing {tracing!r}): its key's holder reads request "
            "traces, which carry keys, access tokens, passwords and internal host names; leave allowTracing "
            "out or false"
        )
    if owner is not None:
        out.append(
            f"the subscription is owned by {owner!r}, a developer-portal user no check reads (one who signed "
            "up, the built-in administrator): the portal shows its owner a product subscription's keys; "
            "leave ownerId out (a standalone subscription, its keys read by those the service's role "
            "assignments admit), or name a User this stack creates in the subscription's service"
        )
    return out


def own_user(graph: StackGraph, r: ResourceView, fld: str) -> bool:
    """`r.fld` (a user id, `/users/{id}` or a resource id) names a User the stack creates in r's service
    (round 79: its sign-in read by apim_members)."""
    return any(_same(graph, r, fld, u, "userId") for u in graph.by_type(USER))


EXTRA_CHECKS = (
    (API, _api), (PRODUCT, _product), *((t, _link) for t in (*PRODUCT_APIS, *PRODUCT_GROUPS)),
    (SUBSCRIPTION, _subscription),
)
