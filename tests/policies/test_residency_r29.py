"""Red-team round 29 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r29-*.yaml)."""

from __future__ import annotations

from typing import Any

from policy_testlib import (
    ALLOWED,
    REPLICATION,
    RESOLVED,
    azure_rg,
    grant_message,
    graph,
    messages,
    pinned_res,
    res,
)

from policies.core.account_hosts import owner_problem
from policies.core.references import references

ENV = "template.containers.0.env.0.TARGET"
OTHER = "999988887777"
SVC = "com.amazonaws.vpce.eu-west-1.vpce-svc-0f3a9c2b7d1e4a6b8"


def _cosmos(name: str, *regions: str) -> Any:
    return res("azure-native:cosmosdb:DatabaseAccount", name, {
        "resourceGroupName": "rg-weu", "accountName": name, "name": name, "location": "westeurope",
        "databaseAccountOfferType": "Standard",
        "locations": [{"locationName": r, "failoverPriority": i} for i, r in enumerate(regions)]})


def _app(value: str) -> Any:
    return res("azure-native:app:ContainerApp", "app", {
        "resourceGroupName": "rg-weu", "location": "westeurope", "containerAppName": "app",
        "template": {"containers": [{"name": "app", "image": "x.azurecr.io/app:1",
                                     "env": [{"name": "TARGET", "value": value}]}]}})


def _replica(host: str, account: str, region: str) -> str:
    return (f"`{ENV}` sends to {host}, shaped like the {region} regional endpoint of the stack's Cosmos "
            f"DB account {account!r}, but that account does not list {region} in its `locations`, so the "
            f"host is another account named {host.split('.', 1)[0]!r} (anybody's, in any region); add "
            f"{region} to the account's `locations` (an allowed region), refer to the account's own "
            "endpoint, or declare the host in stacks/records/endpoints.yaml")


def _unresolved(path: str, value: str) -> str:
    return (f"`{path}` refers to {value!r}, which is neither a resource of this stack (matched by its "
            "recorded id, ARN or endpoint, never by name) nor a declared external endpoint "
            "(stacks/records/endpoints.yaml), so where it is cannot be judged")


# ------------------------------------------------ a Cosmos DB regional endpoint needs a listed region


def test_a_regional_endpoint_of_a_region_the_account_does_not_list_blocks():
    host = "dosis-cosmos-northeurope.documents.azure.com"
    g = graph(azure_rg(), _cosmos("dosis-cosmos", "westeurope"), _app(f"https://{host}:443/"))
    assert messages(RESOLVED, g, ALLOWED) == [("app", _replica(host, "dosis-cosmos", "northeurope"))]
    mongo = "dosis-cosmos-northeurope.mongo.cosmos.azure.com"
    g = graph(azure_rg(), _cosmos("dosis-cosmos", "westeurope"), _app(f"mongodb://{mongo}:10255/"))
    assert messages(RESOLVED, g, ALLOWED) == [("app", _replica(mongo, "dosis-cosmos", "northeurope"))]


def test_a_regional_endpoint_of_a_listed_region_passes_by_name_or_display_name():
    host = "https://dosis-cosmos-northeurope.documents.azure.com:443/"
    for regions in (("westeurope", "northeurope"), ("West Europe", "North Europe")):
        g = graph(azure_rg(), _cosmos("dosis-cosmos", *regions), _app(host))
        assert messages(RESOLVED, g, ALLOWED) == [], regions


def test_an_account_named_like_a_regional_endpoint_is_matched_by_its_full_name_first():
    host = "https://dosis-cosmos-northeurope.documents.azure.com:443/"
    g = graph(azure_rg(), _cosmos("dosis-cosmos-northeurope", "westeurope"), _app(host))
    assert messages(RESOLVED, g, ALLOWED) == []


# ------------------------------------------------ a list of regions in a region setting is each region


def test_a_region_list_is_judged_region_by_region():
    ok = _app("North Europe,West Europe")
    ok.raw["template"]["containers"][0]["env"][0]["name"] = "COSMOS_PREFERRED_REGIONS"
    assert messages(REPLICATION, ok, ALLOWED) == []
    bad = _app("West Europe; East US")
    bad.raw["template"]["containers"][0]["env"][0]["name"] = "COSMOS_PREFERRED_REGIONS"
    path = "template.containers.0.env.0.COSMOS_PREFERRED_REGIONS"
    assert messages(REPLICATION, bad, ALLOWED) == [
        f"`{path}` (data is sent there) is in 'eastus', which is outside the EEA"]


