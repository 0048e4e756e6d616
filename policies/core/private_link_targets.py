"""Private links of the stack to another party's resource (round 62). A private endpoint connects the stack's
network to the resource its `privateLinkServiceConnections[].privateLinkServiceId` names, or to one that
approves it later (`manualPrivateLinkServiceConnections[]`: "used when the network admin does not have access
to approve connections to the remote resource", the installed SDK); an AI Search shared private link and a
Data Factory managed private endpoint do the same from the service's own network (`privateLinkResourceId`,
"the resource ID of the resource the shared private link resource is for"), and a Front Door origin from
Microsoft's edge (`sharedPrivateLinkResource.privateLink.id`, the same words; r62p-43). What the stack's
hosts, indexers, copy activities or front door send through such a link lands in that resource, whose key,
exposure and readers are judged only when the stack holds it. So every linked resource must be the stack's, as
its subnets must be (`network_rule_subnets`): an id fed from a resource of the stack (never a stack
reference's output), a literal id the stack records and makes (`recorded_ids`), or a literal ARM id in a
subscription the stack's PIA record names (`network_subscriptions`). A private link service of the stack is
the other way round: the subscriptions it auto-approves connect to it unasked, so each must be one the record
names. Closed world: the fields are read under any Azure type, however deep; an unknown value not fed from the
stack, or a value that is no ARM id, blocks. Round 63: an unknown value counts only when fed from a resource a
link can reach: a secret's value, a script's or deployment's outputs, an identity's ids are the
stack's resources too, but what they output may name any resource (r63p-30 to -32). Round 64: and only when
that resource is of a type Azure links to (`private_link_types`): a network security group or a public IP is
a control of the stack that no private link connects to (r64p-01, -02), whether fed or named by the literal
id the stack records for it (r64p-03). Round 65: and the group the link asks for (`groupIds`, `groupId`,
beside the id) must be one that type offers (`private_link_types.GROUP_IDS`): a `vault` link to the stack's
storage account, or a link naming no group, connects to nothing Azure accepts (r65p-01 to -06). Round 66: a
literal id in a subscription the record names is asked the same, its type read from the id
(`private_link_types.ARM_TYPES`): a network security group, a storage account asked for `vault`, or a type
whose groups are not confirmed block there too (r66p-20 to -22)."""

from __future__ import annotations

import re
from typing import Any

from policies.core.network_rule_subnets import UNRECORDED, foreign_subnets
from policies.core.private_link_types import ARM_TYPES, GROUP_IDS, PRIVATE_LINK_TYPES
from policies.core.recorded_ids import made_by, own_resource
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

# The types whose only question is where they link: judged here (require-judgeable-data-types lets them pass).
CONTROLS = frozenset({
    "azure-native:network:PrivateEndpoint",
    "azure-native:network:InterfaceEndpoint",
    "azure-native:search:SharedPrivateLinkResource",
    "azure-native:datafactory:ManagedPrivateEndpoint",
    # round 63: the other shared private links and managed private endpoints (`privateLinkResourceId`)
    "azure-native:signalrservice:SignalRSharedPrivateLinkResource",
    "azure-native:webpubsub:WebPubSubSharedPrivateLinkResource",
    "azure-native:kusto:ManagedPrivateEndpoint",
    "azure-native:dashboard:ManagedPrivateEndpoint",
    "azure-native:databasewatcher:SharedPrivateLinkResource",
})
_KEYS = frozenset({"privateLinkServiceId", "privateLinkResourceId"})
_ARM_ID = re.compile(r"^/subscriptions/([^/]+)/resourceGroups/[^/]+/providers/[^/]+/[^/]+/[^/]+", re.I)
_PROVIDER_PATH = re.compile(r"/providers/([^/]+)/(.+)$", re.I)
_STACK_REFERENCE = "pulumi:pulumi:StackReference"
PRIVATE_LINK_SERVICE = "azure-native:network:PrivateLinkService"
# The types whose link names its group beside the id; a Front Door (classic) backend or CDN origin names none.
_GROUPED = CONTROLS | {"azure-native:cdn:AFDOrigin"}


