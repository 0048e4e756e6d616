"""require-eea-inherited-location: a resource without a location of its own is where its resource group
of this stack is; that group's location must be known and allowed."""

from __future__ import annotations

from policy_testlib import ALLOWED, UNKNOWN, azure_rg, azure_store, graph, messages

RULE = "require-eea-inherited-location"


def _inheriting():
    return azure_store(location=None, property_dependencies={"resourceGroupName": ("urn:rg",)})


def _rg(location):
    rg = azure_rg(location)
    rg.urn = "urn:rg"
    return rg


def test_inherited_location_is_judged_over_the_graph():
    store = _inheriting()
    assert messages("require-eea-location", store) == []  # resource scope cannot tell
    found = messages(RULE, graph(_rg("eastus"), store), ALLOWED)
    assert found == [
        (
            "acct",
            "the resource (location from resource group rg `location`) is in 'eastus', "
            "which is outside the EEA",
        )
    ]
    assert messages(RULE, graph(_rg("westeurope"), store), ALLOWED) == []


def test_inherited_location_not_allowed():
    found = messages(RULE, graph(_rg("germanywestcentral"), _inheriting()), ALLOWED)
    assert found == [
        (
            "acct",
            "the resource (location from resource group rg `location`) is in 'germanywestcentral', which "
            "is not an allowed region (allowed: northeurope, westeurope)",
        )
    ]


def test_unknown_or_missing_resource_group_fails_closed():
    found = messages(RULE, graph(_rg(UNKNOWN), _inheriting()), ALLOWED)
    assert found == [
        (
            "acct",
            "`location of resource group rg` is unknown during preview, so the resource's location cannot "
            "be judged; the resource is treated as non-compliant (fail closed)",
        )
    ]
    assert messages(RULE, graph(_inheriting()), ALLOWED) == [
        (
            "acct",
            "the location cannot be determined: no `location` input, no provider location and no resource "
            "group of this stack to inherit it from",
        )
    ]


def test_own_location_is_left_to_require_eea_location():
    assert messages(RULE, graph(_rg("eastus"), azure_store(location="eastus")), ALLOWED) == []
