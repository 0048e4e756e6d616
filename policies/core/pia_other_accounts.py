"""Grants to AWS accounts the stack does not deploy into (round 11): a resource policy, permission or share
that names another account hands the data to a party whose people, MFA and duties this pack cannot judge.
The stack's accounts are the ones its PIA record names (`aws_accounts`, round 63: who holds each and why);
until round 62 they were the ones its providers pin (`allowedAccountIds`), but a provider may pin another
party's account for one harmless resource, and the pin then vouched for every grant to it (r63p-01 to -04).
A grant to `*` where the field means "every account" is public."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from policies.core.accounts import account_of, is_account_id
from policies.core.iam.keys import identity
from policies.core.iam.statements import COGNITO_IDENTITY, as_list, conditions, pinned, principals, trust_kind
from policies.core.pia_key_material import KEY_POLICY_TYPES
from policies.core.pia_pinning import arn_account, condition_accounts, open_statements, stack_accounts
from policies.core.pia_pinning import pinned as source_pinned
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message

Judge = Callable[[ResourceView, StackGraph], list[str]]


UNRECORDED = "which the stack's PIA record does not name (`aws_accounts`)"


def foreign(graph: StackGraph, values: Any) -> list[str]:
    own = stack_accounts(graph)
    return sorted({a for v in as_list(values) if (a := account_of(v)) and a not in own})


def _message(accounts: list[str], what: str) -> str:
    return (
        f"{what} account {', '.join(accounts)}, {UNRECORDED}: another party's people reach the data "
        "unjudged (no MFA, duties or exposure checks); grant only the stack's accounts, or name the account "
        "in the record (who holds it, why)"
    )


# Actions that only put something in (log delivery from ELB's regional account, a peer publishing events):
# they let the other account read nothing of the store, so they expose no data.
_DELIVERY_ONLY = re.compile(
    r"^(s3:putobject|s3:putobjectacl|logs:createlogstream|logs:putlogevents|firehose:putrecord"
    r"|firehose:putrecordbatch|sqs:sendmessage|sns:publish|events:putevents)$",
    re.IGNORECASE,
)


def _delivers_only(stmt: dict[str, Any]) -> bool:
    actions = as_list(stmt.get("Action"))
    return "NotAction" not in stmt and bool(actions) and all(_DELIVERY_ONLY.match(str(a)) for a in actions)


# What a service may do for any account without exposing the data (round 25, closed world): deliveries, the
# checks a log service makes of its target bucket, and encrypting under the key. Anything else granted to a
# service principal with no condition naming the source (s3:ListBucket, s3:GetObject, kms:Decrypt, `*`) lets
# every account's resources of that service (any account's CloudFront distribution) list or read the data.
_SERVICE_HARMLESS = re.compile(
    r"^(sqs:send[\w*]*|s3:getbucketacl|s3:getbucketlocation|kms:generatedatakey[\w*]*|kms:encrypt"
    r"|kms:describekey)$",
    re.IGNORECASE,
)
# A key used only under an encryption context naming resources of one account (CloudWatch Logs' log-group
# ARN, CloudTrail's trail ARN) is pinned to that account's resources as `aws:SourceArn` would pin it.
_CONTEXT_ARN = re.compile(r"^kms:encryptioncontext:aws:[a-z0-9-]+:arn$", re.IGNORECASE)
_ACCOUNT_ARN = re.compile(r"^arn:aws[\w-]*:[\w-]+:[\w*-]*:\d{12}:")


def _context_pinned(s: dict[str, Any]) -> bool:
    conds = s.get("Condition")
    for block in conds.values() if isinstance(conds, dict) else ():
        for key, values in block.items() if isinstance(block, dict) else ():
            vals = as_list(values)
            if _CONTEXT_ARN.match(str(key)) and vals and all(_ACCOUNT_ARN.match(str(v)) for v in vals):
                return True
    return False


def _service_reads(s: dict[str, Any], graph: StackGraph) -> list[str]:
    """Services a statement lets read the data for any account (no condition pinning the source)."""
    if s.get("Effect") != "Allow" or source_pinned(s, graph) or _context_pinned(s) or _delivers_only(s):
        return []
    actions = as_list(s.get("Action"))
    if "NotAction" not in s and all(
        _DELIVERY_ONLY.match(str(a)) or _SERVICE_HARMLESS.match(str(a)) for a in actions
    ):
        return []
    return [str(v) for v in principals(s).get("Service", [])]


def policy_grants(
    r: ResourceView, graph: StackGraph, fld: str, own: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """Allow statements of a resource policy that let principals of other accounts read or administer the
    resource (delivery-only writes, e.g. ELB access logs, expose nothing)."""
    return grants_in(r.get(fld), fld, graph, own)


def grants_in(
    policy: Any, fld: str, graph: StackGraph, own: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """policy_grants of a policy document given as a value (round 78: an OpenAPI body's
    `x-amazon-apigateway-policy`, whose grants by name went unread)."""
    doc, err = json_document(policy)
    if err or not isinstance(doc, dict):
        return []  # unknown or unparsable policies are reported by the public-access check
    out = []
    for i, s in enumerate(as_list(doc.get("Statement"))):
        allow = isinstance(s, dict) and s.get("Effect") == "Allow" and not _delivers_only(s)
        named = [p for p in principals(s).get("AWS", []) if identity(p) not in own]
        if allow and (accounts := foreign(graph, named)):
            out.append(f"`{fld}` statement {s.get('Sid') or i} allows {_message(accounts, 'principals of')}")
        if allow and (accounts := foreign(graph, condition_accounts(s))):
            out.append(f"`{fld}` statement {s.get('Sid') or i}'s conditions name {_message(accounts, 'the')}")
        if isinstance(s, dict) and (services := _service_reads(s, graph)):
            out.append(
                f"`{fld}` statement {s.get('Sid') or i} lets {', '.join(services)} read the data with no "
                "condition naming the source: that service acts for every account, so any account's "
                "resource of it (a CloudFront distribution, a job) reaches the data; pin `aws:SourceArn` or "
                "`aws:SourceAccount` to the stack's"
            )
    return out


def trust_for_accounts(r: ResourceView, graph: StackGraph) -> list[str]:
    """A role a service may assume on behalf of another account (aws:SourceAccount/SourceArn naming it):
    that account's jobs, pipelines or deliveries run with the role's access (round 12)."""
    doc, err = json_document(r.input("assumeRolePolicy"))
    if err or not isinstance(doc, dict):
        return []  # judged by the identity rules
    return [
        f"trust statement {i}'s conditions name {_message(accounts, 'the')}"
        for i, s in enumerate(as_list(doc.get("Statement")))
        if isinstance(s, dict)
        and s.get("Effect") == "Allow"
        and (accounts := foreign(graph, condition_accounts(s)))
    ]


def _field(fld: str, what: str, star_is_public: bool = False) -> Judge:
    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = r.input(fld)
        if is_unknown(value):
            return [unknown_message(fld, "who the resource is shared with")]
        if star_is_public and "*" in [str(v) for v in as_list(value)]:
            return [f"`{fld}` is '*': every AWS account can {what}"]
        accounts = foreign(graph, value)
        return [f"`{fld}` lets {_message(accounts, 'the')} {what}"] if accounts else []

    return judge


def _source(r: ResourceView, graph: StackGraph) -> list[str]:
    """A permission for a service acting for another account (`sourceAccount`/`sourceArn`, round 12)."""
    values = [v for f in ("sourceAccount", "sourceArn") if isinstance(v := r.input(f), str)]
    accounts = foreign(graph, [a for v in values if (a := arn_account(v))])
    why = f"`sourceAccount`/`sourceArn` let {_message(accounts, 'the')} invoke the function"
    return [why] if accounts else []


def _organization(r: ResourceView, graph: StackGraph) -> list[str]:
    """Anyone (`*`) narrowed only by `principalOrgId` (round 42): every account of the organization, none of
    them pinned by a provider of the stack, invokes the function and reads what it returns."""
    org = r.input("principalOrgId")
    if r.input("principal") != "*" or org is None or any(r.input(f) for f in ("sourceAccount", "sourceArn")):
        return []
    if is_unknown(org):
        return [unknown_message("principalOrgId", "who may invoke the function")]
    return [
        f"`principal` is '*' narrowed only by `principalOrgId` {org!r}: every account of the organization "
        "invokes the function, unjudged; name a role or account of the stack as the principal"
    ]


def _datashare(r: ResourceView, graph: StackGraph) -> list[str]:
    """A Redshift datashare authorised for a consumer (round 18): an account the record does not name, or a
    keyword such as `ADX` (AWS Data Exchange, a marketplace), queries the shared tables."""
    value = r.input("consumerIdentifier")
    if is_unknown(value):
        return [unknown_message("consumerIdentifier", "who may query the datashare")]
    if not is_account_id(str(value)):
        return [
            f"`consumerIdentifier` is {value!r}, not an account id: a marketplace or unknown consumer would "
            "query the shared tables; authorise an account the stack's PIA record names (`aws_accounts`)"
        ]
    return _field("consumerIdentifier", "query the datashare's tables")(r, graph)


def _event_target(r: ResourceView, graph: StackGraph) -> list[str]:
    """An EventBridge target (round 27): the matched events — CloudTrail calls carry their request
    parameters, personal data among them — go to the bus, queue or function its ARN names, and to its
    dead-letter queue; an account the record does not name reads them. An ARN fed from a resource of the stack
    is that resource, in the account its provider deploys to (preview may show a placeholder account in its
    text)."""
    out = []
    for fld in ("arn", "deadLetterConfig.arn"):
        value = r.get(fld)
        if any(not d.type.startswith("pulumi:") for d in graph.dependency_of(r, fld.split(".", 1)[0])):
            continue  # fed from a resource of the stack (a StackReference's output is no such resource)
        if is_unknown(value):
            out.append(unknown_message(fld, "which account receives the events"))
        elif isinstance(value, str) and (accounts := foreign(graph, [a for a in [arn_account(value)] if a])):
            out.append(f"`{fld}` sends the matched events to {_message(accounts, 'the')}")
    return out


def _dlm_shares(r: ResourceView, graph: StackGraph) -> list[str]:
    """A Data Lifecycle Manager schedule sharing its snapshots (round 39): each account of
    `shareRule.targetAccounts` restores them, whatever the snapshots' own permissions say."""
    schedules = r.get("policyDetails.schedules")
    if is_unknown(schedules):
        return [unknown_message("policyDetails.schedules", "who the snapshots are shared with")]
    out = []
    for i, s in enumerate(as_list(schedules)):
        rule = s.get("shareRule") if isinstance(s, dict) else None
        value = rule.get("targetAccounts") if isinstance(rule, dict) else None
        where = f"policyDetails.schedules[{i}].shareRule.targetAccounts"
        if is_unknown(rule) or is_unknown(value):
            out.append(unknown_message(where, "who the snapshots are shared with"))
        elif accounts := foreign(graph, value):
            out.append(f"`{where}` lets {_message(accounts, 'the')} restore the snapshots")
    return out


