"""Who may call an API Management API (round 43; disallow-public-data-access, D36 §96/§131 explicit security
measures on the link, DPA annex 3 a.i least privilege): the gateway hands out what its backends return to
whoever it admits. An API that asks no subscription key (`subscriptionRequired` false) and validates no
token in its own inbound policy (`validate-jwt`, `validate-azure-ad-token`) admits every caller that reaches
the gateway. A product admits the holders of its subscription keys: an open product (`subscriptionRequired`
false) admits anyone, and a published product shown to the built-in Developers or Guests group without
`approvalRequired` gives a key at once to whoever signs up on the developer portal. A policy, product or group
that cannot be read admits as if it were absent (closed world). Policies at other scopes (product, operation,
global) are not read here: a token check must stand in the API's own policy.
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

API = "azure-native:apimanagement:Api"
API_POLICY = "azure-native:apimanagement:ApiPolicy"
PRODUCT = "azure-native:apimanagement:Product"
PRODUCT_GROUPS = ("azure-native:apimanagement:ProductGroupLink", "azure-native:apimanagement:ProductGroup")
CONTROLS = (API, API_POLICY, PRODUCT, *PRODUCT_GROUPS)  # ProductApi(Link): pia_roles `elsewhere`
SELF_SERVICE_GROUPS = ("developers", "guests")  # built in: who signs up on the portal; anonymous visitors
_TOKEN_CHECK = re.compile(r"<inbound>.*<(validate-jwt|validate-azure-ad-token)\b", re.S)


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


def _checks_tokens(graph: StackGraph, api: ResourceView) -> bool:
    for p in graph.by_type(API_POLICY):
        value = p.input("value")
        if (
            _same(graph, p, "apiId", api, "apiId") and p.input("format") in (None, "xml", "rawxml")
            and isinstance(value, str) and not is_unknown(value) and _TOKEN_CHECK.search(value)
        ):
            return True
    return False


def _api(api: ResourceView, graph: StackGraph) -> list[str]:
    required = api.input("subscriptionRequired")
    if is_unknown(required):
        return [unknown_message("subscriptionRequired", "who may call the API")]
    if required is not False or _checks_tokens(graph, api):
        return []
    return [
        "the API asks no subscription key (subscriptionRequired false) and its own inbound policy validates "
        "no token (validate-jwt or validate-azure-ad-token): every caller that reaches the gateway reads "
        "what its backend returns; require a subscription, or validate an Entra token in the API's policy"
    ]


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
