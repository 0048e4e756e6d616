"""Stack-config keys of the sovereignty measures (issue 17), one base per system, validated at load.

Each system's config dataclass inherits its base here (keyword-only fields, so they append to the
system's own), so `stacks.config.load()` reads and rejects them like any other key and a bad value
names its key. docs/sovereignty.md explains the options and their trade-offs.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from stacks.config import check_key_custody, config_error

HSM_PURPOSES = ("sql-tde", "storage", "logs")
PORTAL_KEY_PURPOSES = ("logs", "trail", "database", "secrets", "static", "files")
_ACCOUNT = re.compile(r"^\d{12}$")
_ROLE = re.compile(r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]+$")
_VERSION = re.compile(r"^[0-9a-f]{32}$")
_HSM_KEY = re.compile(r"^https://[a-z0-9-]{3,24}\.managedhsm\.azure\.net/keys/[A-Za-z0-9-]+$")


def _account(key: str, value: str | None) -> None:
    if value is not None and not _ACCOUNT.match(value):
        raise config_error(key, f"expected 12 digits, got {value!r}")


def _role(key: str, value: str | None) -> None:
    if value is not None and not _ROLE.match(value):
        raise config_error(key, f"expected an IAM role ARN, got {value!r}")


def _subscription(key: str, value: str | None) -> None:
    if value is None:
        return
    try:
        uuid.UUID(value)
    except ValueError:
        raise config_error(key, f"expected a subscription id (UUID), got {value!r}") from None


def _purposes(key: str, given: dict[str, str] | None, known: tuple[str, ...]) -> None:
    """A key per purpose: a purpose no key is made for is a typo, not a key (round 15)."""
    unknown = sorted(set(given or {}) - set(known))
    if unknown:
        raise config_error(key, f"{unknown[0]}: unknown purpose (known: {', '.join(known)})")


def _together(keys: dict[str, object]) -> None:
    """Keys that only make sense together: all set or none."""
    if any(v is not None for v in keys.values()) and not all(v is not None for v in keys.values()):
        missing = [k for k, v in keys.items() if v is None]
        present = ", ".join(k for k in keys if k not in missing)
        raise config_error(missing[0], f"required together with {present}")


@dataclass(frozen=True, kw_only=True)
class PortalSovereignty:
    key_custody: str = "provider-managed"
    """provider-managed, byok-import (imported material), cloudhsm or xks (custom key stores)."""
    xks_proxy_uri_endpoint: str | None = None
    """xks: https://<private DNS name of the controller's XKS proxy>."""
    xks_vpc_endpoint_service_name: str | None = None
    """xks: VPC endpoint service of the proxy (com.amazonaws.vpce.eu-west-1.vpce-svc-...)."""
    xks_key_ids: dict[str, str] | None = None
    """xks: external key id at the controller per purpose (PORTAL_KEY_PURPOSES)."""
    cloud_hsm_cluster_id: str | None = None
    """cloudhsm: the controller's CloudHSM cluster (cluster-...)."""
    trust_anchor_certificate: str | None = None
    """cloudhsm: PEM of the cluster's trust anchor."""
    log_archive_account_id: str | None = None
    """Log-archive account (12 digits): organisation trail and log buckets live there."""
    log_archive_role_arn: str | None = None
    """Role in the log-archive account the deployment assumes (explicit provider)."""
    log_archive_admin_role_arn: str | None = None
    """Archive administrators (security team) in the log-archive account."""
    organization_management_account_id: str | None = None
    """The organisation's management account (12 digits): owner of the organisation trail the log-archive
    account creates as CloudTrail's delegated administrator."""

    def __post_init__(self) -> None:
        check_key_custody(self.key_custody, "aws")
        _purposes("xksKeyIds", self.xks_key_ids, PORTAL_KEY_PURPOSES)
        if self.key_custody == "xks":
            if not (self.xks_proxy_uri_endpoint or "").startswith("https://"):
                raise config_error("xksProxyUriEndpoint", "expected https://<proxy host> for custody xks")
            if not (self.xks_vpc_endpoint_service_name or "").startswith("com.amazonaws.vpce."):
                raise config_error("xksVpcEndpointServiceName",
                                   "expected com.amazonaws.vpce.<region>.vpce-svc-...")
            missing = [p for p in PORTAL_KEY_PURPOSES if not (self.xks_key_ids or {}).get(p)]
            if missing:
                raise config_error("xksKeyIds", f"no external key id for {', '.join(missing)}")
        if self.key_custody == "cloudhsm" and not (
            (self.cloud_hsm_cluster_id or "").startswith("cluster-") and self.trust_anchor_certificate
        ):
            raise config_error("cloudHsmClusterId", "custody cloudhsm needs cloudHsmClusterId and "
                               "trustAnchorCertificate")
        _together({"logArchiveAccountId": self.log_archive_account_id,
                   "logArchiveRoleArn": self.log_archive_role_arn,
                   "logArchiveAdminRoleArn": self.log_archive_admin_role_arn,
                   "organizationManagementAccountId": self.organization_management_account_id})
        _account("logArchiveAccountId", self.log_archive_account_id)
        _account("organizationManagementAccountId", self.organization_management_account_id)
        _role("logArchiveRoleArn", self.log_archive_role_arn)
        _role("logArchiveAdminRoleArn", self.log_archive_admin_role_arn)


