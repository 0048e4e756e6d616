"""Red-team round 19 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r19-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, UNKNOWN, graph, messages, pinned_res

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
ATTACHMENT = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
TG_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef"
SITE = ("; the pack cannot place that site in an allowed region, so keep the data in resources of the "
        "stack's own regions")
GRANTS = (
    " a copy it can take to any region or read access from any region (a shared snapshot, image or data "
    "share is copied or read wherever the grantee likes, a Lake Formation, RAM or resource-policy grant read "
    "from there, telemetry delivered into its account by an observability link or cross-account flow logs "
    "read there); share only with the stack's own account, which the pack knows only when the resource's "
    "provider pins it (allowedAccountIds: ['<12 digits>']; under a provider that pins none, even the stack's "
    "own account blocks), or declare the account (arns: [arn:aws:iam::<id>:]) with its region or "
    "jurisdiction in stacks/records/endpoints.yaml"
)


def _attachment(target: object, zone: object = "all") -> object:
    inputs = {"targetGroupArn": TG_ARN, "targetId": target, "port": 8443}
    if zone is not None:
        inputs["availabilityZone"] = zone
    return pinned_res(ATTACHMENT, "t", inputs)


# ------------------------------------------------------------------ load balancer targets outside the VPC


def test_a_private_target_outside_the_vpc_is_a_site():
    assert messages(REPLICATION, _attachment("10.90.12.34"), ALLOWED) == [
        "`availabilityZone`: `availabilityZone: all` registers '10.90.12.34', a private address outside the "
        "target group's VPC (behind a peering, transit gateway, VPN or Direct Connect: a network in any "
        "region or data centre); register targets of the stack's own VPC (no availabilityZone) or instances "
        "of the stack (targetId: the instance's id)" + SITE]
    assert messages(REPLICATION, _attachment("fd12:3456:789a::10", "ALL"), ALLOWED) != []
    assert messages(REPLICATION, _attachment("10.10.1.25", None), ALLOWED) == []
    assert messages(REPLICATION, _attachment("10.10.1.25", "eu-west-1a"), ALLOWED) == []


def test_an_unknown_zone_or_target_outside_the_vpc_fails_closed():
    assert messages(RESOLVED, graph(_attachment("10.90.12.34", UNKNOWN)), ALLOWED) != []
    assert messages(RESOLVED, graph(_attachment(UNKNOWN)), ALLOWED) != []


# ------------------------------------------------------------------ peerings with another account


def test_a_peering_with_another_account_is_a_grant():
    def peering(owner: str | None) -> object:
        inputs = {"vpcId": "vpc-1", "peerVpcId": "vpc-2", "peerRegion": "eu-west-1"}
        if owner is not None:
            inputs["peerOwnerId"] = owner
        return pinned_res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "p", inputs)

    assert messages(REPLICATION, peering("999988887777"), ALLOWED) == [
        "`peerOwnerId` grants '999988887777'" + GRANTS]
    assert messages(REPLICATION, peering("123456789012"), ALLOWED) == []
    assert messages(REPLICATION, peering(None), ALLOWED) == []
    tgw = pinned_res("aws:ec2transitgateway/peeringAttachment:PeeringAttachment", "a", {
        "transitGatewayId": "tgw-1", "peerTransitGatewayId": "tgw-2", "peerAccountId": "999988887777",
        "peerRegion": "eu-west-1"})
    assert messages(REPLICATION, tgw, ALLOWED) == ["`peerAccountId` grants '999988887777'" + GRANTS]


# ------------------------------------------------------------------ VPN connections on a shared gateway


def test_a_vpn_connection_must_end_on_a_transit_gateway_of_the_stack():
    tgw = "aws:ec2transitgateway/transitGateway:TransitGateway"
    vpn = pinned_res("aws:ec2/vpnConnection:VpnConnection", "v", {
        "customerGatewayId": "cgw-1", "transitGatewayId": "tgw-0f9e8d7c", "type": "ipsec.1"})
    assert messages(RESOLVED, graph(vpn), ALLOWED) == [(
        "v", f"`transitGatewayId` refers to '{tgw}|tgw-0f9e8d7c', which is neither a resource of this stack "
        "(matched by its recorded id, ARN or endpoint, never by name) nor a declared external endpoint "
        "(stacks/records/endpoints.yaml), so where it is cannot be judged")]
    own = pinned_res(tgw, "t", {"id": "tgw-0f9e8d7c"})
    assert messages(RESOLVED, graph(own, vpn), ALLOWED) == []


def test_accepting_a_vpc_attachment_needs_an_attachment_of_the_stack():
    target = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
    accepter = pinned_res("aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter", "a", {
        "transitGatewayAttachmentId": "tgw-attach-0f9e"})
    assert messages(RESOLVED, graph(accepter), ALLOWED) == [(
        "a", f"`transitGatewayAttachmentId` refers to '{target}|tgw-attach-0f9e', which is neither a "
        "resource of this stack (matched by its recorded id, ARN or endpoint, never by name) nor a declared "
        "external endpoint (stacks/records/endpoints.yaml), so where it is cannot be judged")]
    own = pinned_res(target, "v", {"id": "tgw-attach-0f9e", "transitGatewayId": "tgw-1", "vpcId": "vpc-1"})
    hub = pinned_res("aws:ec2transitgateway/transitGateway:TransitGateway", "t", {"id": "tgw-1"})
    assert messages(RESOLVED, graph(hub, own, accepter), ALLOWED) == []
