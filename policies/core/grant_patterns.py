"""Identity policies that let a principal send data to stores no ARN names (round 60).

A store named in a policy is a reference like any other: the scanner resolves it to a resource of the stack or
blocks. A pattern (`arn:aws:s3:::*`, `arn:aws:s3:::export-*/*`, `arn:*:s3:::*`, `"Resource": "*"`, an Allow
with `NotResource`) names none, yet grants writing into every bucket it matches — and an S3 ARN carries no
account or region, while bucket names are first come, first served, so any pattern over the bucket name
matches buckets anyone can create, anywhere. Such a bucket's own policy only has to let the principal in, and
the data is outside. So a write-capable Allow on a pattern that reaches past the stack's named buckets cannot
be judged and blocks, saying to name the buckets. Reads over a pattern bring data in and stay allowed; a
wildcard after the bucket name (`arn:aws:s3:::dosis-exports/*`) stays within the named bucket. The other
stores a resource policy may open to another account (queues, topics, event buses, functions, streams,
tables) carry their account and region in the ARN: a pattern over either (`arn:aws:sqs:*:*:*`,
`arn:aws:events:eu-west-1:*:event-bus/*`) reaches another account, which passes the data on wherever it
likes, or another region, and blocks; one that pins both leaves the name to the scanner's ARN judgement.

A managed policy that only serves as a permissions boundary grants nothing (a ceiling of `Allow *` is the
usual form); attached anywhere as well, it grants and is judged. An AWS-managed policy is judged where it is
attached, by the statements the gate knows of it (`iam/managed.py`: AdministratorAccess, PowerUserAccess, the
`aws-glue-*` buckets of AWSGlueServiceRole…); one it does not know blocks here too (round 61: closed world).
SES identities, state machines and APIs (round 61) are judged as the queues and topics are: another account's
identity sends for it when its owner authorises it, an execution's input and an API's request go wherever
they pass them on. A `StringEquals` condition pinning `aws:ResourceAccount` to the provider's account and
`aws:RequestedRegion` to allowed regions narrows those services' patterns (both are needed for `*`; one
narrows its own ARN field); S3's do not: its ARNs carry neither, round 60 decided not to rely on the account
alone and the request's region was not judged safe for buckets (access points, redirects) in this round.
Round 62: ECR pushes, IoT publishes, Bedrock invocations and AppSync mutations are sends too; an account the
endpoints record declares in an allowed region narrows as the own one does; S3 under both keys stays
unnarrowed (a Multi-Region Access Point is called through a global endpoint and routes to buckets in other
regions, so the request's region does not bind the bucket's), and an access point pattern over its account or
region reaches outside like the other services' ARNs.
Round 63 closes the table's world: every other data-writing action (`firehose:PutRecord`,
`kinesisvideo:PutMedia`, `timestream:WriteRecords`, `kafka-cluster:WriteData`, `sagemaker:PutRecord`…) writes
into a store of the account and region its ARN names as the listed ones do, so rather than one row per service
an action no row covers is judged by what can be read of it: the catalogue's access level (`Write`) and a name
that puts, sends, writes or publishes (`Put…`, `Send…`, `Write…`, `Publish…`, their `Batch…` forms). On a
pattern over the account or region (`*`, `NotResource`, a varying ARN field) it blocks unless narrowed as
above, saying how to make it judgeable. `logs:PutLogEvents` on `*` (the AWS-managed Lambda, ECS and AppSync
execution policies) is no exception: a log group of the own account in another region receives the events.
Round 64: a name also reads as a data write when it uploads, inserts, ingests, invokes, posts or appends, or
when what it writes is items, records, rows, partitions, messages, objects, documents, media, archives or data
(`glue:CreatePartition`, `dax:UpdateItem`), short of removing, stopping or reading. Closing the world on the
access level alone was measured and not adopted: every `Write` action of a service no row covers blocked seven
principals of the recorded portal stack (reboots, key and IAM administration, the AWS-managed read-only
policies, whose catalogue entries file some reads as `Write`) for requests that carry no data.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from policies.core.accounts import aws_account
from policies.core.data_writes import DATA_NOUN, DATA_VERB, names_data, writes_data
from policies.core.endpoints import EEA_COUNTRIES, Endpoint, find
from policies.core.iam.managed import is_managed, managed_statements
from policies.core.iam.spelling import spelled
from policies.core.iam.statements import as_list, conditions, statement_actions
from policies.core.location import Allowed
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document

# type -> where its identity policy documents are: a top-level input, or `inlinePolicies[].policy`
_DOCUMENTS: dict[str, str] = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "inlinePolicy",
}
_INLINE = "aws:iam/role:Role"
# type -> the input naming the AWS-managed (or customer-managed) policy ARNs it attaches, one or a list
_MANAGED_ARNS: dict[str, str] = {
    **dict.fromkeys((
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        "aws:iam/policyAttachment:PolicyAttachment"),
        "policyArn"),
    **dict.fromkeys((
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
        "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"), "policyArns"),
    _INLINE: "managedPolicyArns",
    "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": "managedPolicyArn",
    "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive": "managedPolicyArns",
}
_POLICY = "aws:iam/policy:Policy"
_BOUNDED = ("aws:iam/role:Role", "aws:iam/user:User")
# Every input by which a managed policy of the stack is attached to a principal (or a permission set's name
# reference, which the set's accounts attach): a policy named in any of them grants.
_ATTACHING: dict[str, str] = {
    **_MANAGED_ARNS,
    "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment":
        "customerManagedPolicyReference",
    "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive":
        "customerManagedPolicyReferences",
}
@dataclass(frozen=True)
class _Store:
    """A kind of store an identity policy can send to: its sending actions and ARNs of one outside it."""

    noun: str
    sends: dict[str, str]  # catalogue action (lower case) -> as written in a message
    outside: tuple[str, ...]


_S3 = "s3"
# Uploads, copies and multipart parts are all authorised as PutObject, replication as ReplicateObject; the
# other services' stores accept these from another account when their resource policy says so.
def _store(service: str, noun: str, actions: tuple[str, ...], resource: str, *more: str) -> _Store:
    """A store of `service` sent to by `actions`; outside it: `resource` of another account in us-east-1,
    and `more` ARNs of other forms."""
    return _Store(noun, {f"{service}:{a.lower()}": f"{service}:{a}" for a in actions},
                  (f"arn:aws:{service}:us-east-1:999999999999:{resource}", *more))


_STORES: dict[str, _Store] = {
    _S3: _Store("buckets", {"s3:putobject": "s3:PutObject", "s3:replicateobject": "s3:ReplicateObject"},
                ("arn:aws:s3:::zz-any-outside-bucket", "arn:aws:s3:::zz-any-outside-bucket/any-key")),
    "sqs": _store("sqs", "queues", ("SendMessage",), "zz-outside"),
    "sns": _store("sns", "topics", ("Publish",), "zz-outside"),
    # Round 64: a row lists every write of its service that carries data (the fallback below reads only the
    # services no row covers): an item updated or inserted by PartiQL, an event posted to an API destination,
    # the older asynchronous invoke.
    "events": _store("events", "event buses and API destinations", ("PutEvents", "InvokeApiDestination"),
                     "event-bus/zz-outside"),
    "lambda": _store("lambda", "functions", ("InvokeFunction", "InvokeFunctionUrl", "InvokeAsync"),
                     "function:zz-outside"),
    "kinesis": _store("kinesis", "streams", ("PutRecord", "PutRecords"), "stream/zz-outside"),
    # Round 65: an import writes a bucket's items into a new table of the region its ARN names.
    "dynamodb": _store("dynamodb", "tables", ("PutItem", "BatchWriteItem", "UpdateItem", "PartiQLInsert",
                                              "PartiQLUpdate", "ImportTable"), "table/zz-outside"),
    # Round 61: a message sent through another account's identity (sending authorization) is held, logged
    # and published by that account's SES in its region; an execution's input is the state machine's to
    # pass on; an API (and its WebSocket connections) relays the request wherever its integration points.
    "ses": _store("ses", "email identities", (
        "SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail"),
        "identity/zz-outside.example"),
    "states": _store("states", "state machines", ("StartExecution", "StartSyncExecution"),
                     "stateMachine:zz-outside"),
    "execute-api": _store("execute-api", "APIs", ("Invoke", "ManageConnections"), "zzoutside/prod/POST/x"),
    # Round 62: an image pushed to another account's repository (its repository policy lets the principal in)
    # carries whatever configuration and data were baked into it, and that account replicates it wherever it
    # likes; IoT Core's broker of another region forwards what is published by its topic rules; a prompt goes
    # to the region the call names (a foundation model's ARN has no account; inference profiles have one);
    # an AppSync mutation writes into the API's data sources.
    "ecr": _store("ecr", "repositories", ("InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload",
                                          "PutImage"), "repository/zz-outside"),
    # Round 64: a shadow update is, over HTTP, a publish to the shadow's topic.
    "iot": _store("iot", "IoT topics and shadows", ("Publish", "RetainPublish", "UpdateThingShadow"),
                  "topic/zz-outside"),
    # Round 65: an agent, a flow or a retrieval answers a prompt in its own region as a model does; an
    # AppSync Events publish is a send to the API's channels.
    "bedrock": _store("bedrock", "models, agents and flows", (
        "InvokeModel", "InvokeModelWithResponseStream", "InvokeAgent", "InvokeInlineAgent", "InvokeFlow",
        "RetrieveAndGenerate"), "inference-profile/zz-outside",
        "arn:aws:bedrock:us-east-1::foundation-model/zz"),
    "appsync": _store("appsync", "GraphQL and Events APIs", ("GraphQL", "EventPublish"), "apis/zzoutside"),
    # Round 63: data-writing actions whose names carry no data verb, which the fallback below cannot read:
    # OpenSearch indexes what an HTTP POST/PUT/PATCH to a domain carries; a Keyspaces `Modify` writes rows.
    "es": _store("es", "OpenSearch domains", ("ESHttpPost", "ESHttpPut", "ESHttpPatch"), "domain/zz-outside"),
    "cassandra": _store("cassandra", "Keyspaces tables", ("Modify",), "/keyspace/zz/table/zz"),
    # Round 64: OpenSearch Serverless authorises every data-plane call (index, bulk) as `APIAccessAll`; an
    # S3 Express One Zone session (`CreateSession`, ReadWrite by default) authorises its PutObject calls.
    "aoss": _store("aoss", "OpenSearch Serverless collections", ("APIAccessAll",), "collection/zzoutside"),
    "s3express": _store("s3express", "directory buckets", ("CreateSession",),
                        "bucket/zz-outside--use1-az4--x-s3"),
    # Round 67: an NFS client's writes, authorised by the file system's ARN (its policy may let another
    # account's role in), land in that file system's account and region. Issue 13: so does a backup job's
    # copy of it: AWS Backup runs the job in the file system's region and writes into a vault named by name
    # (unique per account and region) in the plan or request; copies elsewhere are a plan's copy actions
    # (judged as its inputs) or `backup:StartCopyJob`, `CopyIntoBackupVault` (aims, redirect_grants.py).
    "elasticfilesystem": _store("elasticfilesystem", "EFS file systems", ("ClientWrite", "Backup"),
                                "file-system/fs-zzoutside"),
}
_VARIABLE = ("*", "?", "${")  # a wildcard, or a policy variable filled per request
_SHOWN = 8  # actions a message names
def _glob(pattern: str) -> re.Pattern[str]:
    """IAM's matching: `*` any run of characters (`/` and `:` included), `?` one; nothing else is special."""
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.S)


