"""PortalNetwork: three AZs, private tiers, endpoints, encrypted flow logs, VPN gateway."""

import pytest
from aws_support import ACCOUNT, KEY, TAGS, assert_all_in_portal_region, assert_tagged, one, record

from components.aws import analysis
from components.aws.network import INTERFACE_ENDPOINTS, PortalNetwork, PortalNetworkArgs


def _net(**kwargs):
    out = {}

    def build(opts):
        out["net"] = PortalNetwork(
            "n",
            PortalNetworkArgs(tags=TAGS, account_id=ACCOUNT, flow_log_kms_key_arn=KEY, **kwargs),
            opts=opts,
        )

    return record(build), out


def test_defaults_are_compliant():
    g, _ = _net()
    subnets = g.by_type("aws:ec2/subnet:Subnet")
    by_tier = {}
    for s in subnets:
        by_tier.setdefault(s.inputs["tags"]["tier"], set()).add(s.inputs["availabilityZone"])
    assert by_tier == {
        t: {"eu-west-1a", "eu-west-1b", "eu-west-1c"} for t in ("public", "app", "data", "cache")
    }
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in subnets)
    services = {e.inputs["serviceName"] for e in g.by_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert services == {f"com.amazonaws.eu-west-1.{s}" for s in ("s3", *INTERFACE_ENDPOINTS)}
    assert not g.by_type("aws:ec2/natGateway:NatGateway")
    for endpoint in g.by_type("aws:ec2/vpcEndpoint:VpcEndpoint"):
        stmts = analysis.statements(endpoint.inputs["policy"])
        own = stmts[0]["Condition"]["StringEquals"]
        assert own in ({"aws:ResourceAccount": ACCOUNT}, {"aws:PrincipalAccount": ACCOUNT}), endpoint.name
    flow = one(g, "aws:cloudwatch/logGroup:LogGroup")
    assert flow["kmsKeyId"] == KEY and flow["retentionInDays"] == 400
    assert one(g, "aws:ec2/flowLog:FlowLog")["trafficType"] == "ALL"
    assert one(g, "aws:ec2/vpnGateway:VpnGateway")["amazonSideAsn"] == "64512"
    default_sg = one(g, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert not default_sg.get("ingress") and not default_sg.get("egress")
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_only_public_tier_routes_to_internet():
    g, _ = _net()
    tables = {t.urn: t for t in g.by_type("aws:ec2/routeTable:RouteTable")}
    igw_tables = [t for t in tables.values() if t.inputs.get("routes")]
    assert len(igw_tables) == 1
    igw_id = igw_tables[0].outputs.get("id") or igw_tables[0].id
    public_ids = {s.id for s in g.by_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "public"}
    assocs = [
        a
        for a in g.by_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
        if a.inputs["routeTableId"] == igw_id
    ]
    assert {a.inputs["subnetId"] for a in assocs} == public_ids


def test_options():
    g, out = _net(cidr="10.30.0.0/20", vpn_amazon_side_asn=65010, flow_log_retention_days=731)
    assert one(g, "aws:ec2/vpc:Vpc")["cidrBlock"] == "10.30.0.0/20"
    assert one(g, "aws:ec2/vpnGateway:VpnGateway")["amazonSideAsn"] == "65010"
    assert one(g, "aws:cloudwatch/logGroup:LogGroup")["retentionInDays"] == 731
    assert out["net"].app_subnet_cidrs == ["10.30.3.0/24", "10.30.4.0/24", "10.30.5.0/24"]


def test_rejects_too_small_cidr():
    with pytest.raises(Exception, match="too small"):
        _net(cidr="10.30.0.0/26")
