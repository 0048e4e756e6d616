"""Round-77 class (docs/pia-conditions.md, round 77). An OpenSearch Serverless network policy admits a
collection only through endpoints the stack creates (by their recorded ids); a REST API's resource policy is
judged as the other resource policies; an Allow to anyone is pinned by a Deny to anyone over its actions and
resources unless the stack's endpoint (the private-API template). Each test fails on the code before the fix
(the cases: 9270b1bc)."""

from __future__ import annotations

import json

import pytest
from ruletest import case, messages_of, only, patch, run

from policies.rules.require_judgeable_data_types import RULE as JUDGEABLE

PUBLIC = "disallow-public-data-access"
NO_AOSS_ENDPOINT = "which is no OpenSearch Serverless endpoint of this stack"


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_network_policy_admits_only_the_stacks_endpoints(n):
    """Not the stack's: r77p-01's only endpoint, r77p-02's (fed from the stack's), r77p-03's second one."""
    named = f"VPC endpoint 'vpce-0f00dfeed5eed001{n}', {NO_AOSS_ENDPOINT}"
    only(run(PUBLIC, case(f"r77p-0{n}")), "aoss-net", named)


def test_the_aoss_endpoint_is_read_and_pins_under_the_id_it_records():
    assert run(PUBLIC, case("r77p-50")) == []
    assert run(JUDGEABLE.id, case("r77p-50")) == []
    moved = patch(case("r77p-50"), "aoss-endpoint", id="vpce-0a0a0a0a0a0a0a0a2")
    only(run(PUBLIC, moved), "aoss-net", f"VPC endpoint 'vpce-0a0a0a0a0a0a0a0a1', {NO_AOSS_ENDPOINT}")


def test_source_vpces_that_cannot_be_read_fail_closed():
    rules = [{"Rules": [{"Resource": ["collection/dossiers"], "ResourceType": "collection"}],
              "AllowFromPublic": False, "SourceVPCEs": "vpce-0a0a0a0a0a0a0a0a1"}]
    bad = patch(case("r77p-50"), "aoss-net", policy=json.dumps(rules))
    only(run(PUBLIC, bad), "aoss-net", "`SourceVPCEs` is not a list of endpoint ids")


ANYONE = "allows anyone (Principal '*') without a condition pinning"


@pytest.mark.parametrize("stem, name", [
    ("r77p-07", "policy"), ("r77p-08", "api"), ("r77p-09", "policy"), ("r77p-10", "policy"),
    ("r77p-11", "policy"), ("r77p-12", "policy"),
])
def test_a_rest_api_policy_open_to_anyone_blocks(stem, name):
    assert any(ANYONE in m for m in messages_of(run(PUBLIC, case(stem)), name))


def test_a_deny_naming_another_endpoint_is_named():
    """r77p-11's Deny spares callers of an endpoint the stack does not create: the message says which."""
    found = messages_of(run(PUBLIC, case("r77p-11")), "policy")
    named = "aws:sourcevpce 'vpce-0f00dfeed5eed0079' is no VPC endpoint or VPC of this stack"
    assert any(named in m for m in found)


def _template(**deny: object) -> list[dict]:
    """r77p-55 with its Deny statement changed."""
    resources = case("r77p-55")
    policy = json.loads(next(r for r in resources if r["name"] == "policy")["inputs"]["policy"])
    policy["Statement"][0].update(deny)
    return patch(resources, "policy", policy=json.dumps(policy))


@pytest.mark.parametrize("deny", [
    {"Principal": {"AWS": "arn:aws:iam::111122223333:root"}},  # not to anyone
    {"Action": "execute-api:ManageConnections"},  # other actions
    {"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60771"},  # a second condition
                   "Bool": {"aws:SecureTransport": "false"}}},
    {"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60771"}}},  # not negated
    {"Condition": {"StringNotEquals": {"aws:PrincipalAccount": "999988887777"}}},  # round 78: unrecorded
    {"Condition": {"StringNotLike": {"aws:SourceVpce": "vpce-*"}}},  # a pattern names no endpoint
    {"Resource": "execute-api:/prod/?/x"},  # a narrower resource pattern
])
def test_a_deny_fences_an_allow_only_over_all_of_it_unless_a_placed_pin(deny):
    assert any(ANYONE in m for m in messages_of(run(PUBLIC, _template(**deny)), "policy"))


@pytest.mark.parametrize("deny", [
    {"Action": "execute-api:*"}, {"Action": "*"}, {"Resource": "*"},
    {"Condition": {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60771"}}},
])
def test_a_broader_deny_still_fences(deny):
    assert run(PUBLIC, _template(**deny)) == []


OWN = ["r77p-50", "r77p-51", "r77p-52", "r77p-53", "r77p-54", "r77p-55", "r7-aoss-cmk-private",
       "r9-aws-ok-api-gateway-lambda"]


@pytest.mark.parametrize("stem", OWN)
def test_the_stacks_own_networks_and_accounts_still_pass(stem):
    assert run(PUBLIC, case(stem)) == []


@pytest.mark.parametrize("stem, name", [("r77p-13", "api"), ("r77p-14", "api-put")])
def test_the_policy_an_openapi_body_carries_is_judged(stem, name):
    """Second wave (cases 286adb59): the body's x-amazon-apigateway-policy is the API's resource policy."""
    only(run(PUBLIC, case(stem)), name, f"`body`: `x-amazon-apigateway-policy` statement 0 {ANYONE}")


def test_a_body_policy_pinned_to_the_own_account_passes():
    assert run(PUBLIC, case("r77p-56")) == []
