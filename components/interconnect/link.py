"""One cross-cloud site-to-site IPsec link, AWS virtual private gateway <-> Azure active-active VPN gateway.

D36 §96/§131 single out this connection; DPA annex 3 a.ii asks for a site-to-site IPsec tunnel. One
component owns both ends so the crypto (crypto.py), the pre-shared keys and the allowed traffic are
defined once and applied to both clouds from the same values.

Topology (Microsoft's "connect AWS and Azure with BGP" layout): one AWS customer gateway per Azure gateway
instance, one AWS VPN connection (two tunnels) per customer gateway, one Azure local network gateway and
connection per AWS tunnel, so 4 tunnels for 2 Azure instances. BGP over APIPA inside addresses by default;
static routing as an option. Only the DOSIS-UIT subnet is routed from the portal's app route tables, and
only the portal app subnets may reach the DOSIS-UIT private endpoint on 443.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_random as random

from components.aws.common import encrypted_log_group
from components.common.tags import Tags
from components.interconnect.alerts import link_alerts
from components.interconnect.crypto import (
    DEFAULT_CRYPTO,
    TUNNELS,
    IpsecCrypto,
    aws_tunnel_args,
    azure_connection_protocol,
    azure_ipsec_policy,
)
from components.interconnect.isolation import _item, isolate
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


def _custom_bgp(
    ip_configuration_ids: pulumi.Input[Sequence[str]], tunnel: int, offset: int = 0
) -> pulumi.Output[Any]:
    """Per gateway instance, the APIPA address facing AWS tunnel `tunnel` (None when ids are not given)."""

    def pairs(ids: Sequence[str] | None) -> list[dict[str, str]] | None:
        if not ids:
            return None
        return [
            {
                "ip_configuration_id": ip_id,
                "custom_bgp_ip_address": apipa_address(j + offset, tunnel, "azure"),
            }
            for j, ip_id in enumerate(ids)
        ]

    return pulumi.Output.from_input(ip_configuration_ids).apply(pairs)


def _psk_value(password: str) -> str:
    """AWS refuses a PSK starting with 0; replace that one character, keep the rest."""
    return "A" + password[1:] if password.startswith("0") else password


class CrossCloudVpnLink(pulumi.ComponentResource):
    """Site-to-site IPsec between the e-loket (AWS) and DOSIS (Azure), owned end to end."""

    vpn_connection_ids: list[pulumi.Output[str]]
    customer_gateway_ids: list[pulumi.Output[str]]
    azure_connection_ids: list[pulumi.Output[str]]
    tunnel_addresses: list[pulumi.Output[str]]

    def __init__(
        self, name: str, args: CrossCloudVpnLinkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("dosis-eloket:interconnect:CrossCloudVpnLink", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = args.tags.as_dict()
        bgp = args.routing == "bgp"
        azure, aws_end, crypto = args.azure, args.aws, args.crypto
        uit_cidr = pulumi.Output.from_input(azure.dosis_uit_subnet_cidr)

        self.vpn_connection_ids, self.customer_gateway_ids = [], []
        self.azure_connection_ids, self.tunnel_addresses = [], []
        self.local_network_gateway_ids: list[pulumi.Output[str]] = []
        self.alarm_arns: list[pulumi.Output[str]] = []
        azure_connection_names: list[str] = []
        log_options = self._tunnel_logs(name, args, tags)

        for i in range(args.gateway_instances):
            cgw = aws.ec2.CustomerGateway(
                f"{name}-cgw-{i}",
                type="ipsec.1",
                ip_address=_item(azure.gateway_public_ips, i, "azure.gateway_public_ips"),
                bgp_asn=pulumi.Output.from_input(azure.bgp_asn).apply(lambda a: str(int(a))),
                device_name=f"azure-vpn-gateway-instance-{i}",
                tags={**tags, "Name": f"{name}-azure-instance-{i}"},
                opts=child,
            )
            psks = {
                t: pulumi.Output.secret(
                    random.RandomPassword(
                        f"{name}-psk-{i}-{t}",
                        length=args.psk_length,
                        special=False,
                        upper=True,
                        lower=True,
                        numeric=True,
                        min_upper=4,
                        min_lower=4,
                        min_numeric=4,
                        keepers={"rotation": str(args.psk_rotation)},
                        opts=child,
                    ).result.apply(_psk_value)
                )
                for t in TUNNELS
            }
            tunnel_args: dict[str, Any] = {}
            for t in TUNNELS:
                tunnel_args.update(aws_tunnel_args(crypto, t))
                tunnel_args[f"tunnel{t}_preshared_key"] = psks[t]
                if bgp:
                    tunnel_args[f"tunnel{t}_inside_cidr"] = apipa_cidr(i + args.apipa_slot_offset, t)
                if log_options is not None:
                    tunnel_args[f"tunnel{t}_log_options"] = log_options(t)
            vpn = aws.ec2.VpnConnection(
                f"{name}-vpn-{i}",
                type="ipsec.1",
                customer_gateway_id=cgw.id,
                vpn_gateway_id=aws_end.vpn_gateway_id,
                static_routes_only=not bgp,
                tags={**tags, "Name": f"{name}-azure-instance-{i}"},
                **tunnel_args,
                opts=child,
            )
            self.customer_gateway_ids.append(cgw.id)
            self.vpn_connection_ids.append(vpn.id)
            if not bgp:
                aws.ec2.VpnConnectionRoute(
                    f"{name}-vpn-{i}-route-dosis-uit",
                    vpn_connection_id=vpn.id,
                    destination_cidr_block=uit_cidr,
                    opts=child,
                )
            alarm = aws.cloudwatch.MetricAlarm(
                f"{name}-vpn-{i}-tunnel-state",
                alarm_description=(
                    f"A tunnel of the DOSIS link to Azure gateway instance {i} is down (D36 §96): "
                    "redundancy lost or link down."
                ),
                namespace="AWS/VPN",
                metric_name="TunnelState",
                dimensions={"VpnId": vpn.id},
                statistic="Minimum",
                comparison_operator="LessThanThreshold",
                threshold=1,
                period=300,
                evaluation_periods=1,
                treat_missing_data="breaching",
                alarm_actions=[aws_end.soc_topic_arn],
                ok_actions=[aws_end.soc_topic_arn],
                tags=tags,
                opts=child,
            )
            self.alarm_arns.append(alarm.arn)

            for t in TUNNELS:
                outside_ip = getattr(vpn, f"tunnel{t}_address")
                self.tunnel_addresses.append(outside_ip)
                if bgp:
                    peer = apipa_address(i + args.apipa_slot_offset, t, "aws")
                    lng_extra: dict[str, Any] = {
                        "bgp_settings": azure_native.network.BgpSettingsArgs(
                            asn=args.aws_bgp_asn, bgp_peering_address=peer
                        ),
                        "local_network_address_space": azure_native.network.AddressSpaceArgs(
                            address_prefixes=[f"{peer}/32"]
                        ),
                    }
                else:
                    lng_extra = {
                        "local_network_address_space": azure_native.network.AddressSpaceArgs(
                            address_prefixes=aws_end.app_subnet_cidrs
                        )
                    }
                lng = azure_native.network.LocalNetworkGateway(
                    f"{name}-lng-{i}-{t}",
                    resource_group_name=azure.resource_group_name,
                    location=azure.location,
                    gateway_ip_address=outside_ip,
                    tags=tags,
                    **lng_extra,
                    opts=child,
                )
                conn_name = f"{name}-conn-{i}-{t}"
                conn = azure_native.network.VirtualNetworkGatewayConnection(
                    conn_name,
                    virtual_network_gateway_connection_name=conn_name,
                    resource_group_name=azure.resource_group_name,
                    location=azure.location,
                    connection_type="IPsec",
                    connection_protocol=azure_connection_protocol(crypto),
                    virtual_network_gateway1=azure_native.network.VirtualNetworkGatewayArgs(
                        id=azure.gateway_id
                    ),
                    local_network_gateway2=azure_native.network.LocalNetworkGatewayArgs(id=lng.id),
                    shared_key=psks[t],
                    ipsec_policies=[azure_native.network.IpsecPolicyArgs(**azure_ipsec_policy(crypto))],
                    use_policy_based_traffic_selectors=False,
                    dpd_timeout_seconds=crypto.dpd_timeout_seconds,
                    enable_bgp=bgp,
                    gateway_custom_bgp_ip_addresses=(
                        _custom_bgp(azure.ip_configuration_ids, t, args.apipa_slot_offset)
                        if bgp and azure.ip_configuration_ids is not None
                        else None
                    ),
                    tags=tags,
                    opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["sharedKey"]),
                )
                azure_connection_names.append(conn_name)
                self.local_network_gateway_ids.append(lng.id)
                self.azure_connection_ids.append(conn.id)

        isolate(name, args, tags, uit_cidr, child)
        link_alerts(name, args, tags, azure_connection_names, child)

        self.apipa_addresses = (
            {
                f"instance{i}": [apipa_address(i + args.apipa_slot_offset, t, "azure") for t in TUNNELS]
                for i in range(args.gateway_instances)
            }
            if bgp
            else {}
        )
        self.register_outputs(
            {
                "vpnConnectionIds": self.vpn_connection_ids,
                "customerGatewayIds": self.customer_gateway_ids,
                "azureConnectionIds": self.azure_connection_ids,
                "localNetworkGatewayIds": self.local_network_gateway_ids,
                "tunnelAddresses": self.tunnel_addresses,
                "azureApipaAddresses": self.apipa_addresses,
            }
        )

    def _tunnel_logs(self, name: str, args: CrossCloudVpnLinkArgs, tags: dict[str, str]):
        """IKE and BGP logs of every tunnel into one CMK-encrypted log group (None without a key)."""
        if args.aws.logs_kms_key_arn is None:
            return None
        group = encrypted_log_group(
            f"{name}-tunnel-logs",
            self,
            kms_key_arn=args.aws.logs_kms_key_arn,
            retention_in_days=args.tunnel_log_retention_days,
            tags=tags,
        )

        classes = {
            1: (
                aws.ec2.VpnConnectionTunnel1LogOptionsArgs,
                aws.ec2.VpnConnectionTunnel1LogOptionsCloudwatchLogOptionsArgs,
            ),
            2: (
                aws.ec2.VpnConnectionTunnel2LogOptionsArgs,
                aws.ec2.VpnConnectionTunnel2LogOptionsCloudwatchLogOptionsArgs,
            ),
        }

        def options(tunnel: int) -> Any:
            kind, cloudwatch = classes[tunnel]
            return kind(
                cloudwatch_log_options=cloudwatch(
                    log_enabled=True,
                    log_group_arn=group.arn,
                    log_output_format="json",
                    bgp_log_enabled=args.routing == "bgp",
                    bgp_log_group_arn=group.arn if args.routing == "bgp" else None,
                    bgp_log_output_format="json" if args.routing == "bgp" else None,
                )
            )

        return options
