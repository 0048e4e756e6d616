"""Regional network of DOSIS: one VNet per region with app, private-endpoint and gateway subnets.

Every data service is reached only through private endpoints (D36 §96); the NSGs deny everything
that is not explicitly allowed, in both directions. The `GatewaySubnet` carries no NSG: Azure does
not support one on the VPN gateway subnet.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from components.azure.common import child, diagnostics, eea_location
from policies.core.eea import DOSIS_PRIMARY

DENY_PRIORITY = 4096
# Service tags the apps reach outbound (sign-in tokens, telemetry).
OUTBOUND_SERVICE_TAGS = ("AzureActiveDirectory", "AzureMonitor")
# Private DNS zones of the services DOSIS reaches through private endpoints (public Azure cloud).
PRIVATE_ZONES = {
    "vault": "privatelink.vaultcore.azure.net",
    "sqlServer": "privatelink.database.windows.net",
    "blob": "privatelink.blob.core.windows.net",
    "sites": "privatelink.azurewebsites.net",
    # Azure Monitor Private Link Scope (group id `azuremonitor`) registers in these four plus blob.
    "monitor": "privatelink.monitor.azure.com",
    "oms": "privatelink.oms.opinsights.azure.com",
    "ods": "privatelink.ods.opinsights.azure.com",
    "agentsvc": "privatelink.agentsvc.azure-automation.net",
}
MONITOR_ZONES = ("monitor", "oms", "ods", "agentsvc", "blob")


@dataclass
class RegionalNetworkArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group of the region."""
    tags: dict[str, str]
    """Mandatory tags."""
    location: str = DOSIS_PRIMARY
    """Azure region (EEA only)."""
    address_space: str = "10.10.0.0/16"
    """VNet address space; must not overlap the e-loket VPC or the other region."""
    app_subnet_cidr: str | None = None
    """Subnet for App Service VNet integration; default the first /24 of the address space."""
    endpoint_subnet_cidr: str | None = None
    """Subnet for private endpoints; default the second /24."""
    gateway_subnet_cidr: str | None = None
    """`GatewaySubnet` for the VPN gateway (/27 or larger); default the last /27; "" = no gateway subnet."""
    workspace_id: pulumi.Input[str] | None = None
    """Log Analytics workspace receiving VNet and NSG diagnostics; None = none (tests only)."""
    inbound_https_sources: list[str] = field(default_factory=lambda: ["VirtualNetwork"])
    """Sources allowed to reach the private endpoints on 443/1433 (the interconnect adds the e-loket)."""


