"""pia-conditions rules: a compliant fixture and one failing mutation per message."""

from __future__ import annotations

import json

import pytest
from policy_testlib import TAGS, UNKNOWN, azure_provider, graph, messages, res

from policies.core import records
from policies.core.view import unknown_message

PORTAL_TAGS = {**TAGS, "dosis-data": "none"}
KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/k1"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# ---------------------------------------------------------------- require-pia-record

PIA = """
reference: PIA-T
classification: vertrouwelijk
platform: aws
action_points:
  identity-management-separation: {status: implemented}
  two-factor-authentication: {status: implemented}
  security-settings-separation: implemented
  siem: {status: implemented}
  residual-risk-accepted: {status: implemented}
  access-management: {status: implemented}
  encryption-at-rest: {status: implemented}
  privileged-access-management: {status: implemented}
  information-classification: {status: implemented}
residual_risk: {accepted_by: "leidend ambtenaar X", accepted_on: 2026-01-01, expires: 2099-01-01}
"""


@pytest.fixture
def records_dir(tmp_path, monkeypatch):
    (tmp_path / "pia").mkdir()
    (tmp_path / "waivers").mkdir()
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    records.clear_cache()
    yield tmp_path
    records.clear_cache()


def msgs_pia(view):
    return [m for _, m in messages("require-pia-record", graph(view))]


def test_pia_record_compliant(records_dir):
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == []
    assert msgs_pia(res("aws:iam/role:Role", "r", {})) == []  # not data-bearing


def test_pia_record_missing(records_dir):
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        f"the PIA preconditions of stack test are not met (D36 §132): {records_dir}/pia/test.yaml: no PIA "
        f"record "
        "for this stack"
    ]


def test_pia_record_expired_and_open_point(records_dir):
    text = PIA.replace("expires: 2099-01-01", "expires: 2020-01-01").replace(
        "siem: {status: implemented}", "siem: {status: in-progress}"
    )
    (records_dir / "pia" / "test.yaml").write_text(text)
    p = f"{records_dir}/pia/test.yaml"
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        f"the PIA preconditions of stack test are not met (D36 §132): {p}: action_points.siem: D36 §101 "
        f"(6th) is "
        f"not implemented (status 'in-progress'); {p}: residual_risk.expires: acceptance expired on "
        f"2020-01-01"
    ]


def test_pia_record_reference_mismatch(records_dir):
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "pia-reference": "X"}})) == [
        f"tag `pia-reference` is 'X' but the stack's PIA record ({records_dir}/pia/test.yaml) is 'PIA-T'"
    ]


def test_pia_parse_problems():
    on = records.dt.date(2026, 6, 1)
    status = records.parse_pia(
        {
            "reference": "R",
            "classification": "geheim",
            "platform": "azure",
            "action_points": {},
            "residual_risk": {"accepted_on": "2027-01-01", "expires": "soon"},
        },
        "f.yaml",
        on,
    )
    assert (
        status.problems[0] == "f.yaml: classification: must be one of publiek, intern, vertrouwelijk, "
        "strikt-vertrouwelijk"
    )
    assert "f.yaml: residual_risk.accepted_by: name of the leading official is missing" in status.problems
    assert "f.yaml: residual_risk.accepted_on: 2027-01-01 lies in the future" in status.problems
    assert "f.yaml: residual_risk.expires: not a date (YYYY-MM-DD)" in status.problems
    assert not status.ok


def test_project_pia_records_are_valid():
    for stack in ("dosis-prod", "portal-prod", "interconnect-prod"):
        status = records.load_pia(stack)
        assert status.ok, status.problems


# ---------------------------------------------------------------- require-classification-tag


def msgs_tag(view):
    return [m for _, m in messages("require-classification-tag", graph(view))]


