"""Evil: a us-east-1 bucket registered only inside an apply on another project's stack output: unknown offline in both recordings, so the callback never runs; pulumi up reads the value and registers it -> blocked"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("records", region="eu-west-1")
shared = pulumi.StackReference("organization/shared-platform/prod")
shared.get_output("drSite").apply(
    lambda site: aws.s3.Bucket("dr-copy", region="us-east-1").id if site else None)
