"""Round 82: code a workload role runs that is an object someone may write. A Glue job reads its script and
libraries from S3 at each run (`command.scriptLocation`; `--extra-py-files`, `--extra-jars`,
`--extra-files`, `--additional-python-modules` of `defaultArguments`); an MWAA environment runs the DAGs of
its DAG folder and installs its plugins, requirements and startup script from its source bucket; an App
Runner service with automatic deployments deploys each image pushed to its ECR tag. Whoever may put such an
object (`s3:PutObject`, `ecr:PutImage`) runs code as the role, without any action on the job, environment
or service. Unlike iam/runs_as.py, the Allow's resources are compared with the object (a DBA writing its own
export bucket writes no script); what cannot be placed — a location or bucket unknown at preview, a policy
variable, a wildcard — counts as the object (fails closed). An ECR repository of the stack with immutable
tags cannot have the deployed tag replaced. Wave 3: bucket and repository policies and access points are
read in iam/code_grants.py; a location that is no S3 URL the rule reads counts as any object."""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from policies.core.iam import code_runners
from policies.core.iam.code_grants import granted, through_access_point
from policies.core.iam.principals import AwsPrincipal
from policies.core.iam.statements import as_list, statement_actions
from policies.core.view import ResourceView, StackGraph, is_unknown

S3_PUT, ECR_PUT = "s3:putobject", "ecr:putimage"
BUCKET = "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"
GLUE_LIBRARIES = ("--extra-py-files", "--extra-jars", "--extra-files", "--additional-python-modules")
_ECR_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)")
ANY = code_runners.ANY  # the index key of targets whose bucket cannot be placed: any write reaches them

# action -> index key (bucket or repository ARN) -> [(object ARN, or prefix of ARNs when is_prefix, role)]
_Targets = dict[str, dict[str, list[tuple[str, bool, AwsPrincipal]]]]
RoleOf = Callable[[ResourceView, str], list[AwsPrincipal]]  # the roles a resource's input names


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v and not is_unknown(v) else None


def _fed_bucket(graph: StackGraph, r: ResourceView, fld: str) -> str | None:
    """The literal name of the one bucket of the stack an unknown input is fed from."""
    names = {_text(d.input("bucket")) for d in graph.dependency_of(r, fld) if d.type in BUCKET}
    return names.pop() if len(names) == 1 and None not in names else None


def _s3(url: str) -> tuple[str, str] | None:
    """(bucket, key) of an S3 URL, its scheme in any case (bucket names are lower case)."""
    bucket, _, key = url[5:].partition("/")
    return (bucket.lower(), key) if url[:5].lower() == "s3://" and bucket else None


def _urls(
    graph: StackGraph, r: ResourceView, fld: str, values: list[Any], packages: bool = False
) -> list[tuple[str, str, bool]]:
    """(bucket, key or prefix, is_prefix) of S3 URLs; one unknown at preview is its fed bucket, or ANY; one
    the rule cannot read is ANY, except a package name where `packages` allows them (installed from PyPI)."""
    out: list[tuple[str, str, bool]] = []
    for v in values:
        if _text(v) is None:
            out.append((_fed_bucket(graph, r, fld) or ANY, "", True))
        elif loc := _s3(v.strip()):
            out.append((loc[0], loc[1], loc[1].endswith("/")))
        elif not packages:
            out.append((ANY, "", True))
    return out


def _glue(graph: StackGraph, job: ResourceView) -> list[tuple[str, str, bool]]:
    """(bucket, key or prefix, is_prefix) of the objects a Glue job runs."""
    command = job.input("command")
    out = _urls(graph, job, "command", [command.get("scriptLocation") if isinstance(command, dict) else None])
    args = job.input("defaultArguments")
    for name in GLUE_LIBRARIES:
        value = args.get(name) if isinstance(args, dict) else None
        if value is not None:
            values = value.split(",") if _text(value) else [value]
            out += _urls(graph, job, "defaultArguments", values, name == "--additional-python-modules")
    return out


def _mwaa(graph: StackGraph, env: ResourceView) -> list[tuple[str, str, bool]]:
    """(bucket, key or prefix, is_prefix) of the DAG folder, the plugins, requirements and startup script."""
    arn = _text(env.input("sourceBucketArn"))
    bucket = arn.removeprefix("arn:aws:s3:::") if arn else _fed_bucket(graph, env, "sourceBucketArn") or ANY
    dags = env.input("dagS3Path")
    out = [(bucket, (dags.rstrip("/") + "/") if _text(dags) else "", True)]
    for fld in ("pluginsS3Path", "requirementsS3Path", "startupScriptS3Path"):
        v = env.input(fld)
        if v is not None:
            out.append((bucket, v, False) if _text(v) else (bucket, "", True))
    return out


def _apprunner(graph: StackGraph, svc: ResourceView) -> list[str]:
    """The ECR repository ARN an App Runner service deploys automatically from (ANY when unplaceable)."""
    src = svc.input("sourceConfiguration")
    if not isinstance(src, dict) or src.get("autoDeploymentsEnabled") is False:
        return []
    image = src.get("imageRepository")
    if not isinstance(image, dict):
        return []  # a code repository: pushes go to a Git host, outside IAM
    identifier = _text(image.get("imageIdentifier")) or ""
    return code_runners.image_repo(graph, identifier) if _ECR_IMAGE.match(identifier) else [ANY]


