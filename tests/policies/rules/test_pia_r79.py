"""Round-79 class (docs/pia-conditions.md, round 79). A REST API's `policy` input overrides its OpenAPI
body's `x-amazon-apigateway-policy`, so only the input is judged; a Deny with `NotPrincipal` and no condition
fences an Allow to anyone when it spares only AWS principals of accounts the PIA record names; an account-less
ARN in `aws:SourceArn` pins only as a bucket the stack creates. The tests that fail on the code before the fix
(the cases: c7b9544f) say so; the others guard."""

from __future__ import annotations

import json

import pytest
from ruletest import case, messages_of, only, patch, run

PUBLIC = "disallow-public-data-access"
ANYONE = "allows anyone (Principal '*') without a condition pinning"
BODY = "`body`: `x-amazon-apigateway-policy`"


@pytest.mark.parametrize("stem", ["r79p-50", "r79p-51"])
def test_a_policy_input_overrides_the_bodys_policy(stem):
    assert run(PUBLIC, case(stem)) == []


def test_an_empty_policy_input_overrides_nothing():
    """r79p-01's body is judged; its empty `policy` input blocks on its own as before."""
    assert any(BODY in m and ANYONE in m for m in messages_of(run(PUBLIC, case("r79p-01")), "api"))
    assert any(BODY in m for m in messages_of(run(PUBLIC, patch(case("r79p-50"), "api", policy="")), "api"))


def test_a_put_body_and_an_overriding_input_are_still_judged():
    """A RestApiPut has no `policy` input, and the input that overrides is judged itself."""
    only(run(PUBLIC, case("r79p-02")), "put", f"{BODY} statement 0 {ANYONE}")
    only(run(PUBLIC, case("r79p-03")), "api", "`policy` statement 0 allows principals of account 9999")


@pytest.mark.parametrize("stem", ["r79p-52", "r79p-53"])
def test_a_deny_sparing_only_recorded_principals_fences(stem):
    assert run(PUBLIC, case(stem)) == []


@pytest.mark.parametrize("stem, name, spared", [
    ("r79p-04", "policy", "AWS 'arn:aws:iam::999988887777:root'"),
    ("r79p-06", "policy", "AWS '*'"),
    ("r79p-07", "policy", "Service 'lambda.amazonaws.com'"),
])
def test_whom_a_deny_spares_beyond_the_record_is_named(stem, name, spared):
    only(run(PUBLIC, case(stem)), name, f"a Deny's NotPrincipal spares {spared}, not only AWS principals")


@pytest.mark.parametrize("stem, name", [("r79p-05", "policy"), ("r79p-08", "intake-policy")])
def test_a_conditional_or_narrower_notprincipal_deny_does_not_fence(stem, name):
    assert any(ANYONE in m for m in messages_of(run(PUBLIC, case(stem)), name))


def _deny(**fields) -> list[dict]:
    """r79p-52 with its Deny's fields changed (None removes one)."""
    resources = case("r79p-52")
    policy = json.loads(next(r for r in resources if r["name"] == "policy")["inputs"]["policy"])
    policy["Statement"][0].update(fields)
    policy["Statement"][0] = {k: v for k, v in policy["Statement"][0].items() if v is not None}
    return patch(resources, "policy", policy=json.dumps(policy))


@pytest.mark.parametrize("fields", [
    {"NotPrincipal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:role/log-archive-deployer"]}},
    {"Action": "execute-api:*", "Resource": "*"},
])
def test_recorded_accounts_by_id_or_role_and_wider_denies_fence(fields):
    assert run(PUBLIC, _deny(**fields)) == []


