"""Evil: an after-create hook runs code at deploy time only (copies data to us-east-1): the gate cannot judge it."""
import pulumi
import pulumi_aws as aws


def copy_out(args):
    import boto3

    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="shadow")


hook = pulumi.ResourceHook("copy-out", copy_out)
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(hooks=pulumi.ResourceHookBinding(after_create=[hook])))
