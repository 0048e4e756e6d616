"""The portal VPC: three AZs, private tiers, endpoints instead of a NAT, flow logs, VPN gateway."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, encrypted_log_group, service_role
from policies.core.eea import PORTAL_REGION

TIERS = ("public", "app", "data", "cache")
INTERFACE_ENDPOINTS = ("kms", "secretsmanager", "logs", "ecr.api", "ecr.dkr", "rds")
"""`rds`: the database's secret-rotation function reads the instance's endpoint from the RDS API."""


@dataclass
class PortalNetworkArgs:
    tags: dict[str, str]
    """Mandatory tags (components.common.tags.Tags.as_dict())."""
    account_id: str
    """AWS account id; limits the flow-log role trust to this account."""
    flow_log_kms_key_arn: pulumi.Input[str]
    """CMK of the flow-log group (logs key)."""
    cidr: str = "10.20.0.0/16"
    """VPC address space; must not overlap the DOSIS VNet on the other end of the VPN."""
    region: str = PORTAL_REGION
    """Region; from policies/core/eea.py."""
    availability_zones: tuple[str, ...] = ()
    """Three AZs; empty means `<region>a/b/c`."""
    flow_log_retention_days: int = 400
    """Retention of VPC flow logs (traffic logging, DPA annex 3 a.iii)."""
    vpn_amazon_side_asn: int = 64512
    """BGP ASN of the AWS side of the site-to-site VPN."""
    declared_egress: bool = False
    """NAT gateways (one per AZ) so the app tier can reach declared external endpoints (MAGDA, D36 §109).
    The route alone opens nothing: the tasks' security group admits only the declared addresses."""
    interface_endpoints: tuple[str, ...] = field(default=INTERFACE_ENDPOINTS)
    """Interface endpoints so private tiers reach AWS APIs without internet egress."""


