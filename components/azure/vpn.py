"""Azure end of the site-to-site IPsec VPN to the e-loket (D36 §96/§131, DPA annex 3 a.ii).

Active-active and zone-redundant: two instances, each with its own zone-redundant Standard public
IP, so the AWS side can build four tunnels and survive the loss of an instance or a zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure.common import child, diagnostics, eea_location
from policies.core.eea import DOSIS_PRIMARY

ZONE_REDUNDANT_SKUS = ("VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ")


@dataclass
class VpnGatewayArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group of the region."""
    gateway_subnet_id: pulumi.Input[str]
    """Id of the VNet's `GatewaySubnet`."""
    tags: dict[str, str]
    """Mandatory tags."""
    location: str = DOSIS_PRIMARY
    """Azure region (EEA only)."""
    sku: str = "VpnGw2AZ"
    """Zone-redundant gateway SKU (Generation2)."""
    bgp_asn: int = 65515
    """BGP ASN of the Azure side."""
    workspace_id: pulumi.Input[str] | None = None
    """Sentinel workspace for gateway (IKE, tunnel, route) logs and metrics."""
    subscription_id: pulumi.Input[str] | None = None
    """Subscription of the gateway; needed (with `custom_bgp_addresses`) to name its IP configurations."""
    gateway_name: str = "dosis-vpn"
    """Name of the virtual network gateway."""
    custom_bgp_addresses: tuple[tuple[str, ...], ...] = ()
    """Per instance, APIPA BGP addresses (169.254.21.0-169.254.22.255) for peers such as AWS; empty = none."""


class VpnGateway(pulumi.ComponentResource):
    """Active-active zone-redundant route-based VPN gateway with BGP."""

    gateway: azure.network.VirtualNetworkGateway
    public_ips: list[azure.network.PublicIPAddress]

    def __init__(self, name: str, args: VpnGatewayArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:VpnGateway", name, None, opts)
        location = eea_location(args.location, f"VpnGateway {name}")
        if args.sku not in ZONE_REDUNDANT_SKUS:
            raise ValueError(f"VpnGateway {name}: sku must be a zone-redundant one of {ZONE_REDUNDANT_SKUS}")
        if args.custom_bgp_addresses and (
            len(args.custom_bgp_addresses) != 2 or args.subscription_id is None
        ):
            raise ValueError(
                f"VpnGateway {name}: custom_bgp_addresses needs 2 instances and the subscription_id"
            )
        for address in (a for inst in args.custom_bgp_addresses for a in inst):
            if not (address.startswith(("169.254.21.", "169.254.22."))):
                raise ValueError(
                    f"VpnGateway {name}: APIPA BGP address {address} outside 169.254.21.0-169.254.22.255"
                )
        rg = args.resource_group_name
        bgp = self._bgp_settings(args, rg)
        self.public_ips = [
            azure.network.PublicIPAddress(
                f"{name}-pip{i}",
                resource_group_name=rg,
                location=location,
                sku={"name": "Standard", "tier": "Regional"},
                public_ip_allocation_method="Static",
                public_ip_address_version="IPv4",
                zones=["1", "2", "3"],
                tags=args.tags,
                opts=child(self),
            )
            for i in range(2)
        ]
        self.gateway = azure.network.VirtualNetworkGateway(
            f"{name}-gateway",
            resource_group_name=rg,
            location=location,
            gateway_type="Vpn",
            vpn_type="RouteBased",
            vpn_gateway_generation="Generation2",
            sku={"name": args.sku, "tier": args.sku},
            active_active=True,
            enable_bgp=True,
            virtual_network_gateway_name=args.gateway_name,
            bgp_settings=bgp,
            ip_configurations=[
                {
                    "name": f"instance{i}",
                    "private_ip_allocation_method": "Dynamic",
                    "subnet": {"id": args.gateway_subnet_id},
                    "public_ip_address": {"id": pip.id},
                }
                for i, pip in enumerate(self.public_ips)
            ],
            tags=args.tags,
            opts=child(self),
        )
        if args.workspace_id is not None:
            diagnostics(f"{name}-gateway", self.gateway.id, args.workspace_id, self.gateway)
            for i, pip in enumerate(self.public_ips):
                diagnostics(f"{name}-pip{i}", pip.id, args.workspace_id, pip)
        self.bgp_asn = args.bgp_asn
        self.register_outputs({"gatewayId": self.gateway.id})

    def _bgp_settings(self, args: VpnGatewayArgs, rg: pulumi.Input[str]) -> dict:
        """The gateway's BGP settings; with custom APIPA addresses, each instance's (by IP configuration id,
        known before deployment from the subscription and names)."""
        self.ip_configuration_ids = (
            [
                pulumi.Output.concat(
                    "/subscriptions/",
                    args.subscription_id,
                    "/resourceGroups/",
                    rg,
                    "/providers/Microsoft.Network/virtualNetworkGateways/",
                    args.gateway_name,
                    f"/ipConfigurations/instance{i}",
                )
                for i in range(2)
            ]
            if args.subscription_id is not None
            else []
        )
        bgp: dict = {"asn": args.bgp_asn}
        if args.custom_bgp_addresses:
            bgp["bgp_peering_addresses"] = [
                {"ipconfiguration_id": ip_id, "custom_bgp_ip_addresses": list(addresses)}
                for ip_id, addresses in zip(self.ip_configuration_ids, args.custom_bgp_addresses, strict=True)
            ]
        return bgp

    def public_ip_addresses(self) -> pulumi.Output[list[str]]:
        """The two public addresses, instance 0 then instance 1."""
        return pulumi.Output.all(*[pip.ip_address for pip in self.public_ips])

    def bgp_peering_addresses(self) -> pulumi.Output[list[str]]:
        """The BGP peering addresses of the two instances (known after deployment)."""
        return self.gateway.bgp_settings.apply(
            lambda b: (
                [a for p in (b.bgp_peering_addresses or []) for a in (p.default_bgp_ip_addresses or [])]
                if b
                else []
            )
        )