def test_classification_tag():
    assert msgs_tag(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == []
    assert msgs_tag(res("aws:ec2/route:Route", "r", {})) == []  # untagged, no data
    assert msgs_tag(res("aws:s3/bucket:Bucket", "b", {})) == [
        "the data-bearing resource has no tags, so no `classification` tag"
    ]
    assert msgs_tag(res("aws:ec2/vpc:Vpc", "v", {"tags": {"a": "b"}})) == ["tag `classification` is missing"]
    assert msgs_tag(res("aws:ec2/vpc:Vpc", "v", {"tags": {"classification": "x"}})) == [
        "tag `classification` is 'x'; expected one of publiek, intern, vertrouwelijk, strikt-vertrouwelijk"
    ]
    assert msgs_tag(res("aws:ec2/vpc:Vpc", "v", {"tags": UNKNOWN})) == [
        unknown_message("tags", "the classification")
    ]


# ---------------------------------------------------------------- require-tls-1-2


def test_tls_listener():
    ok = {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}
    assert messages("require-tls-1-2", res("aws:lb/listener:Listener", "l", ok)) == []
    redirect = {
        "protocol": "HTTP",
        "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}],
    }
    assert messages("require-tls-1-2", res("aws:lb/listener:Listener", "l", redirect)) == []
    assert messages(
        "require-tls-1-2",
        res("aws:lb/listener:Listener", "l", {**ok, "sslPolicy": "ELBSecurityPolicy-2016-08"}),
    ) == [
        "`sslPolicy` is 'ELBSecurityPolicy-2016-08'; use a policy without TLS 1.0/1.1 (e.g. "
        "ELBSecurityPolicy-TLS13-1-2-2021-06)"
    ]
    assert messages("require-tls-1-2", res("aws:lb/listener:Listener", "l", {"protocol": "HTTP"})) == [
        "listener protocol 'HTTP' serves traffic without TLS; only an HTTP→HTTPS redirect is allowed"
    ]
    assert messages(
        "require-tls-1-2", res("aws:lb/listener:Listener", "l", {**ok, "sslPolicy": UNKNOWN})
    ) == [unknown_message("sslPolicy", "the TLS version")]


def test_tls_services():
    store = {"minimumTlsVersion": "TLS1_2"}
    assert messages("require-tls-1-2", res("azure-native:storage:StorageAccount", "s", store)) == []
    assert messages(
        "require-tls-1-2", res("azure-native:storage:StorageAccount", "s", {"minimumTlsVersion": "TLS1_0"})
    ) == ["`minimumTlsVersion` is 'TLS1_0'; expected 'TLS1_2' or 'TLS1_3'"]
    assert (
        messages(
            "require-tls-1-2", res("aws:elasticache/cluster:Cluster", "c", {"transitEncryptionEnabled": True})
        )
        == []
    )
    assert messages("require-tls-1-2", res("aws:elasticache/cluster:Cluster", "c", {})) == [
        "`transitEncryptionEnabled` is None; expected True"
    ]
    params = {
        "family": "mysql8.0",
        "parameters": [
            {"name": "require_secure_transport", "value": "ON"},
            {"name": "tls_version", "value": "TLSv1.2,TLSv1.3"},
        ],
    }
    assert messages("require-tls-1-2", res("aws:rds/parameterGroup:ParameterGroup", "p", params)) == []
    assert messages(
        "require-tls-1-2", res("aws:rds/parameterGroup:ParameterGroup", "p", {"family": "mysql8.0"})
    ) == [
        "parameter `require_secure_transport` must be ON",
        "parameter `tls_version` is None; allow only TLSv1.2,TLSv1.3",
    ]


# ---------------------------------------------------------------- disallow-dosis-data-on-portal


def test_dosis_data_on_portal():
    cache = {"engine": "memcached", "tags": {**PORTAL_TAGS, "data-retention": "transient"}}
    assert messages("disallow-dosis-data-on-portal", res("aws:elasticache/cluster:Cluster", "c", cache)) == []
    assert messages("disallow-dosis-data-on-portal", res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        "portal data store must be tagged `dosis-data: none` (found None)"
    ]
    assert messages(
        "disallow-dosis-data-on-portal",
        res("aws:elasticache/cluster:Cluster", "c", {**cache, "engine": "redis"}),
    ) == ["the portal cache must be Memcached (transient, no persistence); found 'redis'"]
    assert messages(
        "disallow-dosis-data-on-portal",
        res("aws:elasticache/cluster:Cluster", "c", {**cache, "tags": PORTAL_TAGS}),
    ) == ["the portal cache must be tagged `data-retention: transient`"]
    assert messages(
        "disallow-dosis-data-on-portal",
        res("aws:elasticache/cluster:Cluster", "c", {**cache, "engine": UNKNOWN}),
    ) == [unknown_message("engine", "whether the cache persists data")]


# ---------------------------------------------------------------- require-deletion-protection


def test_deletion_protection_aws():
    db = res(
        "aws:rds/instance:Instance",
        "db",
        {"deletionProtection": True, "deleteAutomatedBackups": False, "tags": TAGS},
        protect=True,
    )
    assert messages("require-deletion-protection", graph(db)) == []
    db.protect = False
    db.inputs["deletionProtection"] = False
    assert messages("require-deletion-protection", graph(db)) == [
        ("db", "the resource is not `protect`ed: Pulumi could delete it with its data"),
        ("db", "`deletionProtection` is False; set it to True"),
    ]
    transient = res("aws:elasticache/cluster:Cluster", "c", {"tags": {"data-retention": "transient"}})
    assert messages("require-deletion-protection", graph(transient)) == []
    bucket = res("aws:s3/bucket:Bucket", "b", {"forceDestroy": True}, protect=True)
    assert messages("require-deletion-protection", graph(bucket)) == [
        ("b", "`forceDestroy` is True; set it to False")
    ]


def test_deletion_protection_azure_lock():
    acct = res("azure-native:storage:StorageAccount", "acct", {"resourceGroupName": "rg"}, protect=True)
    lock = res(
        "azure-native:authorization:ManagementLockByScope",
        "lock",
        {"level": "CanNotDelete"},
        property_dependencies={"scope": (acct.urn,)},
    )
    assert messages("require-deletion-protection", graph(acct, lock)) == []
    assert messages("require-deletion-protection", graph(acct)) == [
        ("acct", "no CanNotDelete management lock covers the resource or its resource group")
    ]


# ---------------------------------------------------------------- require-customer-managed-keys


def test_cmk_bucket_via_sse_config():
    b = res("aws:s3/bucket:Bucket", "b", {"bucket": "bkt", "tags": TAGS})
    sse = res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "sse",
        {
            "bucket": "bkt",
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}}
            ],
        },
    )
    assert messages("require-customer-managed-keys", graph(b, sse)) == []
    assert messages("require-customer-managed-keys", graph(b)) == [
        ("b", "no server-side encryption configuration with a customer-managed KMS key for the bucket")
    ]
    sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "AES256"}
    assert messages("require-customer-managed-keys", graph(b, sse)) == [
        ("b", "bucket encryption is 'AES256' without a customer-managed KMS key")
    ]
    public = res("aws:s3/bucket:Bucket", "p", {"tags": {**TAGS, "classification": "publiek"}})
    assert messages("require-customer-managed-keys", graph(public)) == []