def _lake_grant(r: ResourceView, graph: StackGraph) -> list[str]:
    """A Lake Formation grant (round 39): a principal of another account (its id, or an IAM ARN in it), an
    organization or organizational unit (every account in it) reads what it grants, through RAM, without the
    bucket or catalogue policy ever naming it. A principal fed from a resource of the stack is that one."""
    if any(not d.type.startswith("pulumi:") for d in graph.dependency_of(r, "principal")):
        return []
    value = r.input("principal")
    if is_unknown(value):
        return [unknown_message("principal", "who may read what the grant gives")]
    if isinstance(value, str) and ":organizations:" in value:
        return [
            f"`principal` {value!r} is an organization or organizational unit: every account in it reads "
            "what the grant gives, unjudged; grant roles of the stack's accounts"
        ]
    accounts = foreign(graph, value)
    return [f"`principal` lets {_message(accounts, 'the')} read what the grant gives"] if accounts else []


def _export_owner(r: ResourceView, graph: StackGraph) -> list[str]:
    """A DynamoDB table export's `s3BucketOwner` (round 102): the account that owns the bucket the copy of the
    table is written to (the API reference; a bucket of another account needs it). Another account keeps the
    copy, its people and retention unjudged, whatever bucket name is given; absent, the bucket is judged by
    its name as every export's is."""
    value = r.input("s3BucketOwner")
    if value is None:
        return []
    if is_unknown(value):
        return [unknown_message("s3BucketOwner", "which account keeps the exported table")]
    if not (isinstance(value, str) and is_account_id(value)):
        return [
            f"`s3BucketOwner` is {value!r}, not an account id: which account keeps the exported table cannot "
            "be judged; name the owning account as its twelve digits, or leave it out for the stack's bucket"
        ]
    accounts = foreign(graph, value)
    return [f"`s3BucketOwner` lets {_message(accounts, 'the')} keep the exported table"] if accounts else []


