"""A security event management standard for the whole environment: Sentinel with a diagnostic setting per
data-bearing Azure resource (D36 §101 6th); a multi-region, validated, KMS-encrypted CloudTrail and alarms on
root use and key disable/deletion (DPA annex 3 b.vii, a.iii)."""

from __future__ import annotations

import fnmatch

from policies.core import data_collection, mq_sign_in, org_delegates, siem_forwarding, sql_audits
from policies.core import pia_audit_categories as audit
from policies.core import pia_siem as siem
from policies.core.api_access_logs import unlogged_event_apis, unlogged_graphql, unlogged_stages
from policies.core.disabled_keys import disabled_key
from policies.core.eks_logs import eks_unlogged
from policies.core.iam.breakglass import event_values, filter_values, has_target, notifies, on_default_bus
from policies.core.rule import Rule, RuleContext
from policies.core.types import AWS_DATA_STORES, KEYS
from policies.core.view import ResourceView, StackGraph, is_unknown
from policies.data.audit_log_categories import AUDIT_CATEGORIES

SENTINEL_TYPES = (
    "azure-native:securityinsights:SentinelOnboardingState",
    "azure-native:operationsmanagement:Solution",
)
DIAGNOSTIC = ("azure-native:insights:DiagnosticSetting", "azure-native:monitor:DiagnosticSetting")
TRAIL = "aws:cloudtrail/trail:Trail"
SIEM_OUTPUT = "socTopicArn"
ALARM_PATTERNS: dict[str, tuple[str, ...]] = {
    "root account use": ("Root",),
    "KMS key disable or scheduled deletion": ("DisableKey", "ScheduleKeyDeletion"),
}
# Azure resources that are themselves the SIEM's plumbing (no diagnostic setting required on them).
_NO_DIAGNOSTICS = frozenset({"azure-native:storage:BlobContainer", "azure-native:compute:Snapshot"})


def _sentinel(graph: StackGraph) -> bool:
    for r in graph.by_type(*SENTINEL_TYPES):
        if r.type.endswith("SentinelOnboardingState"):
            return True
        plan = r.input("plan") or {}
        if isinstance(plan, dict) and "SecurityInsights" in str(plan.get("product", "")):
            return True
    return False


def _diagnosed(graph: StackGraph, stores: set[str]) -> tuple[set[str], list[tuple[str, str]]]:
    """The URNs the settings send audit logs of, and the settings whose named categories carry no audit
    events of a store (or of a type whose audit categories are known)."""
    urns: set[str] = set()
    gaps: list[tuple[str, str]] = []
    ids: set[str] = set()  # an id's resources are added once (a tiled stack repeats its names)
    for d in graph.by_type(*DIAGNOSTIC):
        if not siem.destination_in_stack(graph, d) or not _sends_audit_logs(d):
            continue
        gap = audit.category_gap(graph, d)
        covered = {*d.property_dependencies.get("resourceUri", ()), *siem.accounts_of_services(graph, d)}
        uri = d.input("resourceUri")
        if isinstance(uri, str) and not is_unknown(uri):
            rid = uri.rstrip("/").lower()
            if gap is not None or rid not in ids:
                covered.update(r.urn for r in siem.diagnosed(graph, uri))
                ids.update([rid] if gap is None else [])  # a gap counts for nothing
        if gap is None:
            urns |= covered
        elif covered & stores or audit.arm_type(graph, d) in AUDIT_CATEGORIES:
            gaps.append((d.urn, gap))
    return urns, gaps


_AUDIT_GROUPS = frozenset({"audit", "alllogs"})


def _sends_audit_logs(d: ResourceView) -> bool:
    """A setting sends logs: some log entry is enabled, and the audit groups are not switched off while only
    other categories stay on. Metrics alone are no security events. Neither logs nor metrics: Azure refuses
    the setting, nothing deploys (the corpus' short form)."""
    logs = d.input("logs")
    if logs is None:
        return d.input("metrics") is None
    if is_unknown(logs) or not isinstance(logs, list):
        return False
    entries = [e for e in logs if isinstance(e, dict)]
    on = [e for e in entries if e.get("enabled") is True]
    groups = {str(e.get("categoryGroup", "")).lower(): e.get("enabled") is True for e in entries}
    if any(g in groups for g in _AUDIT_GROUPS) and not any(groups.get(g) for g in _AUDIT_GROUPS):
        return False  # audit/allLogs explicitly off: a harmless category left on does not carry the audit
    return bool(on)


