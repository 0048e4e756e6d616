"""Round 101 (docs/pia-conditions.md): an Event API's API_KEY provider counts only when a mode of the API or
of one of its namespaces names it, as round 100 made the other providers count; a source API association
whose source API is (or may be) a merged API blocks. Cases: the round's first commits (a test failing before
the fix says so); every mutation turns one compliant fixture non-compliant, and must block with its check's
message."""

from __future__ import annotations

import pytest
from ruletest import case, event_config, patch, run, says

PUBLIC = "disallow-public-data-access"
KEY = "the Event API accepts API_KEY: a key handed to the front end identifies no one"
NESTED = "the sources merged into it are not judged through a second merge, so what the merged API serves"
FORMS = "the source API 'eloket-registration-forms' (forms)"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the corpus's placeholder for a value known only at update


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r101p-07", f"{FORMS} is itself a merged API (`apiType: MERGED`): {NESTED}"),
        ("r101p-08", f"(gql) has an `apiType` known only at update (it may be a merged API): {NESTED}"),
    ],
)
def test_the_evasions_block(stem, fragment):
    """Fails before: these two passed every rule on main's code (a source API was judged by its own name,
    whatever it merges)."""
    assert says(run(PUBLIC, case(stem)), fragment)


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r101p-01", KEY),
        ("r101p-01", "the channel namespace overrides its API's modes with API_KEY"),
        ("r101p-02", KEY),
        ("r101p-03", KEY),
        ("r101p-04", KEY),
        ("r101p-05", KEY),
        ("r101p-06", "an Event API mode is 'api_key', an authentication type the pack does not know"),
        ("r101p-09", KEY),
        ("r101p-10", f"{FORMS} is itself a merged API (`apiType: merged`): {NESTED}"),
        ("r101p-11", f"{FORMS} is itself a merged API (`apiType: MERGED`): {NESTED}"),
    ],
)
def test_the_guards_and_probes_block(stem, fragment):
    """Guards: -01 to -06 were blocked on main's code (an API_KEY provider blocked whatever named it) and
    must stay so once a provider counts only when named; the probes -09 to -11 were blocked when written."""
    assert says(run(PUBLIC, case(stem)), fragment)


def test_the_look_alikes_pass():
    """Fails before for -50 to -52 (an API_KEY provider no mode names was judged as used); -53 and round
    100's and 33's look-alikes guard."""
    for stem in ("r101p-50", "r101p-51", "r101p-52", "r101p-53", "r100p-50", "r100p-51", "r100p-52",
                 "r100p-53", "r33p-53", "r33p-54"):  # fmt: skip
        assert run(PUBLIC, case(stem)) == [], stem


def test_mutation_an_api_key_provider_counts_once_a_mode_names_it():
    ok = case("r101p-50")
    key = [{"authType": "API_KEY"}]
    for mode in ("connectionAuthModes", "defaultPublishAuthModes", "defaultSubscribeAuthModes"):
        assert says(run(PUBLIC, event_config(ok, **{mode: key})), KEY), mode
    for mode in ("publishAuthModes", "subscribeAuthModes"):
        assert says(run(PUBLIC, patch(ok, "events-ns", **{mode: key})), KEY), mode
    # a namespace whose modes cannot be read: every provider counts (and the namespace blocks itself)
    assert says(run(PUBLIC, patch(ok, "events-ns", publishAuthModes=UNKNOWN)), KEY)


def test_mutation_a_mode_naming_api_key_blocks_without_the_provider():
    ok = case("r101p-50")
    found = run(PUBLIC, event_config(ok, authProviders=[{"authType": "AWS_IAM"}],
                                defaultSubscribeAuthModes=[{"authType": "API_KEY"}]))  # fmt: skip
    assert says(found, KEY)


def test_mutation_a_merged_or_unknown_source_api_type_blocks():
    ok = case("r100p-51")
    assert says(run(PUBLIC, patch(ok, "gql", apiType="MERGED")),
                f"'eloket-registration-forms' (gql) is itself a merged API (`apiType: MERGED`): {NESTED}")
    assert says(run(PUBLIC, patch(ok, "gql", apiType="FEDERATED")),
                f"(gql) has the `apiType` 'FEDERATED', which the pack does not know: {NESTED}")
    assert says(run(PUBLIC, patch(ok, "gql", apiType=UNKNOWN)), "has an `apiType` known only at update")
    assert run(PUBLIC, patch(ok, "gql", apiType="GRAPHQL")) == []
