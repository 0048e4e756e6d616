"""require-strong-ipsec-crypto: the VPN connection rendered from the link's crypto suite passes; a tunnel set
by hand with weaker crypto blocks, naming the field (the checks themselves: tests/components/interconnect)."""

from __future__ import annotations

import re

from policy_testlib import graph, messages, res

from components.interconnect.crypto import aws_tunnel_args
from policies.data.ipsec import AWS_VPN_CONNECTION, DEFAULT_CRYPTO

RULE = "require-strong-ipsec-crypto"


def _camel(snake: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), snake)


def _vpn(**over):
    """A VPN connection as the recorder writes it (camelCase inputs) from the components' renderer."""
    inputs = {"type": "ipsec.1"}
    for t in (1, 2):
        inputs.update({_camel(k): v for k, v in aws_tunnel_args(DEFAULT_CRYPTO, t).items()})
    return res(AWS_VPN_CONNECTION, "vpn", {**inputs, **over})


def test_rendered_link_passes_and_other_stacks_are_not_judged():
    assert messages(RULE, graph(_vpn())) == []
    assert messages(RULE, graph(res("aws:s3/bucket:Bucket", "b", {}))) == []


def test_ipsec_crypto_wraps_vpn_check():
    weak = res(AWS_VPN_CONNECTION, "vpn", {"tunnel1IkeVersions": ["ikev1"]})
    found = messages(RULE, graph(weak))
    assert found and all(name == "vpn" for name, _ in found)


def test_a_weaker_tunnel_names_its_field():
    found = messages(RULE, graph(_vpn(tunnel2Phase1DhGroupNumbers=[2])))
    assert found and all(name == "vpn" for name, _ in found)
    assert all(m.startswith("`tunnel2Phase1DhGroupNumbers`: ") for _, m in found), found
    assert any("phase 1 DH group 2 is below the minimum" in m for _, m in found), found


def test_virtual_wan_tunnels_cannot_be_judged():
    """Closed world: Virtual WAN connections (stand-alone or inline on the gateway) block."""
    conn = res("azure-native:network:VpnConnection", "vwan", {"vpnConnectionProtocolType": "IKEv2"})
    assert [n for n, m in messages(RULE, graph(conn)) if "Virtual WAN" in m] == ["vwan"]
    gw = res("azure-native:network:VpnGateway", "gw", {"connections": [{"name": "to-aws"}]})
    assert [n for n, m in messages(RULE, graph(gw)) if "Virtual WAN" in m] == ["gw"]
    assert messages(RULE, graph(res("azure-native:network:VpnGateway", "gw", {}))) == []
