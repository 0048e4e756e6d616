"""The outputs of dosis-prod: the contract interconnect-prod reads (primary keys unchanged since v1; the
failover region's keys carry the suffix "Failover")."""

from __future__ import annotations

import pulumi

from components.interconnect.link_args import REGION_APIPA_OFFSET
from policies.core.eea import DOSIS_FAILOVER, DOSIS_PRIMARY

REGIONS = (DOSIS_PRIMARY, DOSIS_FAILOVER)
SHORT = {DOSIS_PRIMARY: "weu", DOSIS_FAILOVER: "neu"}
# APIPA instance slots per region (distinct inside CIDRs on the one AWS virtual private gateway).
APIPA_SLOTS = {r: (REGION_APIPA_OFFSET[r], REGION_APIPA_OFFSET[r] + 1) for r in REGIONS}


def exports(c, siem, net, apps, vpn: dict) -> None:
    """The contract read by interconnect-prod (primary region keys unchanged; failover keys suffixed)."""
    for region in REGIONS:
        suffix = "" if region == DOSIS_PRIMARY else "Failover"
        gw = vpn[region]
        pulumi.export(f"vpnGatewayPublicIps{suffix}", gw.public_ip_addresses())
        pulumi.export(f"vpnGatewayId{suffix}", gw.gateway.id)
        pulumi.export(f"vpnGatewayBgpPeeringAddresses{suffix}", gw.bgp_peering_addresses())
        pulumi.export(f"vpnGatewayIpConfigurationIds{suffix}", gw.ip_configuration_ids)
        pulumi.export(f"dosisUitPrivateIp{suffix}", apps[(region, "uit")].private_ip())
        pulumi.export(
            f"dosisUitHostName{suffix}", f"{c.cfg.name_prefix}-uit-{SHORT[region]}.azurewebsites.net"
        )
        pulumi.export(f"dosisUitSubnetCidr{suffix}", net[region].endpoint_subnet_cidr)
        pulumi.export(f"resourceGroupName{suffix}", c.rgs[region])
        pulumi.export(f"location{suffix}", region)
        pulumi.export(f"privateEndpointNsgName{suffix}", net[region].endpoint_nsg.name)
    pulumi.export("vpnGatewayBgpAsn", c.cfg.vpn_bgp_asn)
    pulumi.export("vpnApipaSlots", {SHORT[r]: list(APIPA_SLOTS[r]) for r in REGIONS})
    pulumi.export("vnetCidrs", [c.cfg.primary_address_space, c.cfg.failover_address_space])
    pulumi.export("logAnalyticsWorkspaceId", c.ws)
    pulumi.export("actionGroupId", siem.action_group.id)
