"""Event Grid topics, domains and namespaces as judged stores (round 14; round 13 judged their TLS and
require-entra-only-authentication their local auth). Public exposure: `publicNetworkAccess` Disabled (unset is
Enabled; IP rules only matter while it is Enabled, and an Entra token of any tenant reaches an open
endpoint). Keys: the pinned SDK's API version has no customer-managed-key setting for Event Grid, so the key
column is a documented exemption (docs/pia-conditions.md, round 14). Deletion: `protect` and a lock, as every
Azure store."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

STORES: tuple[str, ...] = (
    "azure-native:eventgrid:Topic",
    "azure-native:eventgrid:Domain",
    "azure-native:eventgrid:Namespace",
)


def _private(r: ResourceView, graph: StackGraph) -> list[str]:
    value = r.input("publicNetworkAccess")
    if is_unknown(value):
        return [unknown_message("publicNetworkAccess", "public network access")]
    if value == "Disabled":
        return []
    return [
        f"`publicNetworkAccess` is {value or 'unset (Enabled)'!r}: the endpoint answers the internet; set it "
        "Disabled and publish through a private endpoint"
    ]


PUBLIC_CHECKS: dict[str, Callable[[ResourceView, StackGraph], list[str]]] = {t: _private for t in STORES}
CMK_EXEMPT: dict[str, str] = {
    t: "the API version of the pinned SDK has no customer-managed-key setting for Event Grid (only a preview "
    "API of namespaces does: revisit when it is stable); it relays events, kept only until delivered (at "
    "most 24 hours for topics and domains, the queue retention of a namespace, 7 days at most), encrypted "
    "with platform keys"
    for t in STORES
}
