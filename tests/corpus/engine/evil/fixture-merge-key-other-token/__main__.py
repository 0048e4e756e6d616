"""Evil: an invoke fixture entry takes its token and result through a YAML merge key from an anchor written for another invoke: the zone's answer names us-east-1 -> the region is judged (the merge is what YAML means) or exit 2 naming the fixture"""
import pulumi_aws as aws

zone = aws.route53.get_zone(name="example.com")
aws.s3.Bucket("data", region=zone.name.split(".")[0])
