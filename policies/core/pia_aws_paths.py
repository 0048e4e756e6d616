"""Paths by which common AWS building blocks hand a store's data to others (round 9): API Gateway service
integrations that read a store, in resources or OpenAPI bodies, and plain-HTTP backends; destinations in
another account (log subscriptions, Lambda invocation records); EKS API endpoints and node SSH; API caches
kept unencrypted.
disallow-public-data-access and require-tls-1-2 merge these through pia_more_exposure.py. Closed world: what
cannot be read blocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from policies.core.accounts import aws_account
from policies.core.exposure import _world
from policies.core.openapi_refs import INTEGRATION, operations
from policies.core.pia_other_accounts import grants_in
from policies.core.pia_pinning import open_in
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

# API Gateway service integrations that read (or delete) a store's data with the integration's role, for
# whoever may call the method: the store's own policy no longer decides who reads it.
_READ_VERBS = (
    "Get",
    "BatchGet",
    "Query",
    "Scan",
    "Receive",
    "List",
    "Describe",
    "Decrypt",
    "Select",
    "Execute",
    "FilterLogEvents",
    "Delete",
    "Purge",
)
_STORE_SERVICES = frozenset(
    {"s3", "dynamodb", "secretsmanager", "ssm", "sqs", "kinesis", "kms", "rds-data", "glacier", "logs"}
)
_V2_READS = frozenset({"SQS-ReceiveMessage", "SQS-DeleteMessage", "SQS-PurgeQueue"})


def _service_read(kind: Any, uri: Any, method: Any, subtype: Any) -> str | None:
    """What an API Gateway integration reads or deletes of a store with its own role, or None."""
    if subtype in _V2_READS:
        return f"`integrationSubtype` {subtype!r} reads or deletes queue messages"
    if str(kind).upper() != "AWS":
        return None  # Lambda (AWS_PROXY), HTTP backends (TLS checked), MOCK
    if not isinstance(uri, str):
        return "the service of an AWS integration (`uri`) is unknown"
    parts = uri.split(":", 5)  # arn:aws:apigateway:<region>:<service>:action/<Action> | path/<path>
    service, rest = (parts[4], parts[5]) if len(parts) == 6 else ("", uri)
    if service not in _STORE_SERVICES:
        return None
    verb = rest.split("/", 1)[-1] if rest.startswith("action/") else str(method)
    if verb.startswith(_READ_VERBS) or verb.upper() in ("GET", "HEAD", "DELETE"):
        return f"a direct {service} integration ({rest.split('&', 1)[0]}) reads or deletes the store"
    return None


_WHO = "with the integration's role for whoever may call the method: put a function in front of the store"


def apigw_integration(r: ResourceView, graph: StackGraph) -> list[str]:
    kind = r.input("type") or r.input("integrationType")
    if is_unknown(kind) or is_unknown(r.input("integrationSubtype")):
        return [unknown_message("type/integrationSubtype", "what the integration reaches")]
    uri = r.input("uri") or r.input("integrationUri")
    if str(kind).upper() == "AWS" and (is_unknown(uri) or is_unknown(r.input("integrationHttpMethod"))):
        return [unknown_message("uri", "which service and action the integration calls")]
    hit = _service_read(
        kind,
        uri,
        r.input("integrationHttpMethod") or r.input("integrationMethod"),
        r.input("integrationSubtype"),
    )
    return [f"{hit} {_WHO}"] if hit else []


class _OneKeyOnce(yaml.SafeLoader):
    """Round 97: a mapping naming a key twice (two `get`s of one path) is read by parsers as the last, the
    first or an error; which one API Gateway imports is not established, so such a body is not judged."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise _Twice(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Twice(yaml.YAMLError):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(
            f"`body` names the key {key!r} twice in one object (line {line}): which one API Gateway imports "
            "is not established, so the body cannot be judged (fail closed); name each key once"
        )