EXTRA_CHECKS: tuple[tuple[str, Judge], ...] = (
    ("aws:cloudwatch/eventTarget:EventTarget", _event_target),
    ("aws:redshift/dataShareAuthorization:DataShareAuthorization", _datashare),
    ("aws:lambda/permission:Permission", _field("principal", "invoke the function")),
    ("aws:lambda/permission:Permission", _source),
    ("aws:lambda/permission:Permission", _organization),
    ("aws:lambda/layerVersionPermission:LayerVersionPermission", _field("principal", "read the layer")),
    ("aws:cloudwatch/eventPermission:EventPermission", _field("principal", "send events to the bus")),
    (
        "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
        _field("principalArn", "connect to the service behind the endpoint", star_is_public=True),
    ),
    (
        "aws:ec2/vpcEndpointService:VpcEndpointService",
        _field("allowedPrincipals", "connect to the service behind the endpoint", star_is_public=True),
    ),
    (
        "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
        _field("accountId", "copy the snapshot"),
    ),
    (
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        _field("accountId", "launch the image and read its disks"),
    ),
    ("aws:rds/snapshot:Snapshot", _field("sharedAccounts", "restore the snapshot")),
    ("aws:dlm/lifecyclePolicy:LifecyclePolicy", _dlm_shares),
    ("aws:lakeformation/permissions:Permissions", _lake_grant),
    ("aws:rds/clusterSnapshot:ClusterSnapshot", _field("sharedAccounts", "restore the snapshot")),
    ("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy", _field("sharedAccounts", "restore the snapshot")),
    ("aws:rds/snapshotCopy:SnapshotCopy", _field("sharedAccounts", "restore the snapshot")),
    ("aws:dynamodb/tableExport:TableExport", _export_owner),
    # round 40: a grant is the key policy's other door; its grantee uses the key on every store under it
    ("aws:kms/grant:Grant", _field("granteePrincipal", "use the key (and decrypt every store under it)")),
)


