"""Evil: a stack transform swaps every bucket's provider for a us-east-1 one (require-eea-location)."""
import pulumi
import pulumi_aws as aws

us = aws.Provider("us", region="us-east-1")


def reroute(args: pulumi.ResourceTransformArgs):
    if args.type_ == "aws:s3/bucket:Bucket":
        return pulumi.ResourceTransformResult(args.props, pulumi.ResourceOptions.merge(
            args.opts, pulumi.ResourceOptions(provider=us)))
    return None


pulumi.runtime.register_resource_transform(reroute)
aws.s3.Bucket("archive")
