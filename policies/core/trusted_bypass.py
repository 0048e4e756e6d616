"""Named exceptions to an Azure data store's network rules (disallow-public-data-access; round 41). A Cosmos
DB account's `networkAclBypassResourceIds` (with `networkAclBypass` AzureServices) and a storage account's
`networkRuleSet.resourceAccessRules` let the named resource instances (a Synapse workspace, a Data Factory, a
search service) reach the data through the trusted-service path, past `publicNetworkAccess` Disabled and
the private endpoints. An instance the stack does not declare is another party's (another subscription or
tenant, whose people, MFA and duties this pack cannot judge), so each named id must be fed from a resource
of the stack."""

from __future__ import annotations

from typing import Any

from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

COSMOS = "azure-native:cosmosdb:DatabaseAccount"
STORAGE = "azure-native:storage:StorageAccount"


def _ids(r: ResourceView) -> tuple[str, Any]:
    if r.type == COSMOS:
        return "networkAclBypassResourceIds", r.input("networkAclBypassResourceIds")
    rules = get_path(r.input("networkRuleSet"), "resourceAccessRules")
    ids = [get_path(x, "resourceId") for x in rules] if isinstance(rules, list) else rules
    return "networkRuleSet.resourceAccessRules", ids


def _own_ids(graph: StackGraph, r: ResourceView, field: str) -> bool:
    return bool(graph.dependency_of(r, field.split(".", 1)[0]))


def bypassed_instances(r: ResourceView, graph: StackGraph) -> list[str]:
    field, ids = _ids(r)
    if is_unknown(ids) or (isinstance(ids, list) and any(is_unknown(i) for i in ids)):
        return [unknown_message(field, "which resource instances pass the network rules")]
    named = [str(i) for i in ids or [] if i]
    if not named or _own_ids(graph, r, field):
        return []
    return [
        f"`{field}` lets {', '.join(named)} through the network rules (the trusted-service path, past "
        "publicNetworkAccess Disabled): an instance the stack does not declare is another party's, whose "
        "people, MFA and duties are not judged; name only instances of this stack (fed from their output)"
    ]
