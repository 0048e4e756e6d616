"""VpnGateway: active-active, zone-redundant SKU, two zone-redundant public IPs, BGP."""

import pytest
from azure_support import (
    RG,
    SUBNET,
    TAGS,
    WORKSPACE,
    assert_in_regions,
    assert_tagged,
    diagnosed,
    one,
    record,
)

from components.azure.vpn import VpnGateway, VpnGatewayArgs


def _vpn(**kwargs):
    return record(lambda opts: VpnGateway("vpn", VpnGatewayArgs(RG, SUBNET, TAGS, **kwargs), opts=opts))


def test_defaults_are_compliant():
    g = _vpn()
    gw = one(g, "azure-native:network:VirtualNetworkGateway")
    assert gw["activeActive"] is True and gw["enableBgp"] is True and gw["bgpSettings"]["asn"] == 65515
    assert gw["sku"]["name"] == "VpnGw2AZ" and gw["vpnType"] == "RouteBased" and gw["gatewayType"] == "Vpn"
    # The mock monitor records resources in completion order, not declaration order: match by name.
    pips = sorted(g.by_type("azure-native:network:PublicIPAddress"), key=lambda p: p.name)
    assert [p.name for p in pips] == ["vpn-pip0", "vpn-pip1"] and len(gw["ipConfigurations"]) == 2
    assert [c["publicIPAddress"]["id"] for c in gw["ipConfigurations"]] == [p.id for p in pips]
    assert all(c["subnet"]["id"] == SUBNET for c in gw["ipConfigurations"])
    for p in pips:
        assert p.inputs["zones"] == ["1", "2", "3"] and p.inputs["sku"]["name"] == "Standard"
    assert_tagged(g)
    assert_in_regions(g)


def test_options_sku_asn_diagnostics():
    g = _vpn(sku="VpnGw3AZ", bgp_asn=65010, workspace_id=WORKSPACE)
    gw = g.by_type("azure-native:network:VirtualNetworkGateway")[0]
    assert gw.inputs["sku"]["name"] == "VpnGw3AZ" and gw.inputs["bgpSettings"]["asn"] == 65010
    assert len(diagnosed(g, WORKSPACE)) == 3 and gw.id in diagnosed(g)


def test_custom_apipa_bgp_addresses_per_instance():
    g = _vpn(
        subscription_id="sub", gateway_name="gw", custom_bgp_addresses=(("169.254.21.2",), ("169.254.21.6",))
    )
    gw = one(g, "azure-native:network:VirtualNetworkGateway")
    prefix = (
        "/subscriptions/sub/resourceGroups/dosis-test/providers/Microsoft.Network/virtualNetworkGateways/gw"
    )
    assert gw["bgpSettings"]["bgpPeeringAddresses"] == [
        {
            "ipconfigurationId": f"{prefix}/ipConfigurations/instance0",
            "customBgpIpAddresses": ["169.254.21.2"],
        },
        {
            "ipconfigurationId": f"{prefix}/ipConfigurations/instance1",
            "customBgpIpAddresses": ["169.254.21.6"],
        },
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sku": "VpnGw2"}, "zone-redundant"),
        ({"location": "ukwest"}, "outside the EEA"),
        ({"custom_bgp_addresses": (("169.254.21.2",), ("169.254.21.6",))}, "subscription_id"),
        ({"subscription_id": "s", "custom_bgp_addresses": (("10.0.0.1",), ("169.254.21.6",))}, "APIPA"),
    ],
)
def test_rejects_unsafe_options(kwargs, message):
    with pytest.raises(Exception, match=message):
        _vpn(**kwargs)
