"""Round 89: which resource of the stack a literal Azure id names, read as ARM reads it: its type path, its
resource group, its parent and own names (any case), and its subscription.

A diagnostic setting's literal `resourceUri` was matched to the stack's resources by its last segment alone,
so a setting on a web app called like the storage account, or on a workspace of the same name in a sandbox
resource group, counted as the store's (r89p-01, -02); a destination id (`workspaceId`, a data collection
rule's `workspaceResourceId`) of the same name in another subscription counted as the stack's workspace
(r89p-03, -04). ARM makes an id from the subscription, the resource group, the resource provider's type path
and the names (`/subscriptions/<s>/resourceGroups/<g>/providers/<namespace>/<type>/<name>[/<child>/<name>]`),
case-insensitively: an id names a resource of the stack only when its type path is the resource's ARM type,
its group and names are the resource's own inputs (`recorded_ids.made_by`, which also compares a provider's
pinned subscription) and, for a provider that pins none, its subscription is one the program spells for its
own resources (an id it writes beside an output of the same resource: `home_subscriptions`; a program that
spells none places no literal id: fed from the resource, the id needs no reading). A resource type
whose ARM type the gate does not know is named by no literal id (closed world: feed the id from the
resource)."""

from __future__ import annotations

import re

from policies.core.private_link_types import ARM_TYPES
from policies.core.recorded_ids import made_by, names
from policies.core.view import ResourceView, StackGraph, is_unknown
from policies.data.audit_log_categories import AUDIT_CATEGORIES

_ID = re.compile(r"^/subscriptions/([^/]+)/resourceGroups/[^/]+/providers/(.+)$", re.IGNORECASE)
_PROVIDERS = re.compile(r"/providers/", re.IGNORECASE)
# Stores of the SIEM's list (pia_siem.LOGGED_STORES) and destinations whose ARM type neither the private-link
# table nor the audit categories give.
_MORE: dict[str, str] = {
    "azure-native:applicationinsights:Component": "microsoft.insights/components",
    "azure-native:compute:Disk": "microsoft.compute/disks",
    "azure-native:compute:Snapshot": "microsoft.compute/snapshots",
    "azure-native:compute:VirtualMachine": "microsoft.compute/virtualmachines",
    "azure-native:compute:VirtualMachineScaleSet": "microsoft.compute/virtualmachinescalesets",
    "azure-native:dataprotection:BackupVault": "microsoft.dataprotection/backupvaults",
    "azure-native:eventgrid:Namespace": "microsoft.eventgrid/namespaces",
    "azure-native:eventhub:EventHub": "microsoft.eventhub/namespaces/eventhubs",
    "azure-native:eventhub:NamespaceAuthorizationRule": "microsoft.eventhub/namespaces/authorizationrules",
    "azure-native:loadtestservice:LoadTest": "microsoft.loadtestservice/loadtests",
    "azure-native:operationalinsights:Workspace": "microsoft.operationalinsights/workspaces",
    "azure-native:redisenterprise:Database": "microsoft.cache/redisenterprise/databases",
    "azure-native:storage:BlobContainer": "microsoft.storage/storageaccounts/blobservices/containers",
    "azure-native:synapse:SqlPool": "microsoft.synapse/workspaces/sqlpools",
    # round 90: what in_stack's callers name (pools, peerings, backends, NetApp volumes)
    "azure-native:network:LoadBalancer": "microsoft.network/loadbalancers",
    "azure-native:network:VirtualNetwork": "microsoft.network/virtualnetworks",
    "azure-native:network:FirewallPolicy": "microsoft.network/firewallpolicies",
    "azure-native:app:ContainerApp": "microsoft.app/containerapps",
    "azure-native:netapp:Account": "microsoft.netapp/netappaccounts",
    "azure-native:netapp:CapacityPoolVolume": "microsoft.netapp/netappaccounts/capacitypools/volumes",
}


def _arm_types() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for arm, t in ARM_TYPES.items():
        out.setdefault(t, set()).add(arm)
    for arm, entry in AUDIT_CATEGORIES.items():
        for t in entry["pulumi"]:
            out.setdefault(t, set()).add(arm)
    for t, arm in _MORE.items():
        out.setdefault(t, set()).add(arm)
    return out


ARM_OF: dict[str, set[str]] = _arm_types()


def arm_type(rid: str) -> str | None:
    """The ARM type path of an id (`microsoft.storage/storageaccounts`), lower case; None if not an id."""
    m = _ID.match(rid.rstrip("/"))
    if m is None:
        return None
    segments = _PROVIDERS.split(m.group(2))[-1].split("/")  # an extension's own type: after the last
    return "/".join([segments[0], *segments[1::2]]).lower()


