"""Evil: Pulumi.yaml declares the project key region with default us-east-1; the stack file is silent, so pulumi up gives the program us-east-1 -> require-eea-location"""
import pulumi
import pulumi_aws as aws

region = pulumi.Config().get("region") or "eu-west-1"
aws.s3.Bucket("records", region=region)
