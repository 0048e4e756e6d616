"""The DOSIS <-> e-loket site-to-site IPsec link uses the strong, identical crypto of both ends
(D36 §96, §131; DPA annex 3 a.ii). Wraps policies.core.ipsec.check_ipsec_crypto."""

from __future__ import annotations

from policies.core.ipsec import check_ipsec_crypto
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph
from policies.data.ipsec import AWS_VPN_CONNECTION, AZURE_CONNECTION

_TYPES = (AWS_VPN_CONNECTION, AZURE_CONNECTION)
# Site-to-site tunnels of Azure Virtual WAN: per-link IPsec policies the check does not read, so a link
# built with them cannot be judged (closed world).
VWAN_CONNECTION = "azure-native:network:VpnConnection"
VWAN_GATEWAY = "azure-native:network:VpnGateway"
_VWAN = (
    "a Virtual WAN VPN connection's per-link IPsec policies are not judged, so its crypto cannot be shown "
    "to be the link's; build the tunnel with a VirtualNetworkGatewayConnection (components.interconnect)"
)


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out = [(r.urn, _VWAN) for r in graph.by_type(VWAN_CONNECTION)]
    out += [(r.urn, _VWAN) for r in graph.by_type(VWAN_GATEWAY) if r.input("connections")]
    links = graph.by_type(*_TYPES)
    if not links:
        return out
    resources = [{"type": r.type, "inputs": r.inputs, "urn": r.urn, "name": r.name} for r in links]
    return out + [
        (f.urn, f"`{f.field}`: {f.message}" if f.field else f.message) for f in check_ipsec_crypto(resources)
    ]


RULE = Rule(
    id="require-strong-ipsec-crypto",
    title="The cross-cloud IPsec tunnels use IKEv2 with the strong crypto both ends agree on.",
    severity="critical",
    remediation="Build both ends from policies.data.ipsec.IpsecCrypto (IKEv2, AES256-GCM, SHA2-384, DH "
    "group 20), rendered by components.interconnect.crypto, instead of setting tunnel options by hand.",
    controls=("SYS-05", "ENC-05"),
    check=check,
    module=__name__,
    scope="stack",
)
