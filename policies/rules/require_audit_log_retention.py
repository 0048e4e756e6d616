"""Audit logs are kept ten years where nobody can shorten that (DPA annex 1: transaction metadata 10 years
in a log database; DPA annex 3 b.vii: kept historically for security analysis and audit). AWS: the CloudTrail
bucket has Object Lock in COMPLIANCE mode for ≥ 10 years and no lifecycle rule expiring earlier, the trail's
CloudWatch copy keeps ≥ 1 year for analysis. Azure: Log Analytics keeps ≥ 10 years, interactively or as
archive (table totalRetentionInDays)."""

from __future__ import annotations

from typing import Any

from policies.core.client_vpn import connection_log_problems
from policies.core.ecs_exec import exec_log_problems
from policies.core.eks_logs import eks_log_retention
from policies.core.helpers import linked
from policies.core.iam.log_writers import retention_writers
from policies.core.pia_diag_retention import auditing_retention, diagnostic_retention
from policies.core.rule import Rule, RuleContext
from policies.core.session_prefs import session_log_retention
from policies.core.verified_access import access_log_problems
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

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
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
WORKSPACE = "azure-native:operationalinsights:Workspace"
TABLE = "azure-native:operationalinsights:Table"
# Azure's control-plane audit log (who changed what); resource logs land beside it per diagnostic setting.
AUDIT_TABLES = frozenset({"azureactivity"})
RESOURCE_DIAGNOSTICS = ("azure-native:insights:DiagnosticSetting", "azure-native:monitor:DiagnosticSetting")
OTHER_FEEDS = (  # the activity log, Entra sign-ins, a management group's: never AzureDiagnostics
    "azure-native:monitor:SubscriptionDiagnosticSetting",
    "azure-native:monitor:ManagementGroupDiagnosticSetting",
    "azure-native:aadiam:DiagnosticSetting",
)


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


def _number(value: Any) -> float | None:
    """A count of days as AWS/Azure read it (a number, or a numeric string); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and not is_unknown(value):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _expiry(rule_id: Any, days: Any, date: Any) -> list[str]:
    """Why an enabled lifecycle expiration deletes trail logs before ten years (closed world)."""
    out = []
    if date:  # a fixed date deletes what was written shortly before it: always < 10 years
        out.append(f"lifecycle rule {rule_id!r} expires trail logs on the date {date}")
    if days is not None:
        n = _number(days)
        if n is None:
            out.append(
                f"lifecycle rule {rule_id!r} expires trail logs after {days!r} days, which cannot be read"
            )
        elif n < TEN_YEARS_DAYS:
            out.append(
                f"lifecycle rule {rule_id!r} expires trail logs after {days} days (< {TEN_YEARS_DAYS})"
            )
    return out


def _lifecycle(b: ResourceView, graph: StackGraph) -> list[str]:
    """Expirations of the lifecycle resources and of a legacy bucket's inline `lifecycleRules`."""
    out = []
    for c in linked(graph, b, LIFECYCLES, "bucket"):
        for rule in c.input("rules") or []:
            if isinstance(rule, dict) and rule.get("status") != "Disabled":
                out += _expiry(
                    rule.get("id"), get_path(rule, "expiration.days"), get_path(rule, "expiration.date")
                )
    for rule in b.input("lifecycleRules") or []:
        if isinstance(rule, dict) and rule.get("enabled") is not False:
            exp = rule.get("expiration")
            for e in exp if isinstance(exp, list) else [exp]:  # a list in older provider versions
                if isinstance(e, dict):
                    out += _expiry(rule.get("id"), e.get("days"), e.get("date"))
    return out


def same_log_groups(graph: StackGraph, groups: list[ResourceView]) -> list[ResourceView]:
    """Round 37: every log group resource of the stack with the physical name of one found — a second
    resource adopting the same log group (an import) sets its retention too, and the last update wins."""
    names = {n for g in groups if isinstance(n := g.input("name"), str) and not is_unknown(n)}
    more = [g for n in sorted(names) for g in graph.named(n) if g.type == LOG_GROUP and g.input("name") == n]
    return list({g.urn: g for g in [*groups, *more]}.values())


def _trail_log_groups(t: ResourceView, graph: StackGraph) -> tuple[list[ResourceView], list[str]]:
    """The trail's CloudWatch log groups: by reference, or by the name in a literal ARN."""
    groups = [g for g in graph.dependency_of(t, "cloudWatchLogsGroupArn") if g.type == LOG_GROUP]
    arn = t.input("cloudWatchLogsGroupArn")
    if groups or not arn:
        return same_log_groups(graph, groups), []
    name = (
        arn.split(":log-group:", 1)[1].split(":", 1)[0]
        if isinstance(arn, str) and ":log-group:" in arn
        else None
    )
    groups = [g for g in graph.named(name) if g.type == LOG_GROUP] if name and not is_unknown(arn) else []
    if groups:
        return same_log_groups(graph, groups), []
    return [], [f"the trail's log group {arn!r} is not in this stack, so its retention cannot be judged"]


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
    if t.input("enableLogFileValidation") is not True:  # round 15: kept is not enough, it must be provable
        out.append(
            "`enableLogFileValidation` is not true: without digest files a changed or removed log file "
            "cannot be detected, so the kept record cannot be relied on"
        )
    groups, problems = _trail_log_groups(t, graph)
    out += problems
    for g in groups:
        cls = g.input("logGroupClass")
        if is_unknown(cls):
            out.append(unknown_message("logGroupClass", "how long the trail's log group keeps events"))
        elif str(cls or "STANDARD").upper() == "DELIVERY":  # AWS keeps Delivery-class events one day
            out.append(
                f"the trail's log group {g.name} is of the DELIVERY class, which keeps events one day "
                f"whatever retentionInDays says; use STANDARD and keep at least {ANALYSIS_DAYS} days"
            )
            continue
        raw = g.input("retentionInDays")
        days = _number(raw)
        if raw is not None and days is None:
            out.append(f"the trail's log group {g.name} keeps {raw!r} days, which cannot be read")
        elif days is not None and 0 < days < ANALYSIS_DAYS:
            out.append(
                f"the trail's log group {g.name} keeps {raw} days; keep at least {ANALYSIS_DAYS} for analysis"
            )
    return out