# ------------------------------------------------ a PrivateLink endpoint service is someone's


def _endpoint(service: str) -> Any:
    return pinned_res("aws:ec2/vpcEndpoint:VpcEndpoint", "ep", {
        "vpcId": "vpc-1", "serviceName": service, "vpcEndpointType": "Interface"})


def test_an_endpoint_service_not_of_the_stack_blocks_and_the_stacks_own_passes():
    assert messages(REPLICATION, _endpoint(SVC), ALLOWED) == []  # deferred to the stack
    assert messages(RESOLVED, graph(_endpoint(SVC)), ALLOWED) == [("ep", _unresolved("serviceName", SVC))]
    own = pinned_res("aws:ec2/vpcEndpointService:VpcEndpointService", "svc", {
        "acceptanceRequired": True, "networkLoadBalancerArns": ["arn:aws:elasticloadbalancing:eu-west-1:"
                                                                "123456789012:loadbalancer/net/x/1"],
        "serviceName": SVC})
    assert messages(RESOLVED, graph(own, _endpoint(SVC)), ALLOWED) == []


def test_an_endpoint_service_outside_the_regions_blocks_and_an_aws_service_is_placed_by_its_region():
    us = SVC.replace("eu-west-1", "us-east-1")
    assert messages(REPLICATION, _endpoint(us), ALLOWED) == [
        "`serviceName` (data is sent there) is in 'us-east-1', which is outside the EEA"]
    s3 = _endpoint("com.amazonaws.eu-west-1.s3")
    assert [r.kind for r in references(s3)] == ["region"]
    assert messages(RESOLVED, graph(s3), ALLOWED) == []


# ------------------------------------------------ an account named as a principal is granted access


def test_an_account_named_as_a_principal_in_any_aws_type_is_a_grantee():
    perm = pinned_res("aws:lambda/permission:Permission", "perm", {
        "action": "lambda:InvokeFunction", "function": "eloket-export", "principal": OTHER})
    assert messages(REPLICATION, perm, ALLOWED) == [grant_message("principal", OTHER)]
    sub = pinned_res("aws:securitylake/subscriber:Subscriber", "sub", {
        "subscriberName": "soc", "accessType": "S3",
        "subscriberIdentity": {"externalId": "x", "principal": OTHER}})
    assert messages(REPLICATION, sub, ALLOWED) == [grant_message("subscriberIdentity.principal", OTHER)]


def test_the_stacks_own_account_or_a_service_principal_grants_nothing_new():
    for principal in ("123456789012", "s3.amazonaws.com"):
        perm = pinned_res("aws:lambda/permission:Permission", "perm", {
            "action": "lambda:InvokeFunction", "function": "eloket-export", "principal": principal})
        assert messages(REPLICATION, perm, ALLOWED) == [], principal
    ram = pinned_res("aws:ram/principalAssociation:PrincipalAssociation", "ram", {
        "principal": OTHER, "resourceShareArn": "arn:aws:ram:eu-west-1:123456789012:resource-share/x"})
    assert messages(REPLICATION, ram, ALLOWED) == [grant_message("principal", OTHER)]  # typed: judged once


# ------------------------------------------------ a private link service alias is someone's too


def test_a_private_link_service_alias_is_the_stacks_service_or_blocks():
    alias = "intake.6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f.westeurope.azure.privatelinkservice"
    path = "manualPrivateLinkServiceConnections.0.privateLinkServiceId"
    pe = res("azure-native:network:PrivateEndpoint", "pe", {
        "resourceGroupName": "rg-weu", "location": "westeurope",
        "manualPrivateLinkServiceConnections": [{"name": "c", "privateLinkServiceId": alias}]})
    why = (f"`{path}` sends to {alias}, a host of one account's or subscription's resource, and the region "
           "it names does not say whose; it is no resource of this stack (matched by its recorded endpoint "
           "output, or the name the host carries) nor a declared external endpoint, so where the data goes "
           "from there cannot be judged; create the resource in this stack and refer to its endpoint output, "
           "or declare the host (for the account's own IoT Core data endpoint: the value of "
           "iot.get_endpoint) in stacks/records/endpoints.yaml")
    assert owner_problem(path, alias, frozenset()) == why
    assert messages(RESOLVED, graph(azure_rg(), pe), ALLOWED) == [("pe", why)]
    pls = res("azure-native:network:PrivateLinkService", "pls", {
        "resourceGroupName": "rg-weu", "serviceName": "intake", "location": "westeurope", "alias": alias})
    assert messages(RESOLVED, graph(azure_rg(), pls, pe), ALLOWED) == []
