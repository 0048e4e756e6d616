"""Grants made at run time by an SDK call whose grant comes from the run (round 79).

Round 78 read a policy a Step Functions task, a Scheduler target or an SSM runbook puts (`PutBucketPolicy`'s
`Policy`) and blocked one filled in at run time under a key named `…Policy`. The grant need not sit under such
a key: `SetQueueAttributes`' whole `Attributes` map (`Attributes.$`), `SetTopicAttributes`' `AttributeValue`,
`AddPermission`'s `Principal`, `CreateGrant`'s `GranteePrincipal`, `ModifySnapshotAttribute`'s `UserIds` each
name the party a call lets read. Closed world: in a call to an action the IAM catalogue files under
`Permissions management` (the access level of every call that changes who may act on a resource: Service
Authorization Reference), whose name says it shares or sets a policy (`ec2:ModifyImageAttribute` is `Write`),
or which the catalogue does not know (API Gateway's IAM actions are HTTP verbs), a parameter filled in at run
time (a Step Functions `.$` path or intrinsic, a JSONata `{% … %}`, a runbook's `{{ … }}`) blocks unless it
only names the resource the call acts on; so does a call whose service or action is itself filled in at run
time, and a runbook script naming such a call with a parameter in its payload. Whoever starts the run would
decide whom it lets read.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from policies.core.documents import json_doc, yaml_doc
from policies.core.iam.catalogue import catalogue
from policies.core.pwsh_grants import is_powershell, pwsh_grants
from policies.core.script_grants import CODE_GRANT, DYNAMIC_HINT, literal_grants
from policies.core.stored_refs import stored_ref
from policies.core.view import is_unknown

Found = tuple[str, str, str]
# A Step Functions SDK integration (`arn:aws:states:::aws-sdk:sqs:setQueueAttributes[.waitForTaskToken]`).
_SFN_SDK = re.compile(r"^arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)")
_RUNBOOK_API = "aws:executeAwsApi"
# A runbook's script step: its calls are code the pack does not run; one that names a grant-making call (or is
# attached, unseen) and takes a parameter from the run is judged as such a call.
_RUNBOOK_SCRIPT = "aws:executeScript"
# SDK service names whose IAM prefix differs (Step Functions "AWS SDK service integrations").
_PREFIX = {"sfn": "states", "elasticloadbalancingv2": "elasticloadbalancing", "efs": "elasticfilesystem",
           "sesv2": "ses", "cloudwatchlogs": "logs", "emr": "elasticmapreduce"}
# Parameters that name the resource a call acts on (or the call's own bookkeeping), never a grantee. A
# source (`SourceArn`, `SourceAccount`) is whose resources a service acts for: a grant, not listed.
_TARGET_KEYS = frozenset(k.lower() for k in (
    "Bucket", "Key", "VersionId", "QueueUrl", "TopicArn", "FunctionName", "Qualifier", "StatementId",
    "RevisionId", "KeyId", "SecretId", "SnapshotId", "ImageId", "DBSnapshotIdentifier",
    "DBClusterSnapshotIdentifier", "TableName", "ResourceArn", "RepositoryName", "ClientToken",
    "ContentMD5", "ChecksumAlgorithm"))
_GRANT_NAME = re.compile(r"polic|permission|acl|attribute|grant|share|principal", re.I)
_READ_VERB = re.compile(r"^(?:get|list|describe|search|query|scan|batchget|head|lookup)", re.I)


def may_call(text: str) -> bool:
    """Cheap test: may `text` (an input, or its repr) hold an SDK call?"""
    return "aws-sdk:" in text or "aws:execute" in text


# A runbook's own variables (the account and region it runs in, its execution id): no one chooses them.
_SYSTEM_VARIABLE = re.compile(r"\{\{\s*(?:global|automation):[A-Z_]+\s*\}\}")


def _run_time(key: object, value: object, runbook: bool) -> bool:
    """A Step Functions path or intrinsic (`.$`) or JSONata expression (`{% … %}`); in a runbook, a parameter
    (`{{ … }}`, anywhere in the value: Step Functions reads braces as text)."""
    if not isinstance(value, str):
        return isinstance(key, str) and key.endswith(".$")
    if runbook:
        return "{{" in _SYSTEM_VARIABLE.sub("", value)
    return (isinstance(key, str) and key.endswith(".$")) or value.strip().startswith("{%")


@functools.lru_cache(maxsize=1024)
def _grant_making(service: str, action: str) -> bool:
    """The action changes who may act on a resource: its catalogue level says so, or its name does (a `Write`
    such as ec2:ModifyImageAttribute shares an image, kinesis:PutResourcePolicy sets a policy); one the
    catalogue does not know (API Gateway's IAM actions are HTTP verbs: `updateRestApi` patches `/policy`)
    may, unless its verb only reads."""
    prefix = _PREFIX.get(service.lower(), service.lower())
    level = catalogue().get(prefix, {}).get(f"{prefix}:{action.lower()}")
    if level is None:
        return _READ_VERB.match(action) is None
    return level == "Permissions management" or _GRANT_NAME.search(action) is not None


def _call(node: dict[str, Any]) -> tuple[str, Any] | None:
    """(what the call is, its parameters) when `node` is a grant-making SDK call or one whose service or
    action is filled in at run time; None for anything else."""
    resource = node.get("Resource")
    if isinstance(resource, str) and (m := _SFN_SDK.match(resource)) is not None:
        params = node.get("Arguments", node.get("Parameters"))
        return (f"{m.group(1)}:{m.group(2)}", params) if _grant_making(*m.groups()) else None
    inputs = node.get("inputs")
    if node.get("action") == _RUNBOOK_SCRIPT and isinstance(inputs, dict):
        script = inputs.get("Script")
        if isinstance(script, str) and is_powershell(inputs.get("Runtime")):  # round 81
            return _pwsh_call(script, inputs.get("InputPayload"))
        found = CODE_GRANT.search(script) if isinstance(script, str) else None
        if isinstance(script, str) and found is None and not DYNAMIC_HINT.search(script):
            return None
        name = f"script {found.group(0) if found else '(attached)' if script is None else '(dynamic)'}"
        if isinstance(script, str) and not literal_grants(script):  # round 80: read from elsewhere
            return (f"{name} (its arguments are no literals)", {"Script": "{{ run time }}"})
        return (name, {"InputPayload": inputs.get("InputPayload")})
    if node.get("action") != _RUNBOOK_API or not isinstance(inputs, dict):
        return None
    service, api = inputs.get("Service"), inputs.get("Api")
    params = {k: v for k, v in inputs.items() if k not in ("Service", "Api")}
    if not isinstance(service, str) or not isinstance(api, str) or _run_time(None, service + api, True):
        return (f"{service}:{api}", {"Service/Api": "{{ run time }}"})
    return (f"{service}:{api}", params) if _grant_making(service, api) else None


def _pwsh_call(script: str, payload: Any) -> tuple[str, Any] | None:
    """A PowerShell script's grant-making call, judged as a Python one is (policies/core/pwsh_grants.py)."""
    if (found := pwsh_grants(script)) is None:
        return None
    name, literal, uses_payload = found
    if not literal:
        return (f"script {name} (its arguments are no literals)", {"Script": "{{ run time }}"})
    return (f"script {name}", {"InputPayload": payload if uses_payload else None})


# Round 80: attributes that are quantities (SQS validates each as a number), never a party or a place, so a
# value from the run grants nothing (`Attributes.VisibilityTimeout.$`). `RedrivePolicy`, `KmsMasterKeyId`
# name a queue or key that may be another account's: not listed.
_QUANTITIES = frozenset(k.lower() for k in (
    "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout", "KmsDataKeyReusePeriodSeconds"))
# A runbook reading a value from Parameter Store (`{{ssm:/path}}`, SSM's own syntax): the parameter decides.
SSM_VALUE = re.compile(r"^\{\{\s*ssm(?:-secure)?:([^{}\s]+)\s*\}\}$")


def _filled(params: Any, at: tuple[Any, ...], runbook: bool) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) of the parameters filled in at run time, but those naming the resource the call acts on
    and quantities."""
    if not isinstance(params, dict | list):
        return [(at, params)] if _run_time(None, params, runbook) else []
    out: list[tuple[tuple[Any, ...], Any]] = []
    todo: list[tuple[Any, tuple[Any, ...], bool]] = [(params, at, True)]
    while todo:
        value, where, top = todo.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            name = k.removesuffix(".$").lower() if isinstance(k, str) else ""
            if _run_time(k, v, runbook):
                if not (top and name in _TARGET_KEYS) and name not in _QUANTITIES:
                    out.append(((*where, k), v))
            elif isinstance(v, dict | list):
                todo.append((v, (*where, k), False))
    return out


def _found(path: tuple[Any, ...], value: Any, call: str) -> Found:
    """A parameter read from the stack's Parameter Store is judged there (core/stored_refs.py: the
    parameter must be the stack's, its value readable and judged as its own input); any other blocks."""
    m = SSM_VALUE.match(value) if isinstance(value, str) else None
    ref = stored_ref(f"ssm-parameter://{m.group(1)}", "Policy") if m else None
    spelt = ".".join(map(str, path))
    return (spelt, ref[0], ref[1]) if ref else (spelt, "site", _message(call))


