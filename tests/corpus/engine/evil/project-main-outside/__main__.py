"""Evil: Pulumi.yaml main: points outside the project (../../good/apply-eu: the gate would judge another program than the repository deploys from here) -> exit 2 naming main"""
import pulumi_aws as aws

aws.s3.Bucket("data", region="us-east-1")
