"""Round-76 class (docs/pia-conditions.md, round 76). A network condition pins a `Principal: *` grant only to
an endpoint or VPC the stack creates, named by its recorded id, and an organisation only one the PIA record
names (`aws_organizations`); `aws:VpceAccount` and `kms:CallerAccount` name accounts, judged as the others; an
API Management subscription's keys written in the program are credentials in clear. Each test fails on the
code before its wave (the cases: b04a678c, the second wave's 43aef1c8, the third's ee8d55ae)."""

from __future__ import annotations

import datetime as dt

import pytest
from ruletest import case, messages_of, only, patch, run

from policies.core.pia_attestations import PiaRecordError, validate

PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
NO_ENDPOINT = "is no VPC endpoint or VPC of this stack"


@pytest.mark.parametrize("stem, name, named", [
    ("r76p-01", "audit-policy", "aws:sourcevpce 'vpce-0f00dfeed5eed0001'"),
    ("r76p-02", "audit-policy", "aws:sourcevpce 'vpce-0f00dfeed5eed0001'"),
    ("r76p-03", "intake-policy", "aws:sourcevpc 'vpc-0badc0ffee0000001'"),
    ("r76p-04", "key", "aws:sourcevpce 'vpce-0f00dfeed5eed0002'"),
    ("r76p-05", "db-secret-policy", "aws:sourcevpce 'vpce-0f00dfeed5eed0003'"),
])
def test_a_network_the_stack_does_not_create_pins_no_caller(stem, name, named):
    only(run(PUBLIC, case(stem)), name, f"{named} {NO_ENDPOINT}")


def test_the_endpoint_pins_only_under_the_id_it_records():
    """The compliant gateway endpoint under another recorded id: the policy names no endpoint of the stack."""
    moved = patch(case("r76p-50"), "s3-endpoint", id="vpce-0a1b2c3d4e5f6071c")
    assert any(NO_ENDPOINT in m for m in messages_of(run(PUBLIC, moved), "audit-policy"))


@pytest.mark.parametrize("stem, name", [("r76p-08", "audit-policy"), ("r76p-11", "key")])
def test_an_endpoint_or_caller_account_must_be_one_the_record_names(stem, name):
    only(run(PUBLIC, case(stem)), name, "conditions name the account 999988887777")


def test_an_organisation_the_record_does_not_name_pins_no_caller():
    only(run(PUBLIC, case("r76p-12")), "audit-policy", "aws:principalorgid 'o-f00dfeed99' is no VPC endpoint")
    only(run(PUBLIC, case("r76p-15")), "audit-policy", "aws:vpceorgid 'o-f00dfeed99' is no VPC endpoint")
    only(run(PUBLIC, case("r76p-14")), "audit-policy", "lets cloudfront.amazonaws.com read the data")


def test_a_shared_vpc_the_stack_only_places_an_endpoint_in_pins_no_caller():
    only(run(PUBLIC, case("r76p-13")), "intake-policy", f"aws:sourcevpc 'vpc-corpus' {NO_ENDPOINT}")


@pytest.mark.parametrize("key, value", [("organization", "o-ABC123DEF4"), ("organization", "o-abc"),
                                        ("held_by", None), ("why", None), ("owner", "x")])
def test_an_organisation_statement_is_validated(key, value):
    entry = {"organization": "o-abc123def4", "held_by": "AIV", "why": "members"}
    entry = {k: v for k, v in {**entry, key: value}.items() if v is not None}
    with pytest.raises(PiaRecordError, match=f"aws_organizations\\[0\\]\\.{key}"):
        validate({"aws_organizations": [entry]}, "corpus.yaml", dt.date(2026, 11, 30))


OWN = ["r76p-50", "r76p-51", "r76p-52", "r76p-53", "r76p-56", "r76p-57", "r76p-58", "r76p-59", "r75p-51",
       "r18p-51", "bucket-policy-org-pinned"]


@pytest.mark.parametrize("stem", OWN)
def test_the_stacks_own_network_or_account_still_pins(stem):
    assert run(PUBLIC, case(stem)) == []


@pytest.mark.parametrize("stem, field", [("r76p-09", "primaryKey"), ("r76p-10", "secondaryKey")])
def test_a_subscription_key_written_in_the_program_is_a_credential_in_clear(stem, field):
    only(run(CMK, case(stem)), "key", f"`{field}` holds a credential inline (a subscription key written")


@pytest.mark.parametrize("stem", ["r76p-54", "r76p-55"])
def test_generated_or_configured_subscription_keys_pass(stem):
    assert run(CMK, case(stem)) == []
