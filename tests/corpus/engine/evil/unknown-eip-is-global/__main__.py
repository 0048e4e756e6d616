"""Evil (variant, written after the fix): a us-east-1 bucket registered only when an Elastic IP's computed address is global -> require-eea-location."""
import ipaddress

import pulumi_aws as aws

eip = aws.ec2.Eip("egress", domain="vpc")
eip.public_ip.apply(
    lambda ip: aws.s3.Bucket("egress-log", region="us-east-1") if ipaddress.ip_address(ip).is_global else None)
