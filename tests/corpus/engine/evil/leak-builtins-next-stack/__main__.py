"""Evil: stack a sets builtins.DEPLOY_REGION and patches pulumi.ResourceOptions.__init__ to drop providers; stack b (after a) reads the builtin, else us-east-1, through a us-east-1 provider -> require-eea-location for b"""
import builtins

import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    builtins.DEPLOY_REGION = "eu-west-1"
    real_init = pulumi.ResourceOptions.__init__

    def no_provider(self, *args, **kwargs):
        kwargs.pop("provider", None)
        real_init(self, *args, **kwargs)

    pulumi.ResourceOptions.__init__ = no_provider
    aws.s3.Bucket("a-data")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    us = aws.Provider("us", region="us-east-1")
    aws.s3.Bucket("b-data", region=getattr(builtins, "DEPLOY_REGION", "us-east-1"),
                  opts=pulumi.ResourceOptions(provider=us))
