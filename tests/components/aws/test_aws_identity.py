"""HumanRoles / WorkloadIdentity: MFA-only, short sessions, boundaries, separation of the three functions."""

import pytest
from aws_support import ACCOUNT, TAGS, assert_tagged, doc, one, record

from components.aws import analysis
from components.aws.identity import HumanRoles, HumanRolesArgs, WorkloadIdentity, WorkloadIdentityArgs
from components.aws.role_specs import ROLE_FUNCTIONS
from policies.core.iam.statements import people_trust_requires_mfa


def _mfa_ages(trust) -> set[str]:
    """The MFA ages (seconds) the trust's statements bound the session to."""
    return {s["Condition"]["NumericLessThan"]["aws:MultiFactorAuthAge"] for s in analysis.statements(trust)}


def human_roles(graph):
    """role name -> (trust, identity docs, boundary doc, managed count, max session) from a graph."""
    policies = {p.outputs.get("arn"): p for p in graph.by_type("aws:iam/policy:Policy")}
    out = {}
    for role in graph.by_type("aws:iam/role:Role"):
        if "human-role" not in (role.inputs.get("tags") or {}):
            continue
        rid = role.id
        identity = [
            doc(p.inputs["policy"])
            for p in graph.by_type("aws:iam/rolePolicy:RolePolicy")
            if p.inputs["role"] == rid
        ]
        managed = [
            a
            for a in graph.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if a.inputs["role"] == role.inputs["name"]
        ]
        boundary = policies[role.inputs["permissionsBoundary"]]
        out[role.inputs["tags"]["human-role"]] = {
            "trust": doc(role.inputs["assumeRolePolicy"]),
            "identity": identity,
            "boundary": doc(boundary.inputs["policy"]),
            "managed": len(managed),
            "session": role.inputs["maxSessionDuration"],
        }
    return out


def _roles(**kwargs):
    return record(
        lambda opts: HumanRoles("p", HumanRolesArgs(account_id=ACCOUNT, tags=TAGS, **kwargs), opts=opts)
    )


