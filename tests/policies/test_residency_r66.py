"""Red-team round 66 of the residency pack: round 65's leads — the aims closed on the IAM catalogue, the
actions round 65 left undecided, one expansion per statement — and a blind probe of replicas made in the
region a request names (corpus: tests/corpus/residency/*/r66-*.yaml).
"""

from __future__ import annotations

import re

import pytest
from policy_testlib import AIMS, ALLOWED, RESOLVED, allow, graph, messages, role_policy

from policies.core.iam.catalogue import all_actions
from policies.core.iam.statements import statement_actions

OWN = "123456789012"
NARROW = {"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}


def _found(*views) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED)]


def _own(service: str, rest: str) -> str:
    return f"arn:aws:{service}:eu-west-1:{OWN}:{rest}"


@pytest.mark.parametrize("stmt", [
    allow("glue:UpdateJob", _own("glue", "job/dosis-*")),
    allow("codebuild:UpdateProject", _own("codebuild", "project/dosis-*")),
    allow("dms:ModifyEndpoint", _own("dms", "endpoint:*")),
    allow("datasync:UpdateTask", "*", NARROW),
    allow("appflow:UpdateFlow", _own("appflow", "flow/dosis-*")),
    allow("pipes:UpdatePipe", _own("pipes", "pipe/dosis-*")),
    allow("scheduler:CreateSchedule", "*", NARROW),
    allow("kinesisanalytics:UpdateApplication", _own("kinesisanalytics", "application/dosis-*")),
    allow("ssm:SendCommand", [_own("ec2", "instance/*"), "arn:aws:ssm:eu-west-1::document/AWS-RunShell*"]),
    allow("secretsmanager:ReplicateSecretToRegions", _own("secretsmanager", "secret:dosis-*")),
    # round 65's undecided: a partner's events land on another account's bus; an accepted inbound
    # connection lets a remote domain search the own one; a tested state is in the request
    allow("events:PutPartnerEvents", "*"),
    allow("es:AcceptInboundConnection", "*", NARROW),
    allow("states:TestState", "*", NARROW),
])
def test_an_action_that_creates_or_reconfigures_a_resource_aims_though_no_list_names_it(stmt):
    found = _found(role_policy(stmt))
    assert len(found) == 1 and AIMS in found[0], found


def test_replicas_are_pinned_by_the_region_they_are_made_in_and_decided_writes_pass():
    key = f"arn:aws:kms:*:{OWN}:key/mrk-*"
    for region, blocks in (("eu-west-1", False), ("us-east-1", True)):
        pin = {"StringEquals": {"kms:ReplicaRegion": region}}
        found = _found(role_policy(allow("kms:ReplicateKey", key, pin)))
        assert bool(found) is blocks and all(AIMS in m for m in found), found
    account_only = {"StringEquals": {"aws:ResourceAccount": OWN}}
    found = _found(role_policy(allow("rds:CreateDBInstanceReadReplica", "*", account_only)))
    assert len(found) == 1 and "rds:CreateDBInstanceReadReplica" in found[0], found
    assert _found(role_policy(
        allow("rds:CreateDBInstanceReadReplica", "*", NARROW),
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], _own("logs", "log-group:/dosis/app:*")),
        allow(["cloudwatch:SetAlarmState", "rds:CreateDBSnapshot", "kms:Decrypt"], "*", NARROW),
        allow("es:CreateOutboundConnection", _own("es", "domain/dosis-*")),
        allow("sqs:ChangeMessageVisibility", _own("sqs", "dosis-inbox")))) == []


def test_each_decision_not_to_aim_names_changing_actions_of_the_catalogue():
    from policies.core.iam.catalogue import access_level
    from policies.core.redirect_grants import _LEVELS, _NOT_AIMS

    for pattern, why in _NOT_AIMS:
        named = [a for a in all_actions() if re.fullmatch(pattern, a) and access_level(a) in _LEVELS]
        assert named and why, pattern


def test_a_statement_is_expanded_once_for_both_readers():
    stmt = allow(["s3:Put*", "sns:Subscribe"], "*")
    assert statement_actions(stmt) is statement_actions(dict(stmt))
    assert statement_actions({"NotAction": ["iam:*"], "Resource": "*"}) is statement_actions(
        {"NotAction": "iam:*", "Effect": "Allow"})


# The probe after the fixes (cases r66-16 to r66-18 and good/r66-04, written first).


def test_a_put_naming_no_data_and_a_policy_set_at_run_time_aim_and_data_plane_puts_do_not():
    for stmt in (allow("config:PutDeliveryChannel", "*", NARROW),
                 allow("backup:PutBackupVaultNotifications", _own("backup", "backup-vault:dosis-*")),
                 allow("wafv2:PutLoggingConfiguration", "*", NARROW),
                 allow("s3:PutBucketPolicy", "arn:aws:s3:::dosis-audit*")):  # `Permissions management`
        found = _found(role_policy(stmt))
        assert len(found) == 1 and AIMS in found[0], found
    assert _found(role_policy(
        allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData",
               "logs:PutLogEvents", "backup:SearchRecoveryPoint"], "*", NARROW),
        allow("ssm:PutParameter", _own("ssm", "parameter/dosis/*")),
        allow("rds-db:connect", _own("rds-db", "dbuser:*/dosis_app")))) == []
