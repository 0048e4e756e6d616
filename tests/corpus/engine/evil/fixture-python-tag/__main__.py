"""Evil: an invoke fixture with a !!python/object/apply tag (code run by an unsafe YAML loader) -> exit 2 naming the fixture file"""
import pulumi_aws as aws

zone = aws.route53.get_zone(name="example.com")
aws.s3.Bucket("data", tags={"zone": zone.zone_id})
