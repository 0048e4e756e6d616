"""Good (variant, written after the fix): an Elastic IP's computed address allow-listed as a /32 (a security group rule, a WAF IP set) -> []."""
import ipaddress

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.Vpc("app", cidr_block="10.20.0.0/16")
eip = aws.ec2.Eip("nat", domain="vpc")
cidr = eip.public_ip.apply(lambda ip: str(ipaddress.ip_network(f"{ip}/32")))
sg = aws.ec2.SecurityGroup("admin", vpc_id=vpc.id, description="admin from the NAT address")
aws.vpc.SecurityGroupIngressRule("admin-https", security_group_id=sg.id, ip_protocol="tcp", from_port=443,
                                 to_port=443, cidr_ipv4=cidr)
aws.wafv2.IpSet("nat", scope="REGIONAL", ip_address_version="IPV4", addresses=[cidr])
pulumi.export("natCidr", cidr)
