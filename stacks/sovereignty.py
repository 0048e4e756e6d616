"""Wiring of the sovereignty measures (issue 17): one helper per measure, called from each stack's main.

- dosis: `dosis_keys` (Key Vault or the controller's Managed HSM) and `dosis_security_archive`.
- portal: `portal_key_store` + `portal_key` (KMS, imported material, XKS or CloudHSM) and
  `portal_log_archive` (organisation trail and log buckets in the log-archive account).
- dosis: `offvendor_backups` (DOSIS -> eu-west-1 S3 of AIV's backup account; the e-loket's copies ->
  westeurope blob of VLAIO's backup subscription, landing on the Azure side that runs Sentinel and MFA).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure

from components.aws.key_store import ControllerKey, ControllerKeyStore, ControllerKeyStoreArgs
from components.aws.keys import CustomerKey, CustomerKeyArgs
from components.aws.log_archive import LogArchive, LogArchiveArgs
from components.azure.keys import KeyStore
from components.azure.log_archive import SecurityLogArchive, SecurityLogArchiveArgs
from components.azure.managed_hsm import ControllerHsm, ControllerHsmArgs
from components.interconnect.offvendor_backup import (
    OffVendorBucket,
    OffVendorBucketArgs,
    OffVendorContainer,
    OffVendorContainerArgs,
)
from policies.core.eea import DOSIS_PRIMARY, PORTAL_REGION
from stacks.config import config_error

# ---------------------------------------------------------------- dosis


@dataclass
class DosisKeys:
    """Where DOSIS's data keys live: the regional Key Vaults or the controller's Managed HSM (one
    multi-region pool serving both regions); both offer the same KeyStore interface."""

    vaults: dict[str, KeyStore]
    hsm: ControllerHsm | None = None

    def by_region(self) -> dict[str, KeyStore | ControllerHsm]:
        return {r: self.hsm or v for r, v in self.vaults.items()}


def dosis_keys(cfg: Any, vaults: dict[str, KeyStore], resource_group_name: pulumi.Input[str],
               tenant_id: pulumi.Input[str], admins: list[pulumi.Input[str]], workspace_id: pulumi.Input[str],
               tags: dict[str, str], opts: pulumi.ResourceOptions) -> DosisKeys:
    if cfg.key_custody != "managed-hsm":
        return DosisKeys(vaults)
    hsm = ControllerHsm(
        "hsm",
        ControllerHsmArgs(
            hsm_name=f"{cfg.name_prefix}-hsm",
            resource_group_name=resource_group_name,
            tenant_id=tenant_id,
            admin_object_ids=admins,
            tags=tags,
            key_versions=dict(cfg.hsm_key_versions or {}),
            activated=cfg.hsm_activated,
            workspace_id=workspace_id,
        ),
        opts=opts,
    )
    return DosisKeys(vaults, hsm)


def dosis_security_archive(cfg: Any, keys: DosisKeys, tags: dict[str, str],
                           subscription_id: pulumi.Input[str],
                           workload_provider: pulumi.ProviderResource) -> SecurityLogArchive | None:
    """Sentinel archive in the security subscription (explicit provider), fed by DOSIS's activity log."""
    if cfg.security_subscription_id is None or keys.hsm is None:
        return None
    provider = azure.Provider("azure-security", location=DOSIS_PRIMARY,
                              subscription_id=cfg.security_subscription_id)
    opts = pulumi.ResourceOptions(provider=provider)
    rg = azure.resources.ResourceGroup("rg-security", resource_group_name=f"{cfg.name_prefix}-security",
                                       location=DOSIS_PRIMARY, tags=tags, opts=opts)
    return SecurityLogArchive(
        "security-archive",
        SecurityLogArchiveArgs(
            resource_group_name=rg.name,
            subscription_id=subscription_id,
            workspace_name=f"{cfg.name_prefix}-security-archive",
            cluster_name=f"{cfg.name_prefix}-security-cluster",
            keys=keys.hsm,
            tags=tags,
            workload_provider=workload_provider,
            total_retention_days=cfg.log_total_retention_days,
            break_glass_object_ids=list(cfg.break_glass_object_ids or ()),
            key_granted=cfg.log_cluster_key_granted,
        ),
        opts=opts,
    )


# ---------------------------------------------------------------- portal


def portal_key_store(cfg: Any, opts: pulumi.ResourceOptions) -> ControllerKeyStore | None:
    if cfg.key_custody not in ("xks", "cloudhsm"):
        return None
    return ControllerKeyStore(
        "controller-keys",
        ControllerKeyStoreArgs(
            custody=cfg.key_custody,
            store_name=f"eloket-{cfg.key_custody}",
            xks_proxy_uri_endpoint=cfg.xks_proxy_uri_endpoint,
            xks_vpc_endpoint_service_name=cfg.xks_vpc_endpoint_service_name,
            cloud_hsm_cluster_id=cfg.cloud_hsm_cluster_id,
            trust_anchor_certificate=cfg.trust_anchor_certificate,
        ),
        opts=opts,
    )