_COGNITO = COGNITO_IDENTITY
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
POOL_ROLES = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment"


def cognito_guests(r: ResourceView, graph: StackGraph) -> list[str]:
    """A role Cognito identity pools hand out without sign-in (`amr` not pinned to `authenticated`): anyone
    on the internet obtains its credentials. Signed-in users (round 12) are only the stack's own: `aud`
    pinned to an identity pool of the stack, else any pool of any account (whose users anyone may create)
    gets the role."""
    doc, err = json_document(r.input("assumeRolePolicy"))
    if err or not isinstance(doc, dict):
        return []  # judged by the identity rules
    out = []
    for i, s in enumerate(as_list(doc.get("Statement"))):
        if not isinstance(s, dict) or trust_kind(s) != "end-users":
            continue
        amr = [
            v
            for op, block in conditions(s).items()
            if "IfExists" not in op
            for v in block.get(f"{_COGNITO}:amr", ())
        ]
        if not amr or any(v != "authenticated" for v in amr):
            out.append(
                f"trust statement {i} lets a Cognito identity pool hand the role to unauthenticated (guest) "
                f"identities (amr {amr or 'not pinned'}): anyone on the internet gets its credentials; pin "
                f"`{_COGNITO}:amr` to 'authenticated'"
            )
        pools = [d for d in graph.dependency_of(r, "assumeRolePolicy") if d.type == IDENTITY_POOL]
        if not pinned(s, f"{_COGNITO}:aud") or not pools:
            out.append(
                f"trust statement {i} does not pin `{_COGNITO}:aud` (StringEquals) to an identity pool of "
                "this stack (its id fed into the trust policy): any identity pool, of any account and "
                "with anyone signed up, can hand out the role"
            )
    return out