def test_defaults_are_compliant():
    g = _roles()
    roles = human_roles(g)
    assert set(roles) == set(ROLE_FUNCTIONS)
    for name, r in roles.items():
        assert people_trust_requires_mfa(r["trust"]), name
        assert _mfa_ages(r["trust"]) == {"3600"}, name
        assert r["session"] == 3600
        held = analysis.functions_held(r["identity"], r["boundary"], r["managed"])
        assert len(held) <= 1, (name, held)
        assert held == ({ROLE_FUNCTIONS[name]} if ROLE_FUNCTIONS[name] else set()), (name, held)
    pw = one(g, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy")
    assert pw["minimumPasswordLength"] >= 14 and pw["passwordReusePrevention"] == 24
    assert_tagged(g)


@pytest.mark.parametrize("role", ["key-admin", "iam-admin", "operator", "security-auditor"])
def test_roles_without_data_access_cannot_decrypt_or_read_secrets(role):
    r = human_roles(_roles())[role]
    for action in ("kms:Decrypt", "secretsmanager:GetSecretValue", "rds-db:connect", "ecs:ExecuteCommand"):
        assert not analysis.role_may(action, r["identity"], r["boundary"], r["managed"]), action


def test_iam_admin_cannot_touch_human_roles_or_create_keys():
    r = human_roles(_roles())["iam-admin"]
    stmts = {s.get("Sid"): s for d in r["identity"] for s in analysis.statements(d)}
    assert stmts["ProtectHumanRoles"]["Resource"] == [
        f"arn:aws:iam::{ACCOUNT}:role/human/*",
        f"arn:aws:iam::{ACCOUNT}:policy/human/*",
        f"arn:aws:iam::{ACCOUNT}:policy/boundary/*",
    ]
    assert not analysis.role_may("iam:CreateAccessKey", r["identity"], r["boundary"])


def test_iam_admin_creates_only_workload_roles_and_no_users():
    """Issue 16: the IAM admin could create roles with any /human/ boundary (break-glass included)."""
    r = human_roles(_roles())["iam-admin"]
    stmts = {s.get("Sid"): s for d in r["identity"] for s in analysis.statements(d)}
    bounded = stmts["OnlyWorkloadRoles"]
    assert "iam:CreateRole" in bounded["Action"] and "iam:AttachRolePolicy" in bounded["Action"]
    assert bounded["Effect"] == "Deny" and bounded["Condition"] == {
        "StringNotEquals": {
            "iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/boundary/eloket-workload-boundary"
        }
    }
    for action in ("iam:CreateUser", "iam:CreateLoginProfile", "iam:UpdateAssumeRolePolicy"):
        assert not analysis.role_may(action, r["identity"], r["boundary"]), action


def test_db_structure_admin_reaches_no_data():
    """Issue 16: the db-structure admins could read the RDS master secret (D36 §113)."""
    r = human_roles(_roles())["db-structure-admin"]
    for action in ("secretsmanager:GetSecretValue", "kms:Decrypt", "s3:GetObject", "rds:ModifyDBInstance"):
        assert not analysis.role_may(action, r["identity"], r["boundary"], r["managed"]), action
    stmts = {s.get("Sid"): s for d in r["identity"] for s in analysis.statements(d)}
    assert stmts["SchemaAsStructureUser"]["Resource"] == [
        f"arn:aws:rds-db:eu-west-1:{ACCOUNT}:dbuser:*/eloket_structure"
    ]
    # What it may change is the stack's region and account only (was every resource: CKV_AWS_355)
    assert stmts["DatabaseStructure"]["Resource"] == [f"arn:aws:rds:eu-west-1:{ACCOUNT}:pg:*"]
    assert stmts["ManualSnapshot"]["Resource"] == [
        f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:*", f"arn:aws:rds:eu-west-1:{ACCOUNT}:snapshot:*"
    ]
    grants = [s for s in stmts.values() if s["Effect"] == "Allow" and s.get("Sid") != "Inspect"]
    assert all(s["Resource"] != ["*"] for s in grants)


def test_operator_operates_only_what_the_stack_region_and_account_hold():
    """Was every resource (CKV_AWS_290/CKV_AWS_355, stacks/records/checkov-triage.yaml)."""
    r = human_roles(_roles())["operator"]
    stmts = {s.get("Sid"): s for d in r["identity"] for s in analysis.statements(d)}
    assert stmts["Redeploy"]["Resource"] == [f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/*/*"]
    assert all(arn.split(":")[3:5] == ["eu-west-1", ACCOUNT] for arn in stmts["Operate"]["Resource"])
    assert stmts["Dashboards"]["Action"] == ["cloudwatch:PutDashboard"]   # global: no region to pin


def test_auditor_boundary_is_read_only():
    r = human_roles(_roles())["security-auditor"]
    for action in ("ec2:TerminateInstances", "s3:PutObject", "cloudtrail:StopLogging", "logs:DeleteLogGroup"):
        assert not analysis.role_may(action, r["identity"], r["boundary"], r["managed"]), action
    assert analysis.role_may("cloudtrail:LookupEvents", r["identity"], r["boundary"], r["managed"])


def test_options_tighten_sessions_and_trust():
    trusted = f"arn:aws:iam::{ACCOUNT}:role/sso-admins"
    g = _roles(
        max_session_seconds=900,
        mfa_max_age_seconds=600,
        trusted_principal_arns=(trusted,),
        password_policy=False,
    )
    for r in human_roles(g).values():
        assert r["session"] == 900
        assert people_trust_requires_mfa(r["trust"]) and _mfa_ages(r["trust"]) == {"600"}
        assert analysis.principals(analysis.statements(r["trust"])[0]) == [trusted]
    assert not g.by_type("aws:iam/accountPasswordPolicy:AccountPasswordPolicy")


def test_rejects_long_sessions():
    with pytest.raises(Exception, match=r"15\.\.60 minutes"):
        _roles(max_session_seconds=43200)


def test_workload_identity_trusts_only_ecs_tasks_of_this_account():
    g = record(
        lambda opts: WorkloadIdentity("w", WorkloadIdentityArgs(account_id=ACCOUNT, tags=TAGS), opts=opts)
    )
    roles = g.by_type("aws:iam/role:Role")
    assert len(roles) == 2
    for r in roles:
        (stmt,) = analysis.statements(doc(r.inputs["assumeRolePolicy"]))
        assert stmt["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert stmt["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert not g.by_type("aws:iam/rolePolicy:RolePolicy")  # no permissions until the service grants them


@pytest.mark.parametrize("role", ["db-structure-admin", "iam-admin", "key-admin", "operator"])
def test_boundaries_cap_each_role_to_its_job(role):
    r = human_roles(_roles())[role]
    for action in ("ec2:RunInstances", "s3:PutObject", "cloudtrail:StopLogging", "lambda:CreateFunction"):
        assert not analysis.role_may(action, r["identity"], r["boundary"], r["managed"]), action
    job = {
        "db-structure-admin": "rds:ModifyDBParameterGroup",
        "iam-admin": "iam:CreateRole",
        "key-admin": "kms:ScheduleKeyDeletion",
        "operator": "ecs:UpdateService",
    }[role]
    assert analysis.role_may(job, r["identity"], r["boundary"], r["managed"])
