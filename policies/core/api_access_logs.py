"""API Gateway access logs (round 22): CloudTrail records who changed an API, never who called it. A stage
that keeps no access log leaves the calls to personal data (which dossier, by whom, from where) recorded
nowhere the SOC sees. Closed world: a stage whose log destination cannot be read blocks, and so does one
whose destination is no log group or Firehose stream of the stack (round 23: where it goes, how long it keeps
and whether the SIEM reads it cannot be judged)."""

from __future__ import annotations

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

STAGES = ("aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage")
_DEST = "accessLogSettings.destinationArn"
_SINKS = ("aws:cloudwatch/logGroup:LogGroup", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")


def _of_stack(graph: StackGraph, s: ResourceView, dest: str) -> bool:
    """The destination is fed from a log group or Firehose stream of the stack, or names one (ARN tail)."""
    if any(d.type in _SINKS for d in graph.dependency_of(s, "accessLogSettings")):
        return True
    tail = dest.split(":log-group:", 1)[1] if ":log-group:" in dest else dest.rsplit("/", 1)[-1]
    tail = tail.removesuffix(":*")
    return any(r.type in _SINKS for r in graph.named(tail))


def unlogged_stages(graph: StackGraph) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for s in graph.by_type(*STAGES):
        dest = s.get(_DEST)
        if is_unknown(dest) and not s.property_dependencies.get("accessLogSettings"):
            out.append((s.urn, unknown_message(_DEST, "where the stage's access log goes")))
        elif not dest:
            out.append(
                (
                    s.urn,
                    f"the stage keeps no access log (`{_DEST}` unset): who called which API, and which "
                    "dossier, is recorded nowhere the SOC sees; send it to a log group of this stack",
                )
            )
        elif isinstance(dest, str) and not is_unknown(dest) and not _of_stack(graph, s, dest):
            out.append(
                (
                    s.urn,
                    f"the stage's access log goes to {dest}, no log group or Firehose stream of this "
                    "stack: how long it is kept and whether the SOC reads it cannot be judged; declare the "
                    "destination in this stack (or feed its ARN from it)",
                )
            )
    return out


# Round 31: an AppSync GraphQL API logs requests only with a `logConfig` at INFO, DEBUG or ALL (ERROR keeps
# failures only, NONE nothing): otherwise who asked for which dossier is recorded nowhere.
GRAPHQL = "aws:appsync/graphQLApi:GraphQLApi"
_LEVELS = ("ALL", "INFO", "DEBUG")


def _unlogged(graph: StackGraph, typ: str, field: str, what: str, lost: str) -> list[tuple[str, str]]:
    """Each API of `typ` whose log level at `field` is not INFO, DEBUG or ALL: `lost` is recorded nowhere."""
    out: list[tuple[str, str]] = []
    for a in graph.by_type(typ):
        level = a.get(field)
        if is_unknown(level):
            out.append((a.urn, unknown_message(field, f"whether the API logs its {what}")))
        elif str(level).upper() not in _LEVELS:
            how = f"logs at `{field}` {level!r}" if level else "has no `logConfig`"
            out.append((a.urn, f"the {lost[0]} {how}: {lost[1]} is recorded nowhere the SOC sees; "
                               "set a logConfig at INFO or ALL"))
    return out


def unlogged_graphql(graph: StackGraph) -> list[tuple[str, str]]:
    return _unlogged(graph, GRAPHQL, "logConfig.fieldLogLevel", "requests",
                     ("GraphQL API", "who asked for which dossier"))


# Round 33: an AppSync Event API logs with `eventConfig.logConfig.logLevel` at the same levels.
EVENT_API = "aws:appsync/api:Api"


def unlogged_event_apis(graph: StackGraph) -> list[tuple[str, str]]:
    return _unlogged(graph, EVENT_API, "eventConfig.logConfig.logLevel", "events",
                     ("Event API", "who connected, published or subscribed to which dossier's channel"))
