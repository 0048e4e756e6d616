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
    lifecycle = res("lc", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
                    {"bucket": "corpus-audit", "rules": [rule]}, refs={"bucket": "audit"})
    only(run(RULE, with_(AWS, lifecycle)), "trail", "on the date 2027-06-30")
