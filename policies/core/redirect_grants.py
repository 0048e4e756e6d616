"""Grants that let a principal aim a resource at a destination the request names (round 65).

`grant_patterns.py` judges where a grant lets a principal write: the store its ARN names. Some actions write
nothing into the resource their ARN names; they aim it somewhere else, and the somewhere is a parameter of the
request: `sns:Subscribe` (the endpoint: any HTTPS host, mail address, another account's queue),
`events:PutTargets` (another account's bus, an API destination anywhere), `s3:PutReplicationConfiguration`,
`PutBucketLogging`, `PutInventoryConfiguration` (the destination bucket and its owner),
`logs:PutSubscriptionFilter`, `dynamodb:ExportTableToPointInTime`, `rds:StartExportTask`,
`backup:StartCopyJob`, Lambda's asynchronous and event source destinations, traffic mirroring, a Firehose
stream's new destination. Granted even on the stack's own resource by its ARN, they let data leave at run time
to a place no program shows, so the pack cannot judge it: closed world, such a grant blocks. What makes it
judgeable: let the stack create the subscription, target, replication or export itself (its inputs are judged
as every resource's are), or pin the destination by the condition key AWS evaluates for it (`sns:Endpoint`,
`events:TargetArn`, `logs:DeliveryDestinationResourceArn`, from the IAM catalogue) under StringEquals or
ArnEquals with literal values, which the caller judges as references. Copies made in the region the request is
sent to (`rds:CopyDBSnapshot`, `ec2:CopySnapshot`) are pinned by `aws:RequestedRegion` naming allowed regions.
Not aims: Kinesis consumers and `SubscribeToShard` (the principal reads; what it does with the data is its
other grants'), `events:PutRule` alone (a rule without targets sends nothing), imports (the data comes in; an
import into a table is a write into the table's region, judged in `grant_patterns.py`). Round 65's probe
added settings the pack scans that a principal may set anew (a function's environment, a state machine's
definition, a task definition, a DLM lifecycle policy's copies) and the resource policies of the stores whose
service has aiming actions: one naming a role of the same account grants it without any identity policy.
Round 66 closes the list on the IAM catalogue: whatever creates or reconfigures a resource may set the very
settings the pack scans for destinations when the stack creates it (a Glue job's arguments, a CodeBuild
project's buildspec, a DMS endpoint's server, an AppFlow flow's connector), so every `Write` action aims
unless its verb only removes, stops, tags or reads, it writes data into the store its ARN names (judged by
that ARN in `grant_patterns.py`), or a decision below says why it carries no destination. The residency
classes could not derive it: AppFlow, CodeBuild, DMS, Pipes and Scheduler are `regional`. Its probe: a
`Put…` naming no data (`config:PutDeliveryChannel`) is no data write, and `Permissions management` aims too
(a bucket policy in the request opens the bucket to any party). Round 67 ends two decisions that knowingly
let an aim pass: `ecs:UpdateService` may turn Service Connect on with a log configuration (any log driver's
destination), pinned off by `ecs:enable-service-connect` "false" (StringEqualsIfExists too: a request without
a Service Connect configuration keeps the one the stack set, judged there); a custom key store's proxy
(`kms:CreateCustomKeyStore`, `UpdateCustomKeyStore`) is in the request and no condition key names it.
Round 68 decides the rest of `ecs:Create/Update*` by what each request carries: `CreateService` takes the same
pin; a cluster's ECS Exec log bucket and an Express Gateway service's container have none and aim; settings,
capacity, agents, draining, task sets and protection name no place. NFS root access aims no more.
Round 69 reads every resource policy the stack creates, not only the stores' four: a key policy granting
`kms:ReplicateKey`, a secret's `ReplicateSecretToRegions`, a vault's `StartCopyJob`, a table's export, to a
role of the account, aims as a topic policy's `sns:Subscribe` does. The ECS agent, capacity providers and
task sets name no place. Round 70 reads the grants resources make by inputs (input_grants.py: a Lambda
permission's `action`) and statements allowing by NotPrincipal; round 71 judges key policies written at run
time on multi-Region keys (key_policy_writes.py).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from policies.core.data_writes import NOT_DATA
from policies.core.grant_patterns import writes_where_its_arn_says
from policies.core.iam.catalogue import catalogue
from policies.core.iam.spelling import spelled
from policies.core.iam.statements import as_list, statement_actions
from policies.core.input_grants import input_statements
from policies.core.location import Allowed
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document

_REGION = "aws:RequestedRegion"
# keys whose values are regions the copy is made in: pinned when each is an allowed one
_REGION_KEYS = (_REGION, "kms:ReplicaRegion")
# action (lower case) -> as written, and the condition key that pins its destination (None: none does)
_AIMS: dict[str, tuple[str, str | None]] = {a.lower(): (a, key) for a, key in (
    ("sns:Subscribe", "sns:Endpoint"),
    ("events:PutTargets", "events:TargetArn"),
    # an API destination's or a global endpoint's new URL or secondary region re-aims the existing targets
    ("events:CreateApiDestination", None), ("events:UpdateApiDestination", None),
    ("events:CreateEndpoint", None), ("events:UpdateEndpoint", None),
    ("sqs:StartMessageMoveTask", None),
    ("s3:PutReplicationConfiguration", None), ("s3:PutBucketLogging", None),
    ("s3:PutInventoryConfiguration", None), ("s3:PutAnalyticsConfiguration", None),
    ("s3:PutBucketNotification", None), ("s3:PutStorageLensConfiguration", None),
    ("s3:CreateJob", None),  # Batch Operations copy to the bucket the job's operation names
    ("logs:PutSubscriptionFilter", None), ("logs:PutDestination", None), ("logs:PutAccountPolicy", None),
    ("logs:CreateExportTask", None), ("logs:CreateDelivery", None),
    ("logs:PutDeliveryDestination", "logs:DeliveryDestinationResourceArn"),
    ("cloudwatch:PutMetricStream", None),
    ("dynamodb:ExportTableToPointInTime", None), ("dynamodb:EnableKinesisStreamingDestination", None),
    ("dynamodb:UpdateKinesisStreamingDestination", None),
    ("rds:StartExportTask", None),
    ("rds:CopyDBSnapshot", _REGION), ("rds:CopyDBClusterSnapshot", _REGION),
    ("rds:StartDBInstanceAutomatedBackupsReplication", _REGION),
    ("ec2:CopySnapshot", _REGION), ("ec2:CopyImage", _REGION),
    # Round 66: a read replica is made in the region the request is sent to, a key's replica in the one named
    ("rds:CreateDBInstanceReadReplica", _REGION), ("kms:ReplicateKey", "kms:ReplicaRegion"),
    # A network interface is made in the subnet the request names, of the region the request is sent to (EC2
    # is regional: a subnet is one region's); a rotation function's role needs it (Secrets Manager guide).
    ("ec2:CreateNetworkInterface", _REGION),
    # a document run on the instance sends whatever it holds wherever the command says
    ("ssm:SendCommand", None),
    ("backup:StartCopyJob", None), ("backup:CreateBackupPlan", None), ("backup:UpdateBackupPlan", None),
    ("lambda:PutFunctionEventInvokeConfig", None), ("lambda:UpdateFunctionEventInvokeConfig", None),
    ("lambda:CreateEventSourceMapping", None), ("lambda:UpdateEventSourceMapping", None),
    ("ec2:CreateTrafficMirrorSession", None), ("ec2:CreateFlowLogs", None),
    ("firehose:UpdateDestination", None), ("firehose:CreateDeliveryStream", None),
    ("ses:CreateConfigurationSetEventDestination", None),
    ("ses:UpdateConfigurationSetEventDestination", None),  # events, with the message's headers
    ("ses:CreateReceiptRule", None), ("ses:UpdateReceiptRule", None),  # received mail to a bucket, topic
    ("ses:SetIdentityNotificationTopic", None),
    ("ses:CreateExportJob", None), ("ses:StartArchiveExport", None),
    ("ecr:PutReplicationConfiguration", None),
    ("iot:CreateTopicRule", None), ("iot:ReplaceTopicRule", None), ("iot:CreateTopicRuleDestination", None),
    ("iot:UpdateTopicRuleDestination", None),
    ("bedrock:PutModelInvocationLoggingConfiguration", None), ("bedrock:CreateModelInvocationJob", None),
    ("bedrock:CreateModelCopyJob", None),
    # Round 65's probe: a lifecycle policy's copy rules name the regions and accounts its snapshots go to
    ("dlm:CreateLifecyclePolicy", None), ("dlm:UpdateLifecyclePolicy", None),
    # ... and so do the settings the pack scans for destinations, set anew at run time: a function's
    # environment, a state machine's definition, a task definition's environment and log routing. A new code
    # package is no aim here: the pack reads no function's code, whoever deploys it (its reach is its role's
    # grants, judged), so a CI role may update it (good/r34-02).
    ("lambda:CreateFunction", None), ("lambda:UpdateFunctionConfiguration", None),
    ("states:CreateStateMachine", None), ("states:UpdateStateMachine", None),
    ("ecs:RegisterTaskDefinition", None),
    # Round 67: Service Connect's log configuration is the request's; an external key store's proxy too
    ("ecs:UpdateService", "ecs:enable-service-connect"),
    ("kms:CreateCustomKeyStore", None), ("kms:UpdateCustomKeyStore", None),
    # Round 68: a new service takes the same Service Connect configuration and the catalogue lists the same
    # key for it; a cluster's ECS Exec session logs go to the bucket or log group the request names (its only
    # key names a storage key), an Express Gateway service's container (image, command, environment) is the
    # request's, and no key names either
    ("ecs:CreateService", "ecs:enable-service-connect"),
    ("ecs:CreateCluster", None), ("ecs:UpdateCluster", None),
    ("ecs:CreateExpressGatewayService", None), ("ecs:UpdateExpressGatewayService", None),
    # Round 79: an object ACL written by the request may grant any account READ (ACLs enabled); the canned
    # ACL bucket-owner-full-control grants only the bucket owner (the AWS-documented cross-account upload)
    ("s3:PutObjectAcl", "s3:x-amz-acl"), ("s3:PutObjectVersionAcl", "s3:x-amz-acl"),
)}
# Round 65's probe: a resource policy naming a principal of the same account grants it without any identity
# policy. Round 69: a key, secret, vault or table policy grants aims as a topic's does, so a resource policy
# is known by what it is, not by a list of types: a document under any input of any AWS resource whose
# statements name a Principal (an identity policy names none; a trust policy's are sts:, decided not to aim).
# Round 70: the key may be written with JSON escapes (`"\u0053tatement"`), the same key to every JSON reader
# AWS runs, so a string holding an escape is parsed too. A statement allowing by NotPrincipal (everyone but
# those named) grants as one naming a Principal does.
_RESOURCE_POLICY_HINTS = ('"Statement"', "\\u")
# Documents that only bound what other policies grant, so grant nothing themselves: a VPC endpoint's policy
# (a request through it needs an identity or resource policy too; the portal's endpoints allow `*` to the
# own account's principals) and an organisation's control policies (SCPs, RCPs).
_BOUNDING = frozenset({"aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
                       "aws:organizations/policy:Policy"})
_MAX_DEPTH = 6
_PIN_OPERATORS = ("StringEquals", "ArnEquals")
# keys whose pin is a setting that turns the aim off rather than a destination: the values that do, and the
# operators read (IfExists: a request that omits the setting leaves the one the stack set, judged there)
_OFF_KEYS = {"ecs:enable-service-connect": frozenset({"false"}),
             "s3:x-amz-acl": frozenset({"bucket-owner-full-control"})}
_OFF_OPERATORS = (*_PIN_OPERATORS, "StringEqualsIfExists")
# not for an ACL: a request without the canned-ACL header carries its grants in the body
_OFF_IF_EXISTS = frozenset({"ecs:enable-service-connect"})
_ACCOUNT = re.compile(r"(?:arn:aws[a-z-]*:iam::)?\d{12}(?::root)?")
_SHOWN = 8


# Round 66: the list above is no longer the world. Any other `Write` action aims too unless its verb only
# removes, stops, tags or reads what is there, it writes data into the store its ARN names (judged by that
# ARN in grant_patterns.py), or it is decided below not to carry a destination.
_NO_AIM_VERB = re.compile(
    r"^(?:batch)?(?:delete|remove|detach|disassociate|deregister|unregister|disable|deactivate|terminate|stop|"
    r"cancel|abort|reject|revoke|untag|tag|reboot|reset|purge|unsubscribe|decline|get|list|describe|search)")
# Decided not to aim (lower-case action patterns, each with why); what no entry names aims. Measured without
# them (round 66): 13 of 609 compliant programs and 11 principals of the recorded portal-prod stack blocked.
_NOT_AIMS: tuple[tuple[str, str], ...] = (
    (r"iam:.*|sts:.*", "who may act, not where data goes: the PIA's access-rights function; a grant the "
     "stack makes to another party is judged as a resource (outside_parties.py)"),
    (r"rds-db:connect", "a database login (`Permissions management`): what a session does is SQL, the PIA's "
     "structure function; it sets no destination"),
    (r"kms:.*", "a key's use and life cycle carry no destination (ReplicateKey is listed, pinned by "
     "kms:ReplicaRegion; a custom key store's creation and update, whose proxy is the request's, too): "
     "connecting a store reaches the proxy the stack set"),
    (r"logs:createlogstream|logs:createloggroup|cloudwatch:setalarmstate",
     "a stream or group of the account and region its ARN names; an alarm's state (NOT_DATA: its settings)"),
    (r"rds:createdb(?:cluster)?snapshot|rds:modifydb(?:cluster)?parametergroup|ec2:createsnapshots?",
     "a snapshot in the instance's own account and region, an engine's parameters"),
    (r"rds:restoredb(?:instance|cluster)froms3",
     "an import into a store the request does not place elsewhere (round 65)"),
    (r"lambda:updatefunctioncode", "the pack reads no function's code, whoever deploys it (round 65)"),
    (r"events:putrule", "a rule without targets sends nothing; PutTargets is listed (round 65)"),
    (r"kinesis:registerstreamconsumer", "a consumer reads (round 65)"),
    (r"sqs:changemessagevisibility(?:batch)?", "a message's visibility in the queue (round 65)"),
    (r"s3:put(?:bucketversioning|lifecycleconfiguration|encryptionconfiguration|bucketobjectlockconfiguration|"
     r"objectretention|objectlegalhold|bucketpublicaccessblock|bucketownershipcontrols)"
     r"|s3:replicate(?:delete|tags)|s3:objectowneroverridetobucketowner",
     "settings of the bucket its ARN names that name no other place; a replica's delete marker, tags and "
     "owner in the bucket its ARN names (round 65)"),
    (r"glue:createpartitionindex|ssm:(?:create|update)opsmetadata", "an index over a table's partition keys, "
     "an application's key-value metadata: neither holds a location (round 64's cases)"),
    (r"es:createoutboundconnection", "the own domain searches or follows a remote one: data comes in"),
    (r"states:invokehttpendpoint", "the HTTP Task's endpoint is the definition's, judged where the stack "
     "creates it; TestState, whose state is in the request, aims"),
    (r"elasticfilesystem:clientrootaccess", "the root user on the file system its ARN names: it writes "
     "nothing without ClientWrite (judged by its ARN in grant_patterns.py), names no other place (round 68)"),
    (r"ecs:(?:createcapacityprovider|createtaskset|registercontainerinstance|discoverpollendpoint|poll|"
     r"starttelemetrysession|submit(?:task|container)statechange|submitattachmentstatechanges)",
     "a capacity provider's scaling and instances' subnets, a task set's task definition "
     "(RegisterTaskDefinition aims), scale and load balancers, the agent joining the cluster its ARN names "
     "and reporting to ECS there: none names a place; account settings are NOT_DATA (round 69)"),
    (r"secretsmanager:updatesecretversionstage", "moves a staging label (AWSCURRENT, AWSPENDING) between "
     "versions of the secret its ARN names (MoveToVersionId, RemoveFromVersionId: the API reference): no "
     "place; a rotation function's role needs it"),
    (r"ecs:putclustercapacityproviders", "a cluster's capacity providers and default strategy: provider "
     "names, weights and bases, no place (round 70)"),
    (r"signer:startsigningjob", "the caller's code, signed and written to the bucket the request names with "
     "the caller's own s3:PutObject there (the Signer guide), judged by its ARN; no code is read (round 71)"),
    (r"acm-pca:issuecertificate", "a certificate the CA its ARN names signs from the CSR in the request: no "
     "place; ACM is granted it by a CA permission (round 70)"),
    (r"ecs:update(?:clustersettings|capacityprovider|containeragent|containerinstancesstate|taskset|"
     r"serviceprimarytaskset|taskprotection)", "Container Insights on or off, a capacity provider's scaling "
     "and its instances' subnets, an agent's version, draining, a task set's scale, which set serves, "
     "scale-in protection: none names a place (round 68)"),
)
# Round 66's probe: a resource policy set at run time (`s3:PutBucketPolicy`) opens the resource to a party the
# request names, read from wherever it is: `Permissions management` aims as `Write` does.
_LEVELS = ("Write", "Permissions management")
_NOT_AIM = re.compile("|".join(f"(?:{p})" for p, _ in _NOT_AIMS))


@functools.lru_cache(maxsize=1)
def _derived() -> frozenset[str]:
    """Every `Write` action of the catalogue that aims by the rule above, the listed ones aside."""
    return frozenset(
        a for actions in catalogue().values() for a, level in actions.items()
        if level in _LEVELS and a not in _AIMS and not _NO_AIM_VERB.match(a.split(":", 1)[1])
        and not writes_where_its_arn_says(a) and a not in NOT_DATA and not _NOT_AIM.fullmatch(a))


@functools.lru_cache(maxsize=2048)
def aims(actions: frozenset[str]) -> tuple[tuple[str, str | None], ...]:
    """(action as written, the condition key pinning its destination) of each aiming action of `actions`;
    cached by the statement's action set, which statement_actions gives as one object per list."""
    listed = tuple(_AIMS[a] for a in sorted(actions & _AIMS.keys()))
    return listed + tuple((spelled(a), None) for a in sorted(actions & _derived()))


