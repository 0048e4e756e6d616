"""Key Vaults on access policies (round 84): in that permission model the data plane is authorised by the
vault's own access policies, and "a user with the Contributor, Key Vault Contributor, or any other role that
includes Microsoft.KeyVault/vaults/write permissions for the key vault management plane can grant themselves
data plane access by setting a Key Vault access policy" (Microsoft Learn, "Azure RBAC vs. access policies").
So a person whose role covers `vaults/write` or `vaults/accessPolicies/write` at a scope that reaches such a
vault of the stack can use its keys. A vault on Azure RBAC (`enableRbacAuthorization` true) is not: switching
it back needs unrestricted `Microsoft.Authorization/roleAssignments/write` (access rights, judged already). A
flag left out is ARM's default, access policies (the SDK's `VaultPropertiesArgs`); one unknown at preview
counts as access policies (fails closed)."""

from __future__ import annotations

from typing import Any

from policies.core.iam.azure import covers
from policies.core.iam.azure_scope import reaches
from policies.core.iam.per_role import per_role
from policies.core.view import ResourceView, StackGraph

VAULT = "azure-native:keyvault:Vault"
POLICY_WRITES = ("Microsoft.KeyVault/vaults/write", "Microsoft.KeyVault/vaults/accessPolicies/write")


def access_policy_vaults(graph: StackGraph) -> list[ResourceView]:
    """The stack's vaults whose data plane their access policies authorise (indexed once per stack)."""
    return graph.once(
        "vaults-on-access-policies",
        lambda: [v for v in graph.by_type(VAULT) if v.get("properties.enableRbacAuthorization") is not True],
    )


@per_role  # judged once per role
def _writes_policies(perms: list[dict[str, Any]]) -> set[str]:
    return {"writes"} if any(covers(perms, op) for op in POLICY_WRITES) else set()


def self_grants_key_use(graph: StackGraph, perms: list[dict[str, Any]], assignment: ResourceView) -> bool:
    """Whether an assignment whose role writes vault access policies reaches a vault on access policies,
    where its holder may give itself decrypt and unwrapKey (only writers visit the vaults)."""
    return bool(_writes_policies(perms)) and any(
        reaches(graph, assignment, v) for v in access_policy_vaults(graph)
    )
