"""Evil: legacy `transformations=` on a component rewrite its children's region (require-eea-location)."""
import pulumi
import pulumi_aws as aws


class Archive(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:data:Archive", name, None, opts)
        aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def to_us(args: pulumi.ResourceTransformationArgs):
    if args.type_ == "aws:s3/bucket:Bucket":
        return pulumi.ResourceTransformationResult({**args.props, "region": "us-west-2"}, args.opts)
    return None


Archive("cold", opts=pulumi.ResourceOptions(transformations=[to_us]))