def test_cmk_services():
    db = res("aws:rds/instance:Instance", "db", {"storageEncrypted": True, "kmsKeyId": KEY_ARN})
    assert messages("require-customer-managed-keys", graph(db)) == []
    db2 = res("aws:rds/instance:Instance", "db", {"storageEncrypted": False})
    assert messages("require-customer-managed-keys", graph(db2)) == [
        ("db", "`storageEncrypted` is False; encryption with a customer-managed key requires True"),
        ("db", "`kmsKeyId` is not set: the data would be encrypted with a provider-managed key"),
    ]
    lg = res("aws:cloudwatch/logGroup:LogGroup", "lg", {"kmsKeyId": "alias/aws/logs"})
    assert messages("require-customer-managed-keys", graph(lg)) == [
        ("lg", "`kmsKeyId` is the AWS-managed key 'alias/aws/logs'; use a customer-managed key")
    ]
    key = res("aws:kms/key:Key", "k", {"enableKeyRotation": True})
    assert messages("require-customer-managed-keys", graph(key)) == []
    assert messages("require-customer-managed-keys", graph(res("aws:kms/key:Key", "k", {}))) == [
        ("k", "`enableKeyRotation` is not true: the key must rotate (R2016 regular re-encryption)")
    ]
    sql = res("azure-native:sql:Server", "sql", {"keyId": "https://kv/keys/tde"})
    assert messages("require-customer-managed-keys", graph(sql)) == []
    assert messages("require-customer-managed-keys", graph(res("azure-native:sql:Server", "sql", {}))) == [
        (
            "sql",
            "no `keyId` and no EncryptionProtector with serverKeyType AzureKeyVault: TDE would use a "
            "service-managed key",
        )
    ]
    assert messages(
        "require-customer-managed-keys", graph(res("azure-native:applicationinsights:Component", "ai", {}))
    ) == [
        (
            "ai",
            "no customer-managed-key check is defined for azure-native:applicationinsights:Component, so its "
            "encryption "
            "cannot be judged",
        )
    ]


