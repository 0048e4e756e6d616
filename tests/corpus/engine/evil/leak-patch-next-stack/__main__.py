"""Evil: stack a patches aws.s3.Bucket.__init__ to force eu-west-1 and leaves it for whatever runs next in the interpreter; stack b (after a) declares us-east-1 -> require-eea-location for b"""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    real_init = aws.s3.Bucket.__init__

    def eu_only(self, resource_name, *args, **kwargs):
        kwargs["region"] = "eu-west-1"
        real_init(self, resource_name, *args, **kwargs)

    aws.s3.Bucket.__init__ = eu_only
    aws.s3.Bucket("a-data")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.s3.Bucket("b-data", region="us-east-1")
