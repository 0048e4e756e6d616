"""require-audit-log-retention: ten years, in storage that cannot shorten it (DPA annex 1)."""

from ruletest import base, only, patch, res, run, with_

RULE = "require-audit-log-retention"
AWS = base("aws")
AZURE = base("azure")


def test_compliant_fixtures():
    assert run(RULE, AWS) == []
    assert run(RULE, AZURE) == []


def test_object_lock():
    only(run(RULE, with_(AWS, drop=("audit-lock",))), "trail", "no Object Lock default retention")
    only(
        run(RULE, patch(AWS, "audit-lock", rule={"defaultRetention": {"mode": "GOVERNANCE", "years": 10}})),
        "trail",
        "keeps GOVERNANCE 3652 days",
    )
    only(
        run(RULE, patch(AWS, "audit-lock", rule={"defaultRetention": {"mode": "COMPLIANCE", "days": 365}})),
        "trail",
        "keeps COMPLIANCE 365 days",
    )


def test_lifecycle_and_log_group():
    lc = res(
        "lc",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        {"rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 400}}]},
        refs={"bucket": "audit"},
    )
    only(run(RULE, with_(AWS, lc)), "trail", "lifecycle rule 'expire' expires trail logs after 400 days")
    only(run(RULE, patch(AWS, "trail-logs", retentionInDays=90)), "trail", "keeps 90 days; keep at least 365")


def test_trail_bucket_elsewhere():
    moved = [
        dict(r, refs={}) if r["name"] == "trail" else r for r in patch(AWS, "trail", s3BucketName="other")
    ]
    only(run(RULE, moved), "trail", "is not in this stack")


def test_workspace_archive():
    only(
        run(RULE, patch(AZURE, "audit-table", totalRetentionInDays=90)),
        "logs",
        "table audit-table keeps 90 days",
    )
    only(run(RULE, with_(AZURE, drop=("audit-table",))), "logs", "no table archives its logs")
    assert run(RULE, with_(patch(AZURE, "logs", retentionInDays=3650), drop=("audit-table",))) == []


def test_lifecycle_expiring_on_a_date():
    rule = {"id": "cleanup", "status": "Enabled", "expiration": {"date": "2027-06-30T00:00:00Z"}}
    lifecycle = res(
        "lc",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        {"bucket": "corpus-audit", "rules": [rule]},
        refs={"bucket": "audit"},
    )
    only(run(RULE, with_(AWS, lifecycle)), "trail", "on the date 2027-06-30")


def test_days_that_cannot_be_read_block():
    lc = res(
        "lc",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        {"rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": "30"}}]},
        refs={"bucket": "audit"},
    )
    only(run(RULE, with_(AWS, lc)), "trail", "expires trail logs after 30 days")
    lc["inputs"]["rules"][0]["expiration"]["days"] = "thirty"
    only(run(RULE, with_(AWS, lc)), "trail", "which cannot be read")
    lc["inputs"]["rules"][0]["expiration"]["days"] = "4000"
    assert run(RULE, with_(AWS, lc)) == []


def test_legacy_bucket_inline_lifecycle_rules():
    legacy = {
        "objectLockConfiguration": {
            "objectLockEnabled": "Enabled",
            "rule": {"defaultRetention": {"mode": "COMPLIANCE", "years": 10}},
        }
    }
    v1 = [
        dict(r, type="aws:s3/bucket:Bucket", inputs={**r["inputs"], **legacy}) if r["name"] == "audit" else r
        for r in with_(AWS, drop=("audit-lock",))
    ]
    assert run(RULE, v1) == []
    expire = [{"id": "expire", "enabled": True, "expiration": {"days": 90}}]
    only(
        run(RULE, patch(v1, "audit", lifecycleRules=expire)), "trail", "'expire' expires trail logs after 90"
    )
    glacier = [{"id": "cold", "enabled": True, "transitions": [{"days": 90, "storageClass": "GLACIER"}]}]
    assert run(RULE, patch(v1, "audit", lifecycleRules=glacier)) == []
    off = [dict(expire[0], enabled=False)]
    assert run(RULE, patch(v1, "audit", lifecycleRules=off)) == []


def test_trail_log_group_named_by_arn():
    by_arn = [
        dict(r, refs={k: v for k, v in r["refs"].items() if k != "cloudWatchLogsGroupArn"})
        if r["name"] == "trail"
        else r
        for r in AWS
    ]
    assert run(RULE, by_arn) == []
    only(
        run(RULE, patch(by_arn, "trail-logs", retentionInDays=30)),
        "trail",
        "keeps 30 days; keep at least 365",
    )
    elsewhere = "arn:aws:logs:eu-west-1:111122223333:log-group:other:*"
    only(run(RULE, patch(by_arn, "trail", cloudWatchLogsGroupArn=elsewhere)), "trail", "is not in this stack")


def test_workspace_audit_table_and_daily_cap():
    only(
        run(RULE, patch(AZURE, "audit-table", tableName="Heartbeat")),
        "logs",
        "no audit table (azureactivity, azurediagnostics) is archived",  # resource settings only (round 23)
    )
    only(
        run(RULE, patch(AZURE, "logs", workspaceCapping={"dailyQuotaGb": 0.5})),
        "logs",
        "caps ingestion at 0.5 GB a day",
    )
    assert run(RULE, patch(AZURE, "logs", workspaceCapping={"dailyQuotaGb": -1})) == []


def test_workspace_purging_after_30_days():
    only(
        run(RULE, patch(AZURE, "logs", features={"immediatePurgeDataOn30Days": True})),
        "logs",
        "purges all data after 30 days",
    )
    assert run(RULE, patch(AZURE, "logs", features={"immediatePurgeDataOn30Days": False})) == []


def test_delivery_class_trail_log_group_keeps_one_day():
    """AWS keeps events of a DELIVERY-class log group one day, whatever retentionInDays says."""
    only(
        run(RULE, patch(AWS, "trail-logs", logGroupClass="DELIVERY")),
        "trail",
        "is of the DELIVERY class, which keeps events one day",
    )
    assert run(RULE, patch(AWS, "trail-logs", logGroupClass="STANDARD")) == []
    assert run(RULE, patch(AWS, "trail-logs", retentionInDays=0)) == []  # 0: never expire
