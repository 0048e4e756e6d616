"""Round-62 classes (docs/pia-conditions.md, round 62). Private endpoints, AI Search shared private links and
Data Factory managed private endpoints and a Front Door origin linking to another party's resource passed;
virtual network ids (a private DNS zone's link, a network's inline peerings) were read only where a check
named them; any provider's pin made a subscription's networks the stack's; a subnet or network of the stack
given another party's id as an input made that id the stack's; a private link service auto-approving one named
subscription passed. Each test fails on the code before the round."""

from __future__ import annotations

import datetime as dt

import pytest
from ruletest import case, only, patch, run

from policies.core.pia_attestations import PiaRecordError, validate

PUBLIC = "disallow-public-data-access"
JUDGEABLE = "require-judgeable-data-types"
FOREIGN = "of subscription '9f9f9f9f-1111-4222-8333-444444444444', which the stack's PIA record does not name"
LINKS = "in subscription '9f9f9f9f-1111-4222-8333-444444444444', which the stack's PIA record does not name"
RECORDED = "5a1c0d2e-0000-4000-8000-00000000c0a1"  # named in the corpus record's network_subscriptions


def test_a_private_link_reaches_only_resources_of_the_stack():
    for stem, name, where in (
        ("r62p-01", "pe-partner", "`privateLinkServiceConnections[0].privateLinkServiceId` links to"),
        ("r62p-02", "pe-partner", "`manualPrivateLinkServiceConnections[0].privateLinkServiceId` links to"),
        ("r62p-03", "pe-twin", "`privateLinkServiceConnections[0].privateLinkServiceId` links to"),
        ("r62p-40", "search-spl", "`properties.privateLinkResourceId` links to"),
        ("r62p-42", "adf-mpe", "`properties.privateLinkResourceId` links to"),
    ):
        found = run(PUBLIC, case(stem))
        only(found, name, where)
        only(found, name, LINKS)
    for stem in ("r62p-50", "r62p-51", "r62p-70", "r61p-41"):
        assert not any("links to" in m for _, m in run(PUBLIC, case(stem))), stem


def test_a_front_door_origins_private_link_is_read():
    """Found while fixing: `sharedPrivateLinkResource.privateLink.id` names the target as an object's `id`."""
    found = [f for f in run(PUBLIC, case("r62p-43")) if "links to" in f[1]]  # round 63 reads its host too
    only(found, "afd-origin", "`sharedPrivateLinkResource.privateLink.id` links to")
    only(found, "afd-origin", LINKS)


def test_a_private_link_the_program_cannot_place_blocks():
    unfed = patch(case("r62p-01"), "pe-partner", privateLinkServiceConnections=[
        {"name": "x", "privateLinkServiceId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}])
    only(run(PUBLIC, unfed), "pe-partner", "is unknown during preview")
    bare = patch(case("r62p-01"), "pe-partner", privateLinkServiceConnections=[
        {"name": "x", "privateLinkServiceId": "stpartner"}])
    only(run(PUBLIC, bare), "pe-partner", "(no readable ARM id)")


def test_a_virtual_network_named_whole_is_the_stacks():
    only(run(PUBLIC, case("r62p-04")), "zone-blob-partner", "`virtualNetwork.id` names virtual network")
    only(run(PUBLIC, case("r62p-04")), "zone-blob-partner", FOREIGN)
    only(run(PUBLIC, case("r62p-05")), "vnet", "`virtualNetworkPeerings[0].remoteVirtualNetwork.id` names")
    assert run(PUBLIC, case("r62p-71")) == []


def test_a_providers_pin_is_no_statement_the_record_is():
    only(run(PUBLIC, case("r62p-06")), "store", FOREIGN)
    assert run(PUBLIC, case("r61p-50")) == []  # its subscription is the record's
    recorded = FOREIGN.split("'")[1]
    moved = [
        {**r, "inputs": {**r["inputs"], "networkRuleSet": {
            **r["inputs"]["networkRuleSet"], "virtualNetworkRules": [{"virtualNetworkResourceId": (
                r["inputs"]["networkRuleSet"]["virtualNetworkRules"][0]["virtualNetworkResourceId"]
                .replace(recorded, RECORDED))}]}}} if r["name"] == "store" else r
        for r in case("r62p-06")
    ]
    assert run(PUBLIC, moved) == []


def test_a_recorded_id_counts_only_when_its_resources_inputs_make_it():
    """The claiming subnet or network is named too: its own `id` input is an id its inputs do not make."""
    for stem, name, claimer in (("r62p-07", "store", "subnet-decoy"), ("r62p-08", "store-pe", "vnet")):
        found = run(PUBLIC, case(stem))
        assert sorted(n for n, _ in found) == sorted([name, claimer]), found
        assert all(FOREIGN in m for _, m in found), found
    assert run(PUBLIC, case("r62p-51")) == []


def test_a_claimed_id_counts_only_in_the_subscription_the_provider_pins():
    """Group, network and subnet names are the subnet's own, the subscription is not its provider's (lead's
    pass after the round: `recorded_ids.made_by` read no subscription)."""
    found = run(PUBLIC, case("r62p-09"))
    assert sorted(n for n, _ in found) == ["store", "subnet-decoy"], found
    assert all(FOREIGN in m for _, m in found), found


def test_a_private_link_service_auto_approves_only_recorded_subscriptions():
    only(run(PUBLIC, case("r62p-41")), "pls", "`autoApproval.subscriptions` holds '9f9f9f9f-")
    ours = patch(case("r62p-41"), "pls", autoApproval={"subscriptions": [RECORDED]})
    assert run(PUBLIC, ours) == []


def test_the_linking_types_are_judged_controls():
    assert run(JUDGEABLE, case("r62p-42")) == []
    assert run(JUDGEABLE, case("r62p-70")) == []


@pytest.mark.parametrize("entry, key", [
    ({"subscription": "NOT-A-GUID", "held_by": "AIV", "why": "its subnets"}, "subscription"),
    ({"subscription": RECORDED, "held_by": "AIV"}, "why"),
    ({"subscription": RECORDED, "held_by": "AIV", "why": "x", "pinned": True}, "pinned"),
])
def test_network_subscriptions_statements_are_validated(entry, key):
    with pytest.raises(PiaRecordError, match=f"network_subscriptions\\[0\\]\\.{key}"):
        validate({"network_subscriptions": [entry]}, "corpus.yaml", dt.date(2026, 11, 30))
