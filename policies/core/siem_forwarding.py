"""Administrators' shell sessions forwarded to the SIEM (round 49). Session Manager records what an
administrator typed on a host in a log group of the stack (round 25); kept there, the SOC never sees it. A
CloudWatch Logs subscription filter forwards a log group's events as they arrive, and the SIEM is what the
endpoints record declares with class `siem` (the SOC's CloudWatch Logs destination, by ARN prefix): a Kinesis
stream, Firehose or Lambda of the stack is the stack's own consumer, not shown to reach the SOC. So each
session log group needs a filter with an empty pattern (every event; any other pattern keeps only the events
it matches) to a declared SIEM destination, and the preferences must stream (`cloudWatchStreamingEnabled`:
false uploads a session only when it ends, and one left open is never seen)."""

from __future__ import annotations

from typing import Any

from policies.core.ecs_exec import exec_log_problems
from policies.core.endpoints import find, load_endpoints
from policies.core.exposure import INSTANCE_CONNECT
from policies.core.pia_aws_paths import same_account
from policies.core.records import current_stack
from policies.core.session_prefs import sessions, stack_log_group
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

SUBSCRIPTION = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
_OWN_ACCOUNT = same_account("destinationArn")


def declared_siem(arn: Any) -> bool:
    """The ARN is a SIEM destination the endpoints record declares (class `siem`) for this stack."""
    if not isinstance(arn, str) or is_unknown(arn):
        return False
    endpoint = find(load_endpoints(current_stack()), "arn", arn)
    return endpoint is not None and endpoint.cls == "siem"


def filter_destination(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: a filter forwards to the stack's own account or to the declared SIEM."""
    return [] if declared_siem(r.input("destinationArn")) else _OWN_ACCOUNT(r, graph)


def _filters(graph: StackGraph, g: ResourceView) -> list[ResourceView]:
    """The stack's subscription filters on log group `g` (named, or fed from it)."""
    return [
        f
        for f in graph.by_type(SUBSCRIPTION)
        if f.input("logGroup") == g.input("name") or g.urn in f.property_dependencies.get("logGroup", ())
    ]


def _not_forwarded(f: ResourceView) -> str | None:
    """Why filter `f` does not send every event to the SIEM, or None."""
    pattern, dest = f.input("filterPattern"), f.input("destinationArn")
    if is_unknown(pattern):
        return unknown_message("filterPattern", "which events reach the SIEM")
    if not isinstance(pattern, str) or pattern.strip():
        return f"filter {f.name!r} keeps only the events matching {pattern!r} (an empty pattern sends all)"
    if not declared_siem(dest):
        return (
            f"filter {f.name!r} sends to {'a resource of the stack' if is_unknown(dest) else repr(dest)}, "
            "not a destination the endpoints record declares with class `siem`"
        )
    return None


def _streams(inputs: dict[str, Any]) -> bool:
    return str(inputs.get("cloudWatchStreamingEnabled")).lower() == "true"


def unforwarded_sessions(graph: StackGraph) -> list[tuple[str, str]]:
    """require-siem-logging: each Session Manager log group of the stack streams to the declared SIEM.
    Preferences that cannot be read, or a group outside the stack, are require-audit-log-retention's."""
    out: list[tuple[str, str]] = []
    for d, inputs, err in sessions(graph):
        name = (inputs or {}).get("cloudWatchLogGroupName")
        g = stack_log_group(d, graph, name, "content") if name and not err else None
        if g is None:
            continue
        if not _streams(inputs or {}):
            out.append(
                (
                    d.urn,
                    "the Session Manager preferences do not stream (`cloudWatchStreamingEnabled` is not "
                    "true): a session reaches its log group and the SIEM only when it ends; set it true",
                )
            )
        out += _unforwarded(graph, g, "administrators' shell sessions")
    return out


def _unforwarded(graph: StackGraph, g: ResourceView, what: str) -> list[tuple[str, str]]:
    """Log group `g` (recording `what`) has a filter of the stack sending every event to the SIEM."""
    filters = _filters(graph, g)
    whys = [why for f in filters if (why := _not_forwarded(f))]
    if filters and len(whys) < len(filters):
        return []
    found = "; ".join(whys) or "no subscription filter of the stack forwards it"
    return [
        (
            g.urn,
            f"the log group {g.input('name')!r} records {what} and does not reach the SIEM ({found}); add "
            'an aws.cloudwatch.LogSubscriptionFilter with `filterPattern` "" to the SOC\'s destination, '
            "declared with class `siem` in the endpoints record",
        )
    ]


def unforwarded_exec(graph: StackGraph) -> list[tuple[str, str]]:
    """require-siem-logging (round 50): each log group of the stack that records ECS Exec sessions (as
    ecs_exec traces them) reaches the SIEM; whether they are recorded at all is the retention rule's."""
    found: list[tuple[str, str]] = []

    def kept(g: ResourceView, what: str) -> list[tuple[str, str]]:
        if all(u != g.urn for u, _ in found):  # one message a group, whatever containers write into it
            found.extend(_unforwarded(graph, g, what))
        return []

    exec_log_problems(graph, 0, kept)
    return found


def unforwarded_tunnels(graph: StackGraph, trail_groups: set[str]) -> list[tuple[str, str]]:
    """require-siem-logging (round 52): an EC2 Instance Connect Endpoint has no log setting of its own (the
    SDK); each tunnel it opens is a CloudTrail `OpenTunnel` management event, so a trail of the stack must
    deliver them to a log group of the stack (`trail_groups`: names and URNs) forwarded whole to the SIEM."""
    endpoints = graph.by_type(INSTANCE_CONNECT)
    groups = [g for g in graph.by_type(LOG_GROUP)
              if g.urn in trail_groups or (isinstance(n := g.input("name"), str) and n in trail_groups)]
    if not endpoints or any(not _unforwarded(graph, g, "") for g in groups):
        return []
    return [
        (
            e.urn,
            "EC2 Instance Connect tunnels (shells on the stack's hosts) are recorded only as CloudTrail "
            "`OpenTunnel` events, and no trail of the stack that records management events in every region "
            "delivers to a log group of the stack forwarded whole to the SIEM; deliver one "
            "(`cloudWatchLogsGroupArn`) and add an aws.cloudwatch.LogSubscriptionFilter with `filterPattern` "
            '"" to the SOC\'s destination, declared with class `siem` in the endpoints record',
        )
        for e in endpoints
    ]
