"""Round-25 blind probe classes (docs/pia-conditions.md, round 25): service principals granted anything but a
delivery for any account, Session Manager preferences (their key, where sessions are recorded and for how
long), and invited guests holding administration. One failing mutation per message, exact text."""

import json

from ruletest import KEY, TAGS, base, doc, res, run, with_

AWS = base("aws")
AZURE = base("azure")
MFA = "require-admin-mfa"
PUB = "disallow-public-data-access"
RET = "require-audit-log-retention"
CMK = "require-customer-managed-keys"


def _of(found, name):
    return [m for n, m in found if n == name]


# ------------------------------------------------------------------ service principals, closed world


def _listing(action, condition=None):
    stmt = {
        "Sid": "List",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": action,
        "Resource": "arn:aws:s3:::corpus-audit",
        **({"Condition": condition} if condition else {}),
    }
    policy = res(
        "assets-policy",
        "aws:s3/bucketPolicy:BucketPolicy",
        {"bucket": "corpus-audit", "policy": doc(stmt)},
        refs={"bucket": "audit"},
    )
    return with_(AWS, policy)


def test_service_principal_may_only_deliver_for_any_account():
    assert _of(run(PUB, _listing(["s3:GetBucketAcl", "s3:PutObject"])), "assets-policy") == []
    context = {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:*"}}
    assert _of(run(PUB, _listing("kms:Decrypt*", context)), "assets-policy") == []  # pinned by its context
    assert _of(run(PUB, _listing("s3:ListBucket")), "assets-policy") == [
        "`policy` statement List lets cloudfront.amazonaws.com read the data with no condition naming the "
        "source: that service acts for every account, so any account's resource of it (a CloudFront "
        "distribution, a job) reaches the data; pin `aws:SourceArn` or `aws:SourceAccount` to the stack's"
    ]


# ------------------------------------------------------------------ Session Manager preferences


def _prefs(content, days=3653, name="/ssm/sessions"):
    group = res(
        "sessions-logs",
        "aws:cloudwatch/logGroup:LogGroup",
        {"name": name, "retentionInDays": days, "kmsKeyId": KEY, "tags": TAGS},
        protect=True,
        refs={"kmsKeyId": "key"},
    )
    text = content if isinstance(content, str) else json.dumps({"schemaVersion": "1.0", "inputs": content})
    d = res(
        "prefs",
        "aws:ssm/document:Document",
        {"name": "SSM-SessionManagerRunShell", "documentType": "Session", "content": text},
    )
    return with_(AWS, group, d)


GOOD = {"cloudWatchLogGroupName": "/ssm/sessions", "kmsKeyId": KEY}


def test_session_preferences_use_the_customer_key():
    assert _of(run(CMK, _prefs(GOOD)), "prefs") == []
    assert _of(run(CMK, _prefs({**GOOD, "kmsKeyId": ""})), "prefs") == [
        "`content.inputs.kmsKeyId` is not set: the data would be encrypted with a provider-managed key"
    ]


def test_session_preferences_must_be_readable():
    assert _of(run(CMK, _prefs("schemaVersion: '1.0'\n")), "prefs") == [
        "the Session Manager preferences' `content` has no readable `inputs` block, so how sessions are "
        "encrypted and recorded cannot be judged; give it as JSON or YAML with `inputs`"
    ]


def test_session_logs_go_to_a_group_of_the_stack():
    assert _of(run(RET, _prefs(GOOD)), "prefs") == []
    assert _of(run(RET, _prefs({**GOOD, "cloudWatchLogGroupName": "/ops/x"})), "prefs") == [
        "the Session Manager preferences record sessions in '/ops/x', which is not a log group of the stack: "
        "how long what administrators typed is kept cannot be judged; set `cloudWatchLogGroupName` to a log "
        "group the stack declares"
    ]


def test_session_logs_kept_ten_years():
    assert _of(run(RET, _prefs(GOOD, days=0)), "sessions-logs") == []  # 0: never expires
    assert _of(run(RET, _prefs(GOOD, days=90)), "sessions-logs") == [
        "the log group '/ssm/sessions' records Session Manager sessions (what administrators typed on hosts) "
        "and keeps 90 days; keep it at least 3650 days (or leave retentionInDays unset: never expire)"
    ]


# ------------------------------------------------------------------ invited guests holding administration

READER = "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
KV_ADMIN = "/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483"


def _guest(role):
    inv = res(
        "guest",
        "azuread:index/invitation:Invitation",
        {"userEmailAddress": "x@partner.example", "redirectUrl": "https://portal.azure.com"},
    )
    ra = res(
        "ra-guest",
        "azure-native:authorization:RoleAssignment",
        {"principalId": "g1", "principalType": "User", "scope": "/subscriptions/s", "roleDefinitionId": role},
        refs={"principalId": "guest"},
    )
    return with_(AZURE, inv, ra)


def test_invited_guest_holds_no_administration():
    assert _of(run(MFA, _guest(READER)), "guest") == []
    assert _of(run(MFA, _guest(KV_ADMIN)), "guest") == [
        "the invited guest 'x@partner.example' holds an Azure role: a guest's second factor may be accepted "
        "from its home tenant (cross-tenant access settings, outside the program) and its account leaves "
        "with another organisation, so its MFA cannot be judged; give administration to accounts of this "
        "tenant only"
    ]
