"""SIEM of DOSIS: Log Analytics + Microsoft Sentinel, activity and sign-in logs, alert rules, archive.

D36 §101 (6th): a security event management standard and process for Azure and all subscriptions.
DPA annex 3 b.vii: who did what, when, on which resource; key management and privileged access
watched. DPA annex 1: transaction metadata kept 10 years, here through the workspace archive tier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from components.azure.common import child, diagnostics, eea_location, kept, lock
from policies.core.eea import DOSIS_PRIMARY

# Table total retention of 10, 11 or 12 years (DPA annex 1: 10 years; Azure's limit is 12). Beyond 730 days
# Azure takes whole years only ("The value beyond two years is restricted to full years"): 3650 is refused.
TOTAL_RETENTION_DAYS = (3653, 4018, 4383)
RETENTION_CHOICE = "3653, 4018 or 4383 days (whole years: Azure takes nothing else beyond two years)"
ACTIVITY_CATEGORIES = (
    "Administrative",
    "Security",
    "Policy",
    "Alert",
    "ServiceHealth",
    "Recommendation",
    "Autoscale",
    "ResourceHealth",
)
ENTRA_CATEGORIES = ("SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs", "AuditLogs")



def locked_workspace(name: str, parent: pulumi.Resource, workspace_name: pulumi.Input[str],
                     resource_group_name: pulumi.Input[str], location: str, retention_days: int,
                     tags: dict[str, str], *,
                     public_query: bool = False) -> azure.operationalinsights.Workspace:
    """A Log Analytics workspace readable only through resource permissions, without local (key) auth,
    queried privately unless asked otherwise, kept by Pulumi and locked against deletion."""
    workspace = azure.operationalinsights.Workspace(
        f"{name}-workspace",
        workspace_name=workspace_name,
        resource_group_name=resource_group_name,
        location=location,
        sku={"name": "PerGB2018"},
        retention_in_days=retention_days,
        features={"enable_log_access_using_only_resource_permissions": True, "disable_local_auth": True},
        public_network_access_for_ingestion="Enabled",
        public_network_access_for_query="Enabled" if public_query else "Disabled",
        tags=tags,
        opts=kept(parent),
    )
    lock(f"{name}-workspace", workspace, parent)
    return workspace

@dataclass
class SecurityMonitoringArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group of the primary region."""
    subscription_id: pulumi.Input[str]
    """Subscription whose activity log is collected (one SecurityMonitoring per subscription)."""
    tags: dict[str, str]
    """Mandatory tags."""
    workspace_name: str = "dosis-sentinel"
    """Log Analytics workspace name."""
    location: str = DOSIS_PRIMARY
    """Azure region of the workspace (EEA only)."""
    retention_days: int = 90
    """Interactive retention (90 days are included with Sentinel)."""
    total_retention_days: int = 3653
    """Interactive + archive retention (DPA annex 1: 10 years); one of TOTAL_RETENTION_DAYS."""
    soc_emails: list[str] = field(default_factory=list)
    """SOC addresses in the action group (alerts, break-glass sign-ins)."""
    collect_entra_logs: bool = True
    """Route Entra sign-in and audit logs to the workspace (needed for the MFA rule)."""
    public_query_access: bool = False
    """Allow queries over the public endpoint (False: analysts query through Azure Monitor Private Link)."""


class SecurityMonitoring(pulumi.ComponentResource):
    """Workspace with Sentinel, archive, activity/Entra logs, analytics rules and the SOC action group."""

    workspace: azure.operationalinsights.Workspace
    action_group: azure.monitor.ActionGroup

    def __init__(self, name: str, args: SecurityMonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:SecurityMonitoring", name, None, opts)
        location = eea_location(args.location, f"SecurityMonitoring {name}")
        if not 30 <= args.retention_days <= 730:
            raise ValueError(f"SecurityMonitoring {name}: retention_days must be 30..730")
        if args.total_retention_days not in TOTAL_RETENTION_DAYS:
            raise ValueError(
                f"SecurityMonitoring {name}: total_retention_days must be {RETENTION_CHOICE} "
                "(10-year transaction metadata, DPA annex 1)"
            )
        rg = args.resource_group_name
        self.workspace = locked_workspace(name, self, args.workspace_name, rg, location, args.retention_days,
                                          args.tags, public_query=args.public_query_access)
        diagnostics(f"{name}-workspace", self.workspace.id, self.workspace.id, self.workspace)
        # The feeds of the Sentinel tables (the analytics rules wait for them, see sentinel.py).
        self.feeds: list[pulumi.Resource] = []
        self.feeds.append(
            azure.monitor.SubscriptionDiagnosticSetting(
                f"{name}-activity-log",
                name="activity-to-sentinel",
                workspace_id=self.workspace.id,
                logs=[{"category": c, "enabled": True} for c in ACTIVITY_CATEGORIES],
                opts=child(self),
            )
        )
        if args.collect_entra_logs:
            self.feeds.append(
                azure.aadiam.DiagnosticSetting(
                    f"{name}-entra-logs",
                    name="entra-to-sentinel",
                    workspace_id=self.workspace.id,
                    logs=[{"category": c, "enabled": True} for c in ENTRA_CATEGORIES],
                    opts=child(self),
                )
            )
        self.action_group = azure.monitor.ActionGroup(
            f"{name}-soc",
            action_group_name="dosis-soc",
            resource_group_name=rg,
            location="global",
            group_short_name="dosis-soc",
            enabled=True,
            email_receivers=[
                {"name": f"soc{i}", "email_address": e, "use_common_alert_schema": True}
                for i, e in enumerate(args.soc_emails)
            ],
            tags=args.tags,
            opts=child(self),
        )
        # Role-assignment changes also page the SOC directly, independent of Sentinel.
        azure.monitor.ActivityLogAlert(
            f"{name}-role-assignment-alert",
            activity_log_alert_name="dosis-role-assignment-changes",
            resource_group_name=rg,
            location="global",
            scopes=[pulumi.Output.concat("/subscriptions/", args.subscription_id)],
            condition={
                "all_of": [
                    {"field": "category", "equals": "Administrative"},
                    {
                        "any_of": [
                            {
                                "field": "operationName",
                                "equals": "Microsoft.Authorization/roleAssignments/write",
                            },
                            {
                                "field": "operationName",
                                "equals": "Microsoft.Authorization/roleAssignments/delete",
                            },
                            {"field": "operationName", "equals": "Microsoft.Authorization/locks/delete"},
                        ]
                    },
                ]
            },
            actions={"action_groups": [{"action_group_id": self.action_group.id}]},
            enabled=True,
            tags=args.tags,
            opts=child(self),
        )
        self.register_outputs({"workspaceId": self.workspace.id, "actionGroupId": self.action_group.id})
