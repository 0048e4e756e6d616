"""Break-glass principals: excluded from MFA and separation of duties only where the stack's PIA record
names them (`break_glass: [{principal, alarm, reason}]`) and an enabled alarm with a target watches
their use."""

from __future__ import annotations

from typing import Any

import yaml

from policies.core.records import records_dir
from policies.core.view import StackGraph, is_unknown

EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def records(stack: str) -> list[dict[str, Any]]:
    """The `break_glass` entries of the stack's PIA record (read-only; the record itself is validated by
    require-pia-record)."""
    path = records_dir() / "pia" / f"{stack}.yaml"
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        return []
    entries = data.get("break_glass") if isinstance(data, dict) else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def entry_for(entries: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any] | None:
    """The record naming principal `name` (an ARN ending in `:role/<name>` / `:user/<name>`, or the name)."""
    for e in entries:
        p = str(e.get("principal", ""))
        if p == name or p.endswith(f":{kind}/{name}") or (p.endswith(f"/{name}") and f":{kind}/" in p):
            return e
    return None


def alarmed(graph: StackGraph, alarm: Any) -> bool:
    """An enabled event rule with a target, or an enabled metric alarm with actions, named `alarm`."""
    if not isinstance(alarm, str) or not alarm:
        return False
    for rule in graph.by_type(EVENT_RULE):
        if (
            alarm in (rule.name, rule.input("name"))
            and rule.input("state") not in ("DISABLED",)
            and rule.input("isEnabled") is not False
            and has_target(graph, rule)
        ):
            return True
    for a in graph.by_type(ALARM):
        if (
            alarm in (a.name, a.input("name"), a.input("alarmName"))
            and a.input("actionsEnabled") is not False
            and a.input("alarmActions")
        ):
            return True
    return False


def has_target(graph: StackGraph, rule: Any) -> bool:
    names = {rule.name, rule.input("name")} - {None}
    for t in graph.by_type(EVENT_TARGET):
        value = t.input("rule")
        if rule.urn in t.property_dependencies.get("rule", ()) or (
            isinstance(value, str) and not is_unknown(value) and value in names
        ):
            return bool(t.input("arn"))
    return False