def _may_call_or_walk(v: object) -> bool:
    return isinstance(v, dict | list) or (isinstance(v, str) and ("aws-sdk:" in v or "aws:execute" in v))


def runtime_grants(key: str, value: Any) -> list[Found]:
    """The grant-making SDK calls held by one input (in nested fields and in JSON or YAML text) that take a
    parameter from the run. Paths are kept as (parent, key) links and spelt out only on a hit."""
    out: list[Found] = []
    todo: list[tuple[Any, Any, int]] = [(value, (None, key), 0)]
    while todo:
        value, at, depth = todo.pop()
        if isinstance(value, str):
            if not may_call(value) or is_unknown(value) or depth > 12:
                continue
            parsed = json_doc(value)
            value = yaml_doc(value) if parsed is None and "\n" in value else parsed
        if isinstance(value, dict):
            call = _call(value)
            if call is not None:
                name, params = call
                field = "Arguments" if "Arguments" in value else "Parameters" if "Parameters" in value \
                    else "inputs"
                filled = _filled(params, (*_spelt(at), field), field == "inputs")
                out += [_found(p, v, name) for p, v in filled]
            todo += [(v, (at, k), depth + 1) for k, v in value.items() if _may_call_or_walk(v)]
        elif isinstance(value, list):
            todo += [(v, (at, i), depth + 1) for i, v in enumerate(value) if _may_call_or_walk(v)]
    return out


def _spelt(at: Any) -> tuple[Any, ...]:
    keys: list[Any] = []
    while at is not None:
        at, k = at
        keys.append(k)
    return tuple(reversed(keys))


def _message(call: str) -> str:
    return (f"the `{call}` call may change who may act on a resource (an IAM `Permissions management` "
            "action, a call sharing or setting a policy by its name, or one the pack cannot tell) and this "
            "parameter is filled in at run time (a `.$` path or intrinsic, JSONata, a "
            "runbook parameter): whoever starts the run decides whom it lets read, from wherever they run; "
            "write the grant out literally, naming the stack's own or a declared account")