def _links(value: Any, path: str, key: Any = None, outer: Any = None,
           out: list[tuple[str, Any, Any]] | None = None) -> list[tuple[str, Any, Any]]:
    """(path, value, the object holding its group id) of every `_KEYS` field and every `privateLink.id`
    (whose group sits beside `privateLink`), however deep. Into a list, in input order, entering only
    containers: every Azure resource of a stack is walked, and a scalar holds no link (round 22)."""
    out = [] if out is None else out
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        if k in _KEYS or (key == "privateLink" and k == "id"):
            at = f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}" if path else k
            out.append((at, v, value if k in _KEYS else outer))
        elif isinstance(v, dict | list):
            _links(v, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}" if path else k, k, value, out)
    return out


def _groups(where: str, holder: Any, kinds: set[str]) -> list[str]:
    """Why the group a link asks for is none its target's type offers (`kinds`: the types it may be). Azure
    refuses such a link, so what it connects to is not the resource the check read."""
    raw = holder.get("groupIds", holder.get("groupId")) if isinstance(holder, dict) else None
    asked = raw if isinstance(raw, list) else [] if raw is None or raw == "" else [raw]
    if is_unknown(raw) or any(is_unknown(g) or not isinstance(g, str) for g in asked):
        return [unknown_message(where, "which group of the resource it links to (`groupIds`, `groupId`)")]
    wanted = {g.lower() for g in asked}
    if any(k in GROUP_IDS and _offers({g.lower() for g in GROUP_IDS[k]}, wanted) for k in kinds):
        return []
    unconfirmed = sorted(k for k in kinds if k not in GROUP_IDS)
    if unconfirmed:
        return [
            f"`{where}` links to a {', '.join(unconfirmed)}, whose private-link groups are not confirmed: "
            "the check cannot tell whether Azure accepts the group it asks for; add the type's groups "
            "(Azure's private-link resource table) to policies/core/private_link_types.GROUP_IDS"
        ]
    offered = "; ".join(f"{k}: {', '.join(GROUP_IDS[k]) or 'none'}" for k in sorted(kinds))
    what = f"asks for group {', '.join(map(repr, asked))}, which its target does not offer" if asked else (
        "names no group, and its target offers only named ones")
    return [
        f"`{where}` {what} ({offered}): Azure refuses the link, so what the "
        "program connects to is not the resource this check read; ask for a group the resource offers (a "
        "storage account's `blob`, a Key Vault's `vault`, a SQL server's `sqlServer`)"
    ]


def _offers(offered: set[str], wanted: set[str]) -> bool:
    """Group ids are compared without case: providers differ (Storage refuses `TABLE_SECONDARY`, Data Factory
    takes capitals: azure-cli#16750), and a link refused over case alone connects to nothing, so it reaches no
    other party (the deployment fails instead). A type offering none (a private link service) takes a link
    naming none."""
    return wanted <= offered if wanted else not offered


def fed_from(r: ResourceView, graph: StackGraph, path: str) -> list[ResourceView]:
    """The stack's resources the top-level field of `path` is fed from (never a stack reference)."""
    top = path.split(".", 1)[0].split("[", 1)[0]
    return [d for d in graph.dependency_of(r, top) if d.type != _STACK_REFERENCE]


def _own(graph: StackGraph, target: str, fed: list[ResourceView]) -> list[ResourceView]:
    """The resources of the stack a literal id names: the one whose recorded id it is, or the ones the field
    is fed from whose inputs make it (a literal naming a twin elsewhere, by name alone, is not the stack's:
    r62p-03)."""
    own = own_resource(graph, target)
    return [own] if own is not None else [d for d in fed if made_by(d, target)]


# Azure refuses a link to any other type: what the program then connects to is not what the check read.
_NO_LINK = (
    "which no private link connects to (Azure links only to a type offering private-link groups, such as a "
    "storage account's `blob` or a Key Vault's `vault`; not to a child such as a secret, a script, "
    "deployment or identity, nor to a network security group or public IP)"
)


def unplaced(where: str, fed: list[ResourceView], asked: str, why: str, feed: str) -> str:
    """An unknown id fed from nothing (`asked` cannot be judged), or only from resources that `why` says are
    none it may name: what they output may name any resource of any party, so it blocks (`feed`: the fix)."""
    if not fed:
        return unknown_message(where, asked)
    kinds = ", ".join(sorted({d.type for d in fed}))
    return (
        f"`{where}` is unknown during preview and fed only from {kinds}, {why}: what it outputs may name any "
        f"resource, of any party; {feed}"
    )


