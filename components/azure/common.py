"""Shared building blocks of the DOSIS components: region checks, locks, diagnostics, private endpoints.

Every stateful resource is kept twice (R2016: data must not get lost): Pulumi `protect` stops the
program from deleting it, an Azure `CanNotDelete` lock stops anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from policies.core.eea import AZURE_EEA_REGIONS, normalize_azure_location

SUBSCRIPTION_PREFIX = "/subscriptions/"
# A storage account and its blob service refuse `AllMetrics` in a diagnostic setting (400 "Metric category
# 'AllMetrics' is not supported, supported categories are: 'Capacity;Transaction'").
STORAGE_METRICS = ("Transaction", "Capacity")
# A SQL database's metric categories (Microsoft's diagnostic-settings template); `AllMetrics` is not one.
SQL_DATABASE_METRICS = ("Basic", "InstanceAndAppAdvanced", "WorkloadManagement")
# Key administration without cryptographic use (DPA annex 3 b.vi): the built-in Key Vault Crypto Officer can
# also decrypt/unwrap/sign, so the key administrators get this custom role instead (fixed GUID per tenant).
KEY_ADMIN_ROLE = "Key Vault Key Administrator (no cryptographic use)"
KEY_ADMIN_GUID = "9f627b1b-1143-5b86-b21f-38cc881111a6"
KEY_USE_DATA_ACTIONS = tuple(
    f"Microsoft.KeyVault/vaults/keys/{op}/action"
    for op in ("encrypt", "decrypt", "wrap", "unwrap", "sign", "verify", "release")
)
CUSTOM_ROLES: dict[str, dict[str, list[str]]] = {
    KEY_ADMIN_ROLE: {
        "actions": [
            "Microsoft.Authorization/*/read",
            "Microsoft.KeyVault/checkNameAvailability/read",
            "Microsoft.KeyVault/deletedVaults/read",
            "Microsoft.KeyVault/locations/*/read",
            "Microsoft.KeyVault/vaults/*/read",
            "Microsoft.KeyVault/operations/read",
        ],
        "data_actions": [
            "Microsoft.KeyVault/vaults/keys/*",
            "Microsoft.KeyVault/vaults/keyrotationpolicies/*",
        ],
        "not_data_actions": list(KEY_USE_DATA_ACTIONS),
    },
}
# Built-in Azure role definitions (GUIDs are identical in every tenant).
ROLES = {
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Security Reader": "39bc4728-0917-49c7-9d2c-d95423bc2eb4",
    "Microsoft Sentinel Reader": "8d289c81-5878-46d4-8554-54e1e3d8b5cb",
    "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "SQL DB Contributor": "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec",
    "SQL Server Contributor": "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437",
    "Website Contributor": "de139f84-1756-47ae-9be6-808fbbe84772",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    KEY_ADMIN_ROLE: KEY_ADMIN_GUID,
}


@dataclass(kw_only=True)
class EncryptedWithKeyArgs:
    """What a data component encrypted with a customer key is given (fields shared by its args)."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the component's region."""
    subscription_id: pulumi.Input[str]
    """Subscription of the role definitions."""
    key_vault_uri: pulumi.Input[str]
    """URI of the key store holding the key (an Output of the store, so it exists first)."""
    key_name: pulumi.Input[str]
    """Name of the key (versionless: rotation is followed automatically)."""
    key_scope: pulumi.Input[str]
    """ARM scope of the key: the component's identity may only wrap/unwrap with it."""
    tags: dict[str, str]
    """Mandatory tags."""


