"""Evil: the provider region comes from another stack's output the gate cannot see (fail closed)."""
import pulumi
import pulumi_aws as aws

shared = pulumi.StackReference("organization/platform/shared")
provider = aws.Provider("shared-region", region=shared.get_output("region"))
aws.s3.Bucket("exports", opts=pulumi.ResourceOptions(provider=provider))