def openapi_doc(body: Any) -> tuple[Any, str | None]:
    """An OpenAPI body (JSON or YAML) parsed, or why not readable."""
    if is_unknown(body):
        return None, unknown_message("body", "the integrations the OpenAPI body defines")
    try:
        return (yaml.load(body, Loader=_OneKeyOnce) if isinstance(body, str) else body), None  # a SafeLoader
    except _Twice as twice:
        return None, str(twice)
    except yaml.YAMLError:
        return None, (
            "`body` is no readable OpenAPI document, so its integrations cannot be judged (fail closed)"
        )


def openapi_integrations(body: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The x-amazon-apigateway-integration objects of an OpenAPI body (JSON or YAML), `$ref`s followed (round
    97), or why not readable: the body, or each reference that cannot be followed."""
    doc, problem = openapi_doc(body)
    if problem:
        return [], [problem]
    ops, problems = operations(doc)
    return [op[INTEGRATION] for _, _, op in ops if isinstance(op.get(INTEGRATION), dict)], problems


def openapi_policy(body: Any, graph: StackGraph) -> list[str]:
    """Round 77: the body's `x-amazon-apigateway-policy` is the REST API's resource policy, so its Allows to
    anyone need a pin as any other's; round 78: its grants to other accounts by name or condition are judged
    as the `policy` field's. Round 79: not where the API's `policy` input overrides it (`overridden`)."""
    doc, problem = openapi_doc(body)
    if problem or not isinstance(doc, dict) or doc.get("x-amazon-apigateway-policy") is None:
        return []  # an unreadable body is reported once, by its integrations
    policy, fld = doc["x-amazon-apigateway-policy"], "x-amazon-apigateway-policy"
    found = open_in(policy, fld, graph) + grants_in(policy, fld, graph)
    return [f"`body`: {m}" for m in found]


def openapi_reads(unknown_ok: bool = False) -> Callable[[ResourceView, StackGraph], list[str]]:
    """Service integrations in an API's OpenAPI body that read a store (judged like Integration resources)."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        if r.input("body") is None or (unknown_ok and is_unknown(r.input("body"))):
            return []
        found, problems = openapi_integrations(r.input("body"))
        if problems:
            return problems
        hits = [
            _service_read(i.get("type"), i.get("uri"), i.get("httpMethod"), i.get("integrationSubtype"))
            for i in found
        ]
        policy = [] if overridden(r) else openapi_policy(r.input("body"), graph)
        return [f"`body`: {h} {_WHO}" for h in hits if h] + policy

    return judge


def overridden(r: ResourceView) -> bool:
    """A REST API's `policy` input, when given, overrides its body's `x-amazon-apigateway-policy` (the SDK's
    `apigateway.RestApi.policy`: "the argument value will override the OpenAPI value"), and is judged as the
    API's policy itself; an empty one overrides nothing (round 79). A `RestApiPut` has no such input."""
    policy = r.input("policy") if r.type == "aws:apigateway/restApi:RestApi" else None
    return policy is not None and policy != ""


def openapi_plain_http(v: ResourceView) -> list[str]:
    if v.input("body") is None:
        return []
    found, problems = openapi_integrations(v.input("body"))
    return (
        problems
        if problems
        else [
            f"`body`: integration uri {i['uri']!r} reaches its backend in plain text (use https)"
            for i in found
            if isinstance(i.get("uri"), str) and i["uri"].lower().startswith("http://")
        ]
    )


def plain_http(fld: str) -> Callable[[ResourceView], list[str]]:
    """An HTTP backend URI must be https; one computed from a resource of the stack (unknown in preview) is
    judged when the update resolves it; Lambda and service URIs are ARNs."""

    def judge(v: ResourceView) -> list[str]:
        uri = v.input(fld)
        kind = str(v.input("type") or v.input("integrationType") or "")
        if is_unknown(uri) and kind.upper().startswith("HTTP") and not v.property_dependencies.get(fld):
            return [unknown_message(fld, "whether the backend is reached over TLS")]
        if isinstance(uri, str) and uri.lower().startswith("http://"):
            return [f"`{fld}` is {uri!r}: the API reaches its backend in plain text (use https)"]
        return []

    return judge


def _arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else None


def same_account(*flds: str) -> Callable[[ResourceView, StackGraph], list[str]]:
    """Data sent on to a destination ARN stays in the stack's own (pinned) account: a destination of the stack
    (an output of one of its resources) or an ARN of that account; another account could read it."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        out = []
        for fld in flds:
            arn = r.get(fld)
            if arn is None or (is_unknown(arn) and graph.dependency_of(r, fld.split(".", 1)[0])):
                continue
            if is_unknown(arn) or not isinstance(arn, str):
                out.append(unknown_message(fld, "which account receives the data"))
                continue
            account, problem = aws_account(r.provider)
            if _arn_account(arn) in ("", None) or _arn_account(arn) == account:
                continue
            out.append(
                f"`{fld}` sends the data to account {_arn_account(arn)}"
                + (f", and {problem}" if problem else f", not the stack's account {account}")
            )
        return out

    return judge


def eks_endpoint(r: ResourceView, graph: StackGraph) -> list[str]:
    """The Kubernetes API (the door to etcd's secrets) is public by default, open to 0.0.0.0/0."""
    public, cidrs = r.get("vpcConfig.endpointPublicAccess"), r.get("vpcConfig.publicAccessCidrs")
    if is_unknown(public) or is_unknown(cidrs):
        return [unknown_message("vpcConfig.endpointPublicAccess/publicAccessCidrs", "who reaches the API")]
    if public is False:
        return []
    world = [w for c in cidrs or ["0.0.0.0/0"] if isinstance(c, str) and (w := _world(c))]
    return (
        [f"the cluster's public API endpoint is open to {world[0]}: set endpointPublicAccess false"]
        if world
        else []
    )


def eks_remote_access(r: ResourceView, graph: StackGraph) -> list[str]:
    """An SSH key without source security groups makes EKS open port 22 of every node to the internet."""
    ssh, groups = r.get("remoteAccess.ec2SshKey"), r.get("remoteAccess.sourceSecurityGroupIds")
    if is_unknown(groups):
        return []  # groups of the stack, judged themselves
    return (
        ["`remoteAccess` has an SSH key and no sourceSecurityGroupIds: SSH is open to 0.0.0.0/0"]
        if ssh and not groups
        else []
    )


# API Gateway caches (require-customer-managed-keys: kept at rest, encrypted or not)

APIGW_METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"


def method_settings(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """Cached responses are kept at rest only encrypted (cacheDataEncrypted defaults to false)."""
    caching, encrypted = r.get("settings.cachingEnabled"), r.get("settings.cacheDataEncrypted")
    if is_unknown(caching) or is_unknown(encrypted):
        return [unknown_message("settings.cachingEnabled/cacheDataEncrypted", "the cache encryption")]
    if caching is True and encrypted is not True:
        return [
            "`settings.cachingEnabled` without `cacheDataEncrypted` true: cached responses are unencrypted"
        ]
    return []


def apigw_stage(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A stage cache caches GET methods unencrypted by default: a method setting of the stack for all its
    methods (`*/*`) must encrypt it."""
    cache = r.input("cacheClusterEnabled")
    if is_unknown(cache):
        return [unknown_message("cacheClusterEnabled", "whether responses are cached at rest")]
    if cache is not True:
        return []
    for s in graph.by_type(APIGW_METHOD_SETTINGS):
        mine = r.urn in s.property_dependencies.get("stageName", ()) or (
            s.input("stageName") == r.input("stageName") and not is_unknown(r.input("stageName"))
        )
        if mine and s.input("methodPath") == "*/*" and s.get("settings.cacheDataEncrypted") is True:
            return []
    return [
        "`cacheClusterEnabled` is true and no method setting of the stack (methodPath */*) sets "
        "cacheDataEncrypted: cached responses are kept unencrypted"
    ]
