"""Red-team round 74 of the residency pack: round 73's leads — a KMS key policy naming another account, and
Organizations policies attached beside the stack's own (corpus: tests/corpus/residency/*/r74-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, REPLICATION, RESOLVED, grant_message, graph, messages, pinned_res

OWN, OTHER = "123456789012", "444455556666"
ROOT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}, "Action": "kms:*",
        "Resource": "*"}
KEY_TYPES = ("aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy", "aws:kms/replicaKey:ReplicaKey",
             "aws:kms/externalKey:ExternalKey", "aws:kms/replicaExternalKey:ReplicaExternalKey")
PRINCIPAL = "policy.Statement.1.Principal"
WRITES_IN = (["kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "kms:Sign",
             ["kms:Verify", "kms:GetPublicKey"], ["kms:ReEncryptTo", "kms:Describe*"], "kms:List*",
             "kms:ScheduleKeyDeletion")


def _key(stmt, type_="aws:kms/key:Key"):
    doc = json.dumps({"Version": "2012-10-17", "Statement": [ROOT, stmt]})
    return pinned_res(type_, "data", {"description": "d", "policy": doc})


def _to(principal, action, **extra):
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*", **extra}


@pytest.mark.parametrize("type_", KEY_TYPES)
@pytest.mark.parametrize("action", [
    "kms:Decrypt", ["kms:ReEncrypt*", "kms:DescribeKey"], "kms:CreateGrant", "kms:PutKeyPolicy",
    "kms:ReplicateKey", "kms:DeriveSharedSecret", "kms:*", "*", "kms:Create*", "kms:DecryptAll"])
def test_a_key_policy_letting_another_account_decrypt_or_hand_out_decrypt_blocks(type_, action):
    for who in (f"arn:aws:iam::{OTHER}:role/analytics", f"arn:aws:iam::{OTHER}:root", [OTHER]):
        found = messages(REPLICATION, _key(_to(who, action), type_), ALLOWED)
        assert found == [grant_message(PRINCIPAL, OTHER)], (who, found)
    assert messages(REPLICATION, _key(_to(f"arn:aws:iam::{OWN}:role/worker", action), type_), ALLOWED) == []
    for writes in WRITES_IN:  # encrypting, signing, describing or the key's life cycle read nothing
        assert messages(REPLICATION, _key(_to(f"arn:aws:iam::{OTHER}:role/shipper", writes), type_),
                        ALLOWED) == [], writes


@pytest.mark.parametrize("type_", KEY_TYPES)
def test_a_key_policy_statement_without_actions_reads(type_):
    stmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}, "NotAction": "kms:Encrypt",
            "Resource": "*"}
    assert messages(REPLICATION, _key(stmt, type_), ALLOWED) == [grant_message(PRINCIPAL, OTHER)]


def test_a_key_policy_caller_account_names_the_accounts_that_decrypt():
    cond = {"StringEquals": {"kms:CallerAccount": OTHER, "kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
    found = messages(REPLICATION, _key(_to("*", "kms:Decrypt", Condition=cond)), ALLOWED)
    assert found == [grant_message("policy.Statement.1.Condition", OTHER)]
    own = {"StringEquals": {"kms:CallerAccount": OWN, "kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
    assert messages(REPLICATION, _key(_to("*", "kms:Decrypt", Condition=own)), ALLOWED) == []


@pytest.mark.parametrize("type_", ["aws:kms/key:Key", "aws:s3/bucketPolicy:BucketPolicy",
                                   "aws:sqs/queuePolicy:QueuePolicy"])
@pytest.mark.parametrize("operator", ["ArnEquals", "ArnLike", "StringEquals", "ForAnyValue:StringLike"])
def test_principal_star_narrowed_by_principal_arn_grants_the_arns_account(type_, operator):
    def found(arn):
        stmt = _to("*", ["kms:Decrypt", "s3:GetObject", "sqs:ReceiveMessage"],
                   Condition={operator: {"aws:PrincipalArn": [arn]}})
        return messages(REPLICATION, _key(stmt, type_), ALLOWED)

    cond = "policy.Statement.1.Condition"
    assert found(f"arn:aws:iam::{OTHER}:role/analytics") == [grant_message(cond, OTHER)]
    pattern = found("arn:aws:iam::*:role/dosis-reader")
    assert len(pattern) == 1 and "whose account is no account id" in pattern[0]
    assert found(f"arn:aws:iam::{OWN}:role/worker") == []


POLICY = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
NOT_MADE = "attaches a policy this stack does not make"


def _attachment(policy_id, *made):
    deps = {"policyId": tuple(p.urn for p in made)} if made else {}
    return pinned_res(ATTACHMENT, "a", {"policyId": policy_id, "targetId": OWN}, property_dependencies=deps)


def _resolved(*views):
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED)]


@pytest.mark.parametrize("policy_id", ["p-0a1b2c3d4e", "p-FullAWSAccess"])
def test_attaching_a_policy_by_its_id_blocks(policy_id):
    found = _resolved(_attachment(policy_id))
    assert len(found) == 1 and NOT_MADE in found[0] and repr(policy_id) in found[0]
    scp = pinned_res(POLICY, "scp", {"name": "scp", "type": "SERVICE_CONTROL_POLICY",
                                     "content": '{"Version":"2012-10-17","Statement":[]}'})
    assert _resolved(scp, _attachment(policy_id, scp)) == []  # the stack's own policy, judged as one


def test_attaching_a_policy_read_with_get_blocks():
    read = pinned_res(POLICY, "central", {})  # a read resource has no inputs
    found = [m for m in _resolved(read, _attachment("p-0f1e2d3c4b", read)) if NOT_MADE in m]
    assert len(found) == 1
