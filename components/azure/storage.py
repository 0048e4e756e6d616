"""Storage for the DOSIS-IN CSV bulk loads (D36 §63): CMK, Entra-only, private, versioned, soft delete.

Replication stays in the EEA: ZRS keeps three copies in the region; GZRS/RA-GZRS add a copy in the
paired region, which for westeurope is northeurope (Ireland, D36 §90 failover location).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure.common import (
    STORAGE_METRICS,
    EncryptedWithKeyArgs,
    child,
    diagnostics,
    eea_location,
    kept,
    key_identity,
    lock,
    private_endpoint,
)
from components.azure.database import EEA_PAIRS
from policies.core.eea import DOSIS_PRIMARY

IN_REGION_SKUS = ("Standard_ZRS", "Premium_ZRS", "Standard_LRS")
PAIRED_SKUS = ("Standard_GZRS", "Standard_RAGZRS")


@dataclass(kw_only=True)
class BulkStorageArgs(EncryptedWithKeyArgs):
    account_name: str
    """Globally unique storage account name (3-24 lowercase letters and digits)."""
    location: str = DOSIS_PRIMARY
    """Azure region (EEA only)."""
    sku: str = "Standard_GZRS"
    """Replication: ZRS in region, or GZRS/RA-GZRS to the EEA paired region."""
    container_name: str = "csv-inbox"
    """Private container receiving the CSV files."""
    soft_delete_days: int = 30
    """Blob and container soft-delete retention (1-365)."""
    endpoint_subnet_id: pulumi.Input[str] | None = None
    """Private-endpoint subnet; None = no endpoint (tests only)."""
    dns_zone_id: pulumi.Input[str] | None = None
    """privatelink.blob.core.windows.net zone id."""
    workspace_id: pulumi.Input[str] | None = None
    """Sentinel workspace for blob logs and metrics."""


class BulkStorage(pulumi.ComponentResource):
    """A storage account with one private container, encrypted with the controller's key."""

    account: azure.storage.StorageAccount
    container: azure.storage.BlobContainer

    def __init__(self, name: str, args: BulkStorageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:BulkStorage", name, None, opts)
        location = eea_location(args.location, f"BulkStorage {name}")
        if args.sku in PAIRED_SKUS and location not in EEA_PAIRS:
            raise ValueError(f"BulkStorage {name}: {args.sku} in {location} would replicate outside the EEA")
        if args.sku not in IN_REGION_SKUS + PAIRED_SKUS:
            raise ValueError(f"BulkStorage {name}: sku must be one of {IN_REGION_SKUS + PAIRED_SKUS}")
        if not 1 <= args.soft_delete_days <= 365:
            raise ValueError(f"BulkStorage {name}: soft_delete_days must be 1..365")
        rg = args.resource_group_name
        identity, grant = key_identity(
            name,
            resource_group_name=rg,
            location=location,
            tags=args.tags,
            key_scope=args.key_scope,
            subscription_id=args.subscription_id,
            parent=self,
        )
        self.account = azure.storage.StorageAccount(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=rg,
            location=location,
            kind="StorageV2",
            sku={"name": args.sku},
            access_tier="Hot",
            identity={"type": "UserAssigned", "user_assigned_identities": [identity.id]},
            encryption={
                "key_source": "Microsoft.Keyvault",
                "key_vault_properties": {"key_name": args.key_name, "key_vault_uri": args.key_vault_uri},
                "encryption_identity": {"encryption_user_assigned_identity": identity.id},
                "require_infrastructure_encryption": True,
                "services": {
                    "blob": {"enabled": True, "key_type": "Account"},
                    "file": {"enabled": True, "key_type": "Account"},
                },
            },
            enable_https_traffic_only=True,
            minimum_tls_version="TLS1_2",
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_blob_public_access=False,
            allow_cross_tenant_replication=False,
            allowed_copy_scope="PrivateLink",
            public_network_access="Disabled",
            network_rule_set={"default_action": "Deny", "bypass": "None"},
            is_local_user_enabled=False,
            is_sftp_enabled=False,
            tags=args.tags,
            opts=kept(self, depends_on=[grant]),
        )
        lock(f"{name}-account", self.account, self.account)
        self._container(name, args, rg)
        self._access_and_logs(name, args, rg, location)
        self.register_outputs({"accountId": self.account.id})

    def _container(self, name: str, args: BulkStorageArgs, rg: pulumi.Input[str]) -> None:
        """Blob versioning, soft delete and change feed on the account; the one private container (kept)."""
        blob_service = azure.storage.BlobServiceProperties(
            f"{name}-blob-service",
            resource_group_name=rg,
            account_name=self.account.name,
            blob_services_name="default",
            is_versioning_enabled=True,
            delete_retention_policy={
                "enabled": True,
                "days": args.soft_delete_days,
                "allow_permanent_delete": False,
            },
            container_delete_retention_policy={"enabled": True, "days": args.soft_delete_days},
            change_feed={"enabled": True},
            opts=child(self.account),
        )
        self.container = azure.storage.BlobContainer(
            f"{name}-container",
            resource_group_name=rg,
            account_name=self.account.name,
            container_name=args.container_name,
            public_access="None",
            opts=kept(self.account, depends_on=[blob_service]),
        )

    def _access_and_logs(
        self, name: str, args: BulkStorageArgs, rg: pulumi.Input[str], location: str
    ) -> None:
        """The private endpoint for blobs (if a subnet is given) and the diagnostics to the workspace."""
        if args.endpoint_subnet_id is not None:
            private_endpoint(
                f"{name}-blob",
                resource_id=self.account.id,
                group_id="blob",
                subnet_id=args.endpoint_subnet_id,
                dns_zone_id=args.dns_zone_id,
                resource_group_name=rg,
                location=location,
                tags=args.tags,
                parent=self.account,
            )
        if args.workspace_id is not None:
            diagnostics(f"{name}-account", self.account.id, args.workspace_id, self.account, logs=False,
                        metric_categories=STORAGE_METRICS)
            diagnostics(
                f"{name}-blob",
                pulumi.Output.concat(self.account.id, "/blobServices/default"),
                args.workspace_id,
                self.account,
                metric_categories=STORAGE_METRICS,
            )

    def container_scope(self) -> pulumi.Output[str]:
        """ARM scope of the CSV container, for data-plane role assignments narrower than the account."""
        return pulumi.Output.concat(self.account.id, "/blobServices/default/containers/", self.container.name)
