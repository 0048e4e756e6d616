"""AuditTrail, SecurityMonitoring and PrivacyLog."""

import pytest
from aws_support import ACCOUNT, KEY, TAGS, assert_all_in_portal_region, assert_tagged, doc, one, record

from components.aws import analysis
from components.aws.audit import AuditTrail, AuditTrailArgs
from components.aws.common import TEN_YEARS_DAYS
from components.aws.monitoring import ALARM_PATTERNS, SecurityMonitoring, SecurityMonitoringArgs
from components.aws.privacy import PrivacyLog, PrivacyLogArgs

LOGS_KEY = KEY.replace("1111", "8888")


def _trail(**kwargs):
    args = {
        "account_id": ACCOUNT,
        "tags": TAGS,
        "trail_kms_key_arn": KEY,
        "logs_kms_key_arn": LOGS_KEY,
        "access_log_bucket": "access-logs",
        **kwargs,
    }
    return record(lambda opts: AuditTrail("audit", AuditTrailArgs(**args), opts=opts))


def test_trail_defaults_are_compliant():
    g = _trail()
    t = one(g, "aws:cloudtrail/trail:Trail")
    assert t["isMultiRegionTrail"] and t["includeGlobalServiceEvents"] and t["enableLogFileValidation"]
    assert t["kmsKeyId"] == KEY and t["cloudWatchLogsGroupArn"].endswith(":*") and t["cloudWatchLogsRoleArn"]
    lock = one(g, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert lock["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": TEN_YEARS_DAYS}
    bucket_policy = doc(one(g, "aws:s3/bucketPolicy:BucketPolicy")["policy"])
    assert analysis.allows(bucket_policy, "s3:PutObject", "cloudtrail.amazonaws.com")
    assert analysis.allows(bucket_policy, "s3:PutObject", "config.amazonaws.com")
    assert any(s.get("Sid") == "DenyInsecureTransport" for s in analysis.statements(bucket_policy))
    logs = one(g, "aws:cloudwatch/logGroup:LogGroup")
    assert logs["kmsKeyId"] == LOGS_KEY
    assert one(g, "aws:s3/bucket:Bucket")["tags"]["dosis-data"] == "none"
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_trail_retention_option():
    g = _trail(retention_days=4000, name="other")
    lock = one(g, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert lock["rule"]["defaultRetention"]["days"] == 4000
    assert one(g, "aws:cloudtrail/trail:Trail")["name"] == "other"


def _monitoring(**kwargs):
    args = {
        "account_id": ACCOUNT,
        "tags": TAGS,
        "trail_log_group_name": "/trail",
        "topic_kms_key_arn": LOGS_KEY,
        "config_bucket": "trail-bucket",
        "config_kms_key_arn": KEY,
        **kwargs,
    }
    return record(lambda opts: SecurityMonitoring("sec", SecurityMonitoringArgs(**args), opts=opts))


def test_monitoring_defaults_raise_every_required_alarm():
    g = _monitoring()
    assert one(g, "aws:sns/topic:Topic")["kmsMasterKeyId"] == LOGS_KEY
    filters = g.by_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert {f.inputs["pattern"] for f in filters} == set(ALARM_PATTERNS.values())
    assert all(f.inputs["logGroupName"] == "/trail" for f in filters)
    alarms = g.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert len(alarms) == len(ALARM_PATTERNS) and all(len(a.inputs["alarmActions"]) == 1 for a in alarms)
    for needed in (
        "root-account-use",
        "console-signin-without-mfa",
        "unauthorized-api-calls",
        "iam-policy-changes",
        "cloudtrail-changes",
        "kms-key-disable-or-deletion",
        "security-group-changes",
        "nacl-changes",
        "network-changes",
    ):
        assert needed in ALARM_PATTERNS
    assert "ScheduleKeyDeletion" in ALARM_PATTERNS["kms-key-disable-or-deletion"]
    assert ALARM_PATTERNS["secret-rotation-failed"] == (
        "{ ($.eventSource = secretsmanager.amazonaws.com) && "
        "(($.eventName = RotationFailed) || ($.eventName = RotationAbandoned)) }")
    assert one(g, "aws:guardduty/detector:Detector")["enable"] is True
    assert one(g, "aws:cfg/recorder:Recorder")["recordingGroup"]["allSupported"] is True
    assert one(g, "aws:cfg/recorderStatus:RecorderStatus")["isEnabled"] is True
    assert one(g, "aws:cfg/deliveryChannel:DeliveryChannel")["s3KmsKeyArn"] == KEY
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_monitoring_options():
    g = _monitoring(guardduty=False, alarm_patterns={"x": "{ $.eventName = X }"})
    assert not g.by_type("aws:guardduty/detector:Detector")
    assert len(g.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")) == 1


def test_privacy_log_keeps_ten_years_under_cmk():
    g = record(lambda opts: PrivacyLog("privacy", PrivacyLogArgs(kms_key_arn=LOGS_KEY, tags=TAGS), opts=opts))
    lg = one(g, "aws:cloudwatch/logGroup:LogGroup")
    assert lg["retentionInDays"] == 3653 and lg["kmsKeyId"] == LOGS_KEY
    assert g.by_type("aws:cloudwatch/logGroup:LogGroup")[0].protect


def test_privacy_log_rejects_short_retention():
    with pytest.raises(Exception, match="at least 3653"):
        record(
            lambda opts: PrivacyLog(
                "p", PrivacyLogArgs(kms_key_arn=LOGS_KEY, tags=TAGS, retention_days=365), opts=opts
            )
        )
