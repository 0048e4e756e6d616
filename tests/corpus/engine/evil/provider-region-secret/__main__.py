"""Evil: the provider's region is a secret output, so no policy can read it (fail closed)."""
import pulumi
import pulumi_aws as aws

provider = aws.Provider("hidden", region=pulumi.Output.secret("us-east-1"))
aws.dynamodb.Table("cases", hash_key="id", attributes=[{"name": "id", "type": "S"}],
                   billing_mode="PAY_PER_REQUEST", opts=pulumi.ResourceOptions(provider=provider))