class PortalNetwork(pulumi.ComponentResource):
    """VPC with public subnets only for the load balancer; app, data and cache tiers are private.

    There is no NAT gateway: private tiers reach AWS through VPC endpoints and DOSIS through the VPN.
    """

    def __init__(self, name: str, args: PortalNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:PortalNetwork", name, None, opts)
        azs = args.availability_zones or tuple(f"{args.region}{s}" for s in "abc")
        if len(azs) < 3:
            raise ValueError("PortalNetwork needs three availability zones")
        tags = args.tags
        net = ipaddress.ip_network(args.cidr)
        blocks = list(net.subnets(new_prefix=min(net.prefixlen + 4, 28)))
        if len(blocks) < len(TIERS) * len(azs):
            raise ValueError(f"VPC CIDR {args.cidr} is too small for {len(TIERS)} tiers x {len(azs)} AZs")

        self._vpc(name, args, tags, azs, blocks)
        self._routes(name, args, tags, azs)
        self._endpoints(name, args, tags)
        # Security group of the application tasks, created without rules so the database and cache can
        # admit it before the service exists; the service adds its own rules.
        self.app_security_group = aws.ec2.SecurityGroup(
            f"{name}-app",
            vpc_id=self.vpc.id,
            description="e-loket application tasks",
            tags=tags,
            opts=child(self),
        )
        self._flow_logs(name, args, tags)
        self.vpn_gateway = aws.ec2.VpnGateway(
            f"{name}-vgw",
            vpc_id=self.vpc.id,
            amazon_side_asn=str(args.vpn_amazon_side_asn),
            tags={**tags, "Name": f"{name}-vgw"},
            opts=child(self),
        )
        self.cidr = args.cidr
        self.app_subnet_cidrs = [str(blocks[len(azs) + i]) for i in range(len(azs))]
        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "vpnGatewayId": self.vpn_gateway.id,
                "appSubnetCidrs": self.app_subnet_cidrs,
            }
        )

    def _vpc(
        self,
        name: str,
        args: PortalNetworkArgs,
        tags: dict[str, str],
        azs: tuple[str, ...],
        blocks: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
    ) -> None:
        """The VPC, its default security group stripped, and one subnet per tier and AZ."""
        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**tags, "Name": name},
            opts=child(self),
        )
        # The default security group allows all traffic between members: strip it.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default", vpc_id=self.vpc.id, ingress=[], egress=[], tags=tags, opts=child(self)
        )
        self.subnets: dict[str, list[aws.ec2.Subnet]] = {}
        for t, tier in enumerate(TIERS):
            self.subnets[tier] = [
                aws.ec2.Subnet(
                    f"{name}-{tier}-{az[-1]}",
                    vpc_id=self.vpc.id,
                    availability_zone=az,
                    cidr_block=str(blocks[t * len(azs) + i]),
                    map_public_ip_on_launch=False,
                    tags={**tags, "Name": f"{name}-{tier}-{az[-1]}", "tier": tier},
                    opts=child(self),
                )
                for i, az in enumerate(azs)
            ]

    def _routes(self, name: str, args: PortalNetworkArgs, tags: dict[str, str], azs: tuple[str, ...]) -> None:
        """Internet gateway and route tables: public to the internet, app per AZ (NAT when declared), data and
        cache local only."""
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, tags=tags, opts=child(self))
        public_rt = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}],
            tags=tags,
            opts=child(self),
        )
        # One route table per AZ for the app tier (the interconnect stack adds VPN routes there);
        # data and cache share a local-only table: they never reach the VPN or the internet.
        self.app_route_tables = [
            aws.ec2.RouteTable(f"{name}-app-{az[-1]}", vpc_id=self.vpc.id, tags=tags, opts=child(self))
            for az in azs
        ]
        if args.declared_egress:
            self._nat(name, azs, tags, igw)
        isolated_rt = aws.ec2.RouteTable(f"{name}-isolated", vpc_id=self.vpc.id, tags=tags, opts=child(self))
        for tier, tables in (
            ("public", [public_rt] * 3),
            ("app", self.app_route_tables),
            ("data", [isolated_rt] * 3),
            ("cache", [isolated_rt] * 3),
        ):
            for subnet, table, az in zip(self.subnets[tier], tables, azs, strict=False):
                aws.ec2.RouteTableAssociation(
                    f"{name}-{tier}-{az[-1]}", subnet_id=subnet.id, route_table_id=table.id, opts=child(self)
                )

    def _endpoints(self, name: str, args: PortalNetworkArgs, tags: dict[str, str]) -> None:
        """Gateway (S3) and interface endpoints, each limited to this account."""
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in self.app_route_tables],
            policy=policy.document(
                # Only this account's buckets (no exfiltration to foreign buckets) and the ECR layer store.
                policy.statement(
                    "Allow",
                    ["s3:*"],
                    sid="OwnBuckets",
                    principal={"AWS": "*"},
                    condition={"StringEquals": {"aws:ResourceAccount": args.account_id}},
                ),
                policy.statement(
                    "Allow",
                    ["s3:GetObject"],
                    f"arn:aws:s3:::prod-{args.region}-starport-layer-bucket/*",
                    sid="EcrLayers",
                    principal={"AWS": "*"},
                ),
            ),
            tags=tags,
            opts=child(self),
        )
        self.endpoint_security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            vpc_id=self.vpc.id,
            description="HTTPS from the VPC to AWS API endpoints",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "cidr_blocks": [args.cidr],
                    "description": "HTTPS from the VPC",
                }
            ],
            egress=[],
            tags=tags,
            opts=child(self),
        )
        own_principals = policy.document(
            policy.statement(
                "Allow",
                ["*"],
                sid="OwnPrincipals",
                principal={"AWS": "*"},
                condition={"StringEquals": {"aws:PrincipalAccount": args.account_id}},
            )
        )
        for service in args.interface_endpoints:
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in self.subnets["app"]],
                security_group_ids=[self.endpoint_security_group.id],
                policy=own_principals,
                tags=tags,
                opts=child(self),
            )

    def _flow_logs(self, name: str, args: PortalNetworkArgs, tags: dict[str, str]) -> None:
        """VPC flow logs (all traffic) into a CMK log group, written by a role only this account's VPCs
        assume."""
        self.flow_log_group = encrypted_log_group(
            f"{name}-flow-logs",
            self,
            kms_key_arn=args.flow_log_kms_key_arn,
            retention_in_days=args.flow_log_retention_days,
            tags=tags,
        )
        flow_role = service_role(
            f"{name}-flow-logs",
            self,
            service="vpc-flow-logs.amazonaws.com",
            account_id=args.account_id,
            statements=[
                policy.statement(
                    "Allow",
                    ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    [self.flow_log_group.arn, pulumi.Output.concat(self.flow_log_group.arn, ":*")],
                )
            ],
            tags=tags,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=flow_role.arn,
            max_aggregation_interval=60,
            tags=tags,
            opts=child(self),
        )

    def _nat(
        self, name: str, azs: tuple[str, ...], tags: dict[str, str], igw: aws.ec2.InternetGateway
    ) -> None:
        """A NAT gateway per AZ in the public tier; each app route table sends the internet there."""
        for i, az in enumerate(azs):
            eip = aws.ec2.Eip(f"{name}-nat-{az[-1]}", domain="vpc", tags=tags, opts=child(self))
            nat = aws.ec2.NatGateway(
                f"{name}-nat-{az[-1]}",
                allocation_id=eip.id,
                subnet_id=self.subnets["public"][i].id,
                connectivity_type="public",
                tags=tags,
                opts=child(self, depends_on=[igw]),
            )
            aws.ec2.Route(
                f"{name}-app-{az[-1]}-egress",
                route_table_id=self.app_route_tables[i].id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
                opts=child(self),
            )

    def subnet_ids(self, tier: str) -> list[pulumi.Output[str]]:
        """Subnet ids of one tier (`public`, `app`, `data`, `cache`)."""
        return [s.id for s in self.subnets[tier]]