def _trail_problems(t: ResourceView, graph: StackGraph) -> list[str]:
    out = []
    if key := disabled_key(graph, t, "kmsKeyId"):  # round 95
        out.append(f"the trail's KMS key {key!r} is disabled (`isEnabled`): CloudTrail writes no log file")
    for field, want in (("isMultiRegionTrail", True), ("enableLogFileValidation", True)):
        if t.input(field) is not want:
            out.append(f"`{field}` must be true")
    if t.input("enableLogging") is False:
        out.append("`enableLogging` is false")
    if not t.input("kmsKeyId"):
        out.append("`kmsKeyId` is not set: the trail must be encrypted with a customer-managed key")
    if not _management_events(t):
        out.append("the trail's event selectors record no management events: who changed what is not logged")
    return out


def _management_events(t: ResourceView) -> bool:
    """Management write events (who changed what) are recorded by default; selectors can switch them off,
    or keep only the read-only ones (readWriteType ReadOnly, an advanced `readOnly` = true selector)."""
    basic = t.input("eventSelectors")
    advanced = t.input("advancedEventSelectors")
    if isinstance(advanced, list) and advanced:
        return any(
            isinstance(sel, dict) and _all_management_writes(sel.get("fieldSelectors") or [])
            for sel in advanced
        )
    if isinstance(basic, list) and basic:
        return any(
            isinstance(sel, dict)
            and sel.get("includeManagementEvents", True) is not False
            and sel.get("readWriteType", "All") in ("All", "WriteOnly")
            and not sel.get("excludeManagementEventSources")  # e.g. KMS: key deletion would go unlogged
            for sel in basic
        )
    return True


def _all_management_writes(fields: list) -> bool:
    """An advanced selector that records every management write: eventCategory Management, at most a
    `readOnly` = false filter; any other field selector (eventSource, eventName, ...) leaves events out."""
    by_field = {f.get("field"): f for f in fields if isinstance(f, dict)}
    category = by_field.pop("eventCategory", {})
    read_only = by_field.pop("readOnly", None)
    writes = read_only is None or [str(x).lower() for x in read_only.get("equals") or []] == ["false"]
    return "Management" in (category.get("equals") or []) and writes and not by_field


def _alarmed(graph: StackGraph) -> list[str]:
    """Which required SIEM alarms are missing (metric filter + alarm with actions, or an event rule)."""
    filters = graph.by_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    alarms = graph.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    rules = graph.by_type("aws:cloudwatch/eventRule:EventRule")
    alarmed_metrics = [
        a
        for a in alarms
        if notifies(graph, a) and a.input("actionsEnabled") is not False and _fires_on_one(a)
    ]
    rules = [
        r
        for r in rules
        if r.input("state") != "DISABLED"
        and r.input("isEnabled") is not False
        and on_default_bus(r)  # CloudTrail events arrive on the default bus only
        and has_target(graph, r)
    ]
    missing = []
    fed = _trail_fed(graph)
    filters = [
        f
        for f in filters
        if f.input("logGroupName") in fed or set(f.property_dependencies.get("logGroupName", ())) & fed
    ]
    for what, words in ALARM_PATTERNS.items():
        ok = False
        for f in filters:
            values = {v for _, v in filter_values(f.input("pattern"))}
            mt = f.input("metricTransformation") or {}
            if (
                all(_matched(w, values) for w in words)
                and isinstance(mt, dict)
                and any(_watches(a, mt) for a in alarmed_metrics)
            ):
                ok = True
        for r in rules:
            values = {v for _, v in event_values(r.input("eventPattern"))}
            if all(_matched(w, values) for w in words):
                ok = True
        if not ok:
            missing.append(what)
    return missing


def _watches(alarm: ResourceView, mt: dict) -> bool:
    """The alarm reads the datapoints the filter publishes: same namespace and name, a unit the filter
    gives them (none given: the alarm must not ask for one), and the dimensions the filter emits."""
    if (alarm.input("namespace"), alarm.input("metricName")) != (mt.get("namespace"), mt.get("name")):
        return False
    unit = alarm.input("unit")
    if unit is not None and unit != (mt.get("unit") or "None"):
        return False
    dims = alarm.input("dimensions") or {}
    return isinstance(dims, dict) and set(dims) == set(mt.get("dimensions") or {})


