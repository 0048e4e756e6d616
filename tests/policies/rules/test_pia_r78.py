"""Round-78 class (docs/pia-conditions.md, round 78). An OpenAPI body's `x-amazon-apigateway-policy` is
judged for grants to other accounts by name or condition, as a `policy` field is; a Deny to anyone unless
the caller's account (`StringNotEquals aws:PrincipalAccount`, an ARN key by its account) fences an Allow to
anyone when every account it names is one the PIA record names. Each test fails on the code before the fix
(the cases: a0ac5178)."""

from __future__ import annotations

import json

import pytest
from ruletest import case, messages_of, only, patch, run

PUBLIC = "disallow-public-data-access"
OTHER = "account 999988887777, which the stack's PIA record does not name (`aws_accounts`)"
ANYONE = "allows anyone (Principal '*') without a condition pinning"


GRANTS = "statement 0 allows principals of"
CONDITIONS = "statement 0's conditions name the"


@pytest.mark.parametrize("stem, name, what", [
    ("r78p-01", "api", GRANTS), ("r78p-02", "put", GRANTS), ("r78p-03", "api", CONDITIONS),
    ("r78p-09", "api", GRANTS),
])
def test_a_body_policys_grant_to_another_account_blocks(stem, name, what):
    only(run(PUBLIC, case(stem)), name, f"`body`: `x-amazon-apigateway-policy` {what} {OTHER}")


@pytest.mark.parametrize("stem", ["r78p-01", "r78p-03", "r78p-09"])
def test_a_body_policys_grant_to_a_recorded_account_passes(stem):
    """r78p-52, and each evasion with the log-archive account (recorded) in place of the other one."""
    assert run(PUBLIC, case("r78p-52")) == []
    body = next(r for r in case(stem) if r["name"] == "api")["inputs"]["body"]
    assert run(PUBLIC, patch(case(stem), "api", body=body.replace("999988887777", "444455556666"))) == []


@pytest.mark.parametrize("stem", ["r78p-50", "r78p-51", "r78p-53"])
def test_a_deny_unless_the_own_account_fences(stem):
    assert run(PUBLIC, case(stem)) == []


@pytest.mark.parametrize("stem, name", [
    ("r78p-04", "policy"), ("r78p-05", "policy"), ("r78p-06", "policy"), ("r78p-07", "intake-policy"),
    ("r78p-08", "policy"),
])
def test_a_deny_sparing_another_account_or_less_than_the_allow_does_not_fence(stem, name):
    assert any(ANYONE in m for m in messages_of(run(PUBLIC, case(stem)), name))


@pytest.mark.parametrize("stem", ["r78p-04", "r78p-05"])
def test_the_unrecorded_account_a_deny_spares_is_named(stem):
    found = messages_of(run(PUBLIC, case(stem)), "policy")
    assert any("aws:principalaccount '999988887777' is no VPC endpoint" in m and "`aws_accounts`" in m
               for m in found), found


def _fence(condition: dict) -> list[dict]:
    """r78p-50 with its Deny's condition changed."""
    resources = case("r78p-50")
    policy = json.loads(next(r for r in resources if r["name"] == "policy")["inputs"]["policy"])
    policy["Statement"][0]["Condition"] = condition
    return patch(resources, "policy", policy=json.dumps(policy))


@pytest.mark.parametrize("condition", [
    {"StringNotEquals": {"aws:SourceAccount": "111122223333"}},
    {"StringNotEqualsIfExists": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}},
    {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/reader"}},
])
def test_other_account_keys_naming_recorded_accounts_fence(condition):
    assert run(PUBLIC, _fence(condition)) == []


@pytest.mark.parametrize("condition", [
    {"StringNotEquals": {"aws:PrincipalAccount": "1111222233*"}},  # a pattern names no account
    {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},  # not negated: denies only the own account
    {"StringNotEquals": {"aws:userid": "111122223333"}},  # a key naming no account
])
def test_an_account_fence_must_be_negated_and_concrete(condition):
    assert any(ANYONE in m for m in messages_of(run(PUBLIC, _fence(condition)), "policy"))


def test_an_unknown_source_service_blocks():
    """Second wave (cases bc65e713): OpenSearch Serverless `SourceServices` beyond Bedrock."""
    only(run(PUBLIC, case("r78p-10")), "aoss-net", "the service 'sagemaker.amazonaws.com', which this")


def test_source_services_that_cannot_be_read_fail_closed():
    only(run(PUBLIC, case("r78p-11")), "aoss-net", "`SourceServices` is not a list of service names")


def test_bedrock_beside_the_stacks_endpoint_passes():
    assert run(PUBLIC, case("r78p-54")) == []
