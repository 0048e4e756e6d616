"""Evil: the region comes from a secure value nested in a structured config list ([{region: {secure: ...}}]) -> require-eea-location (cannot be judged offline)"""
import pulumi
import pulumi_aws as aws

sites = pulumi.Config().require_object("sites")
for i, site in enumerate(sites):
    aws.s3.Bucket(f"site-{i}", region=site["region"])