def _recorded_kind(rid: str) -> str | None:
    """The type of GROUP_IDS a literal id names, read from its provider path
    (`Microsoft.Storage/storageAccounts/x`: a storage account); None for any other type or a child's id."""
    m = _PROVIDER_PATH.search(rid)
    segs = m.group(2).rstrip("/").split("/") if m else []
    if not segs or len(segs) % 2:
        return None
    return ARM_TYPES.get(f"{m.group(1)}/{'/'.join(segs[::2])}".lower())


def _recorded(where: str, target: str, holder: Any, grouped: bool) -> list[str]:
    """Why a link to a literal id in a subscription the record names may connect to something other than
    the resource it names: no resource of the stack tells its type, so the id's provider path does (r66p-20
    to -22)."""
    kind = _recorded_kind(target)
    if kind is None:
        return [
            f"`{where}` links to {target!r}, in a subscription the PIA record names, but names no type "
            "whose private-link groups are confirmed (policies/core/private_link_types.ARM_TYPES): Azure "
            "links only to a type offering private-link groups, so what the program connects to may not be "
            "this resource; name the store or service the link is for, or confirm and add its type's groups"
        ]
    return _groups(where, holder, {kind}) if grouped else []


def _auto_approved(r: ResourceView, recorded: set[str]) -> list[str]:
    """A private link service connects the endpoints of the subscriptions it auto-approves unasked ('*' is
    judged in pia_az_blocks); any other must be one the record names."""
    subs = r.get("autoApproval.subscriptions") if r.type == PRIVATE_LINK_SERVICE else None
    return [
        f"`autoApproval.subscriptions` holds {s!r}, {UNRECORDED}: that party's private endpoints connect "
        "to the service unasked; approve them one by one (a private endpoint connection) or record it"
        for s in (subs if isinstance(subs, list) else ())
        if s != "*" and (not isinstance(s, str) or s.lower() not in recorded)
    ]


def foreign_parties(r: ResourceView, graph: StackGraph, recorded: set[str]) -> list[str]:
    """`foreign_subnets` then `foreign_targets` of `r`, over one unwrapped copy of its inputs that is not
    kept on the view (every Azure view of the stack is walked once: round 23)."""
    if not r.type.startswith("azure-native:"):
        return []
    inputs = r.unwrapped()
    return foreign_subnets(r, graph, recorded, inputs) + foreign_targets(r, graph, recorded, inputs)


def foreign_targets(r: ResourceView, graph: StackGraph, recorded: set[str], inputs: Any = None) -> list[str]:
    """disallow-public-data-access: why a resource `r` links to privately may be another party's
    (`recorded`: the subscriptions of `network_rule_subnets.recorded_subscriptions`; `inputs`: `r.inputs`
    where the caller has them)."""
    if not r.type.startswith("azure-native:"):
        return []
    out = _auto_approved(r, recorded)
    for where, target, holder in _links(r.inputs if inputs is None else inputs, ""):
        fed = fed_from(r, graph, where)
        if is_unknown(target):
            kinds = {d.type for d in fed if d.type in PRIVATE_LINK_TYPES}
            out += _groups(where, holder, kinds) if kinds and r.type in _GROUPED else []
            if not kinds:
                out.append(unplaced(
                    where, fed, "which resource it links to", _NO_LINK,
                    "feed the id of the resource the link is for (a store or service of this stack)"))
            continue
        owners = _own(graph, target, fed) if isinstance(target, str) and target else []
        kinds = {o.type for o in owners if o.type in PRIVATE_LINK_TYPES}
        out += _groups(where, holder, kinds) if kinds and r.type in _GROUPED else []
        if owners and not kinds:
            kinds = ", ".join(sorted({o.type for o in owners}))
            out.append(
                f"`{where}` names this stack's {kinds}, {_NO_LINK}: Azure refuses the link, so what the "
                "program connects to is not this resource; name the store or service the link is for"
            )
        if target is None or target == "" or owners:
            continue
        m = _ARM_ID.match(target) if isinstance(target, str) else None
        if m is not None and m.group(1).lower() in recorded:
            out += _recorded(where, target, holder, r.type in _GROUPED)
            continue
        whose = f"in subscription {m.group(1)!r}, {UNRECORDED}," if m else "(no readable ARM id)"
        out.append(
            f"`{where}` links to {target!r} {whose} and names no resource this stack creates: what is "
            "sent through the link lands in a resource whose key, exposure and readers no check reads; "
            "create it in this stack and feed its id, or name its subscription in the PIA record's "
            "`network_subscriptions` (who runs it, why)"
        )
    return out
