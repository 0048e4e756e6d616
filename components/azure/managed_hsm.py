"""Controller-held keys on Azure: a Managed HSM pool (single-tenant, FIPS 140-3 level 3).

R2016: "the encryption key must not be in the hands of the cloud provider". A Managed HSM is activated
by downloading its security domain encrypted to the controller's own wrapping keys (a quorum of RSA key
pairs held offline by the controller); without it Microsoft cannot recover or use the pool. Keys are
imported from the controller's HSM (BYOK: key-exchange key, import, non-exportable) - data-plane steps
that azure-native v3 has no resource for, so the key versions come from stack config and are referenced
by URI. Local RBAC inside the pool is granted to the key-admin group only (initial administrators).

Multi-region replication (northeurope) needs an activated pool: the extended region is set only once
the stack config says the security domain has been downloaded (`activated`), see docs/sovereignty.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from components.azure.common import diagnostics, eea_location, kept, lock
from policies.core.eea import DOSIS_FAILOVER, DOSIS_PRIMARY

_VERSION = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class ControllerHsmArgs:
    hsm_name: str
    """Globally unique pool name (3-24 letters, digits, dashes): https://<name>.managedhsm.azure.net."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the primary region."""
    tenant_id: pulumi.Input[str]
    """Entra tenant the pool trusts."""
    admin_object_ids: list[pulumi.Input[str]]
    """Entra object id of the key-admin group: the only initial (local RBAC) administrators."""
    tags: dict[str, str]
    """Mandatory tags."""
    key_versions: dict[str, str] = field(default_factory=dict)
    """Imported key per purpose (sql-tde, storage, logs) -> its current version (32 hex characters)."""
    location: str = DOSIS_PRIMARY
    """Primary region of the pool (EEA only)."""
    replica_location: str | None = DOSIS_FAILOVER
    """Extended region of multi-region replication (EEA only); None = single region."""
    activated: bool = False
    """The security domain has been downloaded (the pool is usable); only then is the replica added."""
    soft_delete_retention_days: int = 90
    """Soft-delete retention (7-90); purge protection is always on."""
    sku_name: str = "Standard_B1"
    """Managed HSM SKU (family B)."""
    workspace_id: pulumi.Input[str] | None = None
    """Sentinel workspace for AuditEvent logs (every key operation) and metrics."""


class ControllerHsm(pulumi.ComponentResource):
    """One Managed HSM pool whose keys the controller imports and administers."""

    hsm: azure.keyvault.ManagedHsm

    def __init__(self, name: str, args: ControllerHsmArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:ControllerHsm", name, None, opts)
        location = eea_location(args.location, f"ControllerHsm {name}")
        if not args.admin_object_ids:
            raise ValueError(f"ControllerHsm {name}: at least one key administrator is required")
        if not 7 <= args.soft_delete_retention_days <= 90:
            raise ValueError(f"ControllerHsm {name}: soft_delete_retention_days must be 7..90")
        for purpose, version in args.key_versions.items():
            if not _VERSION.match(version):
                raise ValueError(f"ControllerHsm {name}: key {purpose!r} version must be 32 hex characters")
        regions = None
        if args.activated and args.replica_location is not None:
            replica = eea_location(args.replica_location, f"ControllerHsm {name} replica")
            regions = [{"name": location, "is_primary": True}, {"name": replica, "is_primary": False}]
        self.hsm_name = args.hsm_name
        self.key_versions = dict(args.key_versions)
        self.hsm = azure.keyvault.ManagedHsm(
            f"{name}-hsm",
            name=args.hsm_name,
            resource_group_name=args.resource_group_name,
            location=location,
            sku={"family": "B", "name": args.sku_name},
            properties={
                "tenant_id": args.tenant_id,
                "initial_admin_object_ids": list(args.admin_object_ids),
                "enable_soft_delete": True,
                "soft_delete_retention_in_days": args.soft_delete_retention_days,
                "enable_purge_protection": True,
                "public_network_access": "Disabled",
                # SQL, Storage and Log Analytics reach the keys as trusted services; nothing else does.
                "network_acls": {"default_action": "Deny", "bypass": "AzureServices"},
                "regions": regions,
            },
            tags=args.tags,
            opts=kept(self),
        )
        lock(f"{name}-hsm", self.hsm, self)
        if args.workspace_id is not None:
            diagnostics(f"{name}-hsm", self.hsm.id, args.workspace_id, self.hsm)
        self.register_outputs({"hsmId": self.hsm.id})

    @property
    def uri(self) -> pulumi.Output[str]:
        """https://<name>.managedhsm.azure.net, as an Output of the pool: its users wait for it."""
        return pulumi.Output.concat("https://", self.hsm.name, ".managedhsm.azure.net")

    def key_uri(self, purpose: str) -> pulumi.Output[str]:
        """Versionless key URI (services follow new versions the controller imports)."""
        self._key_version(purpose)
        return pulumi.Output.concat(self.uri, "/keys/", purpose)

    def key_versioned_uri(self, purpose: str) -> pulumi.Output[str]:
        return pulumi.Output.concat(self.uri, "/keys/", purpose, "/", self._key_version(purpose))

    # The KeyStore interface, so that a store can take its key from either.
    @property
    def vault_uri(self) -> pulumi.Output[str]:
        return self.uri

    def key_name(self, purpose: str) -> str:
        self._key_version(purpose)
        return purpose

    def key_scope(self, purpose: str) -> pulumi.Output[str]:
        """ARM scope for the service identity's grant; inside the pool the effective grant is local RBAC
        (Managed HSM Crypto Service Encryption User on /keys/<purpose>), a data-plane step."""
        self._key_version(purpose)
        return self.hsm.id

    def _key_version(self, purpose: str) -> str:
        if purpose not in self.key_versions:
            raise KeyError(f"no imported key version for purpose {purpose!r} in Managed HSM {self.hsm_name}")
        return self.key_versions[purpose]
