"""Microsoft Sentinel on the DOSIS workspace: onboarding, 10-year table retention, analytics rules.

Separate from the workspace (monitoring.py) because of creation order on a new workspace: a workspace
with a customer-managed key must be linked to its cluster before Sentinel is onboarded; table retention
is set after onboarding (Sentinel's tables exist only then); an analytics rule is validated against the
workspace schema, so each rule waits for the table it queries and for the diagnostic settings feeding it.
D36 §101 (6th); DPA annex 1 (10 years), annex 3 b.vii.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from components.azure.common import child
from components.azure.monitoring import RETENTION_CHOICE, TOTAL_RETENTION_DAYS

# Tables kept 10 years (interactive + archive). Everything the detections query is among them.
ARCHIVED_TABLES = (
    "AzureActivity",
    "AzureDiagnostics",
    "AzureMetrics",
    "SigninLogs",
    "AuditLogs",
    "SecurityIncident",
    "SecurityAlert",
    "AppServiceHTTPLogs",
    "AppServiceAuditLogs",
    "StorageBlobLogs",
    "LAQueryLogs",
)

# Key Vault AuditEvent operations that use or read a key (the Key Vault logging reference's operation
# names): the services' wrap/unwrap every few seconds. Every other operation of a vault or a Managed HSM
# (which logs to the same category with operations of its own: full backup, security domain, local role
# assignments) is management and raises an incident, a name this list does not know included.
KEY_USE_OPERATIONS = (
    "Authentication",
    "KeyDecrypt",
    "KeyEncrypt",
    "KeyGet",
    "KeyList",
    "KeyListVersions",
    "KeySign",
    "KeyUnwrap",
    "KeyVerify",
    "KeyWrap",
    "VaultGet",
)

# Sentinel analytics rules: (id, display name, severity, table, KQL after the table name).
DETECTIONS = (
    (
        "key-operations",
        "DOSIS Key Vault or Managed HSM key management operation",
        "High",
        "AzureDiagnostics",
        "| where ResourceProvider == 'MICROSOFT.KEYVAULT' and Category == 'AuditEvent' "
        f"| where OperationName !in~ ({','.join(repr(o) for o in KEY_USE_OPERATIONS)})",
    ),
    (
        "role-assignment-changes",
        "DOSIS role assignment or eligibility changed",
        "High",
        "AzureActivity",
        "| where OperationNameValue has_any ('MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE',"
        "'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/DELETE','MICROSOFT.AUTHORIZATION/ROLEELIGIBILITYSCHEDULEREQUESTS/WRITE',"
        "'MICROSOFT.AUTHORIZATION/LOCKS/DELETE') | where ActivityStatusValue =~ 'Success'",
    ),
    (
        "sign-in-without-mfa",
        "DOSIS sign-in without multi-factor authentication",
        "Medium",
        "SigninLogs",
        "| where ResultType == 0 | where AuthenticationRequirement != 'multiFactorAuthentication'"
        " | where AppDisplayName has_any ('Azure Portal','Microsoft Azure CLI','Azure PowerShell',"
        "'Windows Azure Service Management API')",
    ),
)


@dataclass
class SentinelArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group of the workspace."""
    workspace_name: pulumi.Input[str]
    """Name of the Log Analytics workspace."""
    retention_days: int = 90
    """Interactive retention of the archived tables."""
    total_retention_days: int = 3653
    """Interactive + archive retention (DPA annex 1: 10 years); one of TOTAL_RETENTION_DAYS."""
    customer_managed_key: bool = False
    """The workspace is linked to a CMK cluster (must happen before onboarding: pass it in `after`)."""
    after: list[pulumi.Resource] = field(default_factory=list)
    """What must exist before onboarding: the cluster link, the diagnostic settings feeding the tables."""
    break_glass_object_ids: list[str] = field(default_factory=list)
    """Break-glass accounts: any sign-in raises a high-severity incident."""


class Sentinel(pulumi.ComponentResource):
    """Onboarding, then table retention, then the analytics rules (each after its table)."""

    def __init__(self, name: str, args: SentinelArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:Sentinel", name, None, opts)
        if args.total_retention_days not in TOTAL_RETENTION_DAYS:
            raise ValueError(f"Sentinel {name}: total_retention_days must be {RETENTION_CHOICE}")
        rg, ws = args.resource_group_name, args.workspace_name
        self.onboarding = azure.securityinsights.SentinelOnboardingState(
            f"{name}-onboarding",
            resource_group_name=rg,
            workspace_name=ws,
            sentinel_onboarding_state_name="default",
            customer_managed_key=args.customer_managed_key,
            opts=child(self, depends_on=list(args.after)),
        )
        self.tables = {
            table: azure.operationalinsights.Table(
                f"{name}-{table}",
                resource_group_name=rg,
                workspace_name=ws,
                table_name=table,
                retention_in_days=args.retention_days,
                total_retention_in_days=args.total_retention_days,
                opts=child(self, depends_on=[self.onboarding]),
            )
            for table in ARCHIVED_TABLES
        }
        detections = list(DETECTIONS)
        if args.break_glass_object_ids:
            ids = ",".join(f"'{i}'" for i in args.break_glass_object_ids)
            detections.append(
                (
                    "break-glass-sign-in",
                    "DOSIS break-glass account signed in",
                    "High",
                    "SigninLogs",
                    f"| where UserId in ({ids})",
                )
            )
        self.rules = {}
        for rule_id, title, severity, table, query in detections:
            self.rules[rule_id] = azure.securityinsights.ScheduledAlertRule(
                f"{name}-{rule_id}",
                resource_group_name=rg,
                workspace_name=ws,
                rule_id=f"dosis-{rule_id}",
                kind="Scheduled",
                display_name=title,
                enabled=True,
                severity=severity,
                query=f"{table} {query}",
                query_frequency="PT5M",
                query_period="PT5M",
                trigger_operator="GreaterThan",
                trigger_threshold=0,
                suppression_enabled=False,
                suppression_duration="PT1H",
                incident_configuration={
                    "create_incident": True,
                    "grouping_configuration": {
                        "enabled": False,
                        "reopen_closed_incident": False,
                        "lookback_duration": "PT5H",
                        "matching_method": "AllEntities",
                    },
                },
                opts=child(self, depends_on=[self.onboarding, self.tables[table]]),
            )
        self.register_outputs({"onboarding": self.onboarding.id})
