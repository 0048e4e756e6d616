"""What a cross-cloud IPsec link takes (both ends, the options) and the APIPA addressing both its
clouds and the stacks derive from; a leaf module, so link.py, isolation.py and alerts.py all import it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi

from components.common.tags import Tags
from components.interconnect.crypto import DEFAULT_CRYPTO, IpsecCrypto
from policies.core.eea import DOSIS_PRIMARY

AWS_DEFAULT_ASN = 64512
"""Amazon's default ASN; the portal stack's `vpnAmazonSideAsn` output is the one source in production."""
# First APIPA instance slot per DOSIS region: both gateways share the AWS virtual private gateway, whose
# tunnel inside CIDRs must be distinct (westeurope instances 0-1, northeurope 2-3). One home for both stacks.
REGION_APIPA_OFFSET = {"westeurope": 0, "northeurope": 2}
PSK_MIN_LENGTH = 32
PSK_MAX_LENGTH = 64  # AWS limit


def apipa_cidr(instance: int, tunnel: int) -> str:
    """Inside /30 of AWS tunnel `tunnel` of the connection to Azure instance `instance`.

    Azure only accepts custom BGP addresses in 169.254.21.0-169.254.22.255: tunnel 1 uses 169.254.21.x,
    tunnel 2 169.254.22.x, one /30 per Azure instance.
    """
    return f"169.254.{20 + tunnel}.{4 * instance}/30"


def apipa_address(instance: int, tunnel: int, side: Literal["aws", "azure"]) -> str:
    """AWS (vgw) side is .1 of the /30, the Azure (customer gateway) side .2."""
    return f"169.254.{20 + tunnel}.{4 * instance + (1 if side == 'aws' else 2)}"


@dataclass
class AzureEnd:
    """What the DOSIS stack (dosis-prod) provides for the Azure end."""

    gateway_id: pulumi.Input[str]
    """Resource id of the active-active virtual network gateway."""
    gateway_public_ips: pulumi.Input[Sequence[str]]
    """Public IPs of the gateway instances, in instance order."""
    resource_group_name: pulumi.Input[str]
    """Resource group for the local network gateways, connections, alert (the network RG)."""
    dosis_uit_private_ip: pulumi.Input[str]
    """Private IP of the DOSIS-UIT private endpoint: the only destination the portal may reach."""
    dosis_uit_subnet_cidr: pulumi.Input[str]
    """Subnet of that private endpoint: the only Azure prefix routed from AWS."""
    private_endpoint_nsg_name: pulumi.Input[str]
    """NSG on the private-endpoint subnet; the link adds its allow/deny rules there."""
    action_group_id: pulumi.Input[str]
    """SOC action group for the connection alert."""
    location: pulumi.Input[str] = DOSIS_PRIMARY
    """Azure region of the gateway (DOSIS primary); the link's Azure resources are placed there."""
    bgp_asn: pulumi.Input[int] = 65515
    """ASN of the Azure gateway (Azure default 65515)."""
    ip_configuration_ids: pulumi.Input[Sequence[str]] | None = None
    """Gateway IP configuration ids in instance order; with BGP, each connection pins the APIPA address
    each instance uses (the gateway must list them as custom BGP addresses, see `apipa_address`)."""


@dataclass
class AwsEnd:
    """What the portal stack (portal-prod) provides for the AWS end."""

    vpn_gateway_id: pulumi.Input[str]
    """Virtual private gateway attached to the portal VPC."""
    vpc_cidr: pulumi.Input[str]
    """VPC CIDR: everything from it other than the app subnets is denied at the DOSIS NSG."""
    app_subnet_cidrs: pulumi.Input[Sequence[str]]
    """Private subnets of the Drupal app tier: the only sources allowed to DOSIS-UIT."""
    app_security_group_id: pulumi.Input[str]
    """Security group of the Drupal tasks: gets the one egress rule to DOSIS-UIT:443."""
    private_route_table_ids: pulumi.Input[Sequence[str]]
    """Route tables of the app subnets: get a route for the DOSIS-UIT subnet only."""
    soc_topic_arn: pulumi.Input[str]
    """Encrypted SNS topic of the SOC for the tunnel-state alarm."""
    logs_kms_key_arn: pulumi.Input[str] | None = None
    """CMK of the portal's CloudWatch logs; when set, tunnel and BGP logs go to a log group under it."""


@dataclass
class CrossCloudVpnLinkArgs:
    """Inputs of one link. Every option has a compliant default."""

    azure: AzureEnd
    """The Azure (DOSIS) end."""
    aws: AwsEnd
    """The AWS (e-loket) end."""
    tags: Tags
    """Mandatory tags, applied to every taggable resource of both clouds."""
    crypto: IpsecCrypto = field(default_factory=lambda: DEFAULT_CRYPTO)
    """IPsec/IKE parameters for both ends (validated against the minimum on construction)."""
    routing: Literal["bgp", "static"] = "bgp"
    """BGP (needed for active-active failover on the Azure side) or static routes."""
    aws_bgp_asn: int = AWS_DEFAULT_ASN
    """Amazon-side ASN of the virtual private gateway (BGP only)."""
    gateway_instances: int = 2
    """Number of Azure gateway instances (2 = active-active)."""
    route_table_count: int = 3
    """How many of `aws.private_route_table_ids` to route through the link (known before deploy)."""
    psk_length: int = 48
    """Pre-shared key length, 32..64 (alphanumerics, no leading 0: valid for both clouds)."""
    psk_rotation: int = 0
    """Keeper of the PSKs: change it to replace all keys on both ends in one update."""
    nsg_priority: int = 300
    """Priority of the allow rule on the DOSIS private-endpoint NSG; the deny rule follows at +10."""
    tunnel_log_retention_days: int = 365
    """Retention of the IKE/BGP tunnel logs (traffic logging, DPA annex 3 a.iii)."""
    apipa_slot_offset: int = 0
    """First APIPA instance slot of this link: a second Azure gateway (failover region) on the same AWS
    virtual private gateway needs distinct inside CIDRs (westeurope slots 0-1, northeurope 2-3)."""

    def __post_init__(self) -> None:
        if not PSK_MIN_LENGTH <= self.psk_length <= PSK_MAX_LENGTH:
            raise ValueError(f"psk_length must be {PSK_MIN_LENGTH}..{PSK_MAX_LENGTH}, got {self.psk_length}")
        if self.routing not in ("bgp", "static"):
            raise ValueError(f"routing must be 'bgp' or 'static', got {self.routing!r}")
        if not 1 <= self.gateway_instances <= 2:
            raise ValueError(f"gateway_instances must be 1 or 2, got {self.gateway_instances}")
        if self.route_table_count < 0:
            raise ValueError(f"route_table_count must be >= 0, got {self.route_table_count}")
        if self.tunnel_log_retention_days < 1:
            raise ValueError(f"tunnel_log_retention_days must be >= 1, got {self.tunnel_log_retention_days}")
        if not 100 <= self.nsg_priority <= 4086:
            raise ValueError(f"nsg_priority must be 100..4086, got {self.nsg_priority}")
