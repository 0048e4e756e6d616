"""require-eea-provider-endpoints: a provider's endpoint overrides, proxies, assume-role targets, STS region
and Azure environment are locations too; what cannot be placed fails closed."""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, UNKNOWN, azure_provider, messages, res

from policies.core.view import ProviderView

RULE = "require-eea-provider-endpoints"


def with_provider(**inputs):
    return res(
        "aws:s3/bucket:Bucket",
        "b",
        provider=ProviderView("pulumi:providers:aws", {"region": "eu-west-1", **inputs}, "urn:p", "p"),
    )


def _azure_rg(**inputs):
    provider = ProviderView("pulumi:providers:azure-native", inputs, "u", "p")
    return res("azure-native:resources:ResourceGroup", "rg", {"location": "westeurope"}, provider=provider)


def test_provider_settings_are_locations():
    assert messages(RULE, with_provider(), ALLOWED) == []
    found = messages(
        RULE,
        with_provider(endpoints=json.dumps([{"s3": "https://s3.us-east-1.amazonaws.com"}])),
        ALLOWED,
    )
    assert found == [
        "`provider.endpoints(json).0.s3` (s3.us-east-1.amazonaws.com) is in 'us-east-1', which is "
        "outside the EEA"
    ]
    cn = with_provider(assumeRole=json.dumps({"roleArn": "arn:aws-cn:iam::1:role/x"}))
    assert "aws-cn partition" in messages(RULE, cn, ALLOWED)[0]
    gov = res(
        "azure-native:resources:ResourceGroup",
        "rg",
        {"location": "westeurope"},
        provider=ProviderView("pulumi:providers:azure-native", {"environment": "usgovernment"}, "u", "p"),
    )
    assert "sovereign" in messages(RULE, gov, ALLOWED)[0]
    public = res("azure-native:resources:ResourceGroup", "rg", {}, provider=azure_provider())
    assert messages(RULE, public) == []


def test_sovereign_azure_environment_is_named():
    gov = _azure_rg(environment="china")
    assert messages(RULE, gov, ALLOWED) == [
        "`provider.environment` = 'china': a sovereign/national Azure cloud outside the EEA public regions"
    ]
    public = _azure_rg(environment="AzureCloud")
    assert messages(RULE, public, ALLOWED) == []


def test_undeclared_proxy_host_blocks():
    assert messages(RULE, with_provider(httpsProxy="http://proxy.cheap-vps.net:3128"), ALLOWED) == [
        "`provider.httpsProxy` sends to proxy.cheap-vps.net, which is neither a resource of this stack nor a "
        "declared external endpoint (stacks/records/endpoints.yaml: add it with its region and why)"
    ]


@pytest.mark.parametrize(
    ("inputs", "shown"),
    [
        ({"endpoints": [{"s3": "https://mybucket.s3.amazonaws.com"}]},
         "`provider.endpoints.0.s3` = 'mybucket.s3.amazonaws.com'"),
        ({"stsRegion": UNKNOWN}, "`provider.stsRegion` = (unknown)"),
        ({"assumeRole": {"roleArn": UNKNOWN}}, "`provider.assumeRole.roleArn` = (unknown)"),
    ],
)
def test_what_only_the_graph_could_place_cannot_be_judged(inputs, shown):
    assert messages(RULE, with_provider(**inputs), ALLOWED) == [
        f"{shown} is not a regional endpoint of an allowed region nor a declared external endpoint, so where "
        "the provider sends traffic cannot be judged"
    ]


@pytest.mark.parametrize("inputs", [{"endpoints": [{"s3": UNKNOWN}]}, {"httpsProxy": UNKNOWN}])
def test_unknown_endpoint_override_or_proxy_fails_closed(inputs):
    (msg,) = messages(RULE, with_provider(**inputs), ALLOWED)
    assert "(unknown) is not a regional endpoint" in msg


def test_unknown_credentials_are_not_destinations():
    assert messages(RULE, with_provider(accessKey=UNKNOWN, secretKey=UNKNOWN), ALLOWED) == []


def test_resources_without_provider_are_not_judged():
    assert messages(RULE, res("aws:iam/role:Role", "r", provider=None), ALLOWED) == []