# ---------------------------------------------------------------- disallow-public-data-access


def test_public_access():
    b = res("aws:s3/bucket:Bucket", "b", {"bucket": "bkt"})
    pab = res(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "pab",
        {
            "bucket": "bkt",
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
    )
    assert messages("disallow-public-data-access", graph(b, pab)) == []
    assert messages("disallow-public-data-access", graph(b)) == [
        ("b", "no BucketPublicAccessBlock for the bucket")
    ]
    pab.inputs["restrictPublicBuckets"] = False
    assert messages("disallow-public-data-access", graph(b, pab)) == [
        ("b", "the bucket's public access block leaves restrictPublicBuckets off")
    ]
    db = res("aws:rds/instance:Instance", "db", {"publiclyAccessible": True})
    assert messages("disallow-public-data-access", graph(db)) == [
        ("db", "`publiclyAccessible` is True; expected False")
    ]
    acct = res(
        "azure-native:storage:StorageAccount",
        "a",
        {"publicNetworkAccess": "Disabled", "allowBlobPublicAccess": False},
    )
    assert messages("disallow-public-data-access", graph(acct)) == []
    acct.inputs["publicNetworkAccess"] = UNKNOWN
    assert messages("disallow-public-data-access", graph(acct)) == [
        ("a", unknown_message("publicNetworkAccess", "public network access"))
    ]


# ---------------------------------------------------------------- require-admin-mfa

MFA_TRUST = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::1:root"},
    "Action": "sts:AssumeRole",
    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
}
SERVICE_TRUST = {
    "Effect": "Allow",
    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
    "Action": "sts:AssumeRole",
}


def test_admin_mfa_aws():
    ok = graph(
        res("aws:iam/role:Role", "human", {"assumeRolePolicy": doc(MFA_TRUST)}),
        res("aws:iam/role:Role", "svc", {"assumeRolePolicy": doc(SERVICE_TRUST)}),
    )
    assert messages("require-admin-mfa", ok) == []
    no_mfa = {k: v for k, v in MFA_TRUST.items() if k != "Condition"}
    assert messages(
        "require-admin-mfa", graph(res("aws:iam/role:Role", "human", {"assumeRolePolicy": doc(no_mfa)}))
    ) == [
        (
            "human",
            "trust statement 0 lets people assume the role without `Bool: aws:MultiFactorAuthPresent = true`",
        )
    ]
    fed = {
        "Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::1:saml-provider/x"},
        "Action": "sts:AssumeRoleWithSAML",
    }
    assert messages(
        "require-admin-mfa", graph(res("aws:iam/role:Role", "fed", {"assumeRolePolicy": doc(fed)}))
    ) == [
        (
            "fed",
            "trust statement 0 lets federated identities assume the role without an "
            "`aws:MultiFactorAuthPresent` "
            "condition",
        )
    ]
    assert messages(
        "require-admin-mfa", graph(res("aws:iam/role:Role", "u", {"assumeRolePolicy": UNKNOWN}))
    ) == [("u", unknown_message("assumeRolePolicy", "the permissions it grants"))]
    assert messages(
        "require-admin-mfa", graph(res("aws:iam/role:Role", "j", {"assumeRolePolicy": "{nope"}))
    ) == [
        (
            "j",
            "`assumeRolePolicy` is not valid JSON (Expecting property name enclosed in double quotes), so "
            "the "
            "permissions it grants cannot be judged",
        )
    ]


def test_admin_mfa_azure_conditional_access():
    store = res("azure-native:storage:StorageAccount", "a", {}, provider=azure_provider())
    ca = res(
        "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy",
        "ca",
        {"state": "enabled", "grantControls": {"builtInControls": ["mfa"]}},
    )
    assert messages("require-admin-mfa", graph(store, ca)) == []
    assert messages("require-admin-mfa", graph(store)) == [
        (
            "",
            "no enabled Conditional Access policy requires MFA (grantControls.builtInControls: mfa) for the "
            "administrators of the Azure environment",
        )
    ]


