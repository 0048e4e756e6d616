"""require-eea-location: a resource's own location (input, provider, stack config) is an allowed EEA region;
unknown or unplaceable locations fail closed."""

from __future__ import annotations

from policy_testlib import ALLOWED, UNKNOWN, aws_provider, azure_store, messages, res

from policies.core.view import unknown_message

RULE = "require-eea-location"


def test_location_compliant_sources():
    assert messages(RULE, res("aws:s3/bucket:Bucket", "b"), ALLOWED) == []
    assert messages(RULE, res("aws:s3/bucket:Bucket", "b", {"region": "eu-west-1"})) == []
    assert messages(RULE, azure_store(location="West Europe"), ALLOWED) == []
    assert messages(RULE, res("aws:iam/role:Role", "r", provider=None)) == []  # global class


def test_location_outside_eea_and_not_allowed():
    b = res("aws:s3/bucket:Bucket", "b", provider=aws_provider("us-east-1"))
    assert messages(RULE, b) == [
        "the resource (location from provider default `region`) is in 'us-east-1', which is outside the EEA"
    ]
    own = res("aws:s3/bucket:Bucket", "b", {"region": "us-west-2"})
    assert "outside the EEA" in messages(RULE, own)[0]
    de = azure_store(location="germanywestcentral")
    assert "not an allowed region" in messages(RULE, de, ALLOWED)[0]


def test_location_unknown_and_global_fail_closed():
    assert messages(RULE, azure_store(location=UNKNOWN)) == [
        unknown_message("location", "the resource's location")
    ]
    assert "'global'" in messages(RULE, azure_store(location="global"))[0]
    ag = res("azure-native:monitor:ActionGroup", "ag", {"location": "global", "resourceGroupName": "rg-weu"})
    assert messages(RULE, ag) == []


def test_components_have_no_location():
    comp = res("acme:storage:Archive", "arch", {"location": "eastus"}, custom=False)
    assert messages(RULE, comp) == []


def test_scoped_azure_types_live_where_their_scope_is():
    pricing = res(
        "azure-native:security:Pricing",
        "defender",
        {"pricingTier": "Standard", "scopeId": "/subscriptions/0"},
    )
    assert messages(RULE, pricing, ALLOWED) == []
