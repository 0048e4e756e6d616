"""Red-team round 76 of the residency pack: round 75's leads — the grantee a key policy lets a `CreateGrant`
name, and several conditions naming accounts, which admit only the accounts they name in common
(corpus: tests/corpus/residency/*/r76-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res

OWN, OTHER = "123456789012", "444455556666"
ROOT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}, "Action": "kms:*",
        "Resource": "*"}
COND = "policy.Statement.1.Condition"
PATTERN = "whose account is no account id"
NO_ACCOUNT = "name no account it is bounded to"
STAR, OWN_ROLE, RDS = {"AWS": "*"}, {"AWS": f"arn:aws:iam::{OWN}:role/app"}, {"Service": "rds.amazonaws.com"}


def _found(cond, principal=None, action="kms:CreateGrant", type_="aws:kms/key:Key"):
    stmt = {"Effect": "Allow", "Principal": principal or STAR, "Action": action, "Resource": "*",
            "Condition": cond}
    doc = json.dumps({"Version": "2012-10-17", "Statement": [ROOT, stmt]})
    return messages(REPLICATION, pinned_res(type_, "data", {"description": "d", "policy": doc}), ALLOWED)


def _role(account):
    return f"arn:aws:iam::{account}:role/reader"


@pytest.mark.parametrize("principal,caller", [
    (STAR, {"kms:CallerAccount": OWN}), (STAR, {"aws:PrincipalAccount": OWN}), (STAR, {}),
    (OWN_ROLE, {}), (RDS, {"aws:SourceAccount": OWN})])
@pytest.mark.parametrize("operator", ["StringEquals", "ArnEquals", "ForAnyValue:StringEquals"])
def test_a_grantee_of_another_account_blocks_whoever_creates_the_grant(principal, caller, operator):
    """The grant hands decryption to the grantee it names, whatever account creates it."""
    cond = {operator: {"kms:GranteePrincipal": _role(OTHER)}}
    if caller:
        cond["StringEquals"] = {**cond.get("StringEquals", {}), **caller}
    assert _found(cond, principal) == [grant_message(COND, OTHER)]


@pytest.mark.parametrize("principal", [STAR, OWN_ROLE, RDS])
@pytest.mark.parametrize("value", ["arn:aws:iam::*:role/reader", "arn:aws:iam::*:root", "reader"])
def test_a_grantee_pattern_blocks(principal, value):
    found = _found({"StringEquals": {"aws:SourceAccount": OWN}, "ArnLike": {"kms:GranteePrincipal": value}},
                   principal)
    assert len(found) == 1 and PATTERN in found[0], found


@pytest.mark.parametrize("principal", [STAR, RDS])
def test_a_grantee_of_the_own_account_passes(principal):
    """Whoever creates it (any account, under `*`), only the named grantee decrypts through the grant; the
    own account's role may create grants for its own roles too."""
    cond = {"StringEquals": {"kms:GranteePrincipal": [_role(OWN), f"arn:aws:iam::{OWN}:role/worker"]},
            "Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert _found(cond, principal) == []
    assert _found(cond, OWN_ROLE) == []


@pytest.mark.parametrize("operator,key", [("StringEquals", "kms:RetiringPrincipal"),
                                          ("StringEquals", "kms:GrantIsForAWSResource"),
                                          ("StringEqualsIfExists", "kms:GranteePrincipal")])
def test_only_a_positive_grantee_condition_names_who_reads(operator, key):
    """The retiring principal only retires the grant, a grant for an AWS resource names no account, and a
    condition that holds when the key is absent lets a Decrypt through; the positive one bounds the grant."""
    both = ["kms:CreateGrant", "kms:Decrypt"]
    found = _found({operator: {key: _role(OWN)}}, action=both)
    assert len(found) == 1 and NO_ACCOUNT in found[0], found
    assert _found({operator: {key: _role(OWN)}, "ArnEquals": {"kms:GranteePrincipal": _role(OWN)}},
                  action=both) == []


@pytest.mark.parametrize("type_,action", [("aws:kms/key:Key", "kms:Decrypt"),
                                          ("aws:s3/bucketPolicy:BucketPolicy", "s3:GetObject")])
def test_conditions_naming_accounts_admit_only_those_they_name_in_common(type_, action):
    """A request meets every condition: the own account and another's role admit no one, a list of accounts
    and the own role only the own account."""
    def found(cond):
        return _found(cond, action=action, type_=type_)
    assert found({"StringEquals": {"kms:CallerAccount": OWN},
                  "ArnEquals": {"aws:PrincipalArn": _role(OTHER)}}) == []
    assert found({"StringEquals": {"aws:PrincipalAccount": [OWN, OTHER]},
                  "ArnEquals": {"aws:PrincipalArn": _role(OWN)}}) == []
    both = {"StringEquals": {"aws:PrincipalAccount": [OWN, OTHER]},
            "ArnLike": {"aws:PrincipalArn": [_role(OWN), _role(OTHER)]}}
    assert found(both) == [grant_message(COND, OTHER)]


def test_a_pattern_beside_an_exact_bound_narrows_it():
    """The exact bound already says which accounts may read; a pattern beside it only narrows them."""
    pattern = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}
    assert _found({"StringEquals": {"kms:CallerAccount": OWN}, **pattern}, action="kms:Decrypt") == []
    found = _found(pattern, action="kms:Decrypt")
    assert len(found) == 1 and PATTERN in found[0], found
