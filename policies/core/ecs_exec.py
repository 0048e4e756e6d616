"""ECS Exec (round 27): a service with `enableExecuteCommand` lets people open shells in its containers, which
hold the service's secrets and data. What they type and read is recorded only as the cluster's
`executeCommandConfiguration` says: NONE records nothing, OVERRIDE writes into the log group it names, DEFAULT
(also when nothing is set) into the awslogs group of the container the session opens in — nowhere for a
container without awslogs (ECS API reference). Either way the sessions must land in a log group of the stack
kept ten years, as Session Manager sessions on hosts must (round 25); DEFAULT is traced through the service's
task definition, every container of it (round 29)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from policies.core.location import effective_location
from policies.core.session_prefs import kept_problems, stack_log_group
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

# What a rule asks of a session log group of the stack: (group, what it records) -> [(urn, message)].
Kept = Callable[[ResourceView, str], list[tuple[str, str]]]

SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
_CONFIG = "configuration.executeCommandConfiguration"
_HOW = (
    "set the cluster's `configuration.executeCommandConfiguration` to logging OVERRIDE with "
    "`logConfiguration.cloudWatchLogGroupName` a log group the stack declares"
)
_DEFAULT_HOW = (
    "give every container of the service's task definition the awslogs driver into a log group the "
    f"stack declares and keeps ten years, or {_HOW}"
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


def _logging(c: ResourceView) -> tuple[Any, str | None]:
    """The cluster's exec configuration and its logging mode (DEFAULT when unset), or an unknown marker."""
    conf: Any = get_path(c.inputs, _CONFIG)
    if is_unknown(conf):
        return conf, None
    mode = conf.get("logging") if isinstance(conf, dict) else None
    return conf, mode or "DEFAULT"


def _recorded(c: ResourceView, graph: StackGraph, kept: Kept) -> list[tuple[str, str]]:
    conf, logging = _logging(c)
    if logging is None:
        return [(c.urn, unknown_message(_CONFIG, "where ECS Exec sessions are recorded"))]
    if logging != "OVERRIDE":
        return [
            (
                c.urn,
                "ECS Exec is on for a service of the cluster but its sessions' logging is "
                f"{logging!r}: what people type and read in the containers is not recorded "
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
    return kept(g, "ECS Exec sessions (commands run in containers)")


def _task(s: ResourceView, graph: StackGraph) -> ResourceView | None:
    """The task definition of the stack the service runs: fed into `taskDefinition`, or named by family."""
    fed = [t for t in graph.dependency_of(s, "taskDefinition") if t.type == TASK]
    if fed:
        return fed[0]
    ref = s.input("taskDefinition")
    family = ref.rsplit("/", 1)[-1].split(":")[0] if isinstance(ref, str) and not is_unknown(ref) else None
    named = [t for t in graph.by_type(TASK) if family and family == t.input("family")]
    return named[0] if len(named) == 1 else None


def _containers(t: ResourceView) -> list[Any] | None:
    raw = t.input("containerDefinitions")
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) and parsed else None


def _other_region(g: ResourceView, graph: StackGraph, region: Any) -> str | None:
    """Why awslogs does not write into the stack's group `g`: its `awslogs-region` names another region (the
    same name there is another group, one the driver may create with no retention and no key), or cannot be
    read; None when it is the group's region or unset (the task's own region)."""
    if region is None:
        return None
    if not isinstance(region, str) or is_unknown(region):
        return "sends awslogs to a region that cannot be read (`options.awslogs-region`)"
    loc = effective_location(g, graph)
    home = loc.region if loc is not None else None
    if region == home:
        return None
    return (
        f"sends awslogs to {get_path(g.inputs, 'name')!r} in region {region!r}, not the stack's group of "
        f"that name in {home or 'an unknown region'!r}: sessions there are not kept ten years by the stack"
    )


def _default_recorded(s: ResourceView, graph: StackGraph, kept: Kept) -> list[tuple[str, str]]:
    """DEFAULT logging: each container's awslogs group is where sessions opened in it are written."""
    t = _task(s, graph)
    containers = _containers(t) if t is not None else None
    if t is None or containers is None:
        where = (
            "is not a task definition of the stack"
            if t is None
            else "has container definitions that cannot be read"
        )
        return [
            (
                s.urn,
                "ECS Exec logs DEFAULT into the task definition's awslogs groups, but the service's task "
                f"definition {where}; {_DEFAULT_HOW}",
            )
        ]
    out: list[tuple[str, str]] = []
    for cdef in containers:
        cname = cdef.get("name") if isinstance(cdef, dict) else None
        conf = cdef.get("logConfiguration") if isinstance(cdef, dict) else None
        driver = conf.get("logDriver") if isinstance(conf, dict) else None
        group = get_path(conf, "options.awslogs-group") if driver == "awslogs" else None
        g = stack_log_group(t, graph, group, "containerDefinitions") if group else None
        wrong = _other_region(g, graph, get_path(conf, "options.awslogs-region")) if g else None
        if wrong:
            out.append((t.urn, f"ECS Exec logs DEFAULT, and container {cname!r} {wrong}; {_DEFAULT_HOW}"))
        elif g is None:
            found = f"awslogs into {group!r}" if group else (f"log driver {driver!r}" if driver else "none")
            out.append(
                (
                    t.urn,
                    f"ECS Exec logs DEFAULT, so sessions opened in container {cname!r} are recorded by "
                    f"its own log configuration ({found}): not kept ten years in a log group of the stack; "
                    f"{_DEFAULT_HOW}",
                )
            )
        else:
            out.extend(kept(g, f"ECS Exec sessions in container {cname!r}"))
    return out


def exec_log_problems(graph: StackGraph, minimum: int, kept: Kept | None = None) -> list[tuple[str, str]]:
    """Every service with ECS Exec on records its sessions in a log group of the stack kept `minimum` days
    (or, given `kept`, meeting what `kept` asks of each such group: forwarding to the SIEM, round 50)."""
    kept = kept or (lambda g, what: kept_problems(g, minimum, what))
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
        elif _logging(c)[1] == "DEFAULT":
            out.extend(p for p in _default_recorded(s, graph, kept) if p not in out)
        elif c.urn not in seen:
            seen.add(c.urn)
            out.extend(_recorded(c, graph, kept))
    return out