def _varies(part: str) -> bool:
    return any(v in part for v in _VARIABLE)


def _reaches_outside(service: str, pattern: str, narrowed: tuple[bool, bool]) -> bool:
    """The resource pattern matches a store of `service` the stack does not create (in another account or
    region, or for S3 any bucket: its ARN names neither). `narrowed`: (account, region) the statement's
    conditions pin to the stack's account and allowed regions, which S3's ARNs cannot be narrowed by. For a
    service no row describes, any ARN counts: its action prefix need not be its ARN's (`kafka-cluster:` writes
    to `arn:aws:kafka:…`)."""
    outside = _STORES[service].outside if service in _STORES else _unlisted(service)
    whole = any(_glob(pattern).fullmatch(probe) for probe in outside)
    parts = pattern.split(":", 5)
    if service == _S3:  # a bucket's name, or an access point's account or region (round 62), left open
        return whole or (len(parts) == 6 and bool(_glob(parts[2]).fullmatch(service))
                         and any(map(_varies, (parts[5].split("/", 1)[0], parts[3], parts[4]))))
    if whole and not all(narrowed):
        return True
    if len(parts) < 6 or (service in _STORES and not _glob(parts[2]).fullmatch(service)):
        return False
    return (_varies(parts[4]) and not narrowed[0]) or (_varies(parts[3]) and not narrowed[1])


