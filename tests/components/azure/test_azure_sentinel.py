"""Sentinel: onboarding after its prerequisites, table retention after onboarding, each analytics rule
after the table it queries (issue 16: rules on tables that do not exist yet in a new workspace)."""

import pulumi_azure_native as azure
import pytest
from azure_support import RG, assert_in_regions, record

from components.azure.sentinel import ARCHIVED_TABLES, DETECTIONS, Sentinel, SentinelArgs

RULE = "azure-native:securityinsights:ScheduledAlertRule"
TABLE = "azure-native:operationalinsights:Table"
ONBOARDING = "azure-native:securityinsights:SentinelOnboardingState"


def _sentinel(**kwargs):
    def fn(opts):
        before = azure.resources.ResourceGroup("cluster-link", location="westeurope", opts=opts)
        Sentinel("s", SentinelArgs(RG, "ws", after=[before], **kwargs), opts=opts)

    return record(fn)


def _deps(resource):
    return set(resource.dependencies) | {u for us in resource.property_dependencies.values() for u in us}


def test_rules_wait_for_their_table_and_onboarding():
    g = _sentinel(customer_managed_key=True, break_glass_object_ids=["bg-1"])
    (onboarding,) = g.by_type(ONBOARDING)
    assert onboarding.inputs["customerManagedKey"] is True
    assert any(u.endswith("cluster-link") for u in _deps(onboarding))
    tables = {t.inputs["tableName"]: t for t in g.by_type(TABLE)}
    assert set(tables) == set(ARCHIVED_TABLES)
    for t in tables.values():
        assert onboarding.urn in _deps(t), t.name
        assert t.inputs["totalRetentionInDays"] == 3653
    rules = {r.inputs["ruleId"]: r for r in g.by_type(RULE)}
    assert set(rules) == {f"dosis-{d[0]}" for d in DETECTIONS} | {"dosis-break-glass-sign-in"}
    for rule in rules.values():
        table = rule.inputs["query"].split()[0]
        assert table in tables, rule.name
        assert {onboarding.urn, tables[table].urn} <= _deps(rule), rule.name
        assert rule.inputs["enabled"] and rule.inputs["incidentConfiguration"]["createIncident"]
    assert "'bg-1'" in rules["dosis-break-glass-sign-in"].inputs["query"]
    assert "!in~ (" in rules["dosis-key-operations"].inputs["query"]
    assert_in_regions(g)


def test_ten_year_tables_cover_app_blob_and_query_logs():
    """DPA annex 1: App Service HTTP logs, blob logs and query audit are kept 10 years too."""
    g = _sentinel(total_retention_days=4383)
    names = {t.inputs["tableName"] for t in g.by_type(TABLE)}
    assert {"AppServiceHTTPLogs", "StorageBlobLogs", "LAQueryLogs", "SigninLogs"} <= names
    assert {t.inputs["totalRetentionInDays"] for t in g.by_type(TABLE)} == {4383}


@pytest.mark.parametrize("days", [3650, 3700, 5000])
def test_total_retention_beyond_two_years_is_whole_years(days):
    """Azure refuses a table total retention beyond 730 days that is not whole years ("The value beyond two
    years is restricted to full years"): 10 years is 3653 days, not 3650."""
    with pytest.raises(Exception, match="3653, 4018 or 4383"):
        _sentinel(total_retention_days=days)


def _matches(query: str, record: dict[str, str]) -> bool:
    """Whether a record passes every `| where` clause of the shapes the detections use: `F == 'v'`
    (joined by `and`), `F in~ (...)` and `F !in~ (...)` (case-insensitive)."""
    for clause in query.split("| where ")[1:]:
        for cond in clause.split(" and "):
            field, op, value = cond.strip().split(" ", 2)
            if op == "==":
                ok = record.get(field) == value.strip("'")
            else:
                names = {v.strip(" '").lower() for v in value.strip("()").split(",")}
                ok = (record.get(field, "").lower() in names) == (op == "in~")
            if not ok:
                return False
    return True


@pytest.mark.parametrize(
    ("operation", "incident"),
    [
        ("KeyDelete", True),
        ("KeyImport", True),
        ("BackupCreate", True),  # Managed HSM full backup (Managed HSM logging reference)
        ("SecurityDomainDownload", True),  # a Managed HSM operation no list of Key Vault names holds
        ("RoleAssignmentCreate", True),  # Managed HSM local RBAC: invisible to the ARM activity rule
        ("KeyUnwrap", False),
        ("KeyWrap", False),
        ("KeyGet", False),
    ],
)
def test_key_operations_rule_catches_managed_hsm_operations(operation, incident):
    """Managed HSM audit events reach AzureDiagnostics as MICROSOFT.KEYVAULT / AuditEvent with operation
    names of their own; the rule raises an incident on everything but key use, a name it does not know
    included, so the HSM's backups, security-domain and local role operations are not missed."""
    query = {d[0]: d[4] for d in DETECTIONS}["key-operations"]
    record_ = {"ResourceProvider": "MICROSOFT.KEYVAULT", "Category": "AuditEvent", "OperationName": operation}
    assert _matches(query, record_) is incident
    assert not _matches(query, {**record_, "Category": "AzurePolicyEvaluationDetails"})
