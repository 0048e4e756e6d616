"""Acting as a workload role: a person who can change what a function, task, build, stack, job or instance
runs, or open a shell on it, acts with its role's rights — without iam:PassRole when the holder keeps the
role it has (CloudFormation and Service Catalog launch as the stack's role, ECS RunTask and Batch SubmitJob
override the command, EC2 user data runs at boot). Resources on the Allow never narrow this (as everywhere:
over-approximation), so such an action reaches every role of that kind in the stack."""

from __future__ import annotations

import json
from typing import Any

from policies.core.iam import code_objects
from policies.core.iam.principals import ROLE, AwsPrincipal
from policies.core.view import ResourceView, StackGraph, is_unknown

_Roles = tuple[dict[str, AwsPrincipal], dict[str, list[AwsPrincipal]]]

INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
# (actions that run code as the holder's role, resource types holding a role, where: the input naming it,
# or `<input>.<key>` of a JSON document in that input)
RUNS_AS: tuple[tuple[frozenset[str], tuple[str, ...], str], ...] = (
    (
        frozenset({"lambda:updatefunctioncode", "lambda:updatefunctionconfiguration"}),
        ("aws:lambda/function:Function",),
        "role",
    ),
    (
        frozenset({"ecs:executecommand", "ecs:runtask", "ecs:starttask"}),
        ("aws:ecs/taskDefinition:TaskDefinition",),
        "taskRoleArn",
    ),
    (
        # round 82: a batch build takes a buildspec override as StartBuild does
        frozenset({"codebuild:startbuild", "codebuild:updateproject", "codebuild:startbuildbatch"}),
        ("aws:codebuild/project:Project",),
        "serviceRole",
    ),
    (
        frozenset(
            {
                "ssm:sendcommand",
                "ssm:startsession",
                "ec2-instance-connect:sendsshpublickey",
                "ec2:modifyinstanceattribute",  # user data runs as the instance profile at the next boot
                # round 81: State Manager runs an association's document on the instances it targets; an EMR
                # step runs on the cluster's nodes; an Auto Scaling group on `$Latest`/`$Default` launches
                # from a new template version, PassRole checked only when the group is created or updated
                "ssm:createassociation",
                "ssm:createassociationbatch",
                "ssm:updateassociation",
                "elasticmapreduce:addjobflowsteps",
                "ec2:createlaunchtemplateversion",
                "ec2:modifylaunchtemplate",
                # round 82: the CodeDeploy agent runs a revision's hooks as root on the instances; a
                # Beanstalk environment update deploys a new application version onto its instances
                "codedeploy:createdeployment",
                "elasticbeanstalk:updateenvironment",
            }
        ),
        (INSTANCE_PROFILE,),
        "role",
    ),
    (
        frozenset(
            {
                "cloudformation:createstack",
                "cloudformation:updatestack",
                "cloudformation:createchangeset",
                "cloudformation:executechangeset",
            }
        ),
        ("aws:cloudformation/stack:Stack",),
        "iamRoleArn",
    ),
    (
        frozenset(
            {
                "cloudformation:updatestackset",
                "cloudformation:createstackinstances",
                "cloudformation:updatestackinstances",
            }
        ),
        ("aws:cloudformation/stackSet:StackSet",),
        "administrationRoleArn",
    ),
    (
        frozenset({"servicecatalog:provisionproduct", "servicecatalog:updateprovisionedproduct"}),
        ("aws:servicecatalog/constraint:Constraint",),
        "parameters.RoleArn",
    ),
    (
        frozenset({"servicecatalog:provisionproduct", "servicecatalog:updateprovisionedproduct"}),
        ("aws:servicecatalog/constraint:Constraint",),
        "parameters.LocalRoleName",
    ),
    (  # round 37: starting an execution runs the definition as its role, with the caller's input
        frozenset({"states:updatestatemachine", "states:startexecution", "states:startsyncexecution"}),
        ("aws:sfn/stateMachine:StateMachine",),
        "roleArn",
    ),
    (  # round 82: a lifecycle configuration's script runs as root with the role at each start
        frozenset(
            {
                "sagemaker:createpresignednotebookinstanceurl",
                "sagemaker:updatenotebookinstancelifecycleconfig",
                "sagemaker:updatenotebookinstance",
            }
        ),
        ("aws:sagemaker/notebookInstance:NotebookInstance",),
        "roleArn",
    ),
    (  # round 81: Studio's apps and terminals run as the domain's or the user profile's execution role
        frozenset({"sagemaker:createpresigneddomainurl"}),
        ("aws:sagemaker/domain:Domain",),
        "defaultUserSettings.executionRole",
    ),
    (
        frozenset({"sagemaker:createpresigneddomainurl"}),
        ("aws:sagemaker/userProfile:UserProfile",),
        "userSettings.executionRole",
    ),
    (
        frozenset({"glue:updatejob", "glue:updatedevendpoint"}),
        ("aws:glue/job:Job", "aws:glue/devEndpoint:DevEndpoint"),
        "roleArn",
    ),
    (  # round 82: a run's (or a trigger's) Arguments override the job's, --scriptLocation included
        frozenset({"glue:startjobrun", "glue:createtrigger", "glue:updatetrigger"}),
        ("aws:glue/job:Job",),
        "roleArn",
    ),
    (  # round 82: an update names a new image or start command; the role stays without iam:PassRole
        frozenset({"apprunner:updateservice"}),
        ("aws:apprunner/service:Service",),
        "instanceConfiguration.instanceRoleArn",
    ),
    (  # round 82: an app's or branch's build spec runs in a build with the app's service role
        frozenset({"amplify:updateapp", "amplify:createbranch", "amplify:updatebranch"}),
        ("aws:amplify/app:App",),
        "iamServiceRoleArn",
    ),
    (
        frozenset({"batch:submitjob"}),
        ("aws:batch/jobDefinition:JobDefinition",),
        "containerProperties.jobRoleArn",
    ),
    (  # round 82: a multi-node job's containers and an ECS-properties job's tasks, at any depth
        frozenset({"batch:submitjob"}),
        ("aws:batch/jobDefinition:JobDefinition",),
        "nodeProperties..jobRoleArn",
    ),
    (
        frozenset({"batch:submitjob"}),
        ("aws:batch/jobDefinition:JobDefinition",),
        "ecsProperties..taskRoleArn",
    ),
)


