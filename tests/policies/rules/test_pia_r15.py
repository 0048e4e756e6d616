"""Round-15 blind probe classes (docs/pia-conditions.md, round 15): iam:PassRole hands the passed role's
functions, roles reached hop by hop, trails that see one region or cannot be validated, alarms and diagnostic
settings aimed outside the stack, how often keys rotate, stores that cannot take a customer-managed key, key
policies naming other accounts, key replicas outside the EEA, parameter groups named by string."""

import copy

import pytest
from ruletest import ACC, base, doc, res, run, with_

AWS = base("aws")
AZURE = base("azure")
SOD = "require-separation-of-duties"
SIEM = "require-siem-logging"
RETENTION = "require-audit-log-retention"
CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
BACKUPS = "require-eea-backups"
GROUPS = "require-declared-parameter-groups"

RDS = {"Effect": "Allow", "Action": ["rds:CreateDBInstance"], "Resource": "*"}
KMS_ADMIN = {"Effect": "Allow", "Action": ["kms:PutKeyPolicy"], "Resource": "*"}


def _of(stack, name):
    return copy.deepcopy(next(r for r in stack if r["name"] == name))


def _role(name, principal):
    trust = doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
    return res(name, "aws:iam/role:Role", {"name": name, "assumeRolePolicy": trust})


def _policy(name, role, *statements):
    return res(
        name, "aws:iam/rolePolicy:RolePolicy", {"role": role, "policy": doc(*statements)}, refs={"role": role}
    )


