"""Evil: an invoke transform makes get_region() answer us-east-1 when deployed; the provider follows (must block)."""
import pulumi
import pulumi_aws as aws


def ask_virginia(args: pulumi.InvokeTransformArgs):
    if args.token == "aws:index/getRegion:getRegion":
        return pulumi.InvokeTransformResult({**args.args, "region": "us-east-1"}, args.opts)
    return None


pulumi.runtime.register_invoke_transform(ask_virginia)
region = aws.get_region().region
provider = aws.Provider("regional", region=region)
aws.s3.Bucket("exports", opts=pulumi.ResourceOptions(provider=provider))
