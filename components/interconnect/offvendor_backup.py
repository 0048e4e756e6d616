"""Backups outside the primary vendor, in the EEA, under controller-held keys, reached over the link.

CLOUD "Servers": backups must not be kept only at the vendor holding the primary data. DOSIS (Azure)
copies go to an S3 bucket in eu-west-1 of a backup account; the e-loket (AWS) copies go to a
westeurope blob container of a backup subscription. Both stores are immutable (S3 Object Lock in
COMPLIANCE mode, blob version-level immutability), encrypted with a key only the data's controller holds
(KMS key with imported material; Managed HSM key), and accept writes only over the private link
(the S3 interface endpoint behind the IPsec tunnels; a private endpoint for the storage account).
The copy format (one CSV per table + manifest) is the one `scripts/exit_drill` restores.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

import components.aws.policy as policy
from components.aws.bucket import SecureBucket, SecureBucketArgs
from components.aws.key_store import ControllerKey
from components.aws.keys import CustomerKeyArgs
from components.aws.log_archive import nobody_deletes
from components.aws.web import s3_log_delivery_statements
from components.azure.common import STORAGE_METRICS, diagnostics, eea_location, kept, lock, private_endpoint
from policies.core.eea import DOSIS_PRIMARY, PORTAL_REGION


@dataclass
class OffVendorBucketArgs:
    account_id: str
    """The backup account (12 digits) the component's provider assumes a role in."""
    admin_role_arn: str
    """Backup administrators of the controller (manage the key, cannot read the data)."""
    writer_role_arn: str
    """Role the scheduled export job assumes to write copies."""
    restore_role_arn: str
    """Role the exit drill / a restore assumes to read copies."""
    source_vpce_id: str
    """S3 interface endpoint (vpce-...) reached over the site-to-site link: the only way in for writes."""
    tags: dict[str, str]
    """Mandatory tags (controller of the copied data)."""
    deployer_role_arn: str
    """The role this component's provider assumes: it creates the key, so KMS requires the key policy to
    let it manage the key (the policy lockout safety check of CreateKey)."""
    retention_days: int = 35
    """Object Lock COMPLIANCE retention of each copy."""
    region: str = PORTAL_REGION
    """Region of the bucket (EEA)."""


class OffVendorBucket(pulumi.ComponentResource):
    """Object Lock bucket + imported-material key + access-log bucket in the backup account."""

    def __init__(self, name: str, args: OffVendorBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:interconnect:OffVendorBucket", name, None, opts)
        if not args.source_vpce_id.startswith("vpce-"):
            raise ValueError(f"OffVendorBucket {name}: source_vpce_id must be a vpce- id")
        if not 1 <= args.retention_days <= 3653:
            raise ValueError(f"OffVendorBucket {name}: retention_days must be 1..3653")
        self.key = ControllerKey(
            f"{name}-key",
            CustomerKeyArgs(purpose=f"offvendor-{name}", tags=args.tags, admin_arns=[args.admin_role_arn],
                            deployer_arn=args.deployer_role_arn,
                            user_arns=[args.writer_role_arn, args.restore_role_arn], via_services=("s3",),
                            region=args.region),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.access_logs = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(tags=args.tags, log_delivery_target=True, expire_after_days=3653,
                             policy_statements=lambda arn: [*s3_log_delivery_statements(arn, args.account_id),
                                                            *nobody_deletes(arn)]),
            opts=pulumi.ResourceOptions(parent=self),
        )

        def statements(arn: pulumi.Output[str]) -> list[dict]:
            objects = pulumi.Output.concat(arn, "/*")
            return [
                *nobody_deletes(arn),
                policy.statement("Deny", ["s3:PutObject"], objects, sid="WritesOnlyOverThePrivateLink",
                                 principal={"AWS": "*"},
                                 condition={"StringNotEquals": {"aws:SourceVpce": args.source_vpce_id}}),
                policy.statement("Deny", ["s3:PutObject", "s3:GetObject"], objects, sid="OnlyTheBackupRoles",
                                 principal={"AWS": "*"},
                                 condition={"ArnNotEquals": {"aws:PrincipalArn": [
                                     args.writer_role_arn, args.restore_role_arn]}}),
            ]

        self.bucket = SecureBucket(
            name,
            SecureBucketArgs(tags=args.tags, kms_key_arn=self.key.arn,
                             access_log_bucket=self.access_logs.name,
                             object_lock_days=args.retention_days, policy_statements=statements),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"bucket": self.bucket.name})