@dataclass(frozen=True, kw_only=True)
class OffVendorSovereignty:
    off_vendor_dosis_account_id: str | None = None
    """AWS backup account (12 digits) holding DOSIS's off-vendor copies in eu-west-1."""
    off_vendor_dosis_role_arn: str | None = None
    """Role in that account the deployment assumes."""
    off_vendor_s3_endpoint_id: str | None = None
    """S3 interface endpoint (vpce-...) the DOSIS export job reaches over the link."""
    off_vendor_eloket_subscription_id: str | None = None
    """Azure backup subscription holding the e-loket's off-vendor copies in westeurope."""
    off_vendor_eloket_key_uri: str | None = None
    """Key of the e-loket's controller in its Managed HSM (https://<hsm>.managedhsm.azure.net/keys/<k>)."""
    off_vendor_eloket_subnet_id: str | None = None
    """Subnet reached over the link for the copies' private endpoint (optional)."""

    def __post_init__(self) -> None:
        _together({"offVendorDosisAccountId": self.off_vendor_dosis_account_id,
                   "offVendorDosisRoleArn": self.off_vendor_dosis_role_arn,
                   "offVendorS3EndpointId": self.off_vendor_s3_endpoint_id})
        _together({"offVendorEloketSubscriptionId": self.off_vendor_eloket_subscription_id,
                   "offVendorEloketKeyUri": self.off_vendor_eloket_key_uri})
        _account("offVendorDosisAccountId", self.off_vendor_dosis_account_id)
        _role("offVendorDosisRoleArn", self.off_vendor_dosis_role_arn)
        vpce = self.off_vendor_s3_endpoint_id
        if vpce is not None and not vpce.startswith("vpce-"):
            raise config_error("offVendorS3EndpointId", f"expected vpce-..., got {vpce!r}")
        _subscription("offVendorEloketSubscriptionId", self.off_vendor_eloket_subscription_id)
        uri = self.off_vendor_eloket_key_uri
        if uri is not None and not _HSM_KEY.match(uri):
            raise config_error("offVendorEloketKeyUri", "expected https://<hsm>.managedhsm.azure.net/keys/"
                               "<key> (a key the controller holds in its Managed HSM)")


@dataclass(frozen=True, kw_only=True)
class DosisSovereignty(OffVendorSovereignty):
    key_custody: str = "provider-managed"
    """provider-managed (Key Vault keys) or managed-hsm (controller's Managed HSM, security domain held)."""
    hsm_key_versions: dict[str, str] | None = None
    """managed-hsm: version of each key imported into the HSM (sql-tde, storage, logs)."""
    hsm_activated: bool = False
    """managed-hsm: the security domain has been downloaded; adds the northeurope replica region."""
    security_subscription_id: str | None = None
    """Security subscription of the SOC (another team): holds the Sentinel log archive."""
    workload_subscription_id: str | None = None
    """DOSIS's own subscription, named on the workload providers so the archive can be shown to be in
    another one (require-segregated-log-archive); required with securitySubscriptionId."""

    portal_stack: str | None = None
    """Stack running the organisation trail that covers the off-vendor backup account (default
    `<org>/<project>/portal-prod`); referenced only when off-vendor copies are configured."""

    def __post_init__(self) -> None:
        super().__post_init__()
        check_key_custody(self.key_custody, "azure")
        _subscription("securitySubscriptionId", self.security_subscription_id)
        _subscription("workloadSubscriptionId", self.workload_subscription_id)
        if self.security_subscription_id is not None and self.workload_subscription_id is None:
            raise config_error("workloadSubscriptionId", "required together with securitySubscriptionId")
        if self.security_subscription_id is not None and (
                self.security_subscription_id.lower() == self.workload_subscription_id.lower()):
            raise config_error("securitySubscriptionId", "must differ from workloadSubscriptionId")
        _purposes("hsmKeyVersions", self.hsm_key_versions, HSM_PURPOSES)
        if self.key_custody == "managed-hsm":
            versions = self.hsm_key_versions or {}
            for purpose in HSM_PURPOSES:
                if not _VERSION.match(versions.get(purpose, "")):
                    raise config_error("hsmKeyVersions", f"{purpose}: expected the 32-hex version of the "
                                       "imported key (az keyvault key show --hsm-name ...)")
        elif self.hsm_key_versions is not None or self.security_subscription_id is not None:
            raise config_error("keyCustody", "hsmKeyVersions and securitySubscriptionId need managed-hsm")