def _fires_on_one(alarm: ResourceView) -> bool:
    """The alarm fires on a single event (one root sign-in, one key deletion), not only on many (a second
    breaching period required by datapointsToAlarm never comes)."""
    points = alarm.input("datapointsToAlarm", alarm.input("evaluationPeriods"))
    if not isinstance(points, int | float) or points > 1:
        return False
    op, threshold = alarm.input("comparisonOperator"), alarm.input("threshold")
    if not isinstance(threshold, int | float):
        return False  # an anomaly band or metric math cannot be judged to fire on one event
    return (op == "GreaterThanOrEqualToThreshold" and threshold <= 1) or (
        op == "GreaterThanThreshold" and threshold < 1
    )


def _matched(word: str, values: set[str]) -> bool:
    """A pattern compares a field with the word itself (or a glob matching it): a look-alike name
    (DisableKeyRotation) or an `anything-but` of it does not catch the event."""
    return any(fnmatch.fnmatchcase(word, v) for v in values)


def _trail_fed(graph: StackGraph, filterable: bool = True) -> set[str]:
    """Names and URNs of the log groups a trail of the stack delivers to: a filter elsewhere sees nothing."""
    out = set()
    for t in graph.by_type(TRAIL):
        if not _management_events(t) or t.input("enableLogging") is False or not siem.all_regions(t):
            continue  # a stopped trail, one leaving management events out or one region, cannot feed them
        out.update(t.property_dependencies.get("cloudWatchLogsGroupArn", ()))
        arn = t.input("cloudWatchLogsGroupArn")
        if isinstance(arn, str) and not is_unknown(arn) and ":log-group:" in arn:
            out.add(arn.split(":log-group:", 1)[1].removesuffix(":*"))
    return out - _unfilterable(graph) if filterable else out


def _unfilterable(graph: StackGraph) -> set[str]:
    """Names and URNs of log groups whose class has no metric filters (INFREQUENT_ACCESS, DELIVERY): only
    STANDARD (the default) feeds alarms; an unknown class cannot be judged to. Round 95: nor does a group
    under a disabled key, which takes no event."""
    out = set()
    for g in graph.by_type("aws:cloudwatch/logGroup:LogGroup"):
        if g.input("logGroupClass") in (None, "STANDARD") and not disabled_key(graph, g, "kmsKeyId"):
            continue
        out.add(g.urn)
        if isinstance(g.input("name"), str):
            out.add(g.input("name"))
    return out


def _unfiltered_why(graph: StackGraph, g: ResourceView) -> str:
    if key := disabled_key(graph, g, "kmsKeyId"):
        return (
            f"the trail's log group is encrypted with the disabled KMS key {key!r}: it takes no event, so "
            "the SIEM alarms never fire (enable the key)"
        )
    return (
        f"the trail's log group has class {g.input('logGroupClass')!r}, which supports no metric filters: "
        "the SIEM alarms never see its events (use STANDARD)"
    )


def _account_siem_referenced(graph: StackGraph) -> bool:
    """CloudTrail and its alarms are account-wide: a stack may rely on the referenced stack that runs them
    (it exports `socTopicArn`, e.g. portal-prod for interconnect-prod)."""
    for ref in graph.by_type("pulumi:pulumi:StackReference"):
        outputs = ref.input("outputs")
        if (
            isinstance(outputs, dict)
            and isinstance(outputs.get(SIEM_OUTPUT), str)
            and not is_unknown(outputs[SIEM_OUTPUT])
        ):
            return True
    return False


_DETECTION_FEATURES = {
    "aws:guardduty/detectorFeature:DetectorFeature": "status",
    "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature": "autoEnable",
}


