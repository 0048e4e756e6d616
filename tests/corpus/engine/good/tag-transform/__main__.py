"""Good: a stack transform that only adds tags to every taggable resource."""
import pulumi
import pulumi_aws as aws


def tag(args: pulumi.ResourceTransformArgs):
    if args.custom and args.type_.startswith("aws:s3/bucket:"):
        return pulumi.ResourceTransformResult({**args.props, "tags": {**(args.props.get("tags") or {}),
                                                                      "owner": "dosis"}}, args.opts)
    return None


pulumi.runtime.register_resource_transform(tag)
aws.s3.Bucket("records")
