"""The dossier-status database: Azure SQL with Entra-only login, TDE under the controller's key,
auditing to the SIEM, long-term backups and an auto-failover group westeurope -> northeurope.

R2016 / DPA annex 3 b.iv: every copy (primary, geo-secondary, backups) is encrypted with a key the
controller holds; the secondary server uses the key store of its own region, so a regional outage of
the primary vault does not stop the failover. CLOUD "Servers": backups stay in the EEA.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from components.azure.common import (
    SQL_DATABASE_METRICS,
    child,
    diagnostics,
    eea_location,
    kept,
    key_identity,
    key_user_grant,
    lock,
    private_endpoint,
)
from policies.core.eea import DOSIS_FAILOVER, DOSIS_PRIMARY

# Backup storage redundancy that keeps every backup copy in the EEA for DOSIS' regions:
# Local/Zone stay in the region; Geo/GeoZone copy to the paired region (westeurope <-> northeurope).
EEA_PAIRS = {"westeurope": "northeurope", "northeurope": "westeurope"}
BACKUP_REDUNDANCY = ("Local", "Zone", "Geo", "GeoZone")
AUDIT_GROUPS = (
    "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
    "FAILED_DATABASE_AUTHENTICATION_GROUP",
    "BATCH_COMPLETED_GROUP",
    "DATABASE_PERMISSION_CHANGE_GROUP",
    "DATABASE_PRINCIPAL_CHANGE_GROUP",
    "DATABASE_ROLE_MEMBER_CHANGE_GROUP",
    "SCHEMA_OBJECT_CHANGE_GROUP",
)


@dataclass
class SqlServerSide:
    """One region's side of the database: where it lives and which key protects it."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the region."""
    server_name: str
    """Globally unique logical server name."""
    key_uri: pulumi.Input[str]
    """Versionless URI of the TDE key in this region's key store (the server's key when no version is
    known: tests)."""
    key_scope: pulumi.Input[str]
    """ARM scope of that key (the server identity gets crypto-service rights on it only)."""
    location: str = DOSIS_PRIMARY
    """Region (EEA only)."""
    endpoint_subnet_id: pulumi.Input[str] | None = None
    """Private-endpoint subnet of the region; None = no endpoint (tests only)."""
    provider: pulumi.ProviderResource | None = None
    """Provider for this side's resources (the failover region's provider)."""
    key_versioned_uri: pulumi.Input[str] | None = None
    """Versioned URI of this side's TDE key: the server's `keyId`, which registers the server key that the
    encryption protector names (`<vault>_<key>_<version>`), and the partner's server key for geo-replication.
    None = a versionless `keyId` and no protector or partner key (tests)."""


@dataclass
class SqlDatabaseArgs:
    primary: SqlServerSide
    """The westeurope side (read-write)."""
    secondary: SqlServerSide | None
    """The northeurope side (geo-secondary through the failover group); None = no failover (tests)."""
    subscription_id: pulumi.Input[str]
    """Subscription of the role definitions."""
    tenant_id: pulumi.Input[str]
    """Entra tenant of the administrators."""
    admin_login: pulumi.Input[str]
    """Display name of the SQL Entra administrator: the deployment pipeline's identity, never a group of
    people (the Entra admin is db_owner: data access, D36 §113; people get db_ddladmin, see sqlgrants.py)."""
    admin_object_id: pulumi.Input[str]
    """Object id of that identity."""
    tags: dict[str, str]
    """Mandatory tags."""
    database_name: str = "dosis"
    """Database name."""
    sku_name: str = "GP_Gen5_2"
    """vCore SKU (General Purpose, zone redundant)."""
    backup_storage_redundancy: str = "Zone"
    """Local, Zone, Geo or GeoZone; all stay in the EEA for westeurope/northeurope (see module doc)."""
    short_term_retention_days: int = 35
    """Point-in-time restore window (1-35)."""
    weekly_retention: str = "P12W"
    """Long-term retention of weekly backups."""
    monthly_retention: str = "P12M"
    """Long-term retention of monthly backups."""
    yearly_retention: str = "P10Y"
    """Long-term retention of yearly backups (DPA annex 1: 10 years)."""
    dns_zone_id: pulumi.Input[str] | None = None
    """privatelink.database.windows.net zone id."""
    workspace_id: pulumi.Input[str] | None = None
    """Sentinel workspace for audit events, logs and metrics."""
    failover_grace_minutes: int = 60
    """Grace period before an automatic failover with possible data loss."""
    alert_emails: list[str] = field(default_factory=list)
    """Where Microsoft Defender for SQL threat alerts are mailed (besides the account admins and Sentinel)."""
    extra_audit_groups: tuple[str, ...] = field(default_factory=tuple)
    """Audit action groups in addition to AUDIT_GROUPS."""
    admin_principal_type: str = "Application"
    """Principal type of the SQL Entra administrator (Application: a service principal)."""
    shared_key: bool = False
    """Both sides use one multi-region key (the controller's Managed HSM): each server already holds it, so
    nothing is registered on the partner (a second identical role assignment is refused:
    RoleAssignmentExists)."""