def _detection_off(graph: StackGraph) -> list[tuple[str, str]]:
    """Threat detection the stack sets must be on: a GuardDuty detector created suspended, or a Defender
    plan on the Free tier, silences what the SOC is told (whether they exist is the preflight's check)."""
    out = [
        (d.urn, "the GuardDuty detector is created suspended (`enable` false): no findings reach the SOC")
        for d in graph.by_type("aws:guardduty/detector:Detector")
        if d.input("enable") is False
    ]
    for f in graph.by_type(*_DETECTION_FEATURES):  # round 12: a feature switched off in a running detector
        fld = _DETECTION_FEATURES[f.type]
        status = f.input(fld)
        if is_unknown(status) or str(status).upper() not in ("ENABLED", "NEW", "ALL"):
            why = f"GuardDuty feature {f.input('name')!r} has `{fld}` {status!r}: it detects nothing"
            out.append((f.urn, why))
    for p in graph.by_type("azure-native:security:Pricing"):
        tier = p.input("pricingTier")
        if is_unknown(tier) or str(tier).lower() != "standard":
            out.append(
                (
                    p.urn,
                    f"the Defender plan {p.input('pricingName')!r} is on tier {tier!r}: only Standard "
                    "detects threats",
                )
            )
    return out


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = sql_audits.judged(graph) + _detection_off(graph) + unlogged_stages(graph)
    out += unlogged_graphql(graph)  # AppSync request logs (round 31)
    out += unlogged_event_apis(graph)  # AppSync Event API logs (round 33)
    out += data_collection.unsent_collections(graph)  # machines' logs through collection rules (round 89)
    out += data_collection.dropping_transforms(graph)  # ... and transformations that may drop them
    out += eks_unlogged(graph)  # EKS control-plane audit and sign-in logs (round 23)
    out += mq_sign_in.unaudited(graph)  # ActiveMQ audit logs (round 42)
    out += org_delegates.foreign_delegates(graph)  # delegated administrators (round 46)
    out += siem_forwarding.unforwarded_sessions(graph)  # admin sessions reach the SIEM (round 49)
    out += siem_forwarding.unforwarded_exec(graph)  # ... and ECS Exec sessions (round 50)
    out += siem_forwarding.unforwarded_tunnels(graph, _trail_fed(graph))  # ... Instance Connect (round 52)
    azure = [r for r in graph.resources if r.type in siem.LOGGED_STORES and r.type not in _NO_DIAGNOSTICS]
    if azure:
        if not _sentinel(graph):
            out.append(
                (
                    "",
                    "no Microsoft Sentinel onboarding (SentinelOnboardingState or SecurityInsights "
                    "solution) for the Log Analytics workspace",
                )
            )
        diagnosed, gaps = _diagnosed(graph, {r.urn for r in azure})
        out.extend(gaps)  # session 18: categories that carry no audit events
        sending = [
            d
            for d in graph.by_type(*DIAGNOSTIC)
            if siem.destination_in_stack(graph, d)
            and _sends_audit_logs(d)
            and audit.category_gap(graph, d) is None
        ]
        out.extend(siem.unlogged_services(graph, sending))  # every service holding data (round 29)
        out.extend(
            (r.urn, "no diagnostic setting sends this resource's logs to the SIEM workspace")
            for r in azure
            if r.urn not in diagnosed
        )
    aws = any(r.type in AWS_DATA_STORES or (r.type in KEYS and r.cloud == "aws") for r in graph.resources)
    if aws and not _account_siem_referenced(graph):
        trails = graph.by_type(TRAIL)
        if not trails:
            out.append(
                ("", "no CloudTrail trail records who did what (multi-region, validated, KMS-encrypted)")
            )
        elif all(_trail_problems(t, graph) for t in trails):
            for t in trails:
                out.extend((t.urn, m) for m in _trail_problems(t, graph))
        out.extend(("", f"no CloudWatch alarm with actions (or event rule) on {m}") for m in _alarmed(graph))
        out.extend(siem.one_region_feeds(graph))
        fed, unfilterable = _trail_fed(graph, filterable=False), _unfilterable(graph)
        out.extend(
            (g.urn, _unfiltered_why(graph, g))
            for g in graph.by_type("aws:cloudwatch/logGroup:LogGroup")
            if g.urn in unfilterable and ({g.urn, g.input("name")} & fed)
        )
    return out


RULE = Rule(
    id="require-siem-logging",
    title="Security events of every data-bearing resource reach the SIEM, with alarms on root use and key "
    "deletion.",
    severity="high",
    remediation="Onboard Sentinel and add a DiagnosticSetting per Azure data store; keep a multi-region "
    "CloudTrail with management events, log file validation and kmsKeyId; alarm (enabled, with a target) "
    "on root use and kms:DisableKey/ScheduleKeyDeletion.",
    controls=("PIA-05", "LOG-01", "LOG-02", "LOG-03", "IAM-02", "IAM-08", "ACC-06"),
    check=check,
    module=__name__,
    scope="stack",
)