class RegionalNetwork(pulumi.ComponentResource):
    """VNet, subnets and deny-by-default NSGs of one region."""

    vnet: azure.network.VirtualNetwork
    app_subnet: azure.network.Subnet
    endpoint_subnet: azure.network.Subnet
    gateway_subnet: azure.network.Subnet | None
    endpoint_nsg: azure.network.NetworkSecurityGroup
    app_nsg: azure.network.NetworkSecurityGroup

    def __init__(self, name: str, args: RegionalNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:RegionalNetwork", name, None, opts)
        location = eea_location(args.location, f"RegionalNetwork {name}")
        net = ipaddress.ip_network(args.address_space)
        subnets24 = list(net.subnets(new_prefix=24))
        app_cidr = args.app_subnet_cidr or str(subnets24[0])
        pe_cidr = args.endpoint_subnet_cidr or str(subnets24[1])
        gw_cidr = (
            str(list(net.subnets(new_prefix=27))[-1])
            if args.gateway_subnet_cidr is None
            else args.gateway_subnet_cidr
        )
        cidrs = [app_cidr, pe_cidr] + ([gw_cidr] if gw_cidr else [])
        for c in cidrs:
            if not ipaddress.ip_network(c).subnet_of(net):
                raise ValueError(f"RegionalNetwork {name}: subnet {c} is outside {args.address_space}")
        if gw_cidr and ipaddress.ip_network(gw_cidr).prefixlen > 27:
            raise ValueError(f"RegionalNetwork {name}: GatewaySubnet must be /27 or larger, got {gw_cidr}")
        self.location = location
        self.address_space = args.address_space
        self.endpoint_subnet_cidr = pe_cidr
        rg = args.resource_group_name

        self.vnet = azure.network.VirtualNetwork(
            f"{name}-vnet",
            resource_group_name=rg,
            location=location,
            address_space={"address_prefixes": [args.address_space]},
            tags=args.tags,
            opts=child(self, ignore_changes=["subnets"]),
        )
        self.app_nsg = self._nsg(f"{name}-app", rg, location, args.tags, inbound=[], outbound_to_vnet=True)
        self.endpoint_nsg = self._nsg(
            f"{name}-pe",
            rg,
            location,
            args.tags,
            inbound=[(s, app_cidr if s == "VirtualNetwork" else s) for s in args.inbound_https_sources],
            outbound_to_vnet=False,
        )
        self.app_subnet = azure.network.Subnet(
            f"{name}-app-subnet",
            resource_group_name=rg,
            virtual_network_name=self.vnet.name,
            subnet_name="apps",
            address_prefix=app_cidr,
            network_security_group={"id": self.app_nsg.id},
            delegations=[{"name": "appservice", "service_name": "Microsoft.Web/serverFarms"}],
            default_outbound_access=False,
            opts=child(self.vnet),
        )
        self.endpoint_subnet = azure.network.Subnet(
            f"{name}-pe-subnet",
            resource_group_name=rg,
            virtual_network_name=self.vnet.name,
            subnet_name="private-endpoints",
            address_prefix=pe_cidr,
            network_security_group={"id": self.endpoint_nsg.id},
            private_endpoint_network_policies="Enabled",
            default_outbound_access=False,
            opts=child(self.vnet, depends_on=[self.app_subnet]),
        )
        self.gateway_subnet = None
        if gw_cidr:
            self.gateway_subnet = azure.network.Subnet(
                f"{name}-gateway-subnet",
                resource_group_name=rg,
                virtual_network_name=self.vnet.name,
                subnet_name="GatewaySubnet",
                address_prefix=gw_cidr,
                opts=child(self.vnet, depends_on=[self.endpoint_subnet]),
            )
        if args.workspace_id is not None:
            diagnostics(f"{name}-vnet", self.vnet.id, args.workspace_id, self.vnet)
            diagnostics(f"{name}-app-nsg", self.app_nsg.id, args.workspace_id, self.app_nsg, metrics=False)
            diagnostics(
                f"{name}-pe-nsg", self.endpoint_nsg.id, args.workspace_id, self.endpoint_nsg, metrics=False
            )
        self.register_outputs({"vnetId": self.vnet.id, "endpointNsgName": self.endpoint_nsg.name})

    def _nsg(
        self,
        name: str,
        rg: pulumi.Input[str],
        location: str,
        tags: dict[str, str],
        *,
        inbound: list[tuple[str, str]],
        outbound_to_vnet: bool,
    ) -> azure.network.NetworkSecurityGroup:
        """An NSG whose last rules deny all traffic both ways; rules are separate resources so that the
        interconnect stack can add its own rules (priorities below 3000) without a fight over the list."""
        nsg = azure.network.NetworkSecurityGroup(
            f"{name}-nsg", resource_group_name=rg, location=location, tags=tags, opts=child(self)
        )
        rules = _nsg_rules(inbound, outbound_to_vnet)
        for rule in rules:
            rule.setdefault("destination_address_prefix", "*")
            rule.setdefault("destination_port_range", "*" if "destination_port_ranges" not in rule else None)
            azure.network.SecurityRule(
                f"{name}-{rule.pop('name')}",
                resource_group_name=rg,
                network_security_group_name=nsg.name,
                protocol="Tcp" if rule["access"] == "Allow" else "*",
                source_port_range="*",
                **rule,
                opts=child(nsg),
            )
        return nsg


def _nsg_rules(inbound: list[tuple[str, str]], outbound_to_vnet: bool) -> list[dict]:
    """The NSG's rules as data: HTTPS/SQL in from each `inbound` source, out to the VNet and the service
    tags (app subnets only), then deny all both ways."""
    rules: list[dict] = []
    for i, (label, source) in enumerate(inbound):
        rules.append(
            {
                "name": f"allow-https-in-{i}",
                "direction": "Inbound",
                "access": "Allow",
                "priority": 3000 + i,
                "source_address_prefix": source,
                "destination_port_ranges": ["443", "1433"],
                "description": f"from {label}",
            }
        )
    if outbound_to_vnet:
        rules.append(
            {
                "name": "allow-private-endpoints-out",
                "direction": "Outbound",
                "access": "Allow",
                "priority": 3000,
                "source_address_prefix": "VirtualNetwork",
                "destination_address_prefix": "VirtualNetwork",
                "destination_port_ranges": ["443", "1433"],
            }
        )
        # ARM accepts a service tag only in the singular prefix field: one rule per tag.
        for i, tag in enumerate(OUTBOUND_SERVICE_TAGS):
            rules.append(
                {
                    "name": f"allow-{tag.lower()}-out",
                    "direction": "Outbound",
                    "access": "Allow",
                    "priority": 3010 + i,
                    "source_address_prefix": "VirtualNetwork",
                    "destination_address_prefix": tag,
                    "destination_port_range": "443",
                }
            )
    rules.append(
        {
            "name": "deny-all-in",
            "direction": "Inbound",
            "access": "Deny",
            "priority": DENY_PRIORITY,
            "source_address_prefix": "*",
        }
    )
    rules.append(
        {
            "name": "deny-all-out",
            "direction": "Outbound",
            "access": "Deny",
            "priority": DENY_PRIORITY,
            "source_address_prefix": "*",
        }
    )
    return rules


@dataclass
class PrivateDnsZonesArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group holding the zones (the primary region's)."""
    vnet_ids: list[pulumi.Input[str]]
    """VNets linked to every zone (both regions, so failover resolves the same names)."""
    tags: dict[str, str]
    """Mandatory tags."""
    services: tuple[str, ...] = tuple(PRIVATE_ZONES)
    """Private-link group ids to create zones for (keys of PRIVATE_ZONES)."""


class PrivateDnsZones(pulumi.ComponentResource):
    """privatelink.* zones so that service names resolve to private endpoints only.

    Private DNS zones are global Azure resources (location `global`): they hold DNS records, no data.
    """

    zone_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: PrivateDnsZonesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:PrivateDnsZones", name, None, opts)
        unknown = set(args.services) - set(PRIVATE_ZONES)
        if unknown:
            raise ValueError(f"PrivateDnsZones {name}: unknown services {sorted(unknown)}")
        self.zone_ids = {}
        for service in args.services:
            zone = azure.privatedns.PrivateZone(
                f"{name}-{service}",
                resource_group_name=args.resource_group_name,
                private_zone_name=PRIVATE_ZONES[service],
                location="global",
                tags=args.tags,
                opts=child(self),
            )
            for i, vnet_id in enumerate(args.vnet_ids):
                azure.privatedns.VirtualNetworkLink(
                    f"{name}-{service}-link{i}",
                    resource_group_name=args.resource_group_name,
                    private_zone_name=zone.name,
                    location="global",
                    virtual_network={"id": vnet_id},
                    registration_enabled=False,
                    tags=args.tags,
                    opts=child(zone),
                )
            self.zone_ids[service] = zone.id
        self.register_outputs({"zoneIds": self.zone_ids})