# ---------------------------------------------------------------- require-separation-of-duties


def human_role(name, *statements, managed=()):
    role = res("aws:iam/role:Role", name, {"name": name, "assumeRolePolicy": doc(MFA_TRUST)})
    out = [
        role,
        res("aws:iam/rolePolicy:RolePolicy", f"{name}-p", {"role": name, "policy": doc(*statements)}),
    ]
    for i, arn in enumerate(managed):
        out.append(
            res(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                f"{name}-a{i}",
                {"role": name, "policyArn": arn},
            )
        )
    return out


ALLOW = {"Effect": "Allow", "Resource": "*"}


def test_sod_separated_roles():
    g = graph(
        *human_role("db", {**ALLOW, "Action": ["rds:Modify*"]}),
        *human_role("iam", {**ALLOW, "Action": ["iam:Create*"]}),
        *human_role("kms", {**ALLOW, "Action": ["kms:Create*", "kms:ScheduleKeyDeletion"]}),
        *human_role(
            "glass",
            {"Effect": "Deny", "Action": ["rds:*", "kms:*"], "Resource": "*"},
            managed=("arn:aws:iam::aws:policy/PowerUserAccess",),
        ),
    )
    assert messages("require-separation-of-duties", g) == []


def test_sod_two_functions_and_key_use():
    g = graph(
        *human_role("both", {**ALLOW, "Action": ["rds:ModifyDBInstance", "kms:PutKeyPolicy", "kms:Decrypt"]})
    )
    assert messages("require-separation-of-duties", g) == [
        ("both", "the role holds 2 separated functions: database structure, key administration"),
        ("both", "the role administers keys and can also use them (kms:Decrypt/Encrypt/GenerateDataKey)"),
    ]


def test_sod_star_and_power_user():
    g = graph(*human_role("star", {**ALLOW, "Action": "*"}))
    assert messages("require-separation-of-duties", g)[0] == (
        "star",
        "an inline policy allows `*` on `*` for a role people assume",
    )
    g = graph(*human_role("pu", managed=("arn:aws:iam::aws:policy/PowerUserAccess",)))
    assert messages("require-separation-of-duties", g) == [
        ("pu", "the role holds 2 separated functions: database structure, key administration"),
        ("pu", "the role administers keys and can also use them (kms:Decrypt/Encrypt/GenerateDataKey)"),
    ]
    g = graph(*human_role("x", managed=("arn:aws:iam::aws:policy/Billing",)))
    assert messages("require-separation-of-duties", g) == [
        ("x", "AWS-managed policy Billing is not analysed, so the functions it grants cannot be judged")
    ]


def test_sod_key_policy():
    admin = "arn:aws:iam::1:role/key-admin"
    policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": admin},
            "Action": ["kms:Create*", "kms:Put*"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::1:role/app"},
            "Action": ["kms:Decrypt"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": admin},
            "Action": ["kms:Decrypt"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "rds.eu-west-1.amazonaws.com"}},
        },
    )
    assert (
        messages("require-separation-of-duties", graph(res("aws:kms/key:Key", "k", {"policy": policy}))) == []
    )
    bad = doc({"Effect": "Allow", "Principal": {"AWS": admin}, "Action": ["kms:*"], "Resource": "*"})
    assert messages("require-separation-of-duties", graph(res("aws:kms/key:Key", "k", {"policy": bad}))) == [
        ("k", f"key policy lets {admin} both administer and use the key")
    ]


