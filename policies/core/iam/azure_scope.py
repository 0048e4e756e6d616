"""Whether a role assignment's scope can reach a resource of the stack (round 81, for running code as its
identity): Azure applies an assignment to its scope and everything below it ("Understand scope for Azure
RBAC": management group, subscription, resource group, resource). Round 80 counted every assignment at any
scope, so the DBA's Website Contributor on its own resource group made it hold the functions of an app's
identity in another group.

Only what can be placed is told apart: a literal scope naming a resource group that is not the resource's
(its literal `resourceGroupName`, or the name of the `ResourceGroup` of the stack it is fed from), or a
resource in the resource's group whose top-level name is not the resource's literal name (the input its
type names it by, `NAMES`: another `…Name` input, such as a web app's `workloadProfileName`, is none).
Round 82: a literal scope in another subscription than the one the resource's provider pins does not
reach it; a scope unknown at preview does not when every resource it is fed from lies in another resource
group of a literal name (a `ResourceGroup`, or any resource with a group: another group's app).
Anything else — a scope or group unknown at preview, a subscription of an unpinned provider or a management
group, a scope fed from the resource itself, from a resource of its group or from one without a group —
reaches it (fails closed)."""

from __future__ import annotations

from policies.core.view import ResourceView, StackGraph, is_unknown

RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
_RESOURCES = "azure-native:resources:"  # deployments and scripts: their outputs may be any id


def _group(graph: StackGraph, r: ResourceView) -> str | None:
    """The resource's resource group, lower case, or None when it cannot be read."""
    rg = r.input("resourceGroupName")
    if isinstance(rg, str) and rg and not is_unknown(rg):
        return rg.lower()
    for d in graph.dependency_of(r, "resourceGroupName"):
        name = d.input("resourceGroupName") if d.type == RESOURCE_GROUP else None
        if isinstance(name, str) and name and not is_unknown(name):
            return name.lower()
    return None


# the input each type that runs code as its identity is named by in its ARM id (the SDK's args)
NAMES = {
    "azure-native:compute:VirtualMachine": "vmName",
    "azure-native:compute:VirtualMachineScaleSet": "vmScaleSetName",
    "azure-native:web:WebApp": "name",
    "azure-native:web:WebAppSlot": "name",  # the slot's site: a slot's id is sites/<name>/slots/<slot>
    "azure-native:automation:AutomationAccount": "automationAccountName",
    "azure-native:app:ContainerApp": "containerAppName",
    "azure-native:app:Job": "jobName",
    "azure-native:datafactory:Factory": "factoryName",
    "azure-native:containerservice:ManagedCluster": "resourceName",
    "azure-native:containerinstance:ContainerGroup": "containerGroupName",
    "azure-native:logic:Workflow": "workflowName",
    # round 83: where a person may write the code an identity runs (iam/azure_code_objects.py)
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:containerregistry:Registry": "registryName",
    # round 84: a vault on access policies, which a vault writer may change (iam/azure_vault_grants.py)
    "azure-native:keyvault:Vault": "vaultName",
}


def _name(r: ResourceView) -> str | None:
    """The resource's literal top-level name, or None (an unlisted type, an autoname, unknown at preview)."""
    fld = NAMES.get(r.type)
    v = r.input(fld) if fld else None
    return v.lower() if isinstance(v, str) and v and not is_unknown(v) else None


def _fed_group(graph: StackGraph, assignment: ResourceView, r: ResourceView) -> bool:
    """A scope unknown at preview reaches `r` unless every resource it is fed from lies in a resource group of
    a literal name that is not `r`'s (round 82: not only a `ResourceGroup`, whose id is its group's scope,
    but any resource with a group — its id, or its group's scope rendered from it, stays in that group). A
    resource without a group (a management group, a subscription alias), free-form outputs (deployments) or
    `r` itself reach it."""
    fed, group = graph.dependency_of(assignment, "scope"), _group(graph, r)
    if not fed or group is None:
        return True
    for d in fed:
        if d.urn == r.urn or (d.type.startswith(_RESOURCES) and d.type != RESOURCE_GROUP):
            return True
        name = d.input("resourceGroupName")
        other = name.lower() if d.type == RESOURCE_GROUP and _text(name) else _group(graph, d)
        if other is None or other == group:
            return True
    return False


def _text(v: object) -> bool:
    return isinstance(v, str) and bool(v) and not is_unknown(v)


def _other_subscription(r: ResourceView, subscription: str) -> bool:
    """Whether a literal scope's subscription is not the one `r`'s provider pins (round 82)."""
    pinned = r.provider.inputs.get("subscriptionId") if r.provider is not None else None
    return _text(pinned) and _text(subscription) and str(pinned).lower() != subscription.lower()


def reaches(graph: StackGraph, assignment: ResourceView, r: ResourceView) -> bool:
    """Whether the assignment's scope may contain `r` (True unless shown otherwise)."""
    scope = assignment.input("scope")
    if not isinstance(scope, str) or is_unknown(scope):
        return _fed_group(graph, assignment, r)
    segs = [s for s in scope.lower().strip().split("/") if s]
    if len(segs) > 1 and segs[0] == "subscriptions" and _other_subscription(r, segs[1]):
        return False
    if "resourcegroups" not in segs or segs[0] != "subscriptions":
        return True
    i = segs.index("resourcegroups")
    group = _group(graph, r)
    if i + 1 >= len(segs) or group is None:
        return True
    if segs[i + 1] != group:
        return False
    rest = segs[i + 2:]  # providers/<namespace>/<type>/<name>/…
    if len(rest) < 4 or rest[0] != "providers":
        return True
    name = _name(r)
    return name is None or rest[3] == name
