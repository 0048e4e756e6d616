"""Evil: sets os.environ['AWS_REGION'] before an explicit provider without a region (the SDK fills region from it) -> require-eea-location"""
import os

import pulumi
import pulumi_aws as aws

os.environ["AWS_REGION"] = "us-east-1"
p = aws.Provider("p")
aws.s3.Bucket("data", opts=pulumi.ResourceOptions(provider=p))
