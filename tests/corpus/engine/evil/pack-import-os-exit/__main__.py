"""Evil: an extra pack given by flag calls os._exit(0) while it is imported -> exit 2 naming the pack"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
