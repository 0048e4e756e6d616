"""Acting as a workload role: a person who can change what a function, task, build or instance runs, or
open a shell on it, acts with its role's rights. Resources on the Allow never narrow this (as everywhere:
over-approximation), so such an action reaches every role of that kind in the stack."""

from __future__ import annotations

from typing import Any

from policies.core.iam.principals import ROLE, AwsPrincipal
from policies.core.view import ResourceView, StackGraph, is_unknown

INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
# (actions that run code as the holder's role, resource types holding a role, the field naming it)
RUNS_AS: tuple[tuple[frozenset[str], tuple[str, ...], str], ...] = (
    (
        frozenset({"lambda:updatefunctioncode", "lambda:updatefunctionconfiguration"}),
        ("aws:lambda/function:Function",),
        "role",
    ),
    (frozenset({"ecs:executecommand"}), ("aws:ecs/taskDefinition:TaskDefinition",), "taskRoleArn"),
    (
        frozenset({"codebuild:startbuild", "codebuild:updateproject"}),
        ("aws:codebuild/project:Project",),
        "serviceRole",
    ),
    (
        frozenset({"ssm:sendcommand", "ssm:startsession", "ec2-instance-connect:sendsshpublickey"}),
        (INSTANCE_PROFILE,),
        "role",
    ),
)


def _role_of(
    graph: StackGraph, holder: ResourceView, fld: str, roles: dict[str, AwsPrincipal]
) -> list[AwsPrincipal]:
    found = [roles[d.urn] for d in graph.dependency_of(holder, fld) if d.type == ROLE and d.urn in roles]
    value: Any = holder.input(fld)
    if not found and isinstance(value, str) and not is_unknown(value):
        name = value.rsplit("/", 1)[-1]
        found = [r for r in roles.values() if r.physical_name == name]
    return found


def acted_as(p: AwsPrincipal, graph: StackGraph, principals: list[AwsPrincipal]) -> list[AwsPrincipal]:
    """Workload roles whose rights `p` can use by running code as them."""
    acts = p.actions()
    roles = {r.view.urn: r for r in principals if r.kind == "role" and r is not p}
    out: dict[str, AwsPrincipal] = {}
    for actions, types, fld in RUNS_AS:
        if acts & actions:
            for holder in graph.by_type(*types):
                out.update((r.view.urn, r) for r in _role_of(graph, holder, fld, roles))
    return list(out.values())
