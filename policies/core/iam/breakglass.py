"""Break-glass principals: excluded from MFA and separation of duties only where the stack's PIA record
names them (`break_glass: [{principal, alarm, reason}]`) and an enabled alarm with a target watches
their use."""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from typing import Any

import yaml

from policies.core import yaml_text
from policies.core.disabled_keys import disabled_key
from policies.core.iam.statements import as_list
from policies.core.records import records_dir
from policies.core.view import StackGraph, is_unknown

EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
TRAIL = "aws:cloudtrail/trail:Trail"


def records(stack: str, key: str = "break_glass") -> list[dict[str, Any]]:
    """The `break_glass` (or another list's) entries of the stack's PIA record (read-only; the record itself
    is validated by require-pia-record)."""
    path = records_dir() / "pia" / f"{stack}.yaml"
    try:
        data = _record_yaml(path.read_text())
    except (OSError, yaml.YAMLError):
        return []
    entries = data.get(key) if isinstance(data, dict) else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


@functools.lru_cache(maxsize=16)
def _record_yaml(text: str) -> Any:
    """The record's YAML, parsed once per text (rules ask for it ~8 times per stack; the file is read on
    every call, so a changed record is seen). Shared: read-only, as `records` says."""
    return yaml_text.safe_load(text)


def entry_for(entries: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any] | None:
    """The record naming principal `name` (an ARN ending in `:role/<name>` / `:user/<name>`, or the name)."""
    for e in entries:
        p = str(e.get("principal", ""))
        if p == name or p.endswith(f":{kind}/{name}") or (p.endswith(f"/{name}") and f":{kind}/" in p):
            return e
    return None


def alarmed(graph: StackGraph, alarm: Any, principal: str) -> str:
    """ "" when an enabled event rule with a target, or an enabled metric alarm with actions, named
    `alarm` watches the principal (its event pattern, or the metric filter on a trail's log group feeding
    the alarm, compares a CloudTrail identity field with its name, or an ARN or session ARN with it,
    wildcards and prefixes as CloudWatch matches them); else what is missing.
    A watcher found by name proves nothing by itself: it could watch anything."""
    if not isinstance(alarm, str) or not alarm:
        return "the PIA record names no alarm for it"
    named = False
    for rule in graph.by_type(EVENT_RULE):
        if (
            alarm in (rule.name, rule.input("name"))
            and rule.input("state") not in ("DISABLED",)
            and rule.input("isEnabled") is not False
            and on_default_bus(rule)
            and has_target(graph, rule)
        ):
            named = True
            if any(
                _watches(event_values(alt), event_fields(alt), principal)
                for alt in alternatives(rule.input("eventPattern"))
            ):
                return ""
    for a in graph.by_type(ALARM):
        if (
            alarm in (a.name, a.input("name"), a.input("alarmName"))
            and a.input("actionsEnabled") is not False
            and notifies(graph, a)
        ):
            named = True
            if any(
                _watches(filter_values(f.input("pattern")), filter_fields(f.input("pattern")), principal)
                for f in _filters_of(graph, a)
            ):
                return ""
    if named:
        return (
            f"the enabled {alarm!r} with a target does not watch it: its event pattern, or the "
            "metric filter feeding the alarm (on the log group a trail delivers to), must compare a "
            "CloudTrail identity field (e.g. "
            "requestParameters.roleArn, userIdentity.arn) with the principal or its ARN, and select "
            "nothing else (an event name or source narrows it to some uses; only AssumeRole events may "
            "be selected with the assumed role's ARN; an unknown or unparsable pattern cannot be judged)"
        )
    return (
        f"no enabled alarm or event rule with a target named {alarm!r} watches its use (an event rule counts "
        "on the default event bus only, where CloudTrail delivers)"
    )


# CloudTrail fields that say who acted or which role was assumed (event patterns: under `detail`)
IDENTITY_FIELDS = frozenset(
    {
        "requestParameters.roleArn",
        "requestParameters.userName",
        "responseElements.assumedRoleUser.arn",
        "userIdentity.arn",
        "userIdentity.userName",
        "userIdentity.principalId",
        "userIdentity.sessionContext.sessionIssuer.arn",
        "userIdentity.sessionContext.sessionIssuer.userName",
    }
)


def _names(values: list[tuple[str, str]], principal: str) -> bool:
    """Whether a value compared with an identity field names the principal: equal to it, an ARN with it
    as a path segment, or a glob matching it that is more than wildcards (`*` alone watches no one)."""
    return bool(principal) and any(
        field in IDENTITY_FIELDS
        and value.strip("*?")
        and (fnmatch.fnmatchcase(principal, value) or principal in value.split("/"))
        for field, value in values
    )


# Fields that name an assumption of the role: selecting STS AssumeRole* events with them still sees every use.
_ASSUMPTION_FIELDS = frozenset({"requestParameters.roleArn", "responseElements.assumedRoleUser.arn"})
_API_CALLS = "AWS API Call via CloudTrail"


