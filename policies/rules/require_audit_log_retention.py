"""Audit logs are kept ten years where nobody can shorten that (DPA annex 1: transaction metadata 10 years
in a log database; DPA annex 3 b.vii: kept historically for security analysis and audit). AWS: the CloudTrail
bucket has Object Lock in COMPLIANCE mode for ≥ 10 years and no lifecycle rule expiring earlier, the trail's
CloudWatch copy keeps ≥ 1 year for analysis. Azure: Log Analytics keeps ≥ 10 years, interactively or as
archive (table totalRetentionInDays)."""

from __future__ import annotations

from typing import Any

from policies.core.helpers import linked
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown

TEN_YEARS_DAYS = 3650
ANALYSIS_DAYS = 365
TRAIL = "aws:cloudtrail/trail:Trail"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
LOCKS = (
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
LIFECYCLES = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
WORKSPACE = "azure-native:operationalinsights:Workspace"
TABLE = "azure-native:operationalinsights:Table"


def _days(retention: Any) -> float:
    if not isinstance(retention, dict):
        return 0
    return float(retention.get("days") or 0) + 365.25 * float(retention.get("years") or 0)


def _lock(b: ResourceView, graph: StackGraph) -> list[str]:
    enabled = (
        b.input("objectLockEnabled") is True
        or get_path(b.inputs, "objectLockConfiguration.objectLockEnabled") == "Enabled"
    )
    rules = [get_path(c.inputs, "rule.defaultRetention") for c in linked(graph, b, LOCKS, "bucket")]
    rules.append(get_path(b.inputs, "objectLockConfiguration.rule.defaultRetention"))
    rules = [r for r in rules if r is not None]
    if not enabled or not rules:
        return [
            "the trail bucket has no Object Lock default retention: logs could be deleted before 10 years"
        ]
    out = []
    for r in rules:
        if is_unknown(r) or not isinstance(r, dict):
            out.append("the trail bucket's Object Lock retention is unknown during preview (fail closed)")
        elif r.get("mode") != "COMPLIANCE" or _days(r) < TEN_YEARS_DAYS:
            out.append(
                f"the trail bucket's Object Lock keeps {r.get('mode')} {_days(r):.0f} days; "
                f"DPA annex 1 needs COMPLIANCE mode and at least {TEN_YEARS_DAYS} days"
            )
    return out


def _lifecycle(b: ResourceView, graph: StackGraph) -> list[str]:
    out = []
    for c in linked(graph, b, LIFECYCLES, "bucket"):
        for rule in c.input("rules") or []:
            if not isinstance(rule, dict) or rule.get("status") != "Enabled":
                continue
            days, date = get_path(rule, "expiration.days"), get_path(rule, "expiration.date")
            if date:  # a fixed date deletes what was written shortly before it: always < 10 years
                out.append(f"lifecycle rule {rule.get('id')!r} expires trail logs on the date {date}")
            if isinstance(days, int | float) and days < TEN_YEARS_DAYS:
                out.append(
                    f"lifecycle rule {rule.get('id')!r} expires trail logs after {days} days "
                    f"(< {TEN_YEARS_DAYS})"
                )
    return out


def _trail(t: ResourceView, graph: StackGraph) -> list[str]:
    buckets = [b for b in graph.dependency_of(t, "s3BucketName") if b.type in BUCKETS]
    name = t.input("s3BucketName")
    if not buckets and isinstance(name, str) and not is_unknown(name):
        buckets = [b for b in graph.named(name) if b.type in BUCKETS]
    if not buckets:
        return [
            f"the trail's bucket {name!r} is not in this stack, so the 10-year retention cannot be judged"
        ]
    out = [m for b in buckets for m in _lock(b, graph) + _lifecycle(b, graph)]
    for g in graph.dependency_of(t, "cloudWatchLogsGroupArn"):
        days = g.input("retentionInDays")
        if isinstance(days, int | float) and 0 < days < ANALYSIS_DAYS:
            out.append(
                f"the trail's log group {g.name} keeps {days} days; "
                f"keep at least {ANALYSIS_DAYS} for analysis"
            )
    return out


def _workspace(w: ResourceView, graph: StackGraph) -> list[str]:
    own = w.input("retentionInDays")
    if isinstance(own, int | float) and own >= TEN_YEARS_DAYS:
        return []
    tables = linked(graph, w, (TABLE,), "workspaceName")
    short = [
        t
        for t in tables
        if not (
            isinstance(t.input("totalRetentionInDays"), int | float)
            and t.input("totalRetentionInDays") >= TEN_YEARS_DAYS
        )
    ]
    if not tables:
        return [
            f"the workspace keeps {own!r} days and no table archives its logs for {TEN_YEARS_DAYS} days "
            "(totalRetentionInDays)"
        ]
    return [
        f"table {t.name} keeps {t.input('totalRetentionInDays')!r} days in total (< {TEN_YEARS_DAYS})"
        for t in short
    ]


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out = [(t.urn, m) for t in graph.by_type(TRAIL) for m in _trail(t, graph)]
    out.extend((w.urn, m) for w in graph.by_type(WORKSPACE) for m in _workspace(w, graph))
    return out


RULE = Rule(
    id="require-audit-log-retention",
    title="Audit logs are kept at least ten years in storage that cannot shorten it.",
    severity="high",
    remediation="Give the CloudTrail bucket Object Lock (COMPLIANCE, ≥ 3650 days) and no earlier expiration; "
    "keep the trail's log group ≥ 365 days; archive Log Analytics tables for ≥ 3650 days "
    "(totalRetentionInDays).",
    controls=("LOG-04", "LOG-01"),
    check=check,
    module=__name__,
    scope="stack",
)