@dataclass
class OffVendorContainerArgs:
    account_name: str
    """Globally unique storage account name (3-24 lowercase letters/digits)."""
    resource_group_name: str
    """Resource group created in the backup subscription."""
    hsm_uri: str
    """Managed HSM of the data's controller (https://<name>.managedhsm.azure.net)."""
    key_name: str
    """Key in that HSM."""
    tags: dict[str, str]
    """Mandatory tags (controller of the copied data)."""
    workspace_id: pulumi.Input[str]
    """Sentinel workspace receiving the account's logs."""
    endpoint_subnet_id: str | None = None
    """Subnet (reached over the link) for the private endpoint; None = no endpoint yet."""
    retention_days: int = 35
    """Version-level immutability period of each blob."""
    location: str = DOSIS_PRIMARY
    """Region (EEA only)."""


class OffVendorContainer(pulumi.ComponentResource):
    """Immutable, HSM-key encrypted, private-only blob container in the backup subscription."""

    def __init__(self, name: str, args: OffVendorContainerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:interconnect:OffVendorContainer", name, None, opts)
        location = eea_location(args.location, f"OffVendorContainer {name}")
        rg = azure.resources.ResourceGroup(f"{name}-rg", resource_group_name=args.resource_group_name,
                                           location=location, tags=args.tags, opts=kept(self))
        identity = azure.managedidentity.UserAssignedIdentity(
            f"{name}-identity", resource_group_name=rg.name, location=location, tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.account = azure.storage.StorageAccount(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=rg.name,
            location=location,
            kind="StorageV2",
            sku={"name": "Standard_ZRS"},  # zone-redundant inside westeurope: no copy leaves the region
            access_tier="Cool",
            identity={"type": "UserAssigned", "user_assigned_identities": [identity.id]},
            encryption={
                "key_source": "Microsoft.Keyvault",
                "key_vault_properties": {"key_name": args.key_name, "key_vault_uri": args.hsm_uri},
                "encryption_identity": {"encryption_user_assigned_identity": identity.id},
                "require_infrastructure_encryption": True,
                "services": {"blob": {"enabled": True, "key_type": "Account"}},
            },
            immutable_storage_with_versioning={
                "enabled": True,
                "immutability_policy": {
                    "immutability_period_since_creation_in_days": args.retention_days,
                    "allow_protected_append_writes": False,
                    "state": "Unlocked",  # lock after the first successful drill (documented step)
                },
            },
            enable_https_traffic_only=True,
            minimum_tls_version="TLS1_2",
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_blob_public_access=False,
            public_network_access="Disabled",
            network_rule_set={"default_action": "Deny", "bypass": "None"},
            tags=args.tags,
            opts=kept(self),
        )
        lock(f"{name}-account", self.account, self)
        # Version-level immutability works on blob versions: versioning on, deleted versions kept.
        blob_service = azure.storage.BlobServiceProperties(
            f"{name}-blob-service", resource_group_name=rg.name, account_name=self.account.name,
            blob_services_name="default", is_versioning_enabled=True,
            delete_retention_policy={
                "enabled": True, "days": args.retention_days, "allow_permanent_delete": False
            },
            container_delete_retention_policy={"enabled": True, "days": args.retention_days},
            opts=pulumi.ResourceOptions(parent=self.account),
        )
        self.container = azure.storage.BlobContainer(
            f"{name}-copies", account_name=self.account.name, resource_group_name=rg.name,
            container_name="copies", public_access="None", opts=kept(self.account, depends_on=[blob_service]),
        )
        if args.endpoint_subnet_id is not None:
            private_endpoint(f"{name}-blob", resource_id=self.account.id, group_id="blob",
                             subnet_id=args.endpoint_subnet_id, dns_zone_id=None, resource_group_name=rg.name,
                             location=location, tags=args.tags, parent=self)
        diagnostics(f"{name}-account", self.account.id, args.workspace_id, self.account, logs=False,
                    metric_categories=STORAGE_METRICS)
        diagnostics(f"{name}-blob", pulumi.Output.concat(self.account.id, "/blobServices/default"),
                    args.workspace_id, self.account, metric_categories=STORAGE_METRICS)
        self.register_outputs({"accountId": self.account.id})