def _watches(values: list[tuple[str, str]], fields: dict[str, list[str]], principal: str) -> bool:
    """The pattern names the principal and selects every use of it: any other field it constrains is an
    identity field, the CloudTrail API-call detail type, or — with an assumption field — STS AssumeRole*
    events. Closed world: an event name, source, region or error code elsewhere narrows it to some uses."""
    if not _names(values, principal):
        return False
    assumption = _names([(f, v) for f, v in values if f in _ASSUMPTION_FIELDS], principal)

    def free(field: str, vals: list[str]) -> bool:
        if field in IDENTITY_FIELDS:
            return True
        if field == "detail-type":
            return _API_CALLS in vals
        if assumption and field in ("source", "eventSource"):
            return bool({"aws.sts", "sts.amazonaws.com"} & set(vals))
        return assumption and field == "eventName" and any(v.startswith("AssumeRole") for v in vals)

    return all(free(f, vals) for f, vals in fields.items())


_MAX_ALTERNATIVES = 64


def _parsed(text: str) -> Any:
    """An event pattern given as JSON text, parsed; None when it is unknown or not JSON (nothing matched)."""
    if is_unknown(text):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def alternatives(pattern: Any) -> list[Any]:
    """The plain patterns an EventBridge pattern's `$or` blocks stand for (the rule matches an event when one
    of them does): each branch merged with the rest of its object. A branch that selects every use of a
    principal makes the whole rule do so. [] when the pattern cannot be read or expands beyond 64."""
    if isinstance(pattern, str) and (pattern := _parsed(pattern)) is None:
        return []
    out = _expand(pattern)
    return out if len(out) <= _MAX_ALTERNATIVES else []


def _expand(node: Any) -> list[Any]:
    if not isinstance(node, dict):
        return [node]
    alts: list[dict[str, Any]] = [{}]
    for key, value in node.items():
        if key == "$or":
            branches = [b for item in as_list(value) for b in _expand(item)]
            options = [b for b in branches if isinstance(b, dict)]
            alts = [_merge(a, b) for a in alts for b in options]
        else:
            alts = [{**a, key: v} for a in alts for v in _expand(value)]
        if len(alts) > _MAX_ALTERNATIVES:
            return alts
    return alts


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Both constraints kept: objects merged deeply; a field both constrain (an intersection the reader does
    not compute) becomes a constraint no watcher accepts, so it narrows — never widens — what is judged."""
    out = dict(a)
    for key, value in b.items():
        if key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value)
        elif key in out:
            out[key] = {"$both": [out[key], value]}
        else:
            out[key] = value
    return out


def event_fields(pattern: Any, path: str = "") -> dict[str, list[str]]:
    """{field: exact string values} of every field an EventBridge pattern constrains (an operator such as
    `anything-but`, `exists`, `numeric` or a prefix constrains it with no exact value)."""
    if isinstance(pattern, str) and not path:
        try:
            pattern = json.loads(pattern) if not is_unknown(pattern) else {}
        except ValueError:
            return {}
    out: dict[str, list[str]] = {}
    if not isinstance(pattern, dict):
        return out
    for key, value in pattern.items():
        inner = key if not path or path == "detail" else f"{path}.{key}"
        if isinstance(value, dict):
            for f, vals in event_fields(value, inner).items():
                out.setdefault(f, []).extend(vals)
        else:
            out.setdefault(inner, []).extend(v for v in as_list(value) if isinstance(v, str))
    return out


def filter_fields(pattern: Any) -> dict[str, list[str]]:
    """{field: values compared with `=`} of every field a CloudWatch Logs filter pattern tests (any
    operator: `!=`, `NOT EXISTS`, numbers)."""
    if not isinstance(pattern, str) or is_unknown(pattern):
        return {}
    out: dict[str, list[str]] = {re.sub(r"\[\d*\]", "", f): [] for f in _FIELD.findall(pattern)}
    for field, value in filter_values(pattern):
        out.setdefault(field, []).append(value)
    return out


def event_values(pattern: Any, path: str = "") -> list[tuple[str, str]]:
    """(field, string) pairs an EventBridge pattern matches (`prefix`/`suffix`/`wildcard` as globs;
    fields without the leading `detail.`)."""
    if isinstance(pattern, str) and not path and (pattern := _parsed(pattern)) is None:
        return []
    if isinstance(pattern, list):
        return [v for item in pattern for v in event_values(item, path)]
    if not isinstance(pattern, dict):
        return [(path, pattern)] if isinstance(pattern, str) and not is_unknown(pattern) else []
    globs = {"prefix": "{}*", "suffix": "*{}", "wildcard": "{}", "equals-ignore-case": "{}"}
    out: list[tuple[str, str]] = []
    for key, value in pattern.items():
        if key in globs and isinstance(value, str):
            out.append((path, globs[key].format(value)))
        elif key not in ("anything-but", "exists", "numeric", "cidr"):
            inner = key if not path or path == "detail" else f"{path}.{key}"
            out.extend(event_values(value, inner))
    return out


_FIELD = re.compile(r"\$\.([A-Za-z0-9_.\[\]]+)")
_TERM = re.compile(r"""\$\.([A-Za-z0-9_.\[\]]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s)&|"]+))""")


