"""Log groups a service creates itself when the stack does not declare them (require-customer-managed-keys;
the drop mutants of session 18). A Lambda function writes to `loggingConfig.logGroup` or `/aws/lambda/<name>`;
RDS exports each of `enabledCloudwatchLogsExports` to `/aws/rds/instance/<identifier>/<log>` (an Aurora
cluster to `/aws/rds/cluster/<clusterIdentifier>/<log>`). The service creates a missing group on first use
with no customer-managed key and no retention the stack controls, so the group must be one the stack
declares (by that name, or named from the resource's output), where its key and retention are judged like
every log group's. The project's own database component declares its export groups this way.

Session 19 adds the other services that do the same: an EKS control plane (`/aws/eks/<name>/cluster`), an
ECS container's awslogs or FireLens CloudWatch group (created with `awslogs-create-group` /
`auto_create_group`, else one outside the stack whose key is not judged), API Gateway execution logs
(`API-Gateway-Execution-Logs_<api id>/<stage>` for a REST API, `/aws/apigateway/<api id>/<stage>` for a
WebSocket API: the id is an output, so the group is named from the API), DocumentDB and Neptune log exports
(as RDS's), Amazon MQ broker logs, AppSync APIs and Transfer Family servers logging through their
`loggingRole` (`/aws/transfer/<server id>`).

Round 40 adds four more: a CodeBuild project logs every build to CloudWatch unless `logsConfig.cloudwatchLogs`
is DISABLED (`groupName`, else `/aws/codebuild/<project>`); an App Runner service (round 41: it and Amazon MQ
create groups named by the id they generate, which the stack can only adopt: generated_id_log_groups); a
SageMaker endpoint's containers write to `/aws/sagemaker/Endpoints/<endpoint>`; a Step Functions state
machine logging at any level other than OFF writes (with execution data, if asked) to the group its
`loggingConfiguration.logDestination` names, which must be one the stack declares."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from policies.core import generated_id_log_groups
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LAMBDA = "aws:lambda/function:Function"
EKS = "aws:eks/cluster:Cluster"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
WS_STAGE = "aws:apigatewayv2/stage:Stage"
MQ = "aws:mq/broker:Broker"
APPSYNC = "aws:appsync/graphQLApi:GraphQLApi"
TRANSFER = "aws:transfer/server:Server"
CODEBUILD = "aws:codebuild/project:Project"
APP_RUNNER = "aws:apprunner/service:Service"
SM_ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
# Databases exporting logs: type -> (identifier field, exports field, the group each export goes to)
EXPORTS = {
    "aws:rds/instance:Instance": ("identifier", "enabledCloudwatchLogsExports", "/aws/rds/instance/{}/{}"),
    "aws:rds/cluster:Cluster": (
        "clusterIdentifier",
        "enabledCloudwatchLogsExports",
        "/aws/rds/cluster/{}/{}",
    ),
    "aws:docdb/cluster:Cluster": ("clusterIdentifier", "enabledCloudwatchLogsExports", "/aws/docdb/{}/{}"),
    "aws:neptune/cluster:Cluster": ("clusterIdentifier", "enableCloudwatchLogsExports", "/aws/neptune/{}/{}"),
}
_HOW = "declare it (aws.cloudwatch.LogGroup with kmsKeyId)"


def _declared(
    graph: StackGraph, r: ResourceView, name: object, fed_field: str | None, owner: str | None = None
) -> bool:
    """A log group of the stack by that name, fed into `fed_field` of `r`, or named from an output of `r`
    (or of the resource its field `owner` comes from: the API whose id names an execution log group)."""
    groups = graph.by_type(LOG_GROUP)
    if isinstance(name, str) and any(g.input("name") == name for g in groups):
        return True
    if fed_field and any(g.type == LOG_GROUP for g in graph.dependency_of(r, fed_field)):
        return True
    sources = {r.urn, *(o.urn for o in graph.dependency_of(r, owner))} if owner else {r.urn}
    return any(sources & set(g.property_dependencies.get("name", ())) for g in groups)


_CREATED = "the service creates it with no customer-managed key and no retention the stack sets"
_OUTSIDE = "a group outside it, whose key and retention are not judged here (if none exists, the task fails)"


def _missing(name: object, who: str, how: str, why: str = _CREATED, named: str = "its output") -> str:
    shown = repr(name) if isinstance(name, str) else f"a group named from {named}"
    return f"{who} writes to {shown}, which the stack does not declare: {why}; {how}"


def _lambda(r: ResourceView, graph: StackGraph) -> list[str]:
    config = r.input("loggingConfig")
    if is_unknown(config):
        return [unknown_message("loggingConfig", "the function's log group")]
    group = get_path(config, "logGroup") if isinstance(config, dict) else None
    if group is None:
        name = r.input("name")
        group = f"/aws/lambda/{name}" if isinstance(name, str) and name and not is_unknown(name) else None
    if _declared(graph, r, group, "loggingConfig"):
        return []
    how = f"{_HOW}, or point `loggingConfig.logGroup` at one the stack declares"
    return [_missing(group, "the function", how)]


def _exports(r: ResourceView, graph: StackGraph) -> list[str]:
    field, exports_field, template = EXPORTS[r.type]
    exports = r.input(exports_field)
    if is_unknown(exports):
        return [unknown_message(exports_field, "where the database's logs are written")]
    ident = _literal(r.input(field))
    out = []
    for log in exports or []:
        group = template.format(ident, log) if ident and isinstance(log, str) else None
        if not _declared(graph, r, group, None):
            out.append(_missing(group, f"the {log!r} log export", f"{_HOW} before the database"))
    return out


def _graphql(r: ResourceView, graph: StackGraph) -> list[str]:
    """AppSync logs to /aws/appsync/apis/<api id> whenever `logConfig` is set (request logs even at field
    level NONE); a literal name counts when the id is the one the API's own resources name."""
    conf = r.input("logConfig")
    if is_unknown(conf):
        return [unknown_message("logConfig", "where the API's logs are written")]
    if not conf:
        return []
    ids = {
        x.input("apiId")
        for x in graph.resources
        if x.type.startswith("aws:appsync/") and r.urn in x.property_dependencies.get("apiId", ())
    }
    if any(_declared(graph, r, f"/aws/appsync/apis/{i}", None) for i in ids if _literal(i)):
        return []
    if _declared(graph, r, None, None):
        return []
    return [_missing(None, "the API", f"{_HOW}, named from the API's id", named="the API's id")]


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def _eks(r: ResourceView, graph: StackGraph) -> list[str]:
    types = r.input("enabledClusterLogTypes")
    if is_unknown(types):
        return []  # judged by require-audit-log-retention (eks_logs)
    if not types:
        return []
    name = _literal(r.input("name"))
    group = f"/aws/eks/{name}/cluster" if name else None
    if _declared(graph, r, group, None):
        return []
    return [_missing(group, "the cluster's control plane", f"{_HOW} before the cluster")]


