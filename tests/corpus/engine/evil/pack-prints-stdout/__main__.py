"""Evil: an extra pack given by flag prints a clean JSON report to stdout at import and while judging -> require-eea-location, stdout is the gate's report only"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
