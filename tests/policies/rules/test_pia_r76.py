"""Round-76 class (docs/pia-conditions.md, round 76). A network condition pins a `Principal: *` grant only to
an endpoint or VPC the stack creates, named by its recorded id; `aws:VpceAccount` names an account, judged as
the others; an API Management subscription's keys written in the program are credentials in clear. Each test
fails on the code before the round (its cases: b04a678c)."""

from __future__ import annotations

import pytest
from ruletest import case, messages_of, only, patch, run

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


def test_an_endpoint_account_must_be_one_the_record_names():
    only(run(PUBLIC, case("r76p-08")), "audit-policy", "conditions name the account 999988887777")


OWN = ["r76p-50", "r76p-51", "r76p-52", "r76p-53", "r76p-56", "r75p-51", "r18p-51"]


@pytest.mark.parametrize("stem", OWN)
def test_the_stacks_own_network_or_account_still_pins(stem):
    assert run(PUBLIC, case(stem)) == []


@pytest.mark.parametrize("stem, field", [("r76p-09", "primaryKey"), ("r76p-10", "secondaryKey")])
def test_a_subscription_key_written_in_the_program_is_a_credential_in_clear(stem, field):
    only(run(CMK, case(stem)), "key", f"`{field}` holds a credential inline (a subscription key written")


@pytest.mark.parametrize("stem", ["r76p-54", "r76p-55"])
def test_generated_or_configured_subscription_keys_pass(stem):
    assert run(CMK, case(stem)) == []
