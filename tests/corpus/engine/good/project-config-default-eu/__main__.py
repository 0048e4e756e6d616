"""Good: Pulumi.yaml declares the project key region (type string, default eu-west-1); the program requires it"""
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
aws.s3.Bucket("records", region=config.require("region"))
aws.cloudwatch.LogGroup("audit", retention_in_days=config.require_int("retentionDays"))