@pytest.mark.parametrize("fields", [
    {"NotPrincipal": {"Federated": "cognito-identity.amazonaws.com"}},
    {"NotPrincipal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}},
    {"NotPrincipal": "*"},
    {"NotPrincipal": {}},
    {"Principal": "*"},  # both elements: no valid policy, no fence
    {"NotAction": "execute-api:ManageConnections", "Action": None},
])
def test_other_notprincipal_denies_do_not_fence(fields):
    assert any(ANYONE in m for m in messages_of(run(PUBLIC, _deny(**fields)), "policy"))


def test_a_bucket_arn_of_another_party_pins_nothing():
    found = messages_of(run(PUBLIC, case("r79p-10")), "intake-policy")
    assert any(ANYONE in m and "aws:sourcearn 'arn:aws:s3:::partner-uploads' is no VPC endpoint" in m
               for m in found), found


@pytest.mark.parametrize("operator", ["ArnLike", "ArnEquals", "StringEquals"])
def test_the_stacks_own_bucket_pins(operator):
    resources = case("r79p-55")
    policy = next(r for r in resources if r["name"] == "intake-policy")["inputs"]["policy"]
    assert run(PUBLIC, patch(resources, "intake-policy", policy=policy.replace("ArnLike", operator))) == []


def test_an_account_less_arn_of_another_service_cannot_be_placed():
    resources = case("r79p-55")
    policy = next(r for r in resources if r["name"] == "intake-policy")["inputs"]["policy"]
    found = run(PUBLIC, patch(resources, "intake-policy", policy=policy.replace(
        "arn:aws:s3:::corpus-audit", "arn:aws:route53:::hostedzone/Z0123456789")))
    assert any(ANYONE in m for m in messages_of(found, "intake-policy")), found


# Wave 2 (cases 10de050d): API Management users, group members, subscription owners, client applications and
# product policies, read by apim_members instead of refused unread.
JUDGEABLE = "require-judgeable-data-types"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # Pulumi's unknown value


@pytest.mark.parametrize("stem", ["r79p-56", "r79p-57", "r79p-58", "r79p-59"])
def test_the_stacks_users_members_owners_applications_and_product_policies_pass(stem):
    assert run(JUDGEABLE, case(stem)) == [] and run(PUBLIC, case(stem)) == []


@pytest.mark.parametrize("stem", ["r79p-11", "r79p-12"])
def test_a_product_policys_targets_still_block_and_it_is_no_longer_refused_unread(stem):
    assert run(JUDGEABLE, case(stem)) == []
    assert messages_of(run(PUBLIC, case(stem)), "product-policy")


@pytest.mark.parametrize("stem, user", [("r79p-13", "'1'"), ("r79p-14", "'contractor-7'")])
def test_a_member_the_stack_does_not_create_blocks(stem, user):
    only(run(PUBLIC, case(stem)), "partners-member", f"the group member is user {user}, which this stack")


def test_a_member_and_group_of_another_service_block():
    found = messages_of(run(PUBLIC, case("r79p-15")), "partners-member")
    assert len(found) == 2 and "into group 'partners', which this stack does not create" in found[0], found


def test_a_literal_password_blocks_a_secret_or_generated_one_does_not():
    only(run(PUBLIC, case("r79p-16")), "partner-dev", "is given a password written in the program")
    for password in ("[secret]", UNKNOWN, None):
        assert run(PUBLIC, patch(case("r79p-16"), "partner-dev", password=password)) == []


def test_an_owner_of_another_service_still_blocks():
    found = messages_of(run(PUBLIC, case("r79p-17")), "key")
    assert any("is owned by '/users/partner-dev', a developer-portal user no check reads" in m for m in found)


def test_a_subscription_owner_fed_from_the_stacks_user_passes_at_preview():
    assert run(PUBLIC, patch(case("r79p-58"), "key", ownerId=UNKNOWN)) == []


@pytest.mark.parametrize("stem, fragment", [
    ("r79p-18", "its client application is owned by user '1', which this stack does not create"),
    ("r79p-19", "the link puts a client application into product 'starter', which this stack does not"),
])
def test_a_client_application_owned_or_linked_outside_the_stack_blocks(stem, fragment):
    only(run(PUBLIC, case(stem)), "client-app-product", fragment)


def test_a_client_application_the_stack_does_not_create_blocks():
    resources = [r for r in case("r79p-59") if r["name"] != "client-app"]
    for r in resources:
        r.get("refs", {}).pop("clientApplicationId", None)
    only(run(PUBLIC, resources), "client-app-product", "application 'partner-app' is no ClientApplication")
