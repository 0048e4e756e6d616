"""Who may call an API Management API (round 43; disallow-public-data-access, D36 §96/§131 explicit security
measures on the link, DPA annex 3 a.i least privilege): the gateway hands out what its backends return to
whoever it admits. An API that asks no subscription key (`subscriptionRequired` false) and validates no
token in its own inbound policy (`validate-jwt`, `validate-azure-ad-token`) admits every caller that reaches
the gateway. A product admits the holders of its subscription keys: an open product (`subscriptionRequired`
false) admits anyone, and a published product shown to the built-in Developers or Guests group without
`approvalRequired` gives a key at once to whoever signs up on the developer portal. A policy, product or group
that cannot be read admits as if it were absent (closed world). Policies at other scopes (product, operation,
global) are not read here: a token check must stand in the API's own policy.

The token check must also come first (round 71): `<inbound>` runs in order, so a `<send-request>` to the
backend answered by `<return-response>`, or a `<cache-lookup>` serving a cached answer, placed before
`validate-jwt` hands data to callers the check never sees. Before the check only elements that neither call
out nor answer may stand (they read, reshape or refuse the request; a refusal carries no data); any other
element, one this module does not know included, counts as answering (closed world). `<base />` may stand
there: it inserts the product and global policies, which block wherever the stack sets them
(require-judgeable-data-types).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

API = "azure-native:apimanagement:Api"
API_POLICY = "azure-native:apimanagement:ApiPolicy"
PRODUCT = "azure-native:apimanagement:Product"
PRODUCT_GROUPS = ("azure-native:apimanagement:ProductGroupLink", "azure-native:apimanagement:ProductGroup")
CONTROLS = (API, API_POLICY, PRODUCT, *PRODUCT_GROUPS)  # ProductApi(Link): pia_roles `elsewhere`
SELF_SERVICE_GROUPS = ("developers", "guests")  # built in: who signs up on the portal; anonymous visitors
_TOKEN_CHECKS = ("validate-jwt", "validate-azure-ad-token")
_INERT = frozenset({
    "base", "set-header", "set-query-parameter", "set-variable", "set-method", "rewrite-uri", "check-header",
    "ip-filter", "rate-limit", "rate-limit-by-key", "quota", "quota-by-key", "trace",
})
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
    return (
        isinstance(value, str) and isinstance(own, str) and value.rsplit("/", 1)[-1] == own
        and link.input("serviceName") == target.input("serviceName")
    )


def _inbound_gap(value: str) -> str | None:
    """None when a token check in `<inbound>` comes before anything that can reach a backend or answer."""
    try:
        root = ET.fromstring(value)
    except ET.ParseError as e:
        return f"the API's policy does not parse as XML ({e}), so no token check can be placed; {_NO_CHECK}"
    inbound = root.find("inbound")
    for el in [] if inbound is None else inbound:
        if el.tag in _TOKEN_CHECKS:
            return None
        if el.tag not in _INERT:
            return (
                f"the API asks no subscription key (subscriptionRequired false) and its own inbound policy "
                f"runs <{el.tag}> before its token check: an element that can call a backend or answer the "
                f"caller (or one not known to do neither) serves data to callers the check never sees; put "
                f"{' or '.join(_TOKEN_CHECKS)} first in <inbound> (after <base />), or require a subscription"
            )
    return _NO_CHECK


def _token_gap(graph: StackGraph, api: ResourceView) -> str | None:
    """Why the API's own policy does not check every caller's token first, or None when it does."""
    gaps = []
    for p in graph.by_type(API_POLICY):
        value = p.input("value")
        if (
            _same(graph, p, "apiId", api, "apiId") and p.input("format") in (None, "xml", "rawxml")
            and isinstance(value, str) and not is_unknown(value)
        ):
            if (gap := _inbound_gap(value)) is None:
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


EXTRA_CHECKS = ((API, _api), (PRODUCT, _product))
