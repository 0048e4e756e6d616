"""The parent an Azure child resource lives in (a blob container in its storage account, a Key Vault secret
in its vault, app settings on their web app): child types have no `location` input, so neither the provider's
default location nor the resource group says where their data is; only the parent does.

The parent is found by the property dependencies of the inputs that name it, else by its physical name among
the stack's located Azure resources of the same service module (never by logical name). A parent that is no
resource of the stack (an existing account outside it) cannot be placed: the child blocks.
"""

from __future__ import annotations

from policies.core.types import is_child, module_of
from policies.core.view import ResourceView, StackGraph, is_unknown

RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
# Child modules whose parent lives in another module (Sentinel settings live in a Log Analytics workspace).
PARENT_MODULES: dict[str, tuple[str, ...]] = {
    "azure-native:securityinsights": ("azure-native:operationalinsights",),
    "azure-native:operationsmanagement": ("azure-native:operationalinsights",),
}


def _parent_keys(view: ResourceView) -> list[str]:
    """Inputs that can name the parent: `<x>Name` (not the resource group) and a bare `name`."""
    raw = view.inputs
    return [k for k in raw if (k.endswith("Name") and k != "resourceGroupName") or k == "name"]


def _located(graph: StackGraph) -> dict[tuple[str, str], list[ResourceView]]:
    """The stack's located Azure resources by (module, physical name), built once per graph."""
    idx = graph.__dict__.get("_located")
    if idx is None:
        idx = {}
        for r in graph.resources:
            if r.cloud != "azure" or not r.custom or r.type == RESOURCE_GROUP or is_child(r.type):
                continue
            name = r.input("name")
            if isinstance(name, str) and not is_unknown(name):
                idx.setdefault((module_of(r.type), name.lower()), []).append(r)
        graph.__dict__["_located"] = idx
    return idx


def find_parents(view: ResourceView, graph: StackGraph) -> tuple[list[ResourceView], str | None]:
    """(the parents found, why none could be) of a child resource."""
    keys = _parent_keys(view)
    parents = [
        d
        for k in keys
        for d in graph.dependency_of(view, k)
        if d.cloud == "azure" and d.type != RESOURCE_GROUP and not is_child(d.type)
    ]
    if parents:
        return parents, None
    idx, module = _located(graph), module_of(view.type)
    modules = (module, *PARENT_MODULES.get(module, ()))
    named: list[str] = []
    for k in keys:
        value = view.input(k)
        if is_unknown(value):
            return [], (
                f"`{k}` (the parent the resource lives in) is unknown at preview and computed from no Azure "
                "resource of this stack, so where its data is cannot be judged"
            )
        if isinstance(value, str):
            named.append(f"`{k}` = {value!r}")
            parents += [p for m in modules for p in idx.get((m, value.lower()), ()) if p is not view]
    if parents:
        return parents, None
    where = ", ".join(named) or "not named"
    return [], (
        f"the resource has no location of its own: it lives in its parent ({where}), "
        "which is not a resource of this stack, so where its data is cannot be judged; create the parent in "
        "this stack (and pass its output) or create the resource in a parent of this stack"
    )