def _containers(r: ResourceView, graph: StackGraph) -> list[str]:
    raw = r.input("containerDefinitions")
    if any(g.type == LOG_GROUP for g in graph.dependency_of(r, "containerDefinitions")) and is_unknown(raw):
        return []  # a group of the stack is fed in; the document is known only at deploy
    if is_unknown(raw):
        how = "; build them from the name of the stack's log group they write to (Output.json_dumps)"
        return [unknown_message("containerDefinitions", "which log groups the containers write to") + how]
    try:
        defs = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return ["`containerDefinitions` is not JSON: which log groups the containers write to cannot be read"]
    out = []
    for c in defs if isinstance(defs, list) else []:
        conf = get_path(c, "logConfiguration") if isinstance(c, dict) else None
        where = (
            _cloudwatch_options(conf.get("logDriver"), conf.get("options"))
            if isinstance(conf, dict)
            else None
        )
        if where is None:
            continue
        group, create, key = where
        if not _declared(graph, r, _literal(group), "containerDefinitions"):
            why = _CREATED if str(create).lower() in ("true", "on") else _OUTSIDE
            how = f"{_HOW} and name it in `{key}`"
            out.append(_missing(_literal(group), f"the container {c.get('name')!r}", how, why, "an output"))
    return out


def _cloudwatch_options(driver: Any, options: Any) -> tuple[Any, Any, str] | None:
    """(group, create flag, option naming the group) of a container logging into CloudWatch Logs: the
    awslogs driver, or FireLens routing to Fluent Bit's CloudWatch output (`auto_create_group`)."""
    opts = options if isinstance(options, dict) else {}
    if driver == "awslogs":
        return opts.get("awslogs-group"), opts.get("awslogs-create-group"), "awslogs-group"
    if driver == "awsfirelens" and str(opts.get("Name", "")).lower() in ("cloudwatch", "cloudwatch_logs"):
        return opts.get("log_group_name"), opts.get("auto_create_group"), "log_group_name"
    return None


def _logging_on(level: Any) -> bool:
    return level is not None and str(level).upper() != "OFF"


