"""Evil: register_stack_transformation (legacy) moves every queue to us-east-1 (require-eea-location)."""
import pulumi
import pulumi_aws as aws


def to_us(args: pulumi.ResourceTransformationArgs):
    if args.type_.startswith("aws:sqs/"):
        return pulumi.ResourceTransformationResult({**args.props, "region": "us-east-1"}, args.opts)
    return None


pulumi.runtime.register_stack_transformation(to_us)
aws.sqs.Queue("intake")