def _workspace(w: ResourceView, graph: StackGraph) -> list[str]:
    out = _capped(w)
    own = _number(w.input("retentionInDays"))
    tables = linked(graph, w, (TABLE,), "workspaceName")
    if own is not None and own >= TEN_YEARS_DAYS:
        return out + [m for t in tables for m in _overrides(t)]
    if not tables:
        out.append(
            f"the workspace keeps {w.input('retentionInDays')!r} days and no table archives its logs for "
            f"{TEN_YEARS_DAYS} days (totalRetentionInDays)"
        )
        return out
    names = {str(t.input("tableName") or t.name).lower() for t in tables}
    out += [
        f"table {t.name} keeps {t.input('totalRetentionInDays')!r} days in total (< {TEN_YEARS_DAYS})"
        for t in tables
        if not _kept(t)
    ]
    audit = _audit_tables(w, graph)
    if not audit & names:  # a short one is reported above
        out.append(
            f"no audit table ({', '.join(sorted(audit))}) is archived {TEN_YEARS_DAYS} days: the "
            f"other tables fall back to the workspace's {w.input('retentionInDays')!r} days"
        )
    return out


def _audit_tables(w: ResourceView, graph: StackGraph) -> frozenset[str]:
    """AzureActivity; or AzureDiagnostics, for a workspace only resource diagnostic settings feed, each into
    that default table (round 23: a workspace kept for resource audit logs receives no activity log)."""
    feeds = linked(graph, w, RESOURCE_DIAGNOSTICS, "workspaceId")
    if not feeds or linked(graph, w, OTHER_FEEDS, "workspaceId"):
        return AUDIT_TABLES
    for d in feeds:
        uri = d.input("resourceUri")
        if d.input("logAnalyticsDestinationType") not in (None, "AzureDiagnostics") or not (
            isinstance(uri, str) and not is_unknown(uri) and "/providers/" in uri
        ):
            return AUDIT_TABLES
    return AUDIT_TABLES | {"azurediagnostics"}


def _overrides(t: ResourceView) -> list[str]:
    """A table's own retention overrides its workspace's (round 19): the total, else the interactive days
    (-1 or absent: the workspace's)."""
    for fld in ("totalRetentionInDays", "retentionInDays"):
        raw = t.input(fld)
        if is_unknown(raw):
            return [unknown_message(f"{t.name}.{fld}", "how long the table keeps its records")]
        days = _number(raw)
        if raw is None or days == -1:
            continue
        if days is None or days < TEN_YEARS_DAYS:
            return [
                f"table {t.name} keeps {raw!r} days ({fld}), less than {TEN_YEARS_DAYS}: a table's own "
                "retention overrides its workspace's"
            ]
        return []
    return []


def _kept(t: ResourceView) -> bool:
    days = _number(t.input("totalRetentionInDays"))
    return days is not None and days >= TEN_YEARS_DAYS


def _capped(w: ResourceView) -> list[str]:
    """What loses records whatever the retention: a daily ingestion cap drops every record after it is
    reached (-1: none); `immediatePurgeDataOn30Days` removes all data after 30 days."""
    out = []
    cap = get_path(w.inputs, "workspaceCapping.dailyQuotaGb")
    n = _number(cap)
    if cap is not None and not (n is not None and n < 0):
        out.append(
            f"the workspace caps ingestion at {cap!r} GB a day: audit records after the cap are dropped"
        )
    purge = get_path(w.inputs, "features.immediatePurgeDataOn30Days")
    if purge is not None and purge is not False:
        out.append("the workspace purges all data after 30 days (features.immediatePurgeDataOn30Days)")
    return out


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out = [(t.urn, m) for t in graph.by_type(TRAIL) for m in _trail(t, graph)]
    groups = [g for t in graph.by_type(TRAIL) for g in _trail_log_groups(t, graph)[0]]
    out.extend(retention_writers(graph, groups))  # workloads that may shorten it (round 37)
    out.extend((w.urn, m) for w in graph.by_type(WORKSPACE) for m in _workspace(w, graph))
    out.extend(diagnostic_retention(graph, TEN_YEARS_DAYS))  # logs a setting writes to storage (round 16)
    out.extend(auditing_retention(graph, TEN_YEARS_DAYS))  # SQL auditing to storage (round 19)
    out.extend(eks_log_retention(graph, TEN_YEARS_DAYS))  # EKS control-plane audit logs (round 23)
    out.extend(session_log_retention(graph, TEN_YEARS_DAYS))  # Session Manager sessions (round 25)
    out.extend(exec_log_problems(graph, TEN_YEARS_DAYS))  # ECS Exec sessions in containers (round 27)
    out.extend(connection_log_problems(graph, TEN_YEARS_DAYS))  # Client VPN connections (round 26)
    out.extend(access_log_problems(graph, TEN_YEARS_DAYS))  # Verified Access requests (round 26)
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
