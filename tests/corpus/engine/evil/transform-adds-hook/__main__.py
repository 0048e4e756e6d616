"""Evil: a stack transform binds an after-create hook (deploy-time code) to every bucket (must fail the recording)."""
import pulumi
import pulumi_aws as aws


def copy_out(args):
    import boto3

    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="shadow")


hook = pulumi.ResourceHook("copy-out", copy_out)


def bind(args: pulumi.ResourceTransformArgs):
    if args.type_ == "aws:s3/bucket:Bucket":
        return pulumi.ResourceTransformResult(args.props, pulumi.ResourceOptions.merge(
            args.opts, pulumi.ResourceOptions(hooks=pulumi.ResourceHookBinding(after_create=[hook]))))
    return None


pulumi.runtime.register_resource_transform(bind)
aws.s3.Bucket("records")