def test_sod_azure():
    owner = "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    crypto_officer = "/x/roleDefinitions/14b46e9e-c2b7-41b4-b07b-48a6ebf60603"
    crypto_user = "/x/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424"
    sql = "/x/roleDefinitions/9b7fa17d-e63e-47b0-bb0a-15c516ac86ec"

    def ra(name, principal, rd, ptype="Group"):
        return res(
            "azure-native:authorization:RoleAssignment",
            name,
            {"principalId": principal, "roleDefinitionId": rd, "principalType": ptype},
        )

    assert (
        messages("require-separation-of-duties", graph(ra("a", "g1", crypto_officer), ra("b", "g2", sql)))
        == []
    )
    assert messages("require-separation-of-duties", graph(ra("o", "u1", owner, "User"))) == [
        ("o", "Owner is assigned to a user: people get no Owner role")
    ]
    assert messages(
        "require-separation-of-duties",
        graph(ra("a", "g1", crypto_officer), ra("b", "g1", sql), ra("c", "g1", crypto_user)),
    ) == [
        ("a", "principal g1 holds 2 separated functions: database structure, key administration"),
        ("a", "principal g1 administers keys and can also use them"),
    ]
    assert messages("require-separation-of-duties", graph(ra("u", UNKNOWN, sql))) == [
        ("u", unknown_message("principalId/roleDefinitionId", "the separation of duties"))
    ]


# ---------------------------------------------------------------- require-siem-logging


def aws_siem(**trail_over):
    trail = {"isMultiRegionTrail": True, "enableLogFileValidation": True, "kmsKeyId": KEY_ARN, **trail_over}
    return [
        res("aws:s3/bucket:Bucket", "b", {}),
        res("aws:cloudtrail/trail:Trail", "trail", trail),
        res(
            "aws:cloudwatch/logMetricFilter:LogMetricFilter",
            "f",
            {
                "pattern": '{ $.userIdentity.type = "Root" }',
                "metricTransformation": {"namespace": "sec", "name": "Root"},
            },
        ),
        res(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "a",
            {"namespace": "sec", "metricName": "Root", "alarmActions": ["arn:aws:sns:eu-west-1:1:soc"]},
        ),
        res(
            "aws:cloudwatch/eventRule:EventRule",
            "e",
            {"eventPattern": '{"detail": {"eventName": ["DisableKey", "ScheduleKeyDeletion"]}}'},
        ),
    ]


def test_siem_aws():
    assert messages("require-siem-logging", graph(*aws_siem())) == []
    assert messages("require-siem-logging", graph(*aws_siem(isMultiRegionTrail=False, kmsKeyId=None))) == [
        ("trail", "`isMultiRegionTrail` must be true"),
        ("trail", "`kmsKeyId` is not set: the trail must be encrypted with a customer-managed key"),
    ]
    assert messages("require-siem-logging", graph(*aws_siem()[:3])) == [
        ("", "no CloudWatch alarm with actions (or event rule) on root account use"),
        ("", "no CloudWatch alarm with actions (or event rule) on KMS key disable or scheduled deletion"),
    ]
    assert messages("require-siem-logging", graph(res("aws:s3/bucket:Bucket", "b", {})))[0] == (
        "",
        "no CloudTrail trail records who did what (multi-region, validated, KMS-encrypted)",
    )
    ref = res(
        "pulumi:pulumi:StackReference", "portal", {"outputs": {"socTopicArn": "arn:aws:sns:eu-west-1:1:soc"}}
    )
    assert messages("require-siem-logging", graph(res("aws:s3/bucket:Bucket", "b", {}), ref)) == []


def test_siem_azure():
    store = res("azure-native:storage:StorageAccount", "a", {}, provider=azure_provider())
    sentinel = res("azure-native:securityinsights:SentinelOnboardingState", "s", {})
    diag = res(
        "azure-native:monitor:DiagnosticSetting",
        "d",
        {"workspaceId": "/ws"},
        property_dependencies={"resourceUri": (store.urn,)},
    )
    assert messages("require-siem-logging", graph(store, sentinel, diag)) == []
    assert messages("require-siem-logging", graph(store, sentinel)) == [
        ("a", "no diagnostic setting sends this resource's logs to the SIEM workspace")
    ]
    assert messages("require-siem-logging", graph(store, diag)) == [
        (
            "",
            "no Microsoft Sentinel onboarding (SentinelOnboardingState or SecurityInsights solution) for "
            "the Log "
            "Analytics workspace",
        )
    ]


# ---------------------------------------------------------------- require-eea-backups


