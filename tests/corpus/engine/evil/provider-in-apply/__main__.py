"""Evil: the provider is created inside an apply from a computed output, its region us-west-2 (require-eea-location)."""
import pulumi
import pulumi_aws as aws

key = aws.kms.Key("key")


def build(arn):
    p = aws.Provider("late", region="us-west-2")
    return aws.s3.Bucket("late-data", opts=pulumi.ResourceOptions(provider=p)).id


pulumi.export("late", key.arn.apply(build))
