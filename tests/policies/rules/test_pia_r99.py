"""Round 99 (docs/pia-conditions.md): an AppSync GraphQL or Event API's Cognito pool or OpenID issuer signs
callers in only as the stack's PIA record says (`api_sign_in`, as round 98 judges API Gateway's
authorizers); a mode AppSync does not list blocks; a public-facing API's recorded name carried by two APIs
blocks. Cases: the round's first commits (a test failing before the fix says so); every mutation turns one
compliant fixture non-compliant, and must block with its check's message."""

from __future__ import annotations

import pytest
from ruletest import case, patch, run, says

from policies.core.api_sign_in import _key

PUBLIC = "disallow-public-data-access"
REGISTER = "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_Register"
NOT_LISTED = "anyone may sign up (the PIA record: sign_up public, for the APIs ['eloket-registration'])"
UNRECORDED = "which the stack's PIA record does not describe (`api_sign_in`)"
UNKNOWN_KIND = "an authentication type the pack does not know (AppSync takes API_KEY, AWS_IAM, "
SHARED = "names the API 'eloket-registration' public-facing by design (`api_sign_in`), and 2 APIs"


def test_a_bare_pool_id_is_the_pool_of_its_arn():
    assert _key("eu-west-1_Register") == _key(REGISTER)
    assert _key("eu-west-1_Register") != _key("eu-west-1_x")


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r99p-01", f"GraphQL API: it trusts 'eu-west-1_Register', to which {NOT_LISTED}, and the API 'dos"),
        ("r99p-02", f"the GraphQL API: it trusts 'eu-west-1_OpenSignUp', {UNRECORDED}"),
        ("r99p-03", f"it trusts 'https://accounts.google.com', {UNRECORDED}"),
        ("r99p-04", f"it trusts 'https://login.microsoftonline.com/common/v2.0', {UNRECORDED}"),
        ("r99p-05", NOT_LISTED),
        ("r99p-06", f"`authenticationType` is 'NONE', {UNKNOWN_KIND}"),
        ("r99p-07", "is AMAZON_COGNITO_USER_POOLS and names no `userPoolConfig.userPoolId`, so whom it"),
        ("r99p-08", f"the Event API: it trusts 'eu-west-1_Register', to which {NOT_LISTED}"),
        ("r99p-09", f"the Event API: it trusts 'https://accounts.google.com', {UNRECORDED}"),
        ("r99p-10", f"{SHARED} of this stack are (or may be) named so (api, api-2)"),
    ],
)
def test_the_evasions_block(stem, fragment):
    """Fails before: all ten passed every rule on main's code (any AppSync mode but API_KEY counted as
    authentication; a recorded public name was matched with whichever API carried it)."""
    assert says(run(PUBLIC, case(stem)), fragment)


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r99p-11", f"{SHARED} of this stack are (or may be) named so (api, gql)"),
        ("r99p-12", f"a namespace mode is 'NONE', {UNKNOWN_KIND}"),
        ("r99p-13", f"Providers[1].authenticationType` is 'openid_connect', {UNKNOWN_KIND}"),
    ],
)
def test_the_probes_of_the_fix_block(stem, fragment):
    """Fails before: -12 passed on ba99c12e's code (a namespace's modes were not checked for kind); -11 and
    -13 were blocked by it when written (guards)."""
    assert says(run(PUBLIC, case(stem)), fragment)


LOOK_ALIKES = ["r99p-50", "r99p-51", "r99p-52", "r99p-53", "r31p-56", "r31p-57", "r33p-53", "r98p-50"]


@pytest.mark.parametrize("stem", LOOK_ALIKES)
def test_the_look_alikes_pass(stem):
    assert run(PUBLIC, case(stem)) == []


def test_mutation_a_graphql_api_trusts_only_recorded_providers():
    ok = case("r99p-52")
    assert says(run(PUBLIC, patch(ok, "gql", openidConnectConfig={"issuer": "https://login.example.com"})),
                f"the GraphQL API: it trusts 'https://login.example.com', {UNRECORDED}")
    assert says(run(PUBLIC, patch(ok, "gql", openidConnectConfig={"clientId": "x"})),
                "`authenticationType` is OPENID_CONNECT and names no `openidConnectConfig.issuer`")
    pool = {"userPoolId": "eu-west-1_Y"}
    extra = [{"authenticationType": "AMAZON_COGNITO_USER_POOLS", "userPoolConfig": pool}]
    assert says(run(PUBLIC, patch(ok, "gql", additionalAuthenticationProviders=extra)),
                f"it trusts 'eu-west-1_Y', {UNRECORDED}")


def test_mutation_a_graphql_api_names_a_known_mode():
    ok = case("r99p-50")
    extra = [{"authenticationType": "AWS_IAM"}, {"authenticationType": "OPENID"}]
    assert says(run(PUBLIC, patch(ok, "gql", additionalAuthenticationProviders=extra)),
                f"`additionalAuthenticationProviders[1].authenticationType` is 'OPENID', {UNKNOWN_KIND}")
    assert says(run(PUBLIC, patch(ok, "gql", additionalAuthenticationProviders=["AWS_IAM"])),
                f"`additionalAuthenticationProviders[0].authenticationType` is None, {UNKNOWN_KIND}")


def test_mutation_an_event_api_trusts_only_recorded_providers():
    ok = case("r99p-53")
    events = next(r for r in ok if r["name"] == "events")["inputs"]["eventConfig"]
    cfg = {**events, "authProviders": [{"authType": "OPENID_CONNECT", "openidConnectConfig": {}},
                                        {"authType": "AWS_IAM"}]}  # fmt: skip
    assert says(run(PUBLIC, patch(ok, "events", eventConfig=cfg)),
                "`eventConfig.authProviders[0]` is OPENID_CONNECT and names no `openidConnectConfig.issuer`")
    cfg = {**events, "defaultPublishAuthModes": [{"authType": "IAM"}]}
    assert says(run(PUBLIC, patch(ok, "events", eventConfig=cfg)), f"Event API mode is 'IAM', {UNKNOWN_KIND}")


def test_mutation_a_public_name_carried_twice_blocks_each_api():
    ok = case("r99p-51")
    twin = {**next(r for r in ok if r["name"] == "gql"), "name": "gql-2"}
    found = run(PUBLIC, [*ok, twin])
    assert {n for n, m in found if SHARED in m} == {"gql", "gql-2"}
    # another name, or a name the record lists for no public provider, is no twin
    other = {**twin, "inputs": {**twin["inputs"], "name": "dossiers"}}
    assert not says(run(PUBLIC, [*ok, other]), SHARED)


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the corpus's placeholder for a value known only at update


def test_mutation_a_pool_known_only_at_update_blocks():
    ok = case("r99p-50")
    pool = {"userPoolId": UNKNOWN, "awsRegion": "eu-west-1", "defaultAction": "ALLOW"}
    assert says(run(PUBLIC, patch(ok, "gql", userPoolConfig=pool)),
                "`userPoolConfig.userPoolId` is unknown during preview, so whom the API signs in cannot")