def _execution_logs(r: ResourceView, graph: StackGraph) -> list[str]:
    """A REST API method setting or a WebSocket stage with execution logging on."""
    rest = r.type == METHOD_SETTINGS
    paths = ["settings.loggingLevel"] if rest else ["defaultRouteSettings.loggingLevel"]
    levels = [r.get(p) for p in paths]
    if not rest:
        routes = r.input("routeSettings")
        levels += [get_path(x, "loggingLevel") for x in routes] if isinstance(routes, list) else []
    if any(is_unknown(v) for v in levels):
        return [unknown_message(paths[0], "whether execution logs are written")]
    if not any(_logging_on(v) for v in levels):
        return []
    api_field, stage_field = ("restApi", "stageName") if rest else ("apiId", "name")
    api, stage = _literal(r.input(api_field)), _literal(r.input(stage_field))
    literal = api and stage and not graph.dependency_of(r, api_field)
    if rest:
        group = f"API-Gateway-Execution-Logs_{api}/{stage}" if literal else None
    else:
        group = f"/aws/apigateway/{api}/{stage}" if literal else None
    if _declared(graph, r, group, None, api_field):
        return []
    how = f"{_HOW}, named from the API's id, before the stage"
    return [_missing(group, "API Gateway's execution logging", how, named="the API's id")]


def _transfer(r: ResourceView, graph: StackGraph) -> list[str]:
    """A logging role without structured log destinations: sessions go to /aws/transfer/<server id>."""
    role, structured = r.input("loggingRole"), r.input("structuredLogDestinations")
    if is_unknown(structured) or (is_unknown(role) and not structured):
        return [unknown_message("loggingRole/structuredLogDestinations", "where the server's logs go")]
    if not role or structured or _declared(graph, r, None, None):
        return []
    how = f"{_HOW}, named from the server's id, or send them to `structuredLogDestinations`"
    return [_missing(None, "the server", how, named="the server's id")]


def _codebuild(r: ResourceView, graph: StackGraph) -> list[str]:
    conf = r.input("logsConfig")
    cw = get_path(conf, "cloudwatchLogs") if isinstance(conf, dict) else None
    if is_unknown(conf) or is_unknown(cw):
        return [unknown_message("logsConfig", "where the builds' logs are written")]
    cw = cw if isinstance(cw, dict) else {}
    if is_unknown(cw.get("status")) or is_unknown(cw.get("groupName")):
        return [unknown_message("logsConfig.cloudwatchLogs", "where the builds' logs are written")]
    if str(cw.get("status", "ENABLED")).upper() == "DISABLED":
        return []
    name = _literal(r.input("name"))
    group = cw.get("groupName") or (f"/aws/codebuild/{name}" if name else None)
    if _declared(graph, r, group, "logsConfig"):
        return []
    how = f"{_HOW} and name it in `logsConfig.cloudwatchLogs.groupName`, or set its status DISABLED"
    return [_missing(group, "every build", how)]


def _endpoint(r: ResourceView, graph: StackGraph) -> list[str]:
    name = _literal(r.input("name"))
    group = f"/aws/sagemaker/Endpoints/{name}" if name else None
    if _declared(graph, r, group, None):
        return []
    return [_missing(group, "the endpoint", f"{_HOW} before the endpoint")]


def _state_machine(r: ResourceView, graph: StackGraph) -> list[str]:
    conf = r.input("loggingConfiguration")
    if is_unknown(conf) or (isinstance(conf, dict) and any(is_unknown(v) for v in conf.values())):
        return [unknown_message("loggingConfiguration", "where the executions are logged")]
    conf = conf if isinstance(conf, dict) else {}
    if not _logging_on(conf.get("level")):
        return []
    arn = _literal(conf.get("logDestination"))
    parts = arn.split(":") if arn else []
    group = parts[6] if len(parts) > 6 and parts[5] == "log-group" else None
    if _declared(graph, r, group, "loggingConfiguration"):
        return []
    how = f"{_HOW} and name its ARN in `loggingConfiguration.logDestination`"
    return [_missing(group or arn, "the state machine's execution logging", how, _OUTSIDE)]


CHECKS: dict[str, Callable[[ResourceView, StackGraph], list[str]]] = {
    LAMBDA: _lambda,
    **{t: _exports for t in EXPORTS},
    MQ: generated_id_log_groups.broker,
    APPSYNC: _graphql,
    TRANSFER: _transfer,
    EKS: _eks,
    TASK: _containers,
    METHOD_SETTINGS: _execution_logs,
    WS_STAGE: _execution_logs,
    CODEBUILD: _codebuild,
    APP_RUNNER: generated_id_log_groups.app_runner,
    SM_ENDPOINT: _endpoint,
    STATE_MACHINE: _state_machine,
}


def implicit_groups(graph: StackGraph, needs: Callable[[ResourceView], bool]) -> list[tuple[str, str]]:
    """Findings for every resource of the stack whose service would create its own log group."""
    return [
        (r.urn, m)
        for t, judge in CHECKS.items()
        for r in graph.by_type(t)
        if needs(r)
        for m in judge(r, graph)
    ]