def _deep(value: Any, key: str) -> list[Any]:
    """Every value of `key` at any depth of a document (a multi-node job's containers, an ECS job's tasks)."""
    if isinstance(value, dict):
        return [v for k, x in value.items() for v in ([x] if k == key else _deep(x, key))]
    return [v for x in value for v in _deep(x, key)] if isinstance(value, list) else []


def _named(holder: ResourceView, where: str) -> list[Any]:
    """The role names or ARNs `where` finds: `<input>`, `<input>.<key>` (of a dict or a JSON document) or
    `<input>..<key>` (at any depth)."""
    fld, _, key = where.partition(".")
    value: Any = holder.input(fld)
    if not key or is_unknown(value):
        return [value]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if key.startswith("."):
        return _deep(value, key[1:])
    return [value.get(key)] if isinstance(value, dict) else []


def _role_of(graph: StackGraph, holder: ResourceView, where: str, roles: _Roles) -> list[AwsPrincipal]:
    by_urn, by_name = roles
    fld = where.partition(".")[0]
    found = [by_urn[d.urn] for d in graph.dependency_of(holder, fld) if d.type == ROLE and d.urn in by_urn]
    if not found:
        for value in _named(holder, where):
            if isinstance(value, str) and not is_unknown(value):
                found += by_name.get(value.rsplit("/", 1)[-1], ())
    return found


def _roles(graph: StackGraph, principals: list[AwsPrincipal]) -> _Roles:
    """The stack's roles by URN and by physical name, once per graph (per principal, a scan of every role
    was quadratic in a stack of thousands of roles)."""
    def build() -> _Roles:
        by_urn = {r.view.urn: r for r in principals if r.kind == "role"}
        by_name: dict[str, list[AwsPrincipal]] = {}
        for r in by_urn.values():
            by_name.setdefault(r.physical_name, []).append(r)
        return by_urn, by_name

    return graph.once(f"runs-as-roles:{id(principals)}", build)


def _row_roles(graph: StackGraph, principals: list[AwsPrincipal], i: int) -> dict[str, AwsPrincipal]:
    """The roles row `i` of RUNS_AS runs code as, once per graph: every person holding its actions shares
    them (per person, a scan of the row's resources made it persons x resources)."""
    def build() -> dict[str, AwsPrincipal]:
        _, types, where = RUNS_AS[i]
        roles = _roles(graph, principals)
        return {r.view.urn: r for h in graph.by_type(*types) for r in _role_of(graph, h, where, roles)}

    return graph.once(f"runs-as-row:{id(principals)}:{i}", build)


def acted_as(p: AwsPrincipal, graph: StackGraph, principals: list[AwsPrincipal]) -> list[AwsPrincipal]:
    """Workload roles whose rights `p` can use by running code as them."""
    acts = p.actions()
    out: dict[str, AwsPrincipal] = {}
    for i, (actions, _, _) in enumerate(RUNS_AS):
        if acts & actions:
            out.update((u, r) for u, r in _row_roles(graph, principals, i).items() if r is not p)
    roles = _roles(graph, principals)
    written = code_objects.written_as(p, graph, principals, lambda h, w: _role_of(graph, h, w, roles))
    out.update((r.view.urn, r) for r in written)
    return list(out.values())
