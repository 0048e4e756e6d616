"""Private query access to the SIEM workspace: an Azure Monitor Private Link Scope (AMPLS).

The workspace refuses queries over its public endpoint; without a private link scope nobody - the SOC
included - could query it. The scope holds the workspace, its private endpoint sits in the DOSIS VNet
and queries are allowed only through private endpoints (PrivateOnly); ingestion stays Open because
diagnostic settings deliver over the Azure backbone, not through the VNet. D36 §101 (6th).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure.common import child, eea_location, private_endpoint
from components.azure.network import MONITOR_ZONES
from policies.core.eea import DOSIS_PRIMARY


@dataclass
class LogPrivateAccessArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group of the workspace's region."""
    workspace_id: pulumi.Input[str]
    """Log Analytics workspace placed in the scope."""
    endpoint_subnet_id: pulumi.Input[str]
    """Private-endpoint subnet the SOC reaches (through the organisation's network)."""
    dns_zone_ids: dict[str, pulumi.Input[str]]
    """Zone ids for MONITOR_ZONES (keys of network.PRIVATE_ZONES)."""
    tags: dict[str, str]
    """Mandatory tags."""
    location: str = DOSIS_PRIMARY
    """Region of the private endpoint (EEA only)."""
    scope_name: str = "dosis-ampls"
    """Name of the private link scope."""


class LogPrivateAccess(pulumi.ComponentResource):
    """AMPLS + scoped workspace + private endpoint with its five DNS zones."""

    def __init__(self, name: str, args: LogPrivateAccessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:LogPrivateAccess", name, None, opts)
        location = eea_location(args.location, f"LogPrivateAccess {name}")
        missing = [z for z in MONITOR_ZONES if z not in args.dns_zone_ids]
        if missing:
            raise ValueError(f"LogPrivateAccess {name}: missing DNS zones {missing}")
        rg = args.resource_group_name
        self.scope = azure.monitor.PrivateLinkScope(
            f"{name}-scope",
            scope_name=args.scope_name,
            resource_group_name=rg,
            location="global",
            access_mode_settings={"query_access_mode": "PrivateOnly", "ingestion_access_mode": "Open"},
            tags=args.tags,
            opts=child(self),
        )
        scoped = azure.monitor.PrivateLinkScopedResource(
            f"{name}-workspace",
            resource_group_name=rg,
            scope_name=self.scope.name,
            name="sentinel-workspace",
            linked_resource_id=args.workspace_id,
            opts=child(self.scope),
        )
        endpoint = private_endpoint(
            name,
            resource_id=self.scope.id,
            group_id="azuremonitor",
            subnet_id=args.endpoint_subnet_id,
            dns_zone_id=None,
            resource_group_name=rg,
            location=location,
            tags=args.tags,
            parent=self,
        )
        azure.network.PrivateDnsZoneGroup(
            f"{name}-pe-dns",
            resource_group_name=rg,
            private_endpoint_name=endpoint.name,
            private_dns_zone_group_name="default",
            private_dns_zone_configs=[
                {"name": z, "private_dns_zone_id": args.dns_zone_ids[z]} for z in MONITOR_ZONES
            ],
            opts=child(endpoint, depends_on=[scoped]),
        )
        self.register_outputs({"scopeId": self.scope.id})
