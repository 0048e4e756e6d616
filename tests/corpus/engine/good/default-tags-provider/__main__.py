"""Good: an explicit eu-west-1 provider with default_tags; every bucket uses it."""
import pulumi
import pulumi_aws as aws

eu = aws.Provider("eu", region="eu-west-1", default_tags={"tags": {"owner": "dosis", "env": "prod"}})
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=eu))
aws.sqs.Queue("intake", opts=pulumi.ResourceOptions(provider=eu))