def test_eea_backups():
    db = {"backupRetentionPeriod": 35}
    assert messages("require-eea-backups", res("aws:rds/instance:Instance", "db", db)) == []
    assert messages(
        "require-eea-backups", res("aws:rds/instance:Instance", "db", {"backupRetentionPeriod": 1})
    ) == ["`backupRetentionPeriod` is 1; keep automated backups at least 7 days"]
    plan = {
        "rules": [{"copyActions": [{"destinationVaultArn": "arn:aws:backup:us-east-1:1:backup-vault:v"}]}]
    }
    assert messages("require-eea-backups", res("aws:backup/plan:Plan", "p", plan)) == [
        "backup copy `rules.0.copyActions.0.destinationVaultArn` is in 'us-east-1', which is outside the EEA"
    ]
    sqldb = res(
        "azure-native:sql:Database",
        "d",
        {"location": "westeurope", "requestedBackupStorageRedundancy": "Geo"},
    )
    assert messages("require-eea-backups", sqldb, {"allowedRegions": ["westeurope", "northeurope"]}) == []
    assert messages("require-eea-backups", sqldb, {"allowedRegions": ["westeurope"]}) == [
        "geo-redundant backups (`requestedBackupStorageRedundancy` 'Geo') is in 'northeurope', which is not "
        "an "
        "allowed region (allowed: westeurope)"
    ]
    assert messages("require-eea-backups", res("aws:dynamodb/table:Table", "t", {})) == [
        "`pointInTimeRecovery.enabled` is not true: the table cannot be restored"
    ]


# ---------------------------------------------------------------- require-strong-ipsec-crypto


def test_ipsec_crypto_wraps_vpn_check():
    from components.interconnect.crypto import IpsecCrypto, aws_tunnel_args  # noqa: F401

    weak = res("aws:ec2/vpnConnection:VpnConnection", "vpn", {"tunnel1IkeVersions": ["ikev1"]})
    found = messages("require-strong-ipsec-crypto", graph(weak))
    assert found and all(name == "vpn" for name, _ in found)
    assert messages("require-strong-ipsec-crypto", graph(res("aws:s3/bucket:Bucket", "b", {}))) == []


# ---------------------------------------------------------------- require-valid-waivers


def test_valid_waivers(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        "  - {rule: require-tls-1-2, resource: lb, reason: 'legacy client needs a migration window', owner: "
        "o,"
        " expires: 2099-01-01}\n"
        "  - {rule: require-tls-1-2, resource: lb2, reason: short, owner: o, expires: 2099-01-01}\n"
        "  - {rule: require-tls-1-2, resource: lb3, reason: 'legacy client needs a migration window', owner: "
        "o,"
        " expires: 2020-01-01}\n"
    )
    p = f"{records_dir}/waivers/test.yaml"
    assert messages("require-valid-waivers", graph()) == [
        ("", f"{p}: waivers[1].reason: must explain the exception in at least 20 characters"),
        ("", f"{p}: waivers[2]: waiver of require-tls-1-2 for lb3 expired on 2020-01-01"),
    ]
    (records_dir / "waivers" / "test.yaml").write_text("waivers: [")
    records.clear_cache()
    assert messages("require-valid-waivers", graph()) == [("", f"{p}: not valid YAML at line 1")]


def test_waivers_take_checkov_ids_and_judge_them_like_rule_ids(records_dir):
    """One waiver file serves the packs and checkov: a checkov waiver is validated by the same rules."""
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        "  - {rule: CKV_AWS_7, resource: key, reason: 'HSM-backed replacement key due in Q3', owner: o,"
        " expires: 2099-01-01}\n"
        "  - {rule: CKV2_AWS_62, resource: bucket, reason: 'events are read through CloudTrail', owner: o,"
        " expires: 2020-01-01}\n"
        "  - {rule: ckv_aws_7, resource: key, reason: 'lower-case ids are not checkov ids', owner: o,"
        " expires: 2099-01-01}\n"
    )
    records.clear_cache()
    p = f"{records_dir}/waivers/test.yaml"
    assert messages("require-valid-waivers", graph()) == [
        ("", f"{p}: waivers[1]: waiver of CKV2_AWS_62 for bucket expired on 2020-01-01"),
        ("", f"{p}: waivers[2].rule: 'ckv_aws_7' is not a rule id"),
    ]
    assert records.load_waivers("test").find("CKV_AWS_7", "urn:x", "key") is not None