def resource_policy_grants(r: ResourceView) -> list[tuple[str, dict[str, Any]]]:
    """(where, statement) of each Allow statement of every resource policy among the AWS resource's inputs,
    and of the grant its inputs make (input_grants.py); an unreadable document is judged where it is read."""
    out = input_statements(r) if r.type.startswith("aws:") and r.type not in _BOUNDING else []
    for path, doc in granting_documents(r):
        out += [(f"`{path}(json).Statement.{i}`", s) for i, s in enumerate(as_list(doc.get("Statement")))]
    return [(where, stmt) for where, stmt in out if isinstance(stmt, dict) and stmt.get("Effect") == "Allow"
            and ("Principal" in stmt or "NotPrincipal" in stmt) and not _only_accounts(stmt)]


def granting_documents(r: ResourceView) -> list[tuple[str, dict[str, Any]]]:
    """(input path, document) of each policy document among an AWS resource's inputs that can grant (the
    bounding ones of `_BOUNDING` excluded)."""
    if not r.type.startswith("aws:") or r.type in _BOUNDING:
        return []
    return _policy_documents(r.inputs, "", 0)


def _policy_documents(value: Any, path: str, depth: int) -> list[tuple[str, dict[str, Any]]]:
    """(input path, document) of each policy document, given as JSON or as a map, in `value`."""
    if isinstance(value, str):
        if not any(hint in value for hint in _RESOURCE_POLICY_HINTS):
            return []
        value, _ = json_document(value)
        return [(path, value)] if isinstance(value, dict) and "Statement" in value else []
    if depth >= _MAX_DEPTH:
        return []
    if isinstance(value, dict):
        if "Statement" in value:
            return [(path, value)]
        items = [(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}.{i}", v) for i, v in enumerate(value)]
    else:
        return []
    return [found for p, v in items for found in _policy_documents(v, p, depth + 1)]


def _only_accounts(stmt: dict[str, Any]) -> bool:
    """A statement naming only whole accounts (`123456789012`, `arn:aws:iam::<id>:root`) grants nothing by
    itself: the account's own identity policies must grant the action too, and are judged; another account
    is a grantee, judged as one (outside_parties.py)."""
    principal = stmt.get("Principal")
    names = as_list(principal.get("AWS")) if isinstance(principal, dict) and set(principal) == {"AWS"} else []
    return bool(names) and all(isinstance(n, str) and _ACCOUNT.fullmatch(n) for n in names)


def _pins(stmt: dict[str, Any], key: str) -> list[str] | None:
    """The literal values a StringEquals or ArnEquals condition (one of `_OFF_OPERATORS` for `_OFF_KEYS`)
    pins `key` to, as written; None when no such condition is there or a value is a pattern, a policy
    variable or not a string."""
    cond = stmt.get("Condition")
    for op in _OFF_OPERATORS if key in _OFF_IF_EXISTS else _PIN_OPERATORS:
        block = cond.get(op) if isinstance(cond, dict) else None
        values = next((as_list(v) for k, v in block.items() if str(k).lower() == key.lower()), None) \
            if isinstance(block, dict) else None
        if values and all(isinstance(v, str) and not any(c in v for c in ("*", "?", "${")) for v in values):
            return values
    return None


_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"


def acls_disabled(r: ResourceView, graph: StackGraph) -> bool:
    """Round 80: a bucket policy's bucket has ACLs disabled by the stack's own ownership controls
    (BucketOwnerEnforced): S3 then refuses every object ACL but bucket-owner-full-control (S3 user guide,
    "Controlling ownership of objects and disabling ACLs"), so an object ACL write grants no one."""
    bucket = r.input("bucket") if r.type == _BUCKET_POLICY else None
    if not isinstance(bucket, str) or is_unknown(bucket):
        return False
    rules = [c.get("rule.objectOwnership") for c in graph.by_type(_OWNERSHIP) if c.input("bucket") == bucket]
    return bool(rules) and all(rule == "BucketOwnerEnforced" for rule in rules)  # two: either may win


def aimed_grants(ok: Allowed, statements: list[tuple[str, dict[str, Any]]], acls_off: bool = False
                 ) -> tuple[list[str], list[tuple[str, str]]]:
    """(messages, pinned) for the Allow `statements` of the resource's policies: a message for each statement
    granting an aiming action whose destination no condition pins; (path, value) of each destination a
    condition pins, for the caller to judge as a reference. `acls_off`: object ACLs are off (acls_disabled).
    """
    messages: list[str] = []
    pinned: list[tuple[str, str]] = []
    for where, stmt in statements:
        loose: list[str] = []
        for written, key in aims(statement_actions(stmt)):
            if acls_off and key == "s3:x-amz-acl":
                continue
            values = _pins(stmt, key) if key else None
            if values is None or (key in _REGION_KEYS and not all(ok.permits("aws", v) for v in values)) \
                    or (key in _OFF_KEYS and not _OFF_KEYS[key].issuperset(values)):
                loose.append(written)
            elif key not in _REGION_KEYS and key not in _OFF_KEYS:
                pinned += [(f"{where}, condition `{key}`", v) for v in values]
        if loose:
            messages.append(_message(where, loose))
    return messages, pinned


def _message(where: str, actions: list[str]) -> str:
    more = f" and {len(actions) - _SHOWN} more" if len(actions) > _SHOWN else ""
    named = ", ".join(actions[:_SHOWN]) + more
    return (f"{where} allows {named}: each aims a resource at a destination named in the request rather than "
            "in the resource's ARN (a subscription endpoint, a target, a replication, export, copy or log "
            "destination, the settings of a resource it creates or reconfigures, a policy opening it to "
            "another party), so where the data goes "
            "at run time cannot be judged, even on the stack's own resource; let the stack create the "
            "subscription, target, replication, export or resource itself (its inputs are judged), or pin "
            "the destination by StringEquals `sns:Endpoint`, `events:TargetArn` or "
            "`logs:DeliveryDestinationResourceArn` to a resource of the stack, and a copy's region by "
            "StringEquals `aws:RequestedRegion` or a key's by `kms:ReplicaRegion` (allowed regions), and "
            "keep Service Connect off by StringEquals(IfExists) `ecs:enable-service-connect` \"false\" and "
            "an object ACL to the bucket owner by StringEquals on S3's `x-amz-acl` key "
            "\"bucket-owner-full-control\"; no "
            "other condition key names the destination, none a custom key store's proxy "
            "(policies/core/redirect_grants.py)")
