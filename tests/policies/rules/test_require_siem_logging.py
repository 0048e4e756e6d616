"""require-siem-logging: trail with management events; enabled alarms with a target; Sentinel, diagnostics."""

import json

from ruletest import base, only, patch, res, run, with_

from policies.core.view import UNKNOWN

RULE = "require-siem-logging"
# The base's organisation trail (log archive, require-segregated-log-archive) would keep the SIEM fed on its
# own: these tests judge the workload trail, so they leave it out.
AWS = [r for r in base("aws") if r["name"] != "org-trail"]
AZURE = base("azure")


def test_compliant_fixtures():
    assert run(RULE, AWS) == []
    assert run(RULE, AZURE) == []


def test_trail():
    found = run(
        RULE,
        patch(
            AWS,
            "trail",
            isMultiRegionTrail=False,
            enableLogFileValidation=None,
            kmsKeyId=None,
            enableLogging=False,
            eventSelectors=[{"includeManagementEvents": False}],
        ),
    )
    assert [m for _, m in found] == [
        "`isMultiRegionTrail` must be true",
        "`enableLogFileValidation` must be true",
        "`enableLogging` is false",
        "`kmsKeyId` is not set: the trail must be encrypted with a customer-managed key",
        "the trail's event selectors record no management events: who changed what is not logged",
        # the alarms' filters sit on this trail's log group, which now receives no management events
        "no CloudWatch alarm with actions (or event rule) on root account use",
        "no CloudWatch alarm with actions (or event rule) on KMS key disable or scheduled deletion",
        "the trail delivers to a log group for the SIEM alarms but records one region only: root sign-ins "
        "and IAM/STS events (global, recorded in us-east-1) never reach the alarms (set "
        "`isMultiRegionTrail` true)",
    ]
    found = run(
        RULE,
        patch(
            AWS,
            "trail",
            advancedEventSelectors=[{"fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]}]}],
        ),
    )
    assert found[0] == (
        "trail",
        "the trail's event selectors record no management events: who changed what is not logged",
    )
    assert [n for n, _ in found[1:]] == ["<stack>", "<stack>"]  # its alarms cannot fire either
    found = run(RULE, with_(AWS, drop=("trail",)))
    assert "no CloudTrail trail" in found[0][1] and len(found) == 3  # nothing feeds the alarms either


def test_alarms_enabled_with_a_target():
    only(run(RULE, patch(AWS, "root-alarm", actionsEnabled=False)), "<stack>", "on root account use")
    only(
        run(RULE, patch(AWS, "kms-alarm", alarmActions=[])),
        "<stack>",
        "on KMS key disable or scheduled deletion",
    )
    rule = res(
        "r",
        "aws:cloudwatch/eventRule:EventRule",
        {"eventPattern": json.dumps({"detail": {"eventName": ["DisableKey", "ScheduleKeyDeletion"]}})},
    )
    target = res(
        "t", "aws:cloudwatch/eventTarget:EventTarget", {"rule": "r", "arn": "arn:sns"}, refs={"rule": "r"}
    )
    assert run(RULE, with_(AWS, rule, target, drop=("kms-alarm",))) == []
    only(run(RULE, with_(AWS, rule, drop=("kms-alarm",))), "<stack>", "on KMS key disable")
    rule["inputs"]["state"] = "DISABLED"
    only(run(RULE, with_(AWS, rule, target, drop=("kms-alarm",))), "<stack>", "on KMS key disable")


def test_azure_sentinel_and_diagnostics():
    only(run(RULE, with_(AZURE, drop=("sentinel",))), "<stack>", "no Microsoft Sentinel onboarding")
    only(run(RULE, with_(AZURE, drop=("diag-sql",))), "sql", "no diagnostic setting")


def test_trail_that_keeps_only_read_events():
    ro = [{"readWriteType": "ReadOnly", "includeManagementEvents": True}]
    found = run(RULE, with_(patch(AWS, "trail", eventSelectors=ro), drop=("org-trail",)))
    assert found[0][0] == "trail" and "no management" in found[0][1]
    adv = [
        {
            "fieldSelectors": [
                {"field": "eventCategory", "equals": ["Management"]},
                {"field": "readOnly", "equals": ["true"]},
            ]
        }
    ]
    found = run(RULE, with_(patch(AWS, "trail", advancedEventSelectors=adv), drop=("org-trail",)))
    assert found and "no management events" in found[0][1]
    rw = [{"readWriteType": "WriteOnly", "includeManagementEvents": True}]
    assert run(RULE, with_(patch(AWS, "trail", eventSelectors=rw), drop=("org-trail",))) == []


def test_diagnostics_found_by_name_for_every_resource_of_that_name():
    """A setting names its target by id (no property dependency): every resource of that name is covered,
    also when several settings name it (each name is resolved once)."""
    sql = next(r for r in AZURE if r["name"] == "sql")
    group = "/subscriptions/s/resourceGroups/rg-corpus/providers"
    uri = f"{group}/Microsoft.Sql/servers/sql-corpus"
    ws = f"{group}/Microsoft.OperationalInsights/workspaces/log-corpus"
    twin = {**sql, "name": "sql-twin"}
    diags = [
        res(n, "azure-native:insights:DiagnosticSetting", {"resourceUri": uri, "workspaceId": ws})
        for n in ("diag-sql", "diag-sql-again")
    ]
    assert run(RULE, with_(AZURE, twin, *diags)) == []
    found = run(RULE, with_(AZURE, twin, drop=("diag-sql",)))
    assert sorted(n for n, _ in found) == ["sql", "sql-twin"]
    assert all("no diagnostic setting" in m for _, m in found)


def test_management_events_narrowed_by_source():
    """Excluding an event source (KMS) or filtering advanced selectors by eventSource leaves management
    events out: the trail does not count, and the alarms on its log group cannot fire."""
    narrowed = [{"readWriteType": "All", "excludeManagementEventSources": ["kms.amazonaws.com"]}]
    found = run(RULE, patch(AWS, "trail", eventSelectors=narrowed))
    assert (
        "<stack>",
        "no CloudWatch alarm with actions (or event rule) on KMS key disable or scheduled deletion",
    ) in found
    by_source = [
        {
            "fieldSelectors": [
                {"field": "eventCategory", "equals": ["Management"]},
                {"field": "eventSource", "notEquals": ["kms.amazonaws.com"]},
            ]
        }
    ]
    assert any(
        "no management events" in m
        for _, m in run(RULE, patch(AWS, "trail", advancedEventSelectors=by_source))
    )
    writes = [
        {
            "fieldSelectors": [
                {"field": "eventCategory", "equals": ["Management"]},
                {"field": "readOnly", "equals": ["false"]},
            ]
        }
    ]
    assert run(RULE, patch(AWS, "trail", advancedEventSelectors=writes)) == []


def test_alarm_filters_must_catch_the_events_on_a_fed_log_group():
    lookalike = "{ ($.eventName = DisableKeyRotation) || ($.eventName = ScheduleKeyDeletion) }"
    only(run(RULE, patch(AWS, "kms-filter", pattern=lookalike)), "<stack>", "on KMS key disable")
    kms = next(r for r in AWS if r["name"] == "kms-filter")
    elsewhere = res("kms-filter", kms["type"], {**kms["inputs"], "logGroupName": "elsewhere"})
    only(run(RULE, with_(AWS, elsewhere)), "<stack>", "on KMS key disable")
    rule = res(
        "r",
        "aws:cloudwatch/eventRule:EventRule",
        {"eventPattern": json.dumps({"detail": {"userIdentity": {"type": [{"anything-but": ["Root"]}]}}})},
    )
    target = res(
        "t", "aws:cloudwatch/eventTarget:EventTarget", {"rule": "r", "arn": "arn:sns"}, refs={"rule": "r"}
    )
    only(run(RULE, with_(AWS, rule, target, drop=("root-alarm",))), "<stack>", "on root account use")


def test_alarm_must_fire_on_one_event():
    only(
        run(RULE, patch(AWS, "root-alarm", comparisonOperator="GreaterThanThreshold", threshold=100)),
        "<stack>",
        "on root account use",
    )
    only(run(RULE, patch(AWS, "root-alarm", threshold=None)), "<stack>", "on root account use")
    assert run(RULE, patch(AWS, "root-alarm", comparisonOperator="GreaterThanThreshold", threshold=0)) == []


# ---- round-7 probe: settings that exist but carry nothing


def _diag(logs, metrics=None):
    inputs = {"logs": logs} if logs is not None else {}
    if metrics is not None:
        inputs["metrics"] = metrics
    return patch(AZURE, "diag-sql", **inputs)


def test_diagnostic_setting_must_send_audit_logs():
    metrics = [{"category": "AllMetrics", "enabled": True}]
    assert run(RULE, _diag([{"categoryGroup": "audit", "enabled": True}], metrics)) == []
    assert run(RULE, _diag([{"category": "SQLSecurityAuditEvents", "enabled": True}])) == []
    for logs, metrics_ in (
        (
            [{"categoryGroup": "audit", "enabled": False}, {"categoryGroup": "allLogs", "enabled": False}],
            None,
        ),
        (
            [{"categoryGroup": "audit", "enabled": False}, {"category": "AutomaticTuning", "enabled": True}],
            None,
        ),
        ([], metrics),
        (None, metrics),  # metrics only
    ):
        only(run(RULE, _diag(logs, metrics_)), "sql", "no diagnostic setting sends this resource's logs")


def test_trail_log_group_must_support_metric_filters():
    for cls in ("INFREQUENT_ACCESS", "DELIVERY", "SOMETHING_NEW"):
        found = run(RULE, patch(AWS, "trail-logs", logGroupClass=cls))
        assert (
            "trail-logs",
            f"the trail's log group has class {cls!r}, which supports no metric filters: "
            "the SIEM alarms never see its events (use STANDARD)",
        ) in found, found
        assert ("<stack>", "no CloudWatch alarm with actions (or event rule) on root account use") in found
    assert run(RULE, patch(AWS, "trail-logs", logGroupClass="STANDARD")) == []


def test_alarm_must_read_the_datapoints_the_filter_publishes():
    root = "no CloudWatch alarm with actions (or event rule) on root account use"
    assert run(RULE, patch(AWS, "root-alarm", unit="None")) == []
    only(run(RULE, patch(AWS, "root-alarm", unit="Seconds")), "<stack>", root)
    only(run(RULE, patch(AWS, "root-alarm", dimensions={"Account": "1"})), "<stack>", root)
    only(run(RULE, patch(AWS, "root-alarm", evaluationPeriods=3, datapointsToAlarm=3)), "<stack>", root)
    assert run(RULE, patch(AWS, "root-alarm", evaluationPeriods=3, datapointsToAlarm=1)) == []
    mt = {"name": "RootUse", "namespace": "SIEM", "value": "1", "unit": "Count", "dimensions": {"A": "$.a"}}
    matched = patch(patch(AWS, "root-filter", metricTransformation=mt), "root-alarm", unit="Count")
    only(run(RULE, matched), "<stack>", root)  # the filter emits dimension A, the alarm asks for none
    assert run(RULE, patch(matched, "root-alarm", dimensions={"A": "x"})) == []


def test_sql_auditing_switched_off_or_unknown():
    kind = "azure-native:sql:ExtendedServerBlobAuditingPolicy"
    on = {"serverName": "sql-corpus", "state": "Enabled", "isAzureMonitorTargetEnabled": True}
    master = res(  # round 28: Azure Monitor auditing reaches the SIEM through master's setting
        "diag-master",
        "azure-native:insights:DiagnosticSetting",
        {
            "resourceUri": "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Sql/servers/"
            "sql-corpus/databases/master",
            "workspaceId": "/subscriptions/s/resourceGroups/rg-corpus/providers/"
            "Microsoft.OperationalInsights/workspaces/log-corpus",
            "logs": [{"category": "SQLSecurityAuditEvents", "enabled": True}],
        },
    )
    assert run(RULE, with_(AZURE, res("audit", kind, on), master)) == []
    off = res("audit", kind, {**on, "state": "Disabled"})
    only(run(RULE, with_(AZURE, off, master)), "audit", "is 'Disabled'")
    only(run(RULE, with_(AZURE, res("audit", kind, {**on, "state": UNKNOWN}), master)), "audit", "unknown")
