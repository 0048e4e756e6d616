"""Segregated security log archive: a Sentinel workspace in a security subscription run by another team.

R2016: "log management by another team of the same firm remains a risk"; DPA annex 3 b.vii: a SIEM that
can be trusted. The workspace lives in a subscription the DOSIS administrators (break-glass included)
have no role in, so nobody on the workload side can stop, change or delete it; the workload
subscription's activity log is exported into it. Its data is encrypted on a dedicated Log Analytics
cluster with a key in the controller's Managed HSM, and kept 10 years (DPA annex 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import pulumi
import pulumi_azure_native as azure

from components.azure.common import diagnostics, eea_location
from components.azure.logcluster import LogCluster, LogClusterArgs
from components.azure.monitoring import (
    ACTIVITY_CATEGORIES,
    RETENTION_CHOICE,
    TOTAL_RETENTION_DAYS,
    locked_workspace,
)
from components.azure.sentinel import Sentinel, SentinelArgs
from policies.core.eea import DOSIS_PRIMARY


class KeySource(Protocol):
    """Where the cluster key is: a KeyStore or the controller's Managed HSM (same interface)."""

    @property
    def vault_uri(self) -> pulumi.Input[str]: ...

    def key_name(self, purpose: str) -> pulumi.Input[str]: ...

    def key_scope(self, purpose: str) -> pulumi.Input[str]: ...


@dataclass
class SecurityLogArchiveArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group in the security subscription."""
    subscription_id: pulumi.Input[str]
    """Subscription of the role definitions (the key's subscription)."""
    workspace_name: str
    """Log Analytics workspace name."""
    cluster_name: str
    """Dedicated Log Analytics cluster name (customer-managed key)."""
    keys: KeySource
    """The controller's Managed HSM; the cluster uses its `logs` key."""
    tags: dict[str, str]
    """Mandatory tags."""
    workload_provider: pulumi.ProviderResource
    """Provider of the workload subscription (the activity-log export and the HSM key grant live there)."""
    location: str = DOSIS_PRIMARY
    """Region (EEA only)."""
    retention_days: int = 90
    """Interactive retention."""
    total_retention_days: int = 3653
    """Interactive + archive retention (10 years)."""
    capacity_gb_per_day: int = 100
    """Commitment tier of the dedicated cluster."""
    break_glass_object_ids: list[str] = field(default_factory=list)
    """Break-glass accounts: any sign-in raises an incident in the archive's Sentinel too."""
    key_granted: bool = True
    """The cluster's system identity holds its key grant (LogClusterArgs.key_granted); until then no key,
    no link and no Sentinel, which must be onboarded after the link."""


class SecurityLogArchive(pulumi.ComponentResource):
    """Workspace + CMK cluster + Sentinel in the security subscription, fed by the workload."""

    workspace: azure.operationalinsights.Workspace

    def __init__(self, name: str, args: SecurityLogArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:SecurityLogArchive", name, None, opts)
        location = eea_location(args.location, f"SecurityLogArchive {name}")
        if args.total_retention_days not in TOTAL_RETENTION_DAYS:
            raise ValueError(f"SecurityLogArchive {name}: total_retention_days must be {RETENTION_CHOICE}")
        rg = args.resource_group_name
        here = pulumi.ResourceOptions(parent=self)
        self.workspace = locked_workspace(name, self, args.workspace_name, rg, location, args.retention_days,
                                          args.tags)
        cluster = LogCluster(
            f"{name}-logs",
            LogClusterArgs(
                cluster_name=args.cluster_name, resource_group_name=rg, subscription_id=args.subscription_id,
                workspace_name=self.workspace.name, key_vault_uri=args.keys.vault_uri,
                key_name=args.keys.key_name("logs"), key_scope=args.keys.key_scope("logs"), tags=args.tags,
                location=location, capacity_gb_per_day=args.capacity_gb_per_day,
                key_provider=args.workload_provider,  # the HSM is the workload's: never a security-side grant
                key_granted=args.key_granted,
            ),
            opts=here,
        )
        if cluster.link is not None:  # Sentinel with a CMK is onboarded after the cluster link
            Sentinel(
                f"{name}-sentinel",
                SentinelArgs(
                    resource_group_name=rg, workspace_name=self.workspace.name,
                    retention_days=args.retention_days, total_retention_days=args.total_retention_days,
                    customer_managed_key=True,
                    after=[cluster.link], break_glass_object_ids=list(args.break_glass_object_ids),
                ),
                opts=here,
            )
        diagnostics(f"{name}-workspace", self.workspace.id, self.workspace.id, self.workspace)
        # Created with the workload provider: the export setting belongs to the workload subscription.
        azure.monitor.SubscriptionDiagnosticSetting(
            f"{name}-workload-activity",
            name="activity-to-security-archive",
            workspace_id=self.workspace.id,
            logs=[{"category": c, "enabled": True} for c in ACTIVITY_CATEGORIES],
            opts=pulumi.ResourceOptions(parent=self, provider=args.workload_provider),
        )
        self.register_outputs({"workspaceId": self.workspace.id, "clusterId": cluster.cluster.id})