def server_key_name(uri: str) -> str:
    """Azure's server-key name for a versioned Key Vault key URI: `<vault>_<key>_<version>`."""
    host, _, path = uri.removeprefix("https://").partition("/")
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "keys":
        raise ValueError(f"not a versioned Key Vault key URI: {uri!r}")
    return f"{host.split('.')[0]}_{parts[1]}_{parts[2]}"


class SqlDatabase(pulumi.ComponentResource):
    """Primary + secondary logical servers, the database, its failover group, auditing and backups."""

    primary_server: azure.sql.Server
    secondary_server: azure.sql.Server | None
    database: azure.sql.Database

    def __init__(self, name: str, args: SqlDatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:SqlDatabase", name, None, opts)
        if args.backup_storage_redundancy not in BACKUP_REDUNDANCY:
            raise ValueError(
                f"SqlDatabase {name}: backup_storage_redundancy must be one of {BACKUP_REDUNDANCY}"
            )
        primary_loc = eea_location(args.primary.location, f"SqlDatabase {name}")
        if args.backup_storage_redundancy.startswith("Geo"):
            pair = EEA_PAIRS.get(primary_loc)
            if pair is None:
                raise ValueError(f"SqlDatabase {name}: geo backups from {primary_loc} may leave the EEA")
        if args.admin_principal_type not in ("Application", "User"):
            raise ValueError(
                f"SqlDatabase {name}: the SQL Entra admin is one identity, not a group of people"
            )
        if not 1 <= args.short_term_retention_days <= 35:
            raise ValueError(f"SqlDatabase {name}: short_term_retention_days must be 1..35")
        self.identities: dict[str, azure.managedidentity.UserAssignedIdentity] = {}
        self.primary_server = self._server(f"{name}-primary", args, args.primary)
        self.database = azure.sql.Database(
            f"{name}-db",
            resource_group_name=args.primary.resource_group_name,
            server_name=self.primary_server.name,
            database_name=args.database_name,
            location=primary_loc,
            sku={"name": args.sku_name},
            zone_redundant=True,
            requested_backup_storage_redundancy=args.backup_storage_redundancy,
            tags=args.tags,
            opts=kept(self.primary_server),
        )
        lock(f"{name}-db", self.database, self.database)
        self._backup_retention(name, args)
        if args.workspace_id is not None:
            diagnostics(f"{name}-db", self.database.id, args.workspace_id, self.database,
                        metric_categories=SQL_DATABASE_METRICS)
        self.secondary_server = None
        if args.secondary is not None:
            eea_location(args.secondary.location, f"SqlDatabase {name} secondary")
            self.secondary_server = self._server(f"{name}-secondary", args, args.secondary)
            partner_keys = [] if args.shared_key else [
                self._partner_key(
                    f"{name}-secondary", args, args.primary, args.secondary, self.secondary_server
                ),
                self._partner_key(f"{name}-primary", args, args.secondary, args.primary, self.primary_server),
            ]
            self.failover_group = azure.sql.FailoverGroup(
                f"{name}-fog",
                resource_group_name=args.primary.resource_group_name,
                server_name=self.primary_server.name,
                failover_group_name=f"{args.primary.server_name}-fog",
                partner_servers=[{"id": self.secondary_server.id}],
                databases=[self.database.id],
                read_write_endpoint={
                    "failover_policy": "Automatic",
                    "failover_with_data_loss_grace_period_minutes": args.failover_grace_minutes,
                },
                read_only_endpoint={"failover_policy": "Disabled"},
                tags=args.tags,
                opts=child(self.database, depends_on=[k for k in partner_keys if k is not None]),
            )
        self.register_outputs({"serverId": self.primary_server.id, "databaseId": self.database.id})

    def _backup_retention(self, name: str, args: SqlDatabaseArgs) -> None:
        """Point-in-time restore for `short_term_retention_days` (differential backups every 12 h) and the
        weekly/monthly/yearly long-term backups."""
        azure.sql.BackupShortTermRetentionPolicy(
            f"{name}-pitr",
            resource_group_name=args.primary.resource_group_name,
            server_name=self.primary_server.name,
            database_name=self.database.name,
            policy_name="default",
            retention_days=args.short_term_retention_days,
            diff_backup_interval_in_hours=12,
            opts=child(self.database),
        )
        azure.sql.BackupLongTermRetentionPolicy(
            f"{name}-ltr",
            resource_group_name=args.primary.resource_group_name,
            server_name=self.primary_server.name,
            database_name=self.database.name,
            policy_name="default",
            weekly_retention=args.weekly_retention,
            monthly_retention=args.monthly_retention,
            yearly_retention=args.yearly_retention,
            week_of_year=1,
            opts=child(self.database),
        )

    def _partner_key(
        self,
        name: str,
        args: SqlDatabaseArgs,
        key_side: SqlServerSide,
        server_side: SqlServerSide,
        server: azure.sql.Server,
    ) -> azure.sql.ServerKey | None:
        """Let `server` (the partner) reach the other side's TDE key: crypto-service rights + a server key."""
        if key_side.key_versioned_uri is None:
            return None
        identity = self.identities[server_side.server_name]
        popts = {"provider": server_side.provider} if server_side.provider is not None else {}
        grant = key_user_grant(
            f"{name}-partner-key-user",
            key_side.key_scope,
            identity.principal_id,
            args.subscription_id,
            child(identity, **popts),
        )
        return azure.sql.ServerKey(
            f"{name}-partner-key",
            resource_group_name=server_side.resource_group_name,
            server_name=server.name,
            server_key_type="AzureKeyVault",
            uri=key_side.key_versioned_uri,
            key_name=pulumi.Output.from_input(key_side.key_versioned_uri).apply(server_key_name),
            opts=child(server, depends_on=[grant]),
        )

    def _server(self, name: str, args: SqlDatabaseArgs, side: SqlServerSide) -> azure.sql.Server:
        """A logical server with its own identity and key, audited, reachable only privately."""
        location = eea_location(side.location, f"SqlDatabase {name}")
        popts = {"provider": side.provider} if side.provider is not None else {}
        rg = side.resource_group_name
        identity, grant = key_identity(
            name,
            resource_group_name=rg,
            location=location,
            tags=args.tags,
            key_scope=side.key_scope,
            subscription_id=args.subscription_id,
            parent=self,
            **popts,
        )
        self.identities[side.server_name] = identity
        server = azure.sql.Server(
            name,
            server_name=side.server_name,
            resource_group_name=rg,
            location=location,
            version="12.0",
            minimal_tls_version="1.2",
            public_network_access="Disabled",
            restrict_outbound_network_access="Enabled",
            identity={"type": "UserAssigned", "user_assigned_identities": [identity.id]},
            primary_user_assigned_identity_id=identity.id,
            # The server registers the key its `keyId` names; the protector below names the versioned
            # server key, which nothing else registers (one shared HSM key: no partner ServerKey), so the
            # server takes the versioned URI too; auto-rotation then follows new versions.
            key_id=side.key_versioned_uri if side.key_versioned_uri is not None else side.key_uri,
            administrators={
                "administrator_type": "ActiveDirectory",
                "azure_ad_only_authentication": True,
                "principal_type": args.admin_principal_type,
                "login": args.admin_login,
                "sid": args.admin_object_id,
                "tenant_id": args.tenant_id,
            },
            tags=args.tags,
            opts=kept(self, depends_on=[grant], **popts),
        )
        lock(name, server, server)
        if side.key_versioned_uri is not None:
            # Auto-rotation on both partners (Microsoft: required when geo-replicated); the protector
            # follows new key versions, old versions stay (no expiry) for 10-year backups.
            azure.sql.EncryptionProtector(
                f"{name}-protector",
                resource_group_name=rg,
                server_name=server.name,
                encryption_protector_name="current",
                server_key_type="AzureKeyVault",
                server_key_name=pulumi.Output.from_input(side.key_versioned_uri).apply(server_key_name),
                auto_rotation_enabled=True,
                opts=child(server),
            )
        self._server_audit(name, args, rg, server)
        if side.endpoint_subnet_id is not None:
            private_endpoint(
                name,
                resource_id=server.id,
                group_id="sqlServer",
                subnet_id=side.endpoint_subnet_id,
                dns_zone_id=args.dns_zone_id,
                resource_group_name=rg,
                location=location,
                tags=args.tags,
                parent=server,
            )
        return server

    def _server_audit(
        self, name: str, args: SqlDatabaseArgs, rg: pulumi.Input[str], server: azure.sql.Server
    ) -> None:
        """Entra-only sign-in, auditing to Azure Monitor (to the workspace through the master database),
        threat detection alerts."""
        azure.sql.ServerAzureADOnlyAuthentication(
            f"{name}-entra-only",
            resource_group_name=rg,
            server_name=server.name,
            authentication_name="Default",
            azure_ad_only_authentication=True,
            opts=child(server),
        )
        azure.sql.ExtendedServerBlobAuditingPolicy(
            f"{name}-audit",
            resource_group_name=rg,
            server_name=server.name,
            blob_auditing_policy_name="default",
            state="Enabled",
            is_azure_monitor_target_enabled=True,
            is_devops_audit_enabled=False,
            audit_actions_and_groups=[*AUDIT_GROUPS, *args.extra_audit_groups],
            opts=child(server),
        )
        azure.sql.ServerSecurityAlertPolicy(
            f"{name}-threat-detection",
            resource_group_name=rg,
            server_name=server.name,
            security_alert_policy_name="Default",
            state="Enabled",
            disabled_alerts=[],
            email_account_admins=True,
            email_addresses=list(args.alert_emails),
            opts=child(server),
        )
        if args.workspace_id is not None:
            # Server audit records reach Log Analytics through the master database's diagnostic setting.
            diagnostics(
                f"{name}-audit",
                pulumi.Output.concat(server.id, "/databases/master"),
                args.workspace_id,
                server,
                metrics=False,
                log_categories=("SQLSecurityAuditEvents",),
            )


__all__ = ["DOSIS_FAILOVER", "SqlDatabase", "SqlDatabaseArgs", "SqlServerSide"]
