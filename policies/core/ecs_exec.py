"""ECS Exec (round 27): a service with `enableExecuteCommand` lets people open shells in its containers, which
hold the service's secrets and data. What they type and read is recorded only as the cluster's
`executeCommandConfiguration` says: NONE records nothing, DEFAULT writes into each task's own awslogs group
(whatever the task definition names, kept as that group is), OVERRIDE into the log group it names. The pack
judges a log group of the stack, so exec sessions must be recorded there with OVERRIDE — as Session Manager
sessions on hosts must (round 25)."""

from __future__ import annotations

from typing import Any

from policies.core.session_prefs import kept_problems, stack_log_group
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"
_CONFIG = "configuration.executeCommandConfiguration"
_HOW = (
    "set the cluster's `configuration.executeCommandConfiguration` to logging OVERRIDE with "
    "`logConfiguration.cloudWatchLogGroupName` a log group the stack declares"
)


def _cluster(s: ResourceView, graph: StackGraph) -> ResourceView | None:
    """The cluster of the stack the service runs in: fed into `cluster`, or named by its name or ARN."""
    fed = [c for c in graph.dependency_of(s, "cluster") if c.type == CLUSTER]
    if fed:
        return fed[0]
    ref = s.input("cluster")
    name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) and not is_unknown(ref) else None
    named = [c for c in graph.by_type(CLUSTER) if name and name in (c.input("name"), c.name)]
    return named[0] if named else None


def _recorded(c: ResourceView, graph: StackGraph, minimum: int) -> list[tuple[str, str]]:
    conf: Any = get_path(c.inputs, _CONFIG)
    if is_unknown(conf):
        return [(c.urn, unknown_message(_CONFIG, "where ECS Exec sessions are recorded"))]
    logging = conf.get("logging") if isinstance(conf, dict) else None
    if logging != "OVERRIDE":
        return [
            (
                c.urn,
                "ECS Exec is on for a service of the cluster but its sessions' logging is "
                f"{logging or 'DEFAULT'!r}: what people type and read in the containers is not recorded "
                f"in a log group the stack keeps ten years; {_HOW}",
            )
        ]
    name = get_path(conf, "logConfiguration.cloudWatchLogGroupName")
    g = stack_log_group(c, graph, name, "configuration") if name else None
    if g is None:
        return [
            (
                c.urn,
                f"ECS Exec sessions are recorded in {name or 'no log group'!r}, not a log group of the "
                f"stack; {_HOW}",
            )
        ]
    return kept_problems(g, minimum, "ECS Exec sessions (commands run in containers)")


def exec_log_problems(graph: StackGraph, minimum: int) -> list[tuple[str, str]]:
    """Every service with ECS Exec on records its sessions in a log group of the stack kept `minimum` days."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for s in graph.by_type(SERVICE):
        on = s.input("enableExecuteCommand")
        if is_unknown(on):
            out.append((s.urn, unknown_message("enableExecuteCommand", "whether people may open shells")))
            continue
        if on is not True:
            continue
        c = _cluster(s, graph)
        if c is None:
            out.append(
                (
                    s.urn,
                    "ECS Exec is on but the service's cluster is not one of the stack, so where its "
                    f"sessions are recorded cannot be judged; declare the cluster and {_HOW}",
                )
            )
        elif c.urn not in seen:
            seen.add(c.urn)
            out.extend(_recorded(c, graph, minimum))
    return out