def portal_key(name: str, args: CustomerKeyArgs, cfg: Any, store: ControllerKeyStore | None,
               opts: pulumi.ResourceOptions) -> CustomerKey | ControllerKey:
    """A key of the portal in the custody the stack config chose (same policy in every custody)."""
    if cfg.key_custody == "provider-managed":
        return CustomerKey(name, args, opts=opts)
    xks_id = (cfg.xks_key_ids or {}).get(args.purpose) if cfg.key_custody == "xks" else None
    if cfg.key_custody == "xks" and not xks_id:
        raise config_error("xksKeyIds", f"no external key id for {args.purpose}")
    return ControllerKey(name, args, store=store, xks_key_id=xks_id, opts=opts)


def portal_log_archive(cfg: Any, workload_account_id: str, tags: dict[str, str]) -> LogArchive | None:
    """The organisation trail and log buckets, in the log-archive account (explicit assume-role provider)."""
    if cfg.log_archive_account_id is None:
        return None
    provider = aws.Provider(
        "log-archive",
        region=PORTAL_REGION,
        allowed_account_ids=[cfg.log_archive_account_id],
        assume_roles=[{"role_arn": cfg.log_archive_role_arn, "session_name": "eloket-log-archive"}],
    )
    return LogArchive(
        "log-archive",
        LogArchiveArgs(
            archive_account_id=cfg.log_archive_account_id,
            workload_account_id=workload_account_id,
            admin_role_arn=cfg.log_archive_admin_role_arn,
            tags=tags,
            management_account_id=cfg.organization_management_account_id,
            deployer_role_arn=cfg.log_archive_role_arn,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )


# ---------------------------------------------------------------- off-vendor copies


ELOKET_CONTROLLER = "Agentschap Innoveren en Ondernemen (VLAIO)"


def offvendor_backups(cfg: Any, workspace_id: pulumi.Input[str], tags: dict[str, str]) -> dict[str, Any]:
    """Each system's copies in the other cloud, in the EEA, under the data controller's key."""
    out: dict[str, Any] = {}
    if cfg.off_vendor_dosis_account_id is not None:
        # The organisation trail of portal-prod's log archive records the backup account (its SIEM).
        prefix = f"{pulumi.get_organization()}/{pulumi.get_project()}"
        pulumi.StackReference(cfg.portal_stack or f"{prefix}/portal-prod")
        acct = cfg.off_vendor_dosis_account_id
        provider = aws.Provider(
            "offvendor-dosis", region=PORTAL_REGION, allowed_account_ids=[acct],
            assume_roles=[{"role_arn": cfg.off_vendor_dosis_role_arn, "session_name": "dosis-offvendor"}],
        )
        out["dosis"] = OffVendorBucket(
            "dosis-copies",
            OffVendorBucketArgs(
                account_id=acct,
                admin_role_arn=f"arn:aws:iam::{acct}:role/offvendor-admin",
                writer_role_arn=f"arn:aws:iam::{acct}:role/offvendor-writer",
                restore_role_arn=f"arn:aws:iam::{acct}:role/offvendor-restore",
                source_vpce_id=cfg.off_vendor_s3_endpoint_id,
                deployer_role_arn=cfg.off_vendor_dosis_role_arn,
                tags={**tags, "copy-of": "dosis", "dosis-data": "offvendor-copy"},
            ),
            opts=pulumi.ResourceOptions(provider=provider),
        )
    if cfg.off_vendor_eloket_subscription_id is not None:
        provider = azure.Provider("azure-offvendor-eloket", location=DOSIS_PRIMARY,
                                  subscription_id=cfg.off_vendor_eloket_subscription_id)
        hsm_uri, _, key_name = cfg.off_vendor_eloket_key_uri.partition("/keys/")
        out["eloket"] = OffVendorContainer(
            "eloket-copies",
            OffVendorContainerArgs(
                account_name="eloketoffvendorweu",
                resource_group_name="eloket-offvendor",
                hsm_uri=hsm_uri,
                key_name=key_name,
                tags={**tags, "controller": ELOKET_CONTROLLER, "copy-of": "e-loket"},
                workspace_id=workspace_id,
                endpoint_subnet_id=cfg.off_vendor_eloket_subnet_id,
            ),
            opts=pulumi.ResourceOptions(provider=provider),
        )
    return out
