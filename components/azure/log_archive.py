"""Segregated security log archive: a Sentinel workspace in a security subscription run by another team.

R2016: "log management by another team of the same firm remains a risk"; DPA annex 3 b.vii: a SIEM that
can be trusted. The workspace lives in a subscription the DOSIS administrators (break-glass included)
have no role in, so nobody on the workload side can stop, change or delete it; the workload
subscription's activity log is exported into it. Its data is encrypted on a dedicated Log Analytics
cluster with a key in the controller's Managed HSM, and kept 10 years (DPA annex 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure.common import child, diagnostics, eea_location, kept, lock
from components.azure.monitoring import ACTIVITY_CATEGORIES, ARCHIVED_TABLES, MAX_TOTAL_RETENTION_DAYS
from policies.core.eea import DOSIS_PRIMARY


@dataclass
class SecurityLogArchiveArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group in the security subscription."""
    workspace_name: str
    """Log Analytics workspace name."""
    cluster_name: str
    """Dedicated Log Analytics cluster name (customer-managed key)."""
    hsm_uri: pulumi.Input[str]
    """Managed HSM of the controller (https://<name>.managedhsm.azure.net)."""
    key_name: str
    """Key of the cluster in that HSM."""
    key_version: str
    """Current version of that key."""
    tags: dict[str, str]
    """Mandatory tags."""
    workload_provider: pulumi.ProviderResource
    """Provider of the workload subscription (the export setting lives there)."""
    workload_workspace: tuple[pulumi.Input[str], pulumi.Input[str]] | None = None
    """(name, resource group) of the workload's own workspace, put on the same HSM-key cluster."""
    location: str = DOSIS_PRIMARY
    """Region (EEA only)."""
    retention_days: int = 90
    """Interactive retention."""
    total_retention_days: int = 3650
    """Interactive + archive retention (10 years)."""
    capacity_gb_per_day: int = 100
    """Commitment tier of the dedicated cluster (minimum 100)."""


class SecurityLogArchive(pulumi.ComponentResource):
    """Workspace + Sentinel on a CMK cluster in the security subscription, fed by the workload."""

    workspace: azure.operationalinsights.Workspace

    def __init__(self, name: str, args: SecurityLogArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:SecurityLogArchive", name, None, opts)
        location = eea_location(args.location, f"SecurityLogArchive {name}")
        if not 3650 <= args.total_retention_days <= MAX_TOTAL_RETENTION_DAYS:
            raise ValueError(f"SecurityLogArchive {name}: total_retention_days must be 3650..4383")
        rg = args.resource_group_name
        identity = azure.managedidentity.UserAssignedIdentity(
            f"{name}-cluster-id", resource_name_=f"{args.cluster_name}-id", resource_group_name=rg,
            location=location, tags=args.tags, opts=child(self),
        )
        self.cluster = azure.operationalinsights.Cluster(
            f"{name}-cluster",
            cluster_name=args.cluster_name,
            resource_group_name=rg,
            location=location,
            identity={"type": "UserAssigned", "user_assigned_identities": [identity.id]},
            sku={"name": "CapacityReservation", "capacity": args.capacity_gb_per_day},
            is_double_encryption_enabled=True,
            key_vault_properties={
                "key_vault_uri": args.hsm_uri,
                "key_name": args.key_name,
                "key_version": args.key_version,
            },
            tags=args.tags,
            opts=kept(self),
        )
        self.workspace = azure.operationalinsights.Workspace(
            f"{name}-workspace",
            workspace_name=args.workspace_name,
            resource_group_name=rg,
            location=location,
            sku={"name": "PerGB2018"},
            retention_in_days=args.retention_days,
            features={"enable_log_access_using_only_resource_permissions": True, "disable_local_auth": True},
            public_network_access_for_ingestion="Enabled",
            public_network_access_for_query="Disabled",
            tags=args.tags,
            opts=kept(self),
        )
        lock(f"{name}-workspace", self.workspace, self)
        azure.operationalinsights.LinkedService(
            f"{name}-cluster-link",
            resource_group_name=rg,
            workspace_name=self.workspace.name,
            linked_service_name="cluster",
            write_access_resource_id=self.cluster.id,
            tags=args.tags,
            opts=child(self.workspace),
        )
        for table in ARCHIVED_TABLES:
            azure.operationalinsights.Table(
                f"{name}-{table}",
                resource_group_name=rg,
                workspace_name=self.workspace.name,
                table_name=table,
                retention_in_days=args.retention_days,
                total_retention_in_days=args.total_retention_days,
                opts=child(self.workspace),
            )
        azure.securityinsights.SentinelOnboardingState(
            f"{name}-sentinel",
            resource_group_name=rg,
            workspace_name=self.workspace.name,
            sentinel_onboarding_state_name="default",
            opts=child(self.workspace),
        )
        diagnostics(f"{name}-workspace", self.workspace.id, self.workspace.id, self.workspace)
        # Created with the workload provider: the export setting belongs to the workload subscription.
        azure.monitor.SubscriptionDiagnosticSetting(
            f"{name}-workload-activity",
            name="activity-to-security-archive",
            workspace_id=self.workspace.id,
            logs=[{"category": c, "enabled": True} for c in ACTIVITY_CATEGORIES],
            opts=child(self, provider=args.workload_provider),
        )
        if args.workload_workspace is not None:
            workspace_name, workspace_rg = args.workload_workspace
            azure.operationalinsights.LinkedService(
                f"{name}-workload-cluster-link",
                resource_group_name=workspace_rg,
                workspace_name=workspace_name,
                linked_service_name="cluster",
                write_access_resource_id=self.cluster.id,
                tags=args.tags,
                opts=child(self, provider=args.workload_provider),
            )
        self.register_outputs({"workspaceId": self.workspace.id, "clusterId": self.cluster.id})
