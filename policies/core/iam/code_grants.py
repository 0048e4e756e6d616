"""Round 82, wave 3: the other ways a person may write the code a role runs (iam/code_objects.py). A bucket
or repository policy of the stack that allows a role or user of the account by ARN grants by itself, with
no identity policy (a Principal `*` is everyone of the account its conditions admit: counted as everyone);
an account root or another account delegates to IAM and is read there. A write through an access point
(`arn:aws:s3:<region>:<account>:accesspoint/<name>/object/<key>`) reaches the access point's bucket: one of
the stack with a literal bucket is translated to `arn:aws:s3:::<bucket>/<key>`; any other access point ARN
(a wildcard name, one outside the stack, a multi-region or Object Lambda one) may reach every bucket (fails
closed). An unreadable resource policy grants nothing here: disallow-public-data-access blocks it already.
Round 83: an access point's policy (its `policy` input, or `s3control.AccessPointPolicy`) grants as a bucket
policy does, its patterns read through the access point; a statement without `Resource` reaches every object
of its access point."""

from __future__ import annotations

import re
from typing import Any

from policies.core.iam.statements import as_list, principals, statement_actions
from policies.core.view import StackGraph, is_unknown, json_document

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"
POINT_POLICY = "aws:s3control/accessPointPolicy:AccessPointPolicy"  # round 83, as an access point's `policy`
BUCKETS = ("aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket")
_POINT = re.compile(r"^arn:aws:s3:[^:]*:[^:]*:accesspoint/([^/*?$]+)/object/(.*)$")

# action -> principal key (("role"|"user", name) or "*") -> Resource patterns it is allowed on
Grants = dict[str, dict[Any, list[str]]]


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v and not is_unknown(v) else None


def _who(value: str) -> Any:
    """("role"|"user", name) of a principal ARN of the account, "*" for everyone, None for an account."""
    if value == "*":
        return "*"
    what = value.split(":", 5)[-1] if value.startswith("arn:") else ""
    kind, _, rest = what.partition("/")
    if kind == "assumed-role":
        return ("role", rest.split("/", 1)[0])
    return (kind, rest.rsplit("/", 1)[-1]) if kind in ("role", "user") and rest else None


def _point_name(graph: StackGraph, pol: Any) -> str:
    """The name of the access point a policy is on (`*` when it cannot be placed)."""
    if pol.type == ACCESS_POINT:
        return _text(pol.input("name")) or "*"
    arn = _text(pol.input("accessPointArn"))
    if arn:
        return arn.rsplit("/", 1)[-1] if "accesspoint/" in arn else "*"
    feeds = graph.dependency_of(pol, "accessPointArn")
    fed = {_text(d.input("name")) for d in feeds if d.type == ACCESS_POINT}
    return (fed.pop() or "*") if len(fed) == 1 else "*"


def _whole(graph: StackGraph, pol: Any) -> str:
    """What a statement of the policy reaches when it names no Resource (a repository's policy never does)."""
    if pol.type == BUCKET_POLICY:
        return f"arn:aws:s3:::{_text(pol.input('bucket')) or '*'}/*"
    if pol.type in (ACCESS_POINT, POINT_POLICY):
        return f"arn:aws:s3:*:*:accesspoint/{_point_name(graph, pol)}/object/*"
    return f"arn:aws:ecr:*:*:repository/{_text(pol.input('repository')) or '*'}"


def _grants(graph: StackGraph, actions: tuple[str, ...]) -> Grants:
    def build() -> Grants:
        out: Grants = {a: {} for a in actions}
        for pol in graph.by_type(BUCKET_POLICY, REPOSITORY_POLICY, POINT_POLICY, ACCESS_POINT):
            doc, err = json_document(pol.input("policy")) if pol.input("policy") is not None else ({}, None)
            stmts = as_list(doc.get("Statement")) if not err and isinstance(doc, dict) else []
            for s in (s for s in stmts if isinstance(s, dict) and s.get("Effect") == "Allow"):
                ranged = pol.type != REPOSITORY_POLICY and "NotResource" not in s and "Resource" in s
                res = as_list(s.get("Resource")) if ranged else [_whole(graph, pol)]
                for action in set(actions) & statement_actions(s):
                    for who in {_who(v) for vs in principals(s).values() for v in vs} - {None}:
                        out[action].setdefault(who, []).extend(str(r) if _text(r) else "*" for r in res)
        return out

    return graph.once("code-grants", build)


def granted(graph: StackGraph, kind: str, name: str, actions: tuple[str, ...]) -> dict[str, list[str]]:
    """The patterns resource policies of the stack allow `kind`/`name` to write, per action (an index
    lookup per person)."""
    grants = _grants(graph, actions)
    return {a: [*grants[a].get((kind, name), ()), *grants[a].get("*", ())] for a in actions}


def _points(graph: StackGraph) -> dict[str, str]:
    def build() -> dict[str, str]:
        out = {}
        for ap in graph.by_type(ACCESS_POINT):
            bucket = _text(ap.input("bucket"))
            fed = {_text(d.input("bucket")) for d in graph.dependency_of(ap, "bucket") if d.type in BUCKETS}
            bucket = bucket or (fed.pop() if len(fed) == 1 else None)
            if _text(ap.input("name")) and bucket:
                out[ap.input("name")] = bucket
        return out

    return graph.once("code-grants-access-points", build)


def through_access_point(graph: StackGraph, pattern: str) -> str:
    """An S3 pattern as a bucket-object pattern: an access point of the stack is its bucket, any other
    access point ARN every object (`*`)."""
    if not pattern.startswith("arn:aws:s3:") or pattern.startswith("arn:aws:s3:::"):
        return pattern
    m = _POINT.match(pattern)
    bucket = _points(graph).get(m.group(1)) if m else None
    return f"arn:aws:s3:::{bucket}/{m.group(2)}" if m and bucket else "*"
