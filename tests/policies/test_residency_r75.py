"""Red-team round 75 of the residency pack: round 74's leads — negated caller conditions in a `Principal: *`
grant of a key or bucket policy, and condition keys that say who calls without naming its account
(corpus: tests/corpus/residency/*/r75-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res

OWN, DR, OTHER = "123456789012", "111122223333", "444455556666"
ROOT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}, "Action": "kms:*",
        "Resource": "*"}
TYPES = ("aws:kms/key:Key", "aws:s3/bucketPolicy:BucketPolicy", "aws:sqs/queuePolicy:QueuePolicy")
READS = ["kms:Decrypt", "s3:GetObject", "sqs:ReceiveMessage"]
COND = "policy.Statement.1.Condition"
NO_ACCOUNT = "name no account it is bounded to"
PATTERN = "whose account is no account id"


def _found(type_, cond, principal=None, effect="Allow"):
    stmt = {"Effect": effect, "Principal": principal or {"AWS": "*"}, "Action": READS, "Resource": "*"}
    if cond is not None:
        stmt["Condition"] = cond
    doc = json.dumps({"Version": "2012-10-17", "Statement": [ROOT, stmt]})
    return messages(REPLICATION, pinned_res(type_, "data", {"description": "d", "policy": doc}), ALLOWED)


def _blocks(found, why):
    return len(found) == 1 and found[0].startswith(f"`{COND}`") and why in found[0]


OPERATORS = (
    "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike",
    "StringNotEqualsIfExists", "ArnNotLikeIfExists", "ForAllValues:StringNotEquals",
    "ForAnyValue:StringNotLike", "Null", "StringEqualsIfExists", "ForAllValues:StringEquals")


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("key", ["aws:PrincipalAccount", "kms:CallerAccount", "aws:PrincipalArn",
                                 "aws:SourceAccount", "aws:SourceArn"])
def test_a_condition_that_does_not_bound_the_callers_to_named_accounts_blocks(type_, key):
    """A negation holds for every account it does not list, `Null` only asks for the key, and `…IfExists` or
    `ForAllValues:` of a service's source key holds for every principal's own call."""
    value = f"arn:aws:iam::{OWN}:role/worker" if "Arn" in key else OWN
    own_key = key in ("aws:PrincipalAccount", "kms:CallerAccount", "aws:PrincipalArn")
    for operator in OPERATORS:
        found = _found(type_, {operator: {key: [value]}})
        if own_key and "Not" not in operator and operator != "Null":  # absent only for an anonymous caller
            assert found == [], (operator, found)
        else:
            assert _blocks(found, NO_ACCOUNT), (operator, found)


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("key,value", [
    ("aws:userid", "AROAJQABLZS4A7EXAMPLE:*"), ("aws:SourceIdentity", "partner-analyst"),
    ("aws:PrincipalTag/dosis-reader", "true"), ("aws:PrincipalServiceName", "cloudfront.amazonaws.com"),
    ("aws:PrincipalType", "AssumedRole"), ("aws:SecureTransport", "true"), ("kms:ViaService", "s3.x"),
    ("kms:EncryptionContext:aws:logs:arn", f"arn:aws:logs:eu-west-1:{OWN}:log-group:*"),
    ("dosis:unheardOf", OWN)])
def test_a_star_grant_whose_conditions_name_no_account_blocks_unless_bounded_by_one(type_, key, value):
    assert _blocks(_found(type_, {"StringLike": {key: value}}), NO_ACCOUNT)
    bounded = {"StringLike": {key: value}, "StringEquals": {"aws:PrincipalAccount": OWN}}
    assert _found(type_, bounded) == []
    other = {"StringLike": {key: value}, "StringEquals": {"aws:PrincipalAccount": OTHER}}
    assert _found(type_, other) == [grant_message(COND, OTHER)]


@pytest.mark.parametrize("type_", TYPES)
def test_a_negation_beside_a_bound_to_the_own_account_grants_nothing_more(type_):
    cond = {"StringEquals": {"kms:CallerAccount": OWN},
            "StringNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:role/former-vendor"}}
    assert _found(type_, cond) == []
    deny = {"StringNotEquals": {"aws:PrincipalAccount": [OWN, DR]}}
    assert _found(type_, deny, effect="Deny") == []
    assert _found(type_, None) == []  # no condition: public access, pia-conditions' (unchanged)


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("key,value", [
    ("aws:PrincipalAccount", "*"), ("kms:CallerAccount", "4444*"), ("aws:SourceAccount", "?" * 12),
    ("aws:PrincipalArn", "*"), ("aws:SourceArn", "arn:aws:s3:::someone-elses-bucket")])
def test_a_bound_whose_value_is_no_account_blocks(type_, key, value):
    assert _blocks(_found(type_, {"StringLike": {key: value}}), PATTERN)


@pytest.mark.parametrize("type_", TYPES)
def test_a_service_grant_reads_for_the_accounts_its_source_conditions_name(type_):
    service = {"Service": "appflow.amazonaws.com"}
    assert _found(type_, {"StringEquals": {"aws:SourceAccount": OTHER}}, service) == [
        grant_message(COND, OTHER)]
    assert _found(type_, {"StringEquals": {"aws:SourceAccount": OWN}}, service) == []
    writes = {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
              "Action": "s3:PutObject", "Resource": "*"}
    doc = json.dumps({"Version": "2012-10-17", "Statement": [writes]})
    assert messages(REPLICATION, pinned_res(type_, "data", {"policy": doc}), ALLOWED) == []  # data coming in
    logs = {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-west-1:{OTHER}:log-group:*"}}
    assert _found(type_, logs, service) == [grant_message(COND, OTHER)]
    assert _blocks(_found(type_, {"StringNotEquals": {"aws:SourceAccount": OWN}}, service), NO_ACCOUNT)
    assert _blocks(_found(type_, {"StringEquals": {"aws:PrincipalAccount": OWN}}, service), NO_ACCOUNT)
    assert _blocks(_found(type_, None, service), "whichever account uses it")  # the confused deputy


@pytest.mark.parametrize("type_", TYPES)
def test_delegating_to_access_points_grants_the_access_points_account(type_):
    assert _found(type_, {"StringEquals": {"s3:DataAccessPointAccount": OWN}}) == []
    other = _found(type_, {"StringEquals": {"s3:DataAccessPointAccount": OTHER}})
    assert other == [grant_message(COND, OTHER)]
    arn = f"arn:aws:s3:eu-west-1:{OTHER}:accesspoint/reader"
    assert _found(type_, {"ArnEquals": {"s3:DataAccessPointArn": arn}}) == [grant_message(COND, OTHER)]


@pytest.mark.parametrize("type_", TYPES)
def test_an_account_written_as_a_number_is_that_account_and_an_unreadable_condition_bounds_nothing(type_):
    number = _found(type_, {"StringEquals": {"aws:PrincipalAccount": int(OTHER)}})
    assert number == [grant_message(COND, OTHER)]
    assert _found(type_, {"StringEquals": {"aws:PrincipalAccount": int(OWN)}}) == []
    for unreadable in ("aws:PrincipalAccount=123456789012", {"StringEquals": OWN}, [OWN]):
        assert _blocks(_found(type_, unreadable), NO_ACCOUNT), unreadable