def _pool(r: ResourceView, graph: StackGraph) -> list[str]:
    guests = r.input("allowUnauthenticatedIdentities")
    if is_unknown(guests):
        return [unknown_message("allowUnauthenticatedIdentities", "whether guests get identities")]
    why = ["`allowUnauthenticatedIdentities` is true: anyone gets an identity without signing in"]
    why = why * bool(guests)
    social = r.input("supportedLoginProviders")  # round 46: Google, Facebook, Amazon, Apple, X sign-in
    if is_unknown(social) or r.unknowns("supportedLoginProviders"):
        return [*why, unknown_message("supportedLoginProviders", "who may sign in")]
    if social:
        names = ", ".join(sorted(social)) if isinstance(social, dict) else repr(social)
        why.append(
            f"`supportedLoginProviders` ({names}) lets anyone who opens an account there become an "
            "authenticated identity of the pool, with the authenticated role: sign people in through the "
            "stack's own user pool or IdP"
        )
    return why


def _pool_roles(r: ResourceView, graph: StackGraph) -> list[str]:
    roles = r.input("roles")
    if is_unknown(roles) or r.unknowns("roles"):
        return [unknown_message("roles", "which role guests get")]
    guest = roles.get("unauthenticated") if isinstance(roles, dict) else None
    return [f"`roles.unauthenticated` hands {guest!r} to guests: anyone gets its credentials"] * bool(guest)


EXTRA_CHECKS += (
    ("aws:iam/role:Role", cognito_guests),
    ("aws:iam/role:Role", trust_for_accounts),
    (IDENTITY_POOL, _pool),
    (POOL_ROLES, _pool_roles),
)


def _key_policy(r: ResourceView, graph: StackGraph) -> list[str]:
    """A key policy is the key's resource policy (round 15): an Allow to anyone needs a pinning condition
    (`kms:ViaService` names a service, not a caller: round 18); another account named in it administers or
    uses the key (kms:* to its root), and through the key decrypts every store it protects. A principal
    computed from a role or user of the stack (the policy is an output of it) is that principal."""
    own = {
        f"{d.type.rsplit(':', 1)[-1].lower()}/{n}"
        for d in graph.dependency_of(r, "policy")
        if d.type in ("aws:iam/role:Role", "aws:iam/user:User")
        for n in {d.input("name"), d.name} - {None}
    }
    return open_statements(r, "policy", graph) + policy_grants(r, graph, "policy", own)


EXTRA_CHECKS += tuple((t, _key_policy) for t in KEY_POLICY_TYPES)
