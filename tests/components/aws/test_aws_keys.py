"""CustomerKey: rotation, no multi-region, 30-day window, admins manage but cannot use."""

import pytest
from aws_support import ACCOUNT, TAGS, assert_all_in_portal_region, doc, one, record

from components.aws import analysis
from components.aws.keys import CustomerKey, CustomerKeyArgs, logs_service_statement

ADMIN = f"arn:aws:iam::{ACCOUNT}:role/human/eloket-key-admin"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/eloket-deployer"
USER = f"arn:aws:iam::{ACCOUNT}:role/drupal-exec"


def _key(**kwargs):
    return record(
        lambda opts: CustomerKey(
            "k", CustomerKeyArgs(purpose="database", tags=TAGS, admin_arns=[ADMIN], **kwargs), opts=opts
        )
    )


def test_defaults_are_compliant():
    g = _key()
    key = one(g, "aws:kms/key:Key")
    assert key["enableKeyRotation"] is True
    assert key["multiRegion"] is False
    assert key["deletionWindowInDays"] == 30
    assert key["tags"]["purpose"] == "database" and set(TAGS) <= set(key["tags"])
    assert g.by_type("aws:kms/key:Key")[0].protect
    policy = doc(key["policy"])
    for action in ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"):
        assert analysis.denies(policy, action, ADMIN), action
    assert analysis.allows(policy, "kms:ScheduleKeyDeletion", ADMIN)
    assert not analysis.allows(policy, "kms:Decrypt", ADMIN)
    # no account-root delegation and no kms:* for anyone
    for stmt in analysis.statements(policy):
        assert "kms:*" not in stmt["Action"]
        assert f"arn:aws:iam::{ACCOUNT}:root" not in analysis.principals(stmt)
    assert one(g, "aws:kms/alias:Alias")["name"] == "alias/eloket/database"
    assert_all_in_portal_region(g)


def test_users_only_through_services_and_deployer_scoped():
    g = _key(
        user_arns=[USER],
        via_services=("secretsmanager",),
        deployer_arn=DEPLOYER,
        deployer_via_services=("rds",),
        service_statements=[logs_service_statement(ACCOUNT)],
    )
    stmts = {s.get("Sid"): s for s in analysis.statements(doc(one(g, "aws:kms/key:Key")["policy"]))}
    assert stmts["KeyUse"]["Condition"] == {
        "StringEquals": {"kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com"]}
    }
    assert analysis.principals(stmts["KeyUse"]) == [USER]
    assert stmts["DeployerUseThroughServices"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        "rds.eu-west-1.amazonaws.com"
    ]
    assert DEPLOYER in analysis.principals(stmts["KeyAdministration"])
    assert DEPLOYER not in analysis.principals(stmts["KeyAdministratorsCannotUseKey"])
    assert "logs.eu-west-1.amazonaws.com" in analysis.principals(stmts["CloudWatchLogs"])


@pytest.mark.parametrize("kwargs", [{"admin_arns": []}, {"deletion_window_in_days": 45}])
def test_rejects_unsafe_options(kwargs):
    args = {"purpose": "x", "tags": TAGS, "admin_arns": [ADMIN], **kwargs}
    with pytest.raises(Exception, match=r"administrator|deletion window"):
        record(lambda opts: CustomerKey("k", CustomerKeyArgs(**args), opts=opts))
