"""Evil: the provider's region variable is mapped from the deploy machine's $TARGET_REGION (env_var_mappings)."""
import pulumi
import pulumi_aws as aws

mapped = aws.Provider("mapped", opts=pulumi.ResourceOptions(env_var_mappings={"TARGET_REGION": "AWS_REGION"}))
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=mapped))
