"""Evil: an explicit aws.Provider without region; the SDK fills it from the deploy machine's AWS_REGION (eu-west-1 on the gate's machine) -> require-eea-location."""
import pulumi
import pulumi_aws as aws

regional = aws.Provider("regional")
aws.s3.Bucket("data", opts=pulumi.ResourceOptions(provider=regional))
