"""Evil: a component gets `providers={"aws": us-east-1}`; its child bucket inherits it (require-eea-location)."""
import pulumi
import pulumi_aws as aws


class Landing(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:data:Landing", name, None, opts)
        aws.s3.Bucket(f"{name}-zone", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


us = aws.Provider("virginia", region="us-east-1")
Landing("landing", opts=pulumi.ResourceOptions(providers={"aws": us}))
