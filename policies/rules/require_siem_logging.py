"""A security event management standard for the whole environment: Sentinel with a diagnostic setting per
data-bearing Azure resource (D36 §101 6th); a multi-region, validated, KMS-encrypted CloudTrail and alarms on
root use and key disable/deletion (DPA annex 3 b.vii, a.iii)."""

from __future__ import annotations

from policies.core.iam.breakglass import has_target
from policies.core.rule import Rule, RuleContext
from policies.core.types import AWS_DATA_STORES, AZURE_DATA_STORES, KEYS
from policies.core.view import ResourceView, StackGraph, is_unknown

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


def _diagnosed(graph: StackGraph) -> set[str]:
    urns: set[str] = set()
    names: set[str] = set()   # a name's resources are added once (a tiled stack repeats its names)
    for d in graph.by_type(*DIAGNOSTIC):
        if not (d.input("workspaceId") or d.input("storageAccountId")):
            continue
        urns.update(d.property_dependencies.get("resourceUri", ()))
        uri = d.input("resourceUri")
        if isinstance(uri, str) and not is_unknown(uri):
            name = uri.rsplit("/", 1)[-1]
            if name not in names:
                names.add(name)
                urns.update([r.urn for r in graph.named(name)])
    return urns


def _trail_problems(t: ResourceView) -> list[str]:
    out = []
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
            isinstance(sel, dict)
            and any(
                isinstance(f, dict)
                and f.get("field") == "eventCategory"
                and "Management" in (f.get("equals") or [])
                for f in sel.get("fieldSelectors") or []
            )
            and not any(
                isinstance(f, dict)
                and f.get("field") == "readOnly"
                and "true" in [str(x).lower() for x in f.get("equals") or []]
                for f in sel.get("fieldSelectors") or []
            )
            for sel in advanced
        )
    if isinstance(basic, list) and basic:
        return any(
            isinstance(sel, dict)
            and sel.get("includeManagementEvents", True) is not False
            and sel.get("readWriteType", "All") in ("All", "WriteOnly")
            for sel in basic
        )
    return True


def _alarmed(graph: StackGraph) -> list[str]:
    """Which required SIEM alarms are missing (metric filter + alarm with actions, or an event rule)."""
    filters = graph.by_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    alarms = graph.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    rules = graph.by_type("aws:cloudwatch/eventRule:EventRule")
    alarmed_metrics = {
        (a.input("namespace"), a.input("metricName"))
        for a in alarms
        if a.input("alarmActions") and a.input("actionsEnabled") is not False
    }
    rules = [
        r
        for r in rules
        if r.input("state") != "DISABLED" and r.input("isEnabled") is not False and has_target(graph, r)
    ]
    missing = []
    for what, words in ALARM_PATTERNS.items():
        ok = False
        for f in filters:
            pattern = str(f.input("pattern", ""))
            mt = f.input("metricTransformation") or {}
            if (
                all(w in pattern for w in words)
                and isinstance(mt, dict)
                and (mt.get("namespace"), mt.get("name")) in alarmed_metrics
            ):
                ok = True
        for r in rules:
            if all(w in str(r.input("eventPattern", "")) for w in words):
                ok = True
        if not ok:
            missing.append(what)
    return missing


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


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    azure = [r for r in graph.resources if r.type in AZURE_DATA_STORES and r.type not in _NO_DIAGNOSTICS]
    if azure:
        if not _sentinel(graph):
            out.append(
                (
                    "",
                    "no Microsoft Sentinel onboarding (SentinelOnboardingState or SecurityInsights "
                    "solution) for the Log Analytics workspace",
                )
            )
        diagnosed = _diagnosed(graph)
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
        elif all(_trail_problems(t) for t in trails):
            for t in trails:
                out.extend((t.urn, m) for m in _trail_problems(t))
        out.extend(("", f"no CloudWatch alarm with actions (or event rule) on {m}") for m in _alarmed(graph))
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
