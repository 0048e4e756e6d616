"""RegionalNetwork / PrivateDnsZones: deny-by-default NSGs, subnets, GatewaySubnet, EEA-only."""

import pytest
from azure_support import RG, TAGS, WORKSPACE, assert_in_regions, assert_tagged, custom, diagnosed, record

from components.azure.network import (
    PRIVATE_ZONES,
    PrivateDnsZones,
    PrivateDnsZonesArgs,
    RegionalNetwork,
    RegionalNetworkArgs,
)

SUBNET = "azure-native:network:Subnet"
RULE = "azure-native:network:SecurityRule"


def _net(**kwargs):
    args = {"resource_group_name": RG, "tags": TAGS, **kwargs}
    return record(
        lambda opts: RegionalNetwork("n", RegionalNetworkArgs(**args), opts=opts),
        location=kwargs.get("location", "westeurope"),
    )


def _rules(g, nsg_part):
    return [r.inputs for r in g.by_type(RULE) if nsg_part in r.inputs["networkSecurityGroupName"]]


def test_defaults_are_compliant():
    g = _net()
    subnets = {r.inputs["subnetName"]: r.inputs for r in g.by_type(SUBNET)}
    assert set(subnets) == {"apps", "private-endpoints", "GatewaySubnet"}
    assert subnets["apps"]["addressPrefix"] == "10.10.0.0/24"
    assert subnets["apps"]["delegations"][0]["serviceName"] == "Microsoft.Web/serverFarms"
    assert subnets["private-endpoints"]["addressPrefix"] == "10.10.1.0/24"
    assert subnets["private-endpoints"]["privateEndpointNetworkPolicies"] == "Enabled"
    assert subnets["GatewaySubnet"]["addressPrefix"] == "10.10.255.224/27"
    assert "networkSecurityGroup" not in subnets["GatewaySubnet"]
    for name in ("apps", "private-endpoints"):
        assert subnets[name]["networkSecurityGroup"]["id"]
        assert subnets[name]["defaultOutboundAccess"] is False
    for nsg in ("n-app-nsg", "n-pe-nsg"):
        rules = _rules(g, nsg)
        for direction in ("Inbound", "Outbound"):
            deny = [r for r in rules if r["direction"] == direction and r["access"] == "Deny"]
            assert deny and deny[0]["priority"] == 4096 and deny[0]["sourceAddressPrefix"] == "*"
            assert deny[0]["destinationAddressPrefix"] == "*" and deny[0]["destinationPortRange"] == "*"
        assert all(r["priority"] >= 3000 for r in rules)  # 100..2999 left to the interconnect
    pe_in = [r for r in _rules(g, "n-pe-nsg") if r["access"] == "Allow"]
    assert pe_in == [r for r in pe_in if r["sourceAddressPrefix"] == "10.10.0.0/24"]  # only the app subnet
    assert not diagnosed(g)  # no workspace given
    assert_tagged(g)
    assert_in_regions(g)


def test_options_cidrs_no_gateway_workspace_and_failover_region():
    g = _net(
        location="northeurope",
        address_space="10.11.0.0/16",
        app_subnet_cidr="10.11.8.0/24",
        endpoint_subnet_cidr="10.11.9.0/24",
        gateway_subnet_cidr="",
        workspace_id=WORKSPACE,
        inbound_https_sources=["VirtualNetwork", "10.20.0.0/16"],
    )
    subnets = {r.inputs["subnetName"]: r.inputs for r in g.by_type(SUBNET)}
    assert set(subnets) == {"apps", "private-endpoints"}
    assert subnets["apps"]["addressPrefix"] == "10.11.8.0/24"
    sources = {r["sourceAddressPrefix"] for r in _rules(g, "n-pe-nsg") if r["access"] == "Allow"}
    assert sources == {"10.11.8.0/24", "10.20.0.0/16"}
    assert len(diagnosed(g, WORKSPACE)) == 3  # VNet + 2 NSGs
    assert all(g.region(r) == "northeurope" for r in custom(g))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"location": "uksouth"}, "outside the EEA"),
        ({"app_subnet_cidr": "10.99.0.0/24"}, "outside"),
        ({"gateway_subnet_cidr": "10.10.250.0/28"}, "/27 or larger"),
    ],
)
def test_rejects_unsafe_options(kwargs, message):
    with pytest.raises(Exception, match=message):
        _net(**kwargs)


def test_private_dns_zones_link_every_vnet():
    vnets = [
        "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/a",
        "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/b",
    ]
    g = record(lambda opts: PrivateDnsZones("dns", PrivateDnsZonesArgs(RG, vnets, TAGS), opts=opts))
    zones = {r.inputs["privateZoneName"] for r in g.by_type("azure-native:privatedns:PrivateZone")}
    assert zones == set(PRIVATE_ZONES.values())
    links = g.by_type("azure-native:privatedns:VirtualNetworkLink")
    assert len(links) == 2 * len(PRIVATE_ZONES)
    assert all(link.inputs["registrationEnabled"] is False for link in links)
    assert {link.inputs["virtualNetwork"]["id"] for link in links} == set(vnets)
    assert_in_regions(g)
    with pytest.raises(Exception, match="unknown services"):
        record(
            lambda opts: PrivateDnsZones(
                "dns", PrivateDnsZonesArgs(RG, vnets, TAGS, services=("x",)), opts=opts
            )
        )
