"""Good: legacy transformations on a component that only add tags to its children."""
import pulumi
import pulumi_aws as aws


class Archive(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:data:Archive", name, None, opts)
        aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def tags(args: pulumi.ResourceTransformationArgs):
    return pulumi.ResourceTransformationResult({**args.props, "tags": {"team": "records"}}, args.opts)


Archive("cold", opts=pulumi.ResourceOptions(transformations=[tags]))