def _wide_targets(service: str, stmt: dict[str, Any], narrowed: tuple[bool, bool]) -> list[str]:
    """The patterns by which an Allow statement's sends reach outside stores of `service` (one the table does
    not know: `_unlisted`)."""
    if service != _S3 and all(narrowed):
        return []
    outside = _STORES[service].outside if service in _STORES else _unlisted(service)
    if "NotResource" in stmt:
        spared = [str(p) for p in as_list(stmt.get("NotResource"))]
        if any(all(_glob(p).fullmatch(o) for o in outside) for p in spared):
            return []
        return [f"every resource but {', '.join(spared)} (NotResource)"]
    return [str(p) for p in as_list(stmt.get("Resource"))
            if not is_unknown(p) and _reaches_outside(service, str(p), narrowed)]


def _unlisted(service: str) -> tuple[str, ...]:
    """An ARN of a store of `service`, a service no row describes, in another account and region."""
    return (f"arn:aws:{service}:us-east-1:999999999999:zz-outside",)


def _unlisted_send(action: str) -> bool:
    """A data-writing action of a service no row of the table covers."""
    return action.partition(":")[0] not in _STORES and writes_data(action)


def writes_where_its_arn_says(action: str) -> bool:
    """Round 66: the action writes data into the store its ARN names (a row's send or a data write of a
    service no row covers), which this module judges by that ARN; redirect_grants.py judges the rest."""
    service = action.partition(":")[0]
    if service in _STORES:
        return action in _STORES[service].sends
    return _unlisted_send(action) and names_data(action)


