"""Log groups a service creates itself when the stack does not declare them (require-customer-managed-keys;
the drop mutants of session 18). A Lambda function writes to `loggingConfig.logGroup` or `/aws/lambda/<name>`;
RDS exports each of `enabledCloudwatchLogsExports` to `/aws/rds/instance/<identifier>/<log>` (an Aurora
cluster to `/aws/rds/cluster/<clusterIdentifier>/<log>`). The service creates a missing group on first use
with no customer-managed key and no retention the stack controls, so the group must be one the stack
declares (by that name, or named from the resource's output), where its key and retention are judged like
every log group's. The project's own database component declares its export groups this way."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LAMBDA = "aws:lambda/function:Function"
RDS = {
    "aws:rds/instance:Instance": ("identifier", "instance"),
    "aws:rds/cluster:Cluster": ("clusterIdentifier", "cluster"),
}
_HOW = "declare it (aws.cloudwatch.LogGroup with kmsKeyId)"


def _declared(graph: StackGraph, r: ResourceView, name: object, fed_field: str | None) -> bool:
    """A log group of the stack by that name, fed into `fed_field` of `r`, or named from an output of `r`."""
    groups = graph.by_type(LOG_GROUP)
    if isinstance(name, str) and any(g.input("name") == name for g in groups):
        return True
    if fed_field and any(g.type == LOG_GROUP for g in graph.dependency_of(r, fed_field)):
        return True
    return any(r.urn in g.property_dependencies.get("name", ()) for g in groups)


def _missing(name: object, who: str, how: str) -> str:
    shown = repr(name) if isinstance(name, str) else "a group named from its output"
    return (
        f"{who} writes to {shown}, which the stack does not declare: the service creates it with no "
        f"customer-managed key and no retention the stack sets; {how}"
    )


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


def _rds(r: ResourceView, graph: StackGraph) -> list[str]:
    exports = r.input("enabledCloudwatchLogsExports")
    if is_unknown(exports):
        return [unknown_message("enabledCloudwatchLogsExports", "where the database's logs are written")]
    field, kind = RDS[r.type]
    ident = r.input(field)
    out = []
    for log in exports or []:
        known = isinstance(ident, str) and ident and not is_unknown(ident) and isinstance(log, str)
        group = f"/aws/rds/{kind}/{ident}/{log}" if known else None
        if not _declared(graph, r, group, None):
            out.append(_missing(group, f"the {log!r} log export", f"{_HOW} before the database"))
    return out


CHECKS: dict[str, Callable[[ResourceView, StackGraph], list[str]]] = {
    LAMBDA: _lambda,
    **{t: _rds for t in RDS},
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
