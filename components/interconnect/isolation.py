"""Traffic isolation of the link on both clouds: only the portal app subnets reach DOSIS-UIT, on 443 only;
the portal routes only the DOSIS-UIT subnet into the link (D36 §96, DPA annex 3 a.ii)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native

if TYPE_CHECKING:
    from components.interconnect.link_args import CrossCloudVpnLinkArgs

HTTPS = 443


def list_item(values: pulumi.Input[Sequence[str]], index: int, what: str) -> pulumi.Output[str]:
    """Element `index` of a list input; fails with a message naming the input when it is too short."""

    def pick(items: Sequence[str]) -> str:
        if not isinstance(items, list | tuple) or len(items) <= index:
            raise ValueError(f"{what}: needs at least {index + 1} entries, got {items!r}")
        return items[index]

    return pulumi.Output.from_input(values).apply(pick)


def isolate(
    name: str,
    args: CrossCloudVpnLinkArgs,
    tags: dict[str, str],
    uit_cidr: pulumi.Output[str],
    child: pulumi.ResourceOptions,
) -> None:
    """Only portal app subnets -> DOSIS-UIT:443, on both clouds; routes only to the DOSIS-UIT subnet."""
    azure, aws_end = args.azure, args.aws
    uit_host = pulumi.Output.from_input(azure.dosis_uit_private_ip).apply(lambda ip: f"{ip}/32")
    for r in range(args.route_table_count):
        aws.ec2.Route(
            f"{name}-route-dosis-uit-{r}",
            route_table_id=list_item(aws_end.private_route_table_ids, r, "aws.private_route_table_ids"),
            destination_cidr_block=uit_cidr,
            gateway_id=aws_end.vpn_gateway_id,
            opts=child,
        )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-app-to-dosis-uit",
        security_group_id=aws_end.app_security_group_id,
        description="e-loket app tier to DOSIS-UIT over the IPsec link, HTTPS only (D36 §96)",
        ip_protocol="tcp",
        from_port=HTTPS,
        to_port=HTTPS,
        cidr_ipv4=uit_host,
        tags=tags,
        opts=child,
    )
    nsg = {
        "resource_group_name": azure.resource_group_name,
        "network_security_group_name": azure.private_endpoint_nsg_name,
    }
    azure_native.network.SecurityRule(
        f"{name}-allow-portal-app-to-dosis-uit",
        security_rule_name="allow-eloket-app-to-dosis-uit-https",
        description="e-loket app subnets to the DOSIS-UIT private endpoint, HTTPS only (D36 §96)",
        priority=args.nsg_priority,
        direction="Inbound",
        access="Allow",
        protocol="Tcp",
        source_address_prefixes=aws_end.app_subnet_cidrs,
        source_port_range="*",
        destination_address_prefix=uit_host,
        destination_port_range=str(HTTPS),
        **nsg,
        opts=child,
    )
    azure_native.network.SecurityRule(
        f"{name}-deny-aws-rest",
        security_rule_name="deny-eloket-vpc-other",
        description="Everything else from the e-loket VPC is denied",
        priority=args.nsg_priority + 10,
        direction="Inbound",
        access="Deny",
        protocol="*",
        source_address_prefix=aws_end.vpc_cidr,
        source_port_range="*",
        destination_address_prefix="*",
        destination_port_range="*",
        **nsg,
        opts=child,
    )
