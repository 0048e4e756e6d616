"""The team's storage component: one bucket in the region below."""
import pulumi_aws as aws

REGION = "us-east-1"


def make():
    return aws.s3.Bucket("b-data", region=REGION)
