"""disallow-public-data-access: endpoints, world-open data ports, public IPs, public snapshots and images."""

import json

import pytest
from ruletest import base, only, patch, res, run, with_

RULE = "disallow-public-data-access"
AWS = base("aws")
AZURE = base("azure")


def test_compliant_fixtures():
    assert run(RULE, AWS) == []
    assert run(RULE, AZURE) == []


@pytest.mark.parametrize(
    "rule,fragment",
    [
        (
            {"protocol": "tcp", "fromPort": 3306, "toPort": 3306, "cidrBlocks": ["0.0.0.0/0"]},
            "0.0.0.0/0 on data port 3306",
        ),
        (
            {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "ipv6CidrBlocks": ["::/0"]},
            "::/0 on data port 5432",
        ),
        (
            {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]},
            "0.0.0.0/0 on every port",
        ),
    ],
)
def test_security_group_open_to_the_world(rule, fragment):
    only(
        run(RULE, with_(AWS, res("sg", "aws:ec2/securityGroup:SecurityGroup", {"ingress": [rule]}))),
        "sg",
        fragment,
    )


def test_security_group_rules_and_harmless_ports():
    assert (
        run(
            RULE,
            with_(
                AWS,
                res(
                    "sg",
                    "aws:ec2/securityGroup:SecurityGroup",
                    {
                        "ingress": [
                            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]},
                            {
                                "protocol": "tcp",
                                "fromPort": 3306,
                                "toPort": 3306,
                                "cidrBlocks": ["10.0.0.0/16"],
                            },
                        ]
                    },
                ),
            ),
        )
        == []
    )
    only(
        run(
            RULE,
            with_(
                AWS,
                res(
                    "r",
                    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                    {"ipProtocol": "tcp", "fromPort": 6379, "toPort": 6379, "cidrIpv6": "::/0"},
                ),
            ),
        ),
        "r",
        "the rule opens ::/0 on data port 6379",
    )
    assert (
        run(
            RULE,
            with_(
                AWS,
                res(
                    "r",
                    "aws:ec2/securityGroupRule:SecurityGroupRule",
                    {"type": "egress", "protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]},
                ),
            ),
        )
        == []
    )


def test_public_hosts_snapshots_images():
    only(
        run(
            RULE,
            with_(AWS, res("i", "aws:rds/clusterInstance:ClusterInstance", {"publiclyAccessible": True})),
        ),
        "i",
        "`publiclyAccessible` is True",
    )
    only(
        run(RULE, with_(AWS, res("h", "aws:ec2/instance:Instance", {"associatePublicIpAddress": True}))),
        "h",
        "`associatePublicIpAddress` is True",
    )
    only(
        run(RULE, with_(AWS, res("a", "aws:ec2/amiLaunchPermission:AmiLaunchPermission", {"group": "all"}))),
        "a",
        "machine image is shared with everyone",
    )
    only(
        run(RULE, with_(AWS, res("s", "aws:rds/snapshot:Snapshot", {"sharedAccounts": ["all"]}))),
        "s",
        "snapshot is shared with everyone",
    )


def test_azure_exposure():
    only(
        run(RULE, patch(AZURE, "store", publicNetworkAccess="Enabled")),
        "store",
        "`publicNetworkAccess` is 'Enabled'",
    )
    only(
        run(
            RULE,
            with_(AZURE, res("mi", "azure-native:sql:ManagedInstance", {"publicDataEndpointEnabled": True})),
        ),
        "mi",
        "`publicDataEndpointEnabled` is True",
    )
    only(
        run(
            RULE,
            with_(
                AZURE,
                res("g", "azure-native:compute:Gallery", {"sharingProfile": {"permissions": "Community"}}),
            ),
        ),
        "g",
        "shared with the community",
    )
    nic = res(
        "nic",
        "azure-native:network:NetworkInterface",
        {"ipConfigurations": [{"publicIPAddress": {"id": "p"}}]},
    )
    vm = res("vm", "azure-native:compute:VirtualMachine", {}, refs={"networkProfile": "nic"})
    only(
        run(RULE, with_(AZURE, nic, vm)),
        "vm",
        "network interface nic gives the data host a public IP address",
    )
    only(run(RULE, with_(AWS, drop=("audit-pab",))), "audit", "no BucketPublicAccessBlock")


@pytest.mark.parametrize(
    ("cidrs", "public"),
    [
        (["0.0.0.0/1", "128.0.0.0/1"], True),
        (["0:0:0:0:0:0:0:0/0"], True),
        (["3.0.0.0/8"], True),
        (["not-a-cidr"], True),  # unreadable: judged as the internet
        (["10.0.0.0/8"], False),
        (["203.0.113.0/24"], False),  # one office range is not the internet
    ],
)
def test_world_in_any_notation(cidrs, public):
    sg = res(
        "db-sg",
        "aws:ec2/securityGroup:SecurityGroup",
        {"ingress": [{"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": cidrs}]},
    )
    assert bool(run(RULE, with_(AWS, sg))) is public


@pytest.mark.parametrize(
    ("rule", "public"),
    [
        ({"sourceAddressPrefix": "Internet", "destinationPortRange": "1433"}, True),
        ({"sourceAddressPrefix": "*", "destinationPortRange": "1000-2000"}, True),
        ({"sourceAddressPrefixes": ["0.0.0.0/0"], "destinationPortRanges": ["443", "22"]}, True),
        ({"sourceAddressPrefix": "Internet", "destinationPortRange": "443"}, False),
        ({"sourceAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"}, False),
        ({"sourceAddressPrefix": "Internet", "destinationPortRange": "*", "access": "Deny"}, False),
    ],
)
def test_azure_network_security_rules(rule, public):
    full = {"name": "r", "direction": "Inbound", "access": "Allow", "protocol": "Tcp", **rule}
    nsg = res("nsg", "azure-native:network:NetworkSecurityGroup", {"securityRules": [full]})
    assert bool(run(RULE, with_(AZURE, nsg))) is public
    one = res("one", "azure-native:network:SecurityRule", full)
    assert bool(run(RULE, with_(AZURE, one))) is public


@pytest.mark.parametrize(
    ("stmt", "public"),
    [
        ({"Effect": "Allow", "Principal": "*", "Action": "sqs:ReceiveMessage"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sqs:*"}, True),
        ({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "sqs:*"}, True),
        (
            {
                "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::corpus-audit"}},
            },
            False,
        ),
        ({"Effect": "Deny", "Principal": "*", "Action": "sqs:*"}, False),
        (
            {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:Send*"},
            False,
        ),
    ],
)
def test_resource_policies_that_let_anyone_in(stmt, public):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [stmt]})
    qp = res("qp", "aws:sqs/queuePolicy:QueuePolicy", {"queueUrl": "https://q", "policy": policy})
    assert bool(run(RULE, with_(AWS, qp))) is public