def _targets(graph: StackGraph, principals: list[AwsPrincipal], role_of: RoleOf) -> _Targets:
    """Every object of the stack that is code a role runs, indexed by action and bucket or repository, once
    per graph (a person's write patterns are then matched only with the objects of the buckets they name)."""
    def build() -> _Targets:
        out: _Targets = {S3_PUT: {}, ECR_PUT: {}}
        sources = (
            ("aws:glue/job:Job", "roleArn", S3_PUT, _glue),
            ("aws:mwaa/environment:Environment", "executionRoleArn", S3_PUT, _mwaa),
        )
        for type_, where, action, objects in sources:
            for r in graph.by_type(type_):
                held = role_of(r, where)
                for bucket, key, prefix in objects(graph, r) if held else ():
                    arn = f"arn:aws:s3:::{bucket}/{key}" if bucket != ANY else ANY
                    out[action].setdefault(bucket, []).extend((arn, prefix, h) for h in held)
        for svc in graph.by_type("aws:apprunner/service:Service"):
            held = role_of(svc, "instanceConfiguration.instanceRoleArn")
            for repo in _apprunner(graph, svc) if held else ():
                out[ECR_PUT].setdefault(_key(ECR_PUT, repo) or ANY, []).extend((repo, False, h) for h in held)
        for repo, h in code_runners.image_runners(graph, role_of):  # round 83
            out[ECR_PUT].setdefault(_key(ECR_PUT, repo) or ANY, []).append((repo, False, h))
        urls = lambda r, fld, values: _urls(graph, r, fld, values)  # noqa: E731
        for bucket, key, prefix, h in code_runners.script_runners(graph, role_of, urls):
            arn = f"arn:aws:s3:::{bucket}/{key}" if bucket != ANY else ANY
            out[S3_PUT].setdefault(bucket, []).append((arn, prefix, h))
        return out

    return graph.once(f"code-objects:{id(principals)}", build)


def _patterns(p: AwsPrincipal, action: str) -> list[str]:
    """The Resource patterns of `p`'s Allows of `action` ('*' for NotResource or an unreadable one)."""
    out: list[str] = []
    for s in p.statements:
        if s.get("Effect") == "Allow" and action in statement_actions(s):
            res = ["*"] if "NotResource" in s else as_list(s.get("Resource", "*"))
            out += [r if _text(r) else "*" for r in res]
    return out


_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _matches(pattern: str, arn: str, prefix: bool) -> bool:
    """Whether `pattern` (IAM `*`/`?`, a policy variable taken as `*`) may name `arn`, or some ARN under the
    prefix `arn`."""
    pattern = _VARIABLE.sub("*", pattern)
    if arn == ANY:
        return True
    fields, wanted = arn.split(":", 5), pattern.split(":", 5)
    if "*" in fields[:5] and len(wanted) == 6:  # a repository fed at preview: its region and account unknown
        arn = ":".join(w if f == "*" else f for f, w in zip(fields, wanted, strict=True))
    if not prefix:
        return fnmatchcase(arn, pattern.replace("[", "[[]"))
    head = re.split(r"[*?]", pattern, maxsplit=1)[0]
    return head.startswith(arn) or arn.startswith(head)


def _key(action: str, pattern: str) -> str | None:
    """The bucket or repository a pattern names literally, or None when a wildcard hides it."""
    if action == S3_PUT and pattern.startswith("arn:aws:s3:::"):
        bucket = pattern.removeprefix("arn:aws:s3:::").split("/", 1)[0]
    elif action == ECR_PUT and pattern.startswith("arn:aws:ecr:") and "repository/" in pattern:
        bucket = pattern.split("repository/", 1)[1]  # round 83: by name (a fed repository's ARN is partial)
    else:
        return None
    return bucket if not re.search(r"[*?$]", bucket) else None


def _every(index: dict[str, list[tuple[str, bool, AwsPrincipal]]]) -> list[tuple[str, bool, AwsPrincipal]]:
    return [t for v in index.values() for t in v]


def written_as(
    p: AwsPrincipal, graph: StackGraph, principals: list[AwsPrincipal], role_of: RoleOf
) -> list[AwsPrincipal]:
    """Roles that run code `p` may write (cost per person: its write patterns times the objects of the
    buckets they name; a pattern hiding its bucket behind a wildcard is matched with every object)."""
    targets = _targets(graph, principals, role_of)
    out: dict[str, AwsPrincipal] = {}
    grants = granted(graph, p.kind, p.physical_name, tuple(targets)) if any(targets.values()) else {}
    for action, index in targets.items():
        for pattern in [*_patterns(p, action), *grants.get(action, ())] if index else ():
            pattern = through_access_point(graph, pattern) if action == S3_PUT else pattern
            key = _key(action, pattern)
            found = [*index.get(key, ()), *index.get(ANY, ())] if key else _every(index)
            out.update((r.view.urn, r) for arn, pre, r in found if r is not p and _matches(pattern, arn, pre))
    return list(out.values())
