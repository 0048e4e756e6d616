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
STACK_REFERENCE = "pulumi:pulumi:StackReference"
# Child modules whose parent lives in another module (Sentinel settings live in a Log Analytics workspace).
PARENT_MODULES: dict[str, tuple[str, ...]] = {
    "azure-native:securityinsights": ("azure-native:operationalinsights",),
    "azure-native:operationsmanagement": ("azure-native:operationalinsights",),
}


def _parent_keys(view: ResourceView) -> list[str]:
    """Inputs that can name the parent: `<x>Name` (not the resource group) and a bare `name`."""
    return [k for k in view.input_keys() if (k.endswith("Name") and k != "resourceGroupName") or k == "name"]


def _located(graph: StackGraph) -> dict[tuple[str, ...], list[ResourceView]]:
    """The stack's located Azure resources by (module, physical name[, resource group]), once per graph."""
    return graph.once("located", lambda: _index_located(graph))


def _index_located(graph: StackGraph) -> dict[tuple[str, ...], list[ResourceView]]:
    idx: dict[tuple[str, ...], list[ResourceView]] = {}
    for r in graph.resources:
        if r.cloud != "azure" or not r.custom or r.type == RESOURCE_GROUP or is_child(r.type):
            continue
        name = r.input("name")
        if isinstance(name, str) and not is_unknown(name):
            idx.setdefault((module_of(r.type), name.lower()), []).append(r)
            rg = r.input("resourceGroupName")  # names are unique per resource group only
            group = rg.lower() if isinstance(rg, str) and not is_unknown(rg) else "?"
            idx.setdefault((module_of(r.type), name.lower(), group), []).append(r)
    return idx


def find_parents(view: ResourceView, graph: StackGraph) -> tuple[list[ResourceView], str | None]:
    """(the parents found, why none could be) of a child resource."""
    keys = _parent_keys(view)
    deps = [d for k in keys for d in graph.dependency_of(view, k)]
    parents = [d for d in deps if d.cloud == "azure" and d.type != RESOURCE_GROUP and not is_child(d.type)]
    # a parent named by another stack's output: a resource of a stack the gate recorded (judged there),
    # or of one it did not (unplaceable)
    stacks = [d for d in deps if d.type == STACK_REFERENCE]
    if any(not isinstance(s.input("outputs"), dict) for s in stacks):
        return [], "the parent is named by a stack reference the gate has not recorded: it cannot be placed"
    if parents or stacks:
        return parents + stacks, None
    idx, module = _located(graph), module_of(view.type)
    modules = (module, *PARENT_MODULES.get(module, ()))
    rg = view.input("resourceGroupName")  # a child is in its parent's group (its id nests in the parent's)
    # the parent in the child's group (or in one unknown at preview); any group when the child's is unknown
    groups = ((rg.lower(),), ("?",)) if isinstance(rg, str) and not is_unknown(rg) else ((),)
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
            wanted = [(m, value.lower(), *g) for m in modules for g in groups]
            parents += [p for key in wanted for p in idx.get(key, ()) if p is not view]
    if parents:
        return parents, None
    where = ", ".join(named) or "not named"
    return [], (
        "the resource has no location of its own (or one its service ignores): it lives in its parent "
        f"({where}), "
        "which is not a resource of this stack, so where its data is cannot be judged; create the parent in "
        "this stack (and pass its output) or create the resource in a parent of this stack"
    )
