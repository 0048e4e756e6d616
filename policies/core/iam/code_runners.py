"""Round 83: more code a workload role runs that is an object someone may write (read by iam/code_objects.py).
An ECR image named by a mutable tag is pulled again when an ECS task starts outside a service, a Batch job
starts or a CodeBuild build starts (the build image), and runs as the task, job or service role; a Lambda
function resolves its tag to a digest when deployed (a push changes nothing it runs), an image pinned by
digest cannot change. An EMR cluster runs its bootstrap actions' S3 scripts on every node, nodes added later
included, under its instance profile's role; a CodeBuild project with an S3 source downloads that archive
(buildspec included) at each build and runs it as its service role."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from policies.core.iam.principals import AwsPrincipal
from policies.core.view import ResourceView, StackGraph, is_unknown

ANY = "*"
REPOSITORY = "aws:ecr/repository:Repository"
INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
_ECR_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)")
RoleOf = Callable[[ResourceView, str], list[AwsPrincipal]]
Objects = list[tuple[str, str, bool]]  # (bucket or ANY, key or prefix, is_prefix)


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v and not is_unknown(v) else None


def immutable(graph: StackGraph) -> set[str]:
    """Names of the stack's repositories whose tags cannot be replaced, once per stack."""
    def build() -> set[str]:
        repos = graph.by_type(REPOSITORY)
        return {str(r.input("name")) for r in repos if r.input("imageTagMutability") == "IMMUTABLE"}

    return graph.once("code-objects-immutable-repos", build)


def image_repo(graph: StackGraph, image: str) -> list[str]:
    """The repository ARN a literal image reference may be replaced through (none when pinned by digest,
    outside private ECR, or in an immutable repository of the stack)."""
    if "@sha256:" in image:
        return []
    m = _ECR_IMAGE.match(image.strip())
    if m is None or m.group(3) in immutable(graph):
        return []  # another registry is written outside IAM's ecr:PutImage
    return [f"arn:aws:ecr:{m.group(2)}:{m.group(1)}:repository/{m.group(3)}"]


def fed_repos(graph: StackGraph, r: ResourceView, fld: str) -> list[str]:
    """An input unknown at preview: the mutable repositories of the stack it is fed from, or ANY."""
    repos = [d for d in graph.dependency_of(r, fld) if d.type == REPOSITORY]
    if not repos:
        return [ANY]
    names = [_text(d.input("name")) for d in repos]
    if None in names:
        return [ANY]
    return [f"arn:aws:ecr:*:*:repository/{n}" for n in names if n not in immutable(graph)]


def _deep(value: Any, key: str) -> list[Any]:
    if isinstance(value, dict):
        return [v for k, x in value.items() for v in ([x] if k == key else _deep(x, key))]
    return [v for x in value for v in _deep(x, key)] if isinstance(value, list) else []


def _images(graph: StackGraph, r: ResourceView, fld: str) -> list[str]:
    """Repositories of every `image` at any depth of an input (a JSON document or a dict)."""
    value = r.input(fld)
    if value is None:
        return []
    if isinstance(value, str) and not is_unknown(value):
        try:
            value = json.loads(value)
        except ValueError:
            return [ANY]
    if is_unknown(value):
        return fed_repos(graph, r, fld)
    out: list[str] = []
    for image in _deep(value, "image"):
        out += image_repo(graph, image) if _text(image) else fed_repos(graph, r, fld)
    return out


# type -> (inputs holding images, where the role is named: as iam/runs_as.py's RUNS_AS reads it)
IMAGE_RUNNERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "aws:ecs/taskDefinition:TaskDefinition": (("containerDefinitions",), ("taskRoleArn",)),
    "aws:batch/jobDefinition:JobDefinition": (
        ("containerProperties", "nodeProperties", "ecsProperties"),
        ("containerProperties.jobRoleArn", "nodeProperties..jobRoleArn", "ecsProperties..taskRoleArn"),
    ),
    "aws:codebuild/project:Project": (("environment",), ("serviceRole",)),
}


def image_runners(graph: StackGraph, role_of: RoleOf) -> list[tuple[str, AwsPrincipal]]:
    """(repository ARN or ANY, role) of every image a role pulls again at each start."""
    out: list[tuple[str, AwsPrincipal]] = []
    for type_, (fields, wheres) in IMAGE_RUNNERS.items():
        for r in graph.by_type(type_):
            held = [h for where in wheres for h in role_of(r, where)]
            repos = [repo for fld in fields for repo in _images(graph, r, fld)] if held else []
            out += [(repo, h) for repo in repos for h in held]
    return out


def _profile_roles(graph: StackGraph, cluster: ResourceView, role_of: RoleOf) -> list[AwsPrincipal]:
    """The role of the instance profile an EMR cluster's nodes run with (every profile's of the stack when
    it cannot be placed)."""
    attrs = cluster.input("ec2Attributes")
    named = _text(attrs.get("instanceProfile")) if isinstance(attrs, dict) else None
    profiles = [d for d in graph.dependency_of(cluster, "ec2Attributes") if d.type == INSTANCE_PROFILE]
    if not profiles and named:
        profiles = [p for p in graph.by_type(INSTANCE_PROFILE) if p.input("name") == named.rsplit("/", 1)[-1]]
    return [h for p in profiles or graph.by_type(INSTANCE_PROFILE) for h in role_of(p, "role")]


def script_runners(
    graph: StackGraph, role_of: RoleOf, urls: Callable[[ResourceView, str, list[Any]], Objects]
) -> list[tuple[str, str, bool, AwsPrincipal]]:
    """(bucket, key or prefix, is_prefix, role) of EMR bootstrap scripts and CodeBuild S3 sources; `urls`
    reads S3 URLs as code_objects does (a value unknown at preview is its fed bucket, or ANY)."""
    out: list[tuple[str, str, bool, AwsPrincipal]] = []
    for cluster in graph.by_type("aws:emr/cluster:Cluster"):
        actions = cluster.input("bootstrapActions")
        paths = [a.get("path") for a in actions if isinstance(a, dict)] if isinstance(actions, list) else []
        if is_unknown(actions):
            paths = [None]
        held = _profile_roles(graph, cluster, role_of) if paths else []
        out += [(*o, h) for o in (urls(cluster, "bootstrapActions", paths) if held else ()) for h in held]
    for project in graph.by_type("aws:codebuild/project:Project"):
        more = project.input("secondarySources")
        sources = [project.input("source"), *(more if isinstance(more, list) else ())]
        locations = [
            s.get("location") if _text(s.get("location")) is None else "s3://" + s["location"]
            for s in sources if isinstance(s, dict) and s.get("type") == "S3"
        ]
        held = role_of(project, "serviceRole") if locations else []
        out += [(*o, h) for o in (urls(project, "source", locations) if held else ()) for h in held]
    return out
