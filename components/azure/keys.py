"""Customer-managed key store of one region: Key Vault Premium with HSM-backed keys, one per purpose.

R2016: the key is the controller's, not the provider's; regular re-encryption. DPA annex 3 b.iv/b.vi:
the key life cycle (rotation, expiry) is set by the controller and only the key administrators
manage keys (RBAC authorisation, no access policies). Purge protection and soft delete keep a key
(and so the data it protects) from being lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure.common import diagnostics, eea_location, kept, lock, private_endpoint
from policies.core.eea import DOSIS_PRIMARY

ALLOWED_KEY_TYPES = ("RSA-HSM",)


@dataclass
class KeyStoreArgs:
    vault_name: str
    """Globally unique vault name (3-24 characters)."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the region."""
    tenant_id: pulumi.Input[str]
    """Entra tenant the vault trusts."""
    tags: dict[str, str]
    """Mandatory tags."""
    location: str = DOSIS_PRIMARY
    """Azure region (EEA only); each region has its own vault (the failover key stays in its region)."""
    purposes: tuple[str, ...] = ("sql-tde", "storage")
    """One key per purpose; the key is named after the purpose."""
    key_size: int = 3072
    """RSA key size (SQL TDE accepts 2048 or 3072)."""
    rotate_after: str = "P1Y"
    """ISO 8601 duration after creation at which a new key version is made (R2016 re-encryption)."""
    expire_after: str | None = None
    """ISO 8601 lifetime of a key version (must exceed `rotate_after`); None = versions never expire.
    Default None: TDE, storage and log data (10-year backups, DPA annex 1) stay wrapped by the version
    current when they were written, so an expired version would make old backups unreadable."""
    notify_before_expiry: str = "P30D"
    """Event Grid near-expiry notification lead time (only with `expire_after`)."""
    soft_delete_retention_days: int = 90
    """Soft-delete retention (7-90); purge protection is always on."""
    endpoint_subnet_id: pulumi.Input[str] | None = None
    """Subnet for the vault's private endpoint; None = no endpoint (tests only)."""
    dns_zone_id: pulumi.Input[str] | None = None
    """privatelink.vaultcore.azure.net zone id."""
    workspace_id: pulumi.Input[str] | None = None
    """Sentinel workspace for AuditEvent logs (key operations) and metrics."""


def _days(duration: str) -> int:
    """Rough length in days of an ISO 8601 duration of years, months and days (P1Y, P18M, P90D)."""
    import re

    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?", duration)
    if not m or not any(m.groups()):
        raise ValueError(f"not an ISO 8601 duration of years/months/days: {duration!r}")
    y, mo, d = (int(g or 0) for g in m.groups())
    return y * 365 + mo * 30 + d


def _rotation_policy(args: KeyStoreArgs) -> dict:
    """Rotate yearly (R2016 re-encryption); expire and notify only when versions have a lifetime."""
    actions: list[dict] = [
        {"trigger": {"time_after_create": args.rotate_after}, "action": {"type": "rotate"}}
    ]
    if args.expire_after is None:
        return {"lifetime_actions": actions}
    actions.append(
        {"trigger": {"time_before_expiry": args.notify_before_expiry}, "action": {"type": "notify"}}
    )
    return {"attributes": {"expiry_time": args.expire_after}, "lifetime_actions": actions}


class KeyStore(pulumi.ComponentResource):
    """A Key Vault Premium (HSM-backed keys) with one rotating key per purpose."""

    vault: azure.keyvault.Vault
    keys: dict[str, azure.keyvault.Key]

    def __init__(self, name: str, args: KeyStoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:KeyStore", name, None, opts)
        location = eea_location(args.location, f"KeyStore {name}")
        if not 7 <= args.soft_delete_retention_days <= 90:
            raise ValueError(f"KeyStore {name}: soft_delete_retention_days must be 7..90")
        if _days(args.rotate_after) < 28 or (
            args.expire_after is not None and _days(args.expire_after) <= _days(args.rotate_after)
        ):
            raise ValueError(f"KeyStore {name}: need 28 days <= rotate_after < expire_after")
        if not args.purposes or len(set(args.purposes)) != len(args.purposes):
            raise ValueError(f"KeyStore {name}: purposes must be non-empty and distinct")
        self.vault_name = args.vault_name
        self.vault = azure.keyvault.Vault(
            f"{name}-vault",
            vault_name=args.vault_name,
            resource_group_name=args.resource_group_name,
            location=location,
            properties={
                "tenant_id": args.tenant_id,
                "sku": {"family": "A", "name": "premium"},
                "enable_rbac_authorization": True,
                "enable_soft_delete": True,
                "soft_delete_retention_in_days": args.soft_delete_retention_days,
                "enable_purge_protection": True,
                "public_network_access": "Disabled",
                # SQL and Storage reach CMKs as trusted services; everything else is denied.
                "network_acls": {"default_action": "Deny", "bypass": "AzureServices"},
                "enabled_for_deployment": False,
                "enabled_for_disk_encryption": False,
                "enabled_for_template_deployment": False,
            },
            tags=args.tags,
            opts=kept(self),
        )
        lock(f"{name}-vault", self.vault, self)
        self.keys = {}
        for purpose in args.purposes:
            self.keys[purpose] = azure.keyvault.Key(
                f"{name}-{purpose}",
                resource_group_name=args.resource_group_name,
                vault_name=self.vault.name,
                key_name=purpose,
                properties={
                    "kty": "RSA-HSM",
                    "key_size": args.key_size,
                    "key_ops": ["wrapKey", "unwrapKey"],
                    "attributes": {"enabled": True, "exportable": False},
                    "rotation_policy": _rotation_policy(args),
                },
                tags={**args.tags, "purpose": purpose},
                opts=kept(self.vault),
            )
        if args.endpoint_subnet_id is not None:
            private_endpoint(
                f"{name}-vault",
                resource_id=self.vault.id,
                group_id="vault",
                subnet_id=args.endpoint_subnet_id,
                dns_zone_id=args.dns_zone_id,
                resource_group_name=args.resource_group_name,
                location=location,
                tags=args.tags,
                parent=self,
            )
        if args.workspace_id is not None:
            diagnostics(f"{name}-vault", self.vault.id, args.workspace_id, self.vault)
        self.register_outputs({"vaultId": self.vault.id})

    def key_uri(self, purpose: str) -> pulumi.Output[str]:
        """Versionless key URI (services follow rotation), an Output of the key: users wait for it."""
        if purpose not in self.keys:
            raise KeyError(f"no key for purpose {purpose!r}")
        return pulumi.Output.concat(
            "https://", self.vault.name, ".vault.azure.net/keys/", self.keys[purpose].name
        )

    def key_versioned_uri(self, purpose: str) -> pulumi.Output[str]:
        """URI of the current key version (server keys of SQL geo-replication partners need it)."""
        return self.keys[purpose].key_uri_with_version

    def key_scope(self, purpose: str) -> pulumi.Output[str]:
        """ARM id of one key (the key resource's id), for role assignments narrower than the vault."""
        return self.keys[purpose].id

    def key_name(self, purpose: str) -> pulumi.Output[str]:
        """Name of one key, as an Output so that its users are created after it."""
        return self.keys[purpose].name

    @property
    def vault_uri(self) -> pulumi.Output[str]:
        """URI of the vault, as an Output of the vault."""
        return pulumi.Output.concat("https://", self.vault.name, ".vault.azure.net/")