def _dba_passing(resource, *extra):
    passing = {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": resource}
    return with_(AWS, *extra, _policy("db-admin-policy", "db-admin", RDS, passing))


KEY_OPS = (
    _role("key-ops", {"Service": "lambda.amazonaws.com"}),
    _policy("key-ops-policy", "key-ops", KMS_ADMIN),
)


def test_passing_a_role_hands_its_functions_not_access_rights():
    assert run(SOD, _dba_passing(f"{ACC}:role/key-ops", *KEY_OPS)) == [
        (
            "db-admin",
            "the role holds 2 separated functions: database structure, key administration (through passing "
            "key-ops)",
        )
    ]
    maint = (_role("db-maint", {"Service": "lambda.amazonaws.com"}), _policy("m", "db-maint", RDS))
    assert run(SOD, _dba_passing(f"{ACC}:role/db-maint", *maint)) == []


def test_passing_a_role_the_stack_does_not_declare_or_any_role_is_access_rights():
    assert run(SOD, _dba_passing(f"{ACC}:role/somewhere")) == [
        (
            "db-admin",
            "the role holds 2 separated functions: access rights, database structure (through passing "
            "arn:aws:iam::111122223333:role/somewhere, a role this stack does not declare)",
        )
    ]
    assert run(SOD, _dba_passing(f"{ACC}:role/lambda-*")) == [
        (
            "db-admin",
            "the role holds 2 separated functions: access rights, database structure (through passing any "
            "role, iam:PassRole on a wildcard: name the roles by exact ARN)",
        )
    ]


def test_roles_are_followed_hop_by_hop():
    hop = _role("ops-hop", {"AWS": f"{ACC}:role/db-admin"})
    ops = _role("key-ops", {"AWS": f"{ACC}:role/ops-hop"})
    assert run(SOD, with_(AWS, hop, ops, _policy("key-ops-policy", "key-ops", KMS_ADMIN))) == [
        (
            "db-admin",
            "the role holds 2 separated functions: database structure, key administration (through assuming "
            "key-ops)",
        )
    ]


def test_a_single_region_trail_feeds_no_alarm():
    trail = _of(AWS, "trail")
    trail["inputs"]["isMultiRegionTrail"] = False
    found = run(SIEM, with_(AWS, trail))
    assert (
        "trail",
        "the trail delivers to a log group for the SIEM alarms but records one region only: root sign-ins "
        "and IAM/STS events (global, recorded in us-east-1) never reach the alarms (set "
        "`isMultiRegionTrail` true)",
    ) in found
    assert ("<stack>", "no CloudWatch alarm with actions (or event rule) on root account use") in found


def test_a_single_region_trail_beside_the_alarms_is_not_their_feed():
    data = _of(AWS, "trail")
    data.update(name="data-trail", refs={"s3BucketName": "audit", "kmsKeyId": "key"})
    data["inputs"].update(
        isMultiRegionTrail=False, cloudWatchLogsGroupArn="arn:aws:logs:eu-west-1:1:log-group:data:*"
    )
    assert run(SIEM, with_(AWS, data)) == []


def test_a_trail_without_log_file_validation_keeps_no_reliable_record():
    trail = _of(AWS, "trail")
    trail["inputs"]["enableLogFileValidation"] = False
    assert run(RETENTION, with_(AWS, trail)) == [
        (
            "trail",
            "`enableLogFileValidation` is not true: without digest files a changed or removed log file "
            "cannot be detected, so the kept record cannot be relied on",
        )
    ]


@pytest.mark.parametrize(
    "action, found",
    [
        ("arn:aws:sns:eu-west-1:111122223333:soc", []),  # the stack's topic, by its name
        ("arn:aws:sns:eu-west-1:111122223333:soc-legacy", ["KMS key disable or scheduled deletion"]),
        (
            "arn:aws:lambda:eu-west-1:111122223333:function:pager:live",
            ["KMS key disable or scheduled deletion"],
        ),
    ],
)
def test_an_alarm_notifies_a_topic_or_function_of_the_stack(action, found):
    alarm = _of(AWS, "kms-alarm")
    alarm.pop("refs")
    alarm["inputs"]["alarmActions"] = [action]
    assert run(SIEM, with_(AWS, alarm)) == [
        ("<stack>", f"no CloudWatch alarm with actions (or event rule) on {m}") for m in found
    ]


def test_a_diagnostic_setting_sends_to_a_workspace_of_the_stack():
    diag = _of(AZURE, "diag-vault")
    diag["refs"] = {"resourceUri": "vault"}
    diag["inputs"]["workspaceId"] = (
        "/subscriptions/o/resourceGroups/x/providers/Microsoft.OperationalInsights/workspaces/shared"
    )
    assert run(SIEM, with_(AZURE, diag)) == [
        ("vault", "no diagnostic setting sends this resource's logs to the SIEM workspace")
    ]
    diag["inputs"]["workspaceId"] = (
        "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.OperationalInsights/workspaces/log-corpus"
    )
    assert run(SIEM, with_(AZURE, diag)) == []


@pytest.mark.parametrize("days, ok", [(2560, False), (366, False), (365, True), (90, True)])
def test_a_kms_key_rotates_at_least_yearly(days, ok):
    key = _of(AWS, "key")
    key["inputs"]["rotationPeriodInDays"] = days
    assert run(CMK, with_(AWS, key)) == (
        []
        if ok
        else [
            (
                "key",
                f"`rotationPeriodInDays` is {days}: the key rotates less than once a year; rotate at least "
                "every 365 days (R2016 regular re-encryption)",
            )
        ]
    )


SLOW = (
    "the key's rotation ({}) is not at least yearly or cannot be read: rotate at most 365 days apart "
    "(timeAfterCreate P1Y, or expiryTime with timeBeforeExpiry)"
)


@pytest.mark.parametrize(
    "policy, what",
    [
        ({"timeAfterCreate": "P10Y"}, "timeAfterCreate 'P10Y': every 3650 days"),
        ({"timeAfterCreate": "one year"}, "timeAfterCreate 'one year'"),
        (
            {"timeBeforeExpiry": "P30D"},
            "timeBeforeExpiry 'P30D' with no attributes.expiryTime (a key that never expires)",
        ),
        ({"timeBeforeExpiry": "P30D", "expiry": "P3Y"}, "expiry 'P3Y' less 'P30D': every 1065 days"),
        ({"timeBeforeExpiry": "P30D", "expiry": "P1Y"}, None),
        ({"timeAfterCreate": "P11M"}, None),
    ],
)
def test_a_key_vault_key_rotates_at_least_yearly(policy, what):
    cmk = _of(AZURE, "cmk")
    expiry = policy.pop("expiry", None)
    rotation = {"lifetimeActions": [{"action": {"type": "rotate"}, "trigger": policy}]}
    if expiry:
        rotation["attributes"] = {"expiryTime": expiry}
    cmk["inputs"]["properties"]["rotationPolicy"] = rotation
    assert run(CMK, with_(AZURE, cmk)) == ([("cmk", SLOW.format(what))] if what else [])


@pytest.mark.parametrize(
    "type_, what",
    [
        ("aws:lightsail/database:Database", "a Lightsail database"),
        ("aws:cognito/userPool:UserPool", "a Cognito user pool (its users' names, e-mail, phone)"),
    ],
)
def test_stores_without_a_customer_managed_key(type_, what):
    assert run(CMK, with_(AWS, res("x", type_, {}))) == [
        (
            "x",
            f"{what} encrypts with a key AWS owns and has no customer-managed-key setting, so it cannot hold "
            "data classified 'vertrouwelijk' or above: keep the data in a store that takes a "
            "customer-managed key",
        )
    ]


def test_a_key_policy_naming_another_account():
    key = _of(AWS, "key")
    key["inputs"]["policy"] = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    assert run(PUBLIC, with_(AWS, key)) == [
        (
            "key",
            "`policy` statement 0 allows principals of account 999988887777, which the stack's PIA record "
            "does not name (`aws_accounts`): another party's people reach the data unjudged (no MFA, duties "
            "or exposure checks); grant only the stack's accounts, or name the account in the record (who "
            "holds it, why)",
        )
    ]


@pytest.mark.parametrize("region, found", [("us-east-1", True), ("eu-central-1", False)])
def test_a_key_replica_stays_in_the_eea(region, found):
    provider = {"type": "pulumi:providers:aws", "urn": "urn:prov:r", "inputs": {"region": region}}
    replica = res("rk", "aws:kms/replicaKey:ReplicaKey", {"primaryKeyArn": "arn:x"}, provider=provider)
    message = "the key replica (a copy of the key material) is in 'us-east-1', which is outside the EEA"
    assert run(BACKUPS, [replica]) == ([("rk", message)] if found else [])


def test_a_parameter_group_named_by_string_is_one_of_the_stack():
    db = res("pg", "aws:rds/instance:Instance", {"engine": "postgres", "parameterGroupName": "pg-app"})
    group = res(
        "pg-params", "aws:rds/parameterGroup:ParameterGroup", {"name": "pg-app", "family": "postgres14"}
    )
    assert run(GROUPS, [db]) == [
        (
            "pg",
            "`parameterGroupName` names 'pg-app', a parameter group this stack does not declare: its TLS "
            "settings cannot be judged; declare the group in the stack (and pass it, or its exact `name`)",
        )
    ]
    assert run(GROUPS, [db, group]) == []
    fed = res(
        "pg",
        "aws:rds/instance:Instance",
        {"parameterGroupName": "x"},
        refs={"parameterGroupName": "pg-params"},
    )
    assert run(GROUPS, [fed, group]) == []
    default = res("c", "aws:redshift/cluster:Cluster", {"clusterParameterGroupName": "default.redshift-1.0"})
    assert run(GROUPS, [default]) == []  # the default group is require-tls-1-2's