def filter_values(pattern: Any) -> list[tuple[str, str]]:
    """(field, value) pairs a CloudWatch Logs filter pattern compares with `=` (`*` is its wildcard)."""
    if not isinstance(pattern, str) or is_unknown(pattern):
        return []
    return [(re.sub(r"\[\d*\]", "", field), quoted or bare) for field, quoted, bare in _TERM.findall(pattern)]


def _trail_log_groups(graph: StackGraph) -> set[str]:
    """Names of the log groups a CloudTrail trail of the stack delivers to (a filter elsewhere sees no
    CloudTrail event)."""
    names = set()
    for trail in graph.by_type(TRAIL):
        arn = trail.input("cloudWatchLogsGroupArn")
        if isinstance(arn, str) and not is_unknown(arn) and ":log-group:" in arn:
            names.add(arn.split(":log-group:", 1)[1].removesuffix(":*"))
    return names


def _filters_of(graph: StackGraph, alarm: Any) -> list[Any]:
    """The log metric filters on a trail's log group that produce the alarm's metric (or one of its
    metric queries')."""
    metrics = {(alarm.input("namespace"), alarm.input("metricName"))}
    for q in alarm.input("metricQueries") or []:
        metric = q.get("metric") if isinstance(q, dict) else None
        if isinstance(metric, dict):
            metrics.add((metric.get("namespace"), metric.get("metricName")))
    found = []
    trails = _trail_log_groups(graph)
    for f in graph.by_type(METRIC_FILTER):
        if f.input("logGroupName") not in trails:
            continue
        t = f.input("metricTransformation")
        t = t[0] if isinstance(t, list) and t else t
        if isinstance(t, dict) and (t.get("namespace"), t.get("name")) in metrics:
            found.append(f)
    return found


def on_default_bus(rule: Any) -> bool:
    """CloudTrail delivers an account's events to its default event bus only: a rule on a custom bus never
    sees them (a forwarding rule is not followed: put the watcher on the default bus)."""
    bus = rule.input("eventBusName")
    return bus is None or (isinstance(bus, str) and (bus == "default" or bus.endswith(":event-bus/default")))


def has_target(graph: StackGraph, rule: Any) -> bool:
    names = {rule.name, rule.input("name")} - {None}
    for t in graph.by_type(EVENT_TARGET):
        value = t.input("rule")
        if rule.urn in t.property_dependencies.get("rule", ()) or (
            isinstance(value, str) and not is_unknown(value) and value in names
        ):
            return bool(t.input("arn"))
    return False


# Alarm actions that tell someone: a topic, a function, an OpsItem or an incident. EC2 and Auto Scaling
# actions (arn:aws:automate:…, scaling policies) change a host and notify no one.
_NOTIFY_ARNS = re.compile(r"^arn:aws[\w-]*:(sns|lambda|ssm|ssm-incidents):")
_NOTIFY_TYPES = (
    "aws:sns/topic:Topic",
    "aws:lambda/function:Function",
    "aws:ssmincidents/responsePlan:ResponsePlan",
)


def notifies(graph: StackGraph, alarm: Any) -> bool:
    """The alarm has an action that reaches people (by ARN, or computed from such a resource)."""
    if not alarm.input("alarmActions"):
        return False
    if any(_reaches(graph, d) for d in graph.dependency_of(alarm, "alarmActions")):
        return True
    return any(
        isinstance(a, str) and _NOTIFY_ARNS.match(a) and _declared(graph, a)
        for a in as_list(alarm.input("alarmActions"))
    )


def _reaches(graph: StackGraph, target: Any) -> bool:
    """A notifying resource that can deliver: round 95, a topic under a disabled key publishes nothing."""
    return target.type in _NOTIFY_TYPES and not (
        target.type == _NOTIFY_TYPES[0] and disabled_key(graph, target, "kmsMasterKeyId")
    )


def _declared(graph: StackGraph, arn: str) -> bool:
    """A topic or function named by literal ARN is one the stack creates (same name): a topic nobody made,
    or made by hand without subscribers, tells no one (round 15). OpsItems and incidents are no resources."""
    parts = arn.split(":")
    if parts[2] not in ("sns", "lambda") or len(parts) < 6:
        return True
    name = parts[5] if parts[2] == "sns" else parts[6] if len(parts) > 6 else ""
    type_ = _NOTIFY_TYPES[0] if parts[2] == "sns" else _NOTIFY_TYPES[1]
    return any(r.input("name") == name and _reaches(graph, r) for r in graph.by_type(type_))  # physical name