def role_definition_id(subscription_id: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    """The subscription-scoped id of a built-in role."""
    return pulumi.Output.concat(
        SUBSCRIPTION_PREFIX,
        subscription_id,
        "/providers/Microsoft.Authorization/roleDefinitions/",
        ROLES[role],
    )


def eea_location(location: str, what: str) -> str:
    """The normalised location, refused unless it lies in the EEA (DPA art. 12, CLOUD "Servers")."""
    loc = normalize_azure_location(location)
    if loc not in AZURE_EEA_REGIONS:
        raise ValueError(f"{what}: location {location!r} is outside the EEA")
    return loc


def child(parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
    """Options for a stateless child; `protect` is not inherited from a protected parent."""
    kwargs.setdefault("protect", False)
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def kept(parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
    """Options for a stateful child: the program can never delete it."""
    return pulumi.ResourceOptions(parent=parent, **{**kwargs, "protect": True})


def lock(
    name: str, resource: pulumi.CustomResource, parent: pulumi.Resource
) -> azure.authorization.ManagementLockByScope:
    """An Azure `CanNotDelete` lock on `resource` (stops deletion from the portal, CLI or another program)."""
    return azure.authorization.ManagementLockByScope(
        f"{name}-lock",
        scope=resource.id,
        level="CanNotDelete",
        lock_name="dosis-keep",
        notes="DOSIS data must not get lost (R2016); remove only after a documented exit (D36 §102).",
        opts=child(parent, depends_on=[resource]),
    )


def diagnostics(
    name: str,
    resource_uri: pulumi.Input[str],
    workspace_id: pulumi.Input[str],
    parent: pulumi.Resource,
    *,
    logs: bool = True,
    metrics: bool = True,
    log_categories: Sequence[str] = (),
    metric_categories: Sequence[str] = ("AllMetrics",),
) -> azure.monitor.DiagnosticSetting:
    """Send a resource's logs (all categories, or the given ones) and metrics to the Sentinel workspace.

    `metric_categories`: most resource types take `AllMetrics`; storage and SQL databases name their own."""
    log_settings = (
        [{"category": c, "enabled": True} for c in log_categories]
        if log_categories
        else [{"category_group": "allLogs", "enabled": True}]
        if logs
        else []
    )
    return azure.monitor.DiagnosticSetting(
        f"{name}-diag",
        name="to-sentinel",
        resource_uri=resource_uri,
        workspace_id=workspace_id,
        logs=log_settings or None,
        metrics=[{"category": c, "enabled": True} for c in metric_categories] if metrics else None,
        opts=child(parent),
    )


def private_endpoint(
    name: str,
    *,
    resource_id: pulumi.Input[str],
    group_id: str,
    subnet_id: pulumi.Input[str],
    dns_zone_id: pulumi.Input[str] | None,
    resource_group_name: pulumi.Input[str],
    location: str,
    tags: dict[str, str],
    parent: pulumi.Resource,
    private_ip: str | None = None,
) -> azure.network.PrivateEndpoint:
    """A private endpoint for one sub-resource, registered in its private DNS zone.

    `private_ip` pins the address (peers such as the e-loket route and filter on it)."""
    endpoint = azure.network.PrivateEndpoint(
        f"{name}-pe",
        resource_group_name=resource_group_name,
        location=location,
        subnet={"id": subnet_id},
        private_link_service_connections=[
            {"name": f"{name}-{group_id}", "private_link_service_id": resource_id, "group_ids": [group_id]}
        ],
        ip_configurations=[
            {
                "name": f"{name}-ip",
                "group_id": group_id,
                "member_name": group_id,
                "private_ip_address": private_ip,
            }
        ]
        if private_ip
        else None,
        tags=tags,
        opts=child(parent),
    )
    if dns_zone_id is not None:
        azure.network.PrivateDnsZoneGroup(
            f"{name}-pe-dns",
            resource_group_name=resource_group_name,
            private_endpoint_name=endpoint.name,
            private_dns_zone_group_name="default",
            private_dns_zone_configs=[{"name": group_id, "private_dns_zone_id": dns_zone_id}],
            opts=child(endpoint),
        )
    return endpoint


def key_identity(
    name: str,
    *,
    resource_group_name: pulumi.Input[str],
    location: str,
    tags: dict[str, str],
    key_scope: pulumi.Input[str],
    subscription_id: pulumi.Input[str],
    parent: pulumi.Resource,
    grant_provider: pulumi.ProviderResource | None = None,
    **opts,
) -> tuple[azure.managedidentity.UserAssignedIdentity, azure.authorization.RoleAssignment]:
    """A user-assigned identity for a data service that may wrap/unwrap with one key and nothing else.

    `grant_provider`: the key's subscription when it differs from the identity's (its owner grants)."""
    identity = azure.managedidentity.UserAssignedIdentity(
        f"{name}-identity",
        resource_group_name=resource_group_name,
        location=location,
        tags=tags,
        opts=child(parent, **opts),
    )
    grant = key_user_grant(
        f"{name}-key-user", key_scope, identity.principal_id, subscription_id,
        child(identity, provider=grant_provider),
    )
    return identity, grant


def key_user_grant(
    name: str,
    key_scope: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    subscription_id: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> azure.authorization.RoleAssignment:
    """Wrap/unwrap rights on one key for a service identity: it can neither manage nor read the key."""
    return azure.authorization.RoleAssignment(
        name,
        scope=key_scope,
        role_definition_id=role_definition_id(subscription_id, "Key Vault Crypto Service Encryption User"),
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        description="Service identity wraps/unwraps with this CMK only (no key management).",
        opts=opts,
    )
