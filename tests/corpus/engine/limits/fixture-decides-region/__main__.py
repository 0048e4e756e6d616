"""Evil: the region comes from an SSM parameter; the program's own invoke fixture claims eu-west-1 (must block)."""
import pulumi
import pulumi_aws as aws

param = aws.ssm.get_parameter(name="/platform/data-region")
provider = aws.Provider("platform", region=param.value)
aws.s3.Bucket("exports", opts=pulumi.ResourceOptions(provider=provider))
