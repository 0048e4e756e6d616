"""SecurityMonitoring: Sentinel, 10-year archive, activity + Entra logs, alert rules, kept and locked."""

import pytest
from azure_support import RG, SUB, TAGS, assert_in_regions, assert_tagged, diagnosed, locked_ids, one, record

from components.azure.monitoring import SecurityMonitoring, SecurityMonitoringArgs


def _siem(**kwargs):
    args = {"resource_group_name": RG, "subscription_id": SUB, "tags": TAGS, **kwargs}
    return record(lambda opts: SecurityMonitoring("siem", SecurityMonitoringArgs(**args), opts=opts))


def test_defaults_are_compliant():
    g = _siem()
    ws = g.by_type("azure-native:operationalinsights:Workspace")[0]
    assert ws.protect and ws.id in locked_ids(g)
    assert ws.inputs["features"]["disableLocalAuth"] is True
    assert ws.inputs["publicNetworkAccessForQuery"] == "Disabled"
    # Sentinel, its tables and rules come later (components/azure/sentinel.py), in creation order.
    assert not g.by_type("azure-native:securityinsights:SentinelOnboardingState")
    activity = one(g, "azure-native:monitor:SubscriptionDiagnosticSetting")
    assert activity["workspaceId"] == ws.id
    assert {"Administrative", "Security", "Policy"} <= {c["category"] for c in activity["logs"]}
    entra = one(g, "azure-native:aadiam:DiagnosticSetting")
    assert {"SignInLogs", "AuditLogs"} <= {c["category"] for c in entra["logs"]}
    assert ws.id in diagnosed(g, ws.id)
    alert = one(g, "azure-native:monitor:ActivityLogAlert")
    assert alert["scopes"] == [f"/subscriptions/{SUB}"]
    assert alert["actions"]["actionGroups"][0]["actionGroupId"].endswith("/dosis-soc")
    assert_tagged(g)
    assert_in_regions(g)


def test_options_break_glass_soc_retention_no_entra():
    g = _siem(
        soc_emails=["soc@example.org"],
        total_retention_days=4383,
        retention_days=180,
        collect_entra_logs=False,
        public_query_access=True,
        workspace_name="w2",
    )
    assert (
        one(g, "azure-native:monitor:ActionGroup")["emailReceivers"][0]["emailAddress"] == "soc@example.org"
    )
    assert not g.by_type("azure-native:aadiam:DiagnosticSetting")
    assert one(g, "azure-native:operationalinsights:Workspace")["publicNetworkAccessForQuery"] == "Enabled"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"total_retention_days": 365}, "10-year"),
        ({"total_retention_days": 5000}, "3653, 4018 or 4383"),
        ({"total_retention_days": 3650}, "3653, 4018 or 4383"),
        ({"retention_days": 7}, "retention_days"),
        ({"location": "uksouth"}, "outside the EEA"),
    ],
)
def test_rejects_unsafe_options(kwargs, message):
    with pytest.raises(Exception, match=message):
        _siem(**kwargs)