def subscription(rid: str) -> str | None:
    m = _ID.match(rid)
    return m.group(1).lower() if m else None


def home_subscriptions(graph: StackGraph) -> frozenset[str]:
    """Subscriptions the program spells in literal ids of its own resources: an id written beside an output of
    the resource it names (a diagnostic setting's `resourceUri` or `workspaceId` fed from the stack), indexed
    once per graph."""

    def build() -> frozenset[str]:
        out = set()
        for d in graph.by_type(*DIAGNOSTIC):
            for fld in ("resourceUri", "workspaceId", "storageAccountId"):
                v = d.input(fld)
                if d.property_dependencies.get(fld) and isinstance(v, str) and (s := subscription(v)):
                    out.add(s)
        return frozenset(out)

    return graph.once("azure-home-subscriptions", build)


DIAGNOSTIC = ("azure-native:insights:DiagnosticSetting", "azure-native:monitor:DiagnosticSetting")


def names_resource(
    graph: StackGraph, r: ResourceView, rid: str, parents: frozenset[str] = frozenset()
) -> bool:
    """Whether the literal id `rid` names `r` (or a parent of `r` whose ARM type is in `parents`): its ARM
    type, group, names and subscription."""
    kind = arm_type(rid) if isinstance(rid, str) and not is_unknown(rid) else None
    own = ARM_OF.get(r.type, ())
    child = kind in parents and any(a.startswith(f"{kind}/") for a in own)
    if kind is None or not (kind in own or child):
        return False
    if not made_by(r, rid):
        return False
    pinned = r.provider.inputs.get("subscriptionId") if r.provider is not None else None
    if isinstance(pinned, str) and not is_unknown(pinned):
        return True  # made_by compared it
    return subscription(rid) in home_subscriptions(graph)  # none spelled: no literal id is placed


def _by_name(graph: StackGraph, types: tuple[str, ...]) -> dict[str, list[ResourceView]]:
    """The resources of `types` by each (lower-case) name their id is made of (a scan of them per id was
    quadratic on a tiled state: a workspace per tile, a setting per store)."""

    def build() -> dict[str, list[ResourceView]]:
        out: dict[str, list[ResourceView]] = {}
        for r in graph.by_type(*types):
            for n in names(r):
                out.setdefault(n, []).append(r)
        return out

    return graph.once(f"azure-uris-by-name:{'|'.join(types)}", build)


def named_by(
    graph: StackGraph, rid: str, types: tuple[str, ...] = (), parents: frozenset[str] = frozenset()
) -> list[ResourceView]:
    """The resources of the stack (of `types`, if given) the literal id `rid` names (and the children of it,
    when its type is one of `parents`)."""
    last = rid.rstrip("/").rsplit("/", 1)[-1]
    if types:  # graph.named knows only some name inputs: the types' own names, indexed once per graph
        found = {id(r): r for r in _by_name(graph, types).get(last.lower(), ())}
    else:
        found = {id(r): r for n in {last, last.lower()} for r in graph.named(n)}
    return [
        r
        for r in found.values()
        if (not types or r.type in types) and names_resource(graph, r, rid, parents)
    ]


# ---------------------------------------------------------------- round 90: a name or id an input gives

_RG = "azure-native:resources:ResourceGroup"


def _groups(graph: StackGraph, r: ResourceView) -> set[str]:
    """What `r`'s resource group is: its literal name (lower case) and the groups of the stack it is fed from
    (their URN and literal name)."""
    out = set()
    if isinstance(g := r.input("resourceGroupName"), str) and not is_unknown(g):
        out.add(g.lower())
    for d in graph.dependency_of(r, "resourceGroupName"):
        out.add(d.urn)
        if d.type == _RG and isinstance(g := d.input("resourceGroupName"), str) and not is_unknown(g):
            out.add(g.lower())
    return out


def named_in_stack(graph: StackGraph, r: ResourceView, value: object, types: tuple[str, ...]) -> list:
    """The resources of `types` a literal input of `r` names: an ARM id as ARM reads it (`named_by`), or a
    bare name that is one of a resource's own id names in `r`'s own resource group (a name is resolved in
    the caller's group). Round 90: the last segment alone matched the Pulumi name or any `*Name` input
    (r90p-01: an account called like the stack's Pulumi name in a vendor's subscription; -03: a namespace
    called like the resource group; -07: a balancer of the same name in another group)."""
    if not isinstance(value, str) or is_unknown(value) or not value.strip("/"):
        return []
    if "/" in value.strip("/"):
        return named_by(graph, value, types) if arm_type(value) else []
    mine = _groups(graph, r)
    return [
        x
        for x in _by_name(graph, types).get(value.lower(), ())
        if value.lower() != str(x.input("resourceGroupName", "")).lower() and mine & _groups(graph, x)
    ]
