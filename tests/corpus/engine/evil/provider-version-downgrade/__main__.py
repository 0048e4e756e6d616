"""Evil: pins its provider to plugin 6.83.0 (no resource-level region): the gate records the installed 7.x SDK's meaning of region=eu-west-1, the 6.x plugin deploys in the provider's us-east-1"""
import pulumi
import pulumi_aws as aws

legacy = aws.Provider("legacy", region="us-east-1", opts=pulumi.ResourceOptions(version="6.83.0"))
aws.s3.Bucket("records", region="eu-west-1", opts=pulumi.ResourceOptions(provider=legacy))
