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

from collections.abc import Callable, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_random as random

from components.aws.common import encrypted_log_group
from components.interconnect.alerts import link_alerts
from components.interconnect.crypto import (
    TUNNELS,
    aws_tunnel_args,
    azure_connection_protocol,
    azure_ipsec_policy,
)
from components.interconnect.isolation import isolate, list_item
from components.interconnect.link_args import CrossCloudVpnLinkArgs, apipa_address, apipa_cidr


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
        uit_cidr = pulumi.Output.from_input(args.azure.dosis_uit_subnet_cidr)

        self.vpn_connection_ids, self.customer_gateway_ids = [], []
        self.azure_connection_ids, self.tunnel_addresses = [], []
        self.local_network_gateway_ids: list[pulumi.Output[str]] = []
        self.alarm_arns: list[pulumi.Output[str]] = []
        azure_connection_names: list[str] = []
        log_options = self._tunnel_logs(name, args, tags)

        for i in range(args.gateway_instances):
            vpn, psks = self._aws_connection(name, args, i, tags, log_options, uit_cidr)
            azure_connection_names += self._azure_connections(name, args, i, tags, vpn, psks)

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

    def _aws_connection(
        self,
        name: str,
        args: CrossCloudVpnLinkArgs,
        i: int,
        tags: dict[str, str],
        log_options: Callable[[int], Any] | None,
        uit_cidr: pulumi.Output[str],
    ) -> tuple[aws.ec2.VpnConnection, dict[int, pulumi.Output[str]]]:
        """AWS end for Azure instance `i`: customer gateway, one PSK per tunnel, the VPN connection (static
        route when not BGP) and its tunnel-state alarm. Returns the connection and the PSKs."""
        child = pulumi.ResourceOptions(parent=self)
        bgp = args.routing == "bgp"
        azure, aws_end, crypto = args.azure, args.aws, args.crypto
        cgw = aws.ec2.CustomerGateway(
            f"{name}-cgw-{i}",
            type="ipsec.1",
            ip_address=list_item(azure.gateway_public_ips, i, "azure.gateway_public_ips"),
            bgp_asn=pulumi.Output.from_input(azure.bgp_asn).apply(lambda a: str(int(a))),
            device_name=f"azure-vpn-gateway-instance-{i}",
            tags={**tags, "Name": f"{name}-azure-instance-{i}"},
            opts=child,
        )
        psks = self._psks(name, args, i)
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
        return vpn, psks

    def _psks(self, name: str, args: CrossCloudVpnLinkArgs, i: int) -> dict[int, pulumi.Output[str]]:
        """One secret pre-shared key per tunnel of instance `i`, valid for both clouds."""
        child = pulumi.ResourceOptions(parent=self)
        return {
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

    def _azure_connections(
        self,
        name: str,
        args: CrossCloudVpnLinkArgs,
        i: int,
        tags: dict[str, str],
        vpn: aws.ec2.VpnConnection,
        psks: dict[int, pulumi.Output[str]],
    ) -> list[str]:
        """Azure end for instance `i`: per AWS tunnel, a local network gateway (the tunnel's outside IP,
        its BGP peer or the app subnets) and the IPsec connection with the same PSK. Returns their names."""
        child = pulumi.ResourceOptions(parent=self)
        bgp = args.routing == "bgp"
        azure, aws_end, crypto = args.azure, args.aws, args.crypto
        azure_connection_names: list[str] = []
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
        return azure_connection_names

    def _tunnel_logs(
        self, name: str, args: CrossCloudVpnLinkArgs, tags: dict[str, str]
    ) -> Callable[[int], Any] | None:
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
