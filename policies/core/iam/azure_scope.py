"""Whether a role assignment's scope can reach a resource of the stack (round 81, for running code as its
identity): Azure applies an assignment to its scope and everything below it ("Understand scope for Azure
RBAC": management group, subscription, resource group, resource). Round 80 counted every assignment at any
scope, so the DBA's Website Contributor on its own resource group made it hold the functions of an app's
identity in another group.

Only what can be placed is told apart: a literal scope naming a resource group that is not the resource's
(its literal `resourceGroupName`, or the name of the `ResourceGroup` of the stack it is fed from), or a
resource in the resource's group whose top-level name is none of the resource's literal names. Anything
else — a scope or group unknown at preview, a subscription or management group (subscriptions are not
compared), a scope fed from another resource — reaches it (fails closed)."""

from __future__ import annotations

from policies.core.view import ResourceView, StackGraph, is_unknown

RESOURCE_GROUP = "azure-native:resources:ResourceGroup"


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


def _names(r: ResourceView) -> set[str]:
    """The literal names the resource is known by (`name` and every `…Name` input but its group's)."""
    out = set()
    for k, v in (r.inputs or {}).items():
        named = (k == "name" or k.endswith("Name")) and k != "resourceGroupName"
        if named and isinstance(v, str) and not is_unknown(v):
            out.add(v.lower())
    return out


def reaches(graph: StackGraph, assignment: ResourceView, r: ResourceView) -> bool:
    """Whether the assignment's scope may contain `r` (True unless shown otherwise)."""
    scope = assignment.input("scope")
    if not isinstance(scope, str) or is_unknown(scope):
        return True
    segs = [s for s in scope.lower().strip().split("/") if s]
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
    names = _names(r)
    return not names or rest[3] in names
