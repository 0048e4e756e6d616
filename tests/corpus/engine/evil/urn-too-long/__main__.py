"""Evil: a us-east-1 bucket whose logical name is 300,000 characters long -> require-eea-location or exit 2"""
import pulumi_aws as aws

aws.s3.Bucket("eu-logs")
aws.s3.Bucket("x" * 300_000, region="us-east-1")
