"""Round-85 class (docs/pia-conditions.md, round 85): in AWS, as in Azure since round 84, a person who may
stop, redirect, shorten or delete what the SIEM records holds SIEM logging, a function apart from the three;
and a grant narrowed by `aws:PrincipalTag` to a tag a user of the stack carries is that user's own right. The
cases are 11c107cc (on 68001908); each test that fails on the code before the fix says so."""

from __future__ import annotations

import importlib

import pytest
from ruletest import case, doc, patch, res, run, with_

SOD = "require-separation-of-duties"
MFA = "require-admin-mfa"
USER = "disallow-direct-user-grants"
SIEM = "SIEM logging"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def _says(found: list[tuple[str, str]], fragment: str) -> bool:
    return any(fragment in m for _, m in found)


@pytest.mark.parametrize("stem", [f"r85p-0{i}" for i in range(1, 9)])
def test_a_person_holding_a_function_who_may_silence_the_siem_holds_two(stem):
    """Fails before (11c107cc): CloudWatch Logs, EventBridge, GuardDuty and alarm writes were no function."""
    assert _says(run(SOD, case(stem)), SIEM)


@pytest.mark.parametrize("stem", [f"r85p-5{i}" for i in range(4)])
def test_the_soc_alone_readers_and_workloads_pass(stem):
    assert run(SOD, case(stem)) == []
    assert run(USER, case(stem)) == []


@pytest.mark.parametrize(
    "action, blocks",
    [
        ("logs:PutSubscriptionFilter", True),
        ("logs:DeleteLogGroup", True),
        ("logs:PutRetentionPolicy", True),
        ("events:PutRule", True),
        ("cloudtrail:StopLogging", True),
        ("guardduty:UpdateDetector", True),
        ("cloudwatch:DisableAlarmActions", True),
        ("logs:Delete*", True),  # a wildcard over the listed actions
        ("logs:CreateLogGroup", False),  # adds a record, silences none
        ("logs:PutLogEvents", False),
        ("logs:DeleteRetentionPolicy", False),  # keeps the events for ever
        ("events:EnableRule", False),
        ("cloudwatch:SetAlarmState", False),  # until the alarm's next evaluation
        ("guardduty:UnarchiveFindings", False),
    ],
)
def test_which_actions_are_siem_logging(action, blocks):
    extra = res("db-admin-more", ROLE_POLICY, {"role": "db-admin", "policy": doc(
        {"Effect": "Allow", "Action": [action], "Resource": "*"})}, refs={"role": "db-admin"})
    assert _says(run(SOD, with_(case("r85p-01"), extra, drop=("db-admin-logs",))), SIEM) is blocks


def test_a_long_term_key_holding_siem_logging_administers_without_mfa():
    """Fails before (11c107cc): a user signing in with an access key who may delete subscription filters held
    no function, so the key needed no MFA session."""
    policy = doc({"Effect": "Allow", "Action": ["logs:DeleteSubscriptionFilter"], "Resource": "*"})
    resources = with_(
        case("r85p-53"),
        res("erik-key", "aws:iam/accessKey:AccessKey", {"user": "erik"}, refs={"user": "erik"}),
        res("readers-policy", "aws:iam/groupPolicy:GroupPolicy", {"group": "readers", "policy": policy},
            refs={"group": "readers"}),
    )
    assert _says(run(MFA, resources), f"holds {SIEM}")


def test_amazon_rds_full_access_is_two_functions():
    """Fails before (11c107cc): its logs:* and cloudwatch:* were not counted."""
    assert _says(run(SOD, case("r85p-05")), f"{SIEM}, database structure")


@pytest.mark.parametrize("stem", ["r85p-09", "r85p-10"])
def test_a_grant_narrowed_to_a_users_tag_is_a_direct_user_grant(stem):
    """Fails before (11c107cc): only aws:username, aws:userid, aws:PrincipalArn and aws:SourceIdentity were
    read as naming one user."""
    assert _says(run(USER, case(stem)), "a tag a user of the stack carries")


@pytest.mark.parametrize(
    "tags, op, value, blocks",
    [
        ({"person": "erik"}, "StringEquals", "erik", True),
        ({"Person": "Erik"}, "StringEquals", "erik", True),  # keys case-insensitive; values compared loosely
        ({"person": "erik"}, "StringLike", "e*", True),
        ({"person": "erik"}, "StringNotEquals", "erik", False),  # everyone but erik: no one user
        ({"person": "anna"}, "StringEquals", "erik", False),
        ({"team": "erik"}, "StringEquals", "erik", False),  # another key
        ("04da6b54-80e4-46f7-96ec-b56ff0331ba9", "StringEquals", "erik", True),  # unknown tags: fail closed
    ],
)
def test_the_users_tags_are_compared(tags, op, value, blocks):
    resources = patch(case("r85p-09"), "erik", tags=tags)
    resources = patch(resources, "readers-policy", policy=doc(
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::corpus-audit/*",
         "Condition": {op: {"aws:PrincipalTag/person": value}}}))
    assert bool(run(USER, resources)) is blocks


def test_the_users_tags_are_indexed_once_per_stack(monkeypatch):
    """Counted, not timed: ten statements narrowed by a principal tag read the users' tags once (fails before:
    the index did not exist)."""
    grants = importlib.import_module("policies.core.iam.user_grants")
    calls: list[int] = []
    original = grants.StackGraph.once
    monkeypatch.setattr(grants.StackGraph, "once", lambda g, k, f: original(
        g, k, (lambda: calls.append(1) or f()) if k == "iam07-user-tags" else f))
    resources = case("r85p-53")
    for i in range(10):
        resources.append(res(f"p-{i}", "aws:iam/groupPolicy:GroupPolicy", {"group": "readers", "policy": doc(
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"t{i}"}}})}, refs={"group": "readers"}))
    assert run(USER, resources) == []
    assert calls == [1]