@functools.lru_cache(maxsize=2048)
def _sends(actions: frozenset[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(service, its sends as written in a message) for the rows' stores, then for the data-writing actions
    of services no row covers; cached by the statement's action set (statement_actions gives the same
    object for the same list), as `*` names some 15,000 actions to sort and read."""
    rows = [(service, tuple(store.sends[a] for a in sorted(actions & store.sends.keys())))
            for service, store in _STORES.items()]
    unlisted: dict[str, list[str]] = {}
    for a in sorted(actions):
        if _unlisted_send(a):
            unlisted.setdefault(a.split(":", 1)[0], []).append(spelled(a))
    return tuple((service, sends) for service, sends in rows if sends) + tuple(
        (service, tuple(sends)) for service, sends in unlisted.items())


def _documents(r: ResourceView) -> list[tuple[str, Any]]:
    """(where, document) of each policy the resource holds or attaches; `where` has `{i}` for a statement."""
    out: list[tuple[str, Any]] = []
    if r.type == _INLINE:
        out = [(f"`inlinePolicies.{i}.policy(json).Statement.{{i}}`", p.get("policy"))
               for i, p in enumerate(as_list(r.input("inlinePolicies"))) if isinstance(p, dict)]
    if key := _DOCUMENTS.get(r.type):
        out.append((f"`{key}(json).Statement.{{i}}`", r.input(key)))
    for key, arn, stmts in _managed(r):
        if stmts is not None:
            name = arn.rsplit("/", 1)[-1]
            out.append((f"`{key}` (AWS-managed {name}, statement {{i}})", {"Statement": stmts}))
    return out


def _managed(r: ResourceView) -> list[tuple[str, str, list[dict[str, Any]] | None]]:
    """(input, ARN, statements the gate knows or None) of each AWS-managed policy the resource attaches."""
    key = _MANAGED_ARNS.get(r.type)
    arns = as_list(r.input(key)) if key else []
    return [(key, a, managed_statements(a)) for a in arns if key and isinstance(a, str) and is_managed(a)]


def _unknown_managed(r: ResourceView) -> list[str]:
    """Closed world (round 61): what an AWS-managed policy the table does not hold grants cannot be read, so
    where it lets data be sent cannot be judged either (AmazonS3FullAccess writes into any bucket)."""
    return [f"`{key}` attaches the AWS-managed policy {arn.rsplit('/', 1)[-1]}, whose statements the gate "
            "does not know (policies/core/iam/managed.py), so where it lets data be sent cannot be judged; "
            "add its statements to that table, or grant by an inline policy naming the stack's resources"
            for key, arn, stmts in _managed(r) if stmts is None]


def _narrowed(stmt: dict[str, Any], own: str | None, ok: Allowed,
              endpoints: tuple[Endpoint, ...]) -> tuple[bool, bool]:
    """(account, region): whether a `StringEquals` condition pins `aws:ResourceAccount` to the account the
    resource's provider pins or declared ones, and `aws:RequestedRegion` to allowed regions. Conditions only
    narrow (IAM ANDs them), so any other operator or key is simply not relied on; `IfExists`, `ForAnyValue`,
    `StringLike` and the like are such others, as is a list naming anything else."""
    block = conditions(stmt).get("StringEquals", {})
    accounts, regions = block.get("aws:resourceaccount", []), block.get("aws:requestedregion", [])
    return (bool(accounts) and all(a == own or _declared(a, ok, endpoints) for a in accounts),
            bool(regions) and all(ok.permits("aws", region) for region in regions))


def _declared(account: str, ok: Allowed, endpoints: tuple[Endpoint, ...]) -> bool:
    """Round 62: an account the endpoints record declares (`arn:aws:iam::<id>:`) in an allowed region or an
    EEA jurisdiction is a receiver the controller vouches for, as it is when a grant names it (round 16)."""
    e = find(endpoints, "arn", f"arn:aws:iam::{account}:")
    if e is None:
        return False
    return ok.permits("aws", e.region) if e.region else e.jurisdiction in EEA_COUNTRIES


def _only_a_boundary(r: ResourceView, graph: StackGraph) -> bool:
    names = [n for n in (r.input("name"), r.name) if isinstance(n, str) and not is_unknown(n)]
    if not graph.referring(_BOUNDED, "permissionsBoundary", r.urn, names):
        return False
    return not any(
        r.urn in v.property_dependencies.get(field, ()) or _names(v.input(field), names)
        for type_, field in _ATTACHING.items()
        for v in graph.by_type(type_)
    )


def _names(value: Any, names: list[str]) -> bool:
    """`value` (an ARN, a list of them, a name-and-path reference) names one of the policy's names."""
    if isinstance(value, str):
        return any(value == n or value.endswith(f"/{n}") for n in names)
    if isinstance(value, dict):
        return any(_names(v, names) for v in value.values())
    return isinstance(value, list) and any(_names(v, names) for v in value)


def _may_send(stmt: dict[str, Any]) -> bool:
    """Whether the statement's actions can name a send at all: only then is the IAM catalogue (loaded once,
    ~0.3 s) asked to expand them, so a stack whose policies name other services never loads it here."""
    if "NotAction" in stmt:
        return True
    named = [f"{a}:".lower().split(":")[:2] for a in map(str, as_list(stmt.get("Action")))]
    return any(p in _STORES or DATA_VERB.match(n) or DATA_NOUN.search(n)
               or any(w in a for w in "*?" for a in (p, n)) for p, n in named)


def _message(where: str, found: list[tuple[str, list[str], list[str]]]) -> str:
    """One statement's sends to stores of one reasoning: S3's, the other listed services' together, or those
    of services the table does not list."""
    acts = [a for _, acts, _ in found for a in acts]  # `*` names hundreds the table does not list: a few
    sends = ", ".join(acts[:_SHOWN]) + (f" and {len(acts) - _SHOWN} more" if len(acts) > _SHOWN else "")
    targets = ", ".join(dict.fromkeys(t for _, _, ts in found for t in ts))
    head = f"{where} allows {sends} on {targets}: a pattern "
    if found[0][0] == _S3:
        return head + (
            "that also matches buckets the stack does not create, in any account and region (an S3 ARN names "
            "neither, and anyone may create a bucket of a matching name), so where the data may be written "
            "cannot be judged; name each bucket it writes to (the stack's bucket ARN, "
            "`arn:aws:s3:::<bucket>/*`, or a bucket declared with its region in "
            "stacks/records/endpoints.yaml)")
    if found[0][0] in _STORES:
        nouns = ", ".join(_STORES[service].noun for service, _, _ in found)
        what = (f"over the account or region that also matches {nouns} the stack does not create, in other "
                "accounts (which pass on what they receive wherever they like) or regions")
    else:  # round 63: the table's closed world
        what = ("over the account or region, for actions that write data into a store of the account and "
                "region its ARN names, of services the gate holds no row for (policies/core/"
                "grant_patterns.py; add the service's row there to judge it as those are)")
    return head + what + (
        ", so where the data may be sent cannot be judged; name each one it sends to (the ARN of a resource "
        "of the stack, or of one declared with its region in stacks/records/endpoints.yaml), or narrow the "
        "statement by StringEquals `aws:ResourceAccount` (the stack's account) and `aws:RequestedRegion` "
        "(allowed regions)")


def granted(r: ResourceView, graph: StackGraph) -> list[tuple[str, dict[str, Any]]]:
    """(where, statement) of each Allow statement the resource's identity policies grant; a managed policy
    serving only as a permissions boundary grants nothing, and an unreadable document is judged where it is
    read (pia-conditions)."""
    if r.type == _POLICY and _only_a_boundary(r, graph):
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    for where, value in _documents(r):
        doc, _ = json_document(value)
        if isinstance(doc, dict):
            out += [(where.format(i=i), stmt) for i, stmt in enumerate(as_list(doc.get("Statement")))
                    if isinstance(stmt, dict) and stmt.get("Effect") == "Allow"]
    return out


def open_grants(r: ResourceView, granted: list[tuple[str, dict[str, Any]]], ok: Allowed,
                endpoints: tuple[Endpoint, ...]) -> list[str]:
    """Messages for the `granted` statements of the resource's identity policies that send to stores no ARN
    names; `endpoints`: the declared ones, whose accounts narrow a pattern as the own one does."""
    out = _unknown_managed(r)
    statements = [(w, s) for w, s in granted if _may_send(s)]
    own = aws_account(r.provider)[0] if statements else None
    for where, stmt in statements:
        actions, narrowed = statement_actions(stmt), _narrowed(stmt, own, ok, endpoints)
        found = [(service, list(sends), targets) for service, sends in _sends(actions)
                 if (targets := _wide_targets(service, stmt, narrowed))]
        listed = [f for f in found if f[0] in _STORES]
        for group in ([f for f in listed if f[0] == _S3], [f for f in listed if f[0] != _S3],
                      [f for f in found if f[0] not in _STORES]):
            if group:
                out.append(_message(where, group))
    return out
