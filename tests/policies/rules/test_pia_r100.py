"""Round 100 (docs/pia-conditions.md): a merged AppSync API serves its source APIs under its own modes, so an
association is judged by the merged API's providers against the source API's name and blocks when it cannot
be placed; an Event API's provider counts only when a mode names its kind, and a mode naming a kind no
provider configures blocks; an AWS_LAMBDA provider names its function. Cases: the round's first commits (a
test failing before the fix says so); every mutation turns one compliant fixture non-compliant, and must
block with its check's message."""

from __future__ import annotations

import pytest
from ruletest import case, event_config, patch, run, says

PUBLIC = "disallow-public-data-access"
NOT_LISTED = "anyone may sign up (the PIA record: sign_up public, for the APIs ['eloket-registration'])"
SERVES = "the merged API 'eloket-registration' (merged) serves the source API 'dossiers' (gql) under its own"
UNPLACED = "is not an output of one GraphQL API of this stack, so"
UNCONFIGURED = "which no `eventConfig.authProviders` entry of its Event API configures, so whom it signs in"
NO_FUNCTION = "is AWS_LAMBDA and names no `lambdaAuthorizerConfig.authorizerUri`, so whom it signs in cannot"


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r100p-01", f"{SERVES} modes: it trusts 'eu-west-1_Register', to which {NOT_LISTED}, and the API"),
        ("r100p-02", f"`mergedApiId` (or `mergedApiArn`) {UNPLACED} who may call the merged API"),
        ("r100p-03", f"`sourceApiId` (or `sourceApiArn`) {UNPLACED} what the merged API serves"),
        ("r100p-04", f"{SERVES} modes: it trusts 'eu-west-1_Register'"),
        ("r100p-06", f"a mode of the Event API names OPENID_CONNECT, {UNCONFIGURED}"),
        ("r100p-07", f"a namespace mode names AMAZON_COGNITO_USER_POOLS, {UNCONFIGURED}"),
        ("r100p-09", f"`authenticationType` {NO_FUNCTION}"),
        ("r100p-10", f"`additionalAuthenticationProviders[0].authenticationType` {NO_FUNCTION}"),
    ],
)
def test_the_evasions_block(stem, fragment):
    """Fails before: these eight passed every rule on main's code (an association was a part, not judged; a
    mode was not matched with a provider; an AWS_LAMBDA provider was not read)."""
    assert says(run(PUBLIC, case(stem)), fragment)


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r100p-05", f"the Event API: it trusts 'eu-west-1_Register', to which {NOT_LISTED}"),
        ("r100p-08", f"the GraphQL API: it trusts 'eu-west-1_Register', to which {NOT_LISTED}"),
        ("r100p-11", f"the Event API: it trusts 'eu-west-1_Register', to which {NOT_LISTED}"),
        ("r100p-12", "serves the source API '04da6b54-80e4-46f7-96ec-b56ff0331ba9' (gql) under its own"),
        ("r100p-13", f"association's `mergedApiId` (or `mergedApiArn`) {UNPLACED}"),
    ],
)
def test_the_guards_and_probes_block(stem, fragment):
    """Guards: -05 (a namespace's mode uses the public pool) and -08 (a WAF web ACL is no sign-in) were
    blocked on main's code and must stay so; the probes -11 to -13 were blocked when written."""
    assert says(run(PUBLIC, case(stem)), fragment)


def test_the_look_alikes_pass():
    """Fails before for -52 and -53 (a provider no mode names was judged as used); -50 and -51 guard."""
    for stem in ("r100p-50", "r100p-51", "r100p-52", "r100p-53", "r33p-53", "r33p-54", "r99p-53"):
        assert run(PUBLIC, case(stem)) == [], stem


def test_mutation_an_association_follows_the_source_apis_name():
    ok = case("r100p-51")
    gql = next(r for r in ok if r["name"] == "gql")
    renamed = {**gql, "inputs": {**gql["inputs"], "name": "dossiers"}}
    found = run(PUBLIC, [*(r for r in ok if r is not gql), renamed])
    assert says(found, "serves the source API 'dossiers' (gql) under its own modes: it trusts "
                       "'https://register.e-loket.example.be', to which anyone may sign up")
    # the merged API's own name stays judged by its own check, not the association's
    assert not says(run(PUBLIC, ok), "serves the source API")


def test_mutation_an_association_needs_both_ends_in_the_stack():
    ok = case("r100p-50")
    assoc = next(r for r in ok if r["name"] == "assoc")
    loose = {**assoc, "refs": {"mergedApiId": "merged"}}
    assert says(run(PUBLIC, [*(r for r in ok if r["name"] != "assoc"), loose]),
                f"`sourceApiId` (or `sourceApiArn`) {UNPLACED} what the merged API serves")
    to_table = {**assoc, "refs": {"mergedApiId": "dossiers", "sourceApiId": "gql"}}
    assert says(run(PUBLIC, [*(r for r in ok if r["name"] != "assoc"), to_table]),
                f"`mergedApiId` (or `mergedApiArn`) {UNPLACED} who may call the merged API")


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the corpus's placeholder for a value known only at update


def test_mutation_an_association_on_a_merged_api_whose_mode_is_unknown_blocks():
    ok = case("r100p-50")
    assert says(run(PUBLIC, patch(ok, "merged", authenticationType=UNKNOWN)),
                "`authenticationType` is unknown during preview, so whom the merged API signs in cannot")


def test_mutation_an_event_api_provider_counts_once_a_mode_names_it():
    ok = case("r100p-52")
    cog = [{"authType": "AMAZON_COGNITO_USER_POOLS"}]
    for mode in ("connectionAuthModes", "defaultPublishAuthModes", "defaultSubscribeAuthModes"):
        found = run(PUBLIC, event_config(ok, **{mode: cog}))
        assert says(found, f"'eu-west-1_Register', to which {NOT_LISTED}")
    assert says(run(PUBLIC, patch(ok, "events-ns", publishAuthModes=cog)), "it trusts 'eu-west-1_Register'")
    # a namespace whose modes cannot be read: every provider counts (and the namespace blocks itself)
    found = run(PUBLIC, patch(ok, "events-ns", subscribeAuthModes=UNKNOWN))
    assert says(found, "it trusts 'eu-west-1_Register'")


def test_mutation_an_event_api_mode_names_a_configured_kind():
    ok = case("r100p-53")
    lam = [{"authType": "AWS_LAMBDA"}]
    assert says(run(PUBLIC, event_config(ok, defaultPublishAuthModes=lam)),
                f"a mode of the Event API names AWS_LAMBDA, {UNCONFIGURED}")
    assert says(run(PUBLIC, patch(ok, "events-ns", publishAuthModes=lam)),
                f"a namespace mode names AWS_LAMBDA, {UNCONFIGURED}")


def test_mutation_a_lambda_provider_names_its_function():
    ok = case("r33p-54")
    cfg = next(r for r in ok if r["name"] == "events")["inputs"]["eventConfig"]
    providers = [{"authType": "AWS_IAM"}, {"authType": "AWS_LAMBDA", "lambdaAuthorizerConfig": {}}]
    assert says(run(PUBLIC, patch(ok, "events", eventConfig={**cfg, "authProviders": providers})),
                f"`eventConfig.authProviders[1]` {NO_FUNCTION}")
    providers[1]["lambdaAuthorizerConfig"] = {"authorizerUri": UNKNOWN}
    assert says(run(PUBLIC, patch(ok, "events", eventConfig={**cfg, "authProviders": providers})),
                "`eventConfig.authProviders[1].lambdaAuthorizerConfig.authorizerUri` is unknown during")
