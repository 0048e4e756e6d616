"""Evil: ResourceOptions.merge re-keys a providers map keyed azure-native to aws; the component's bucket gets the us-east-1 provider (require-eea-location)."""
import pulumi
import pulumi_aws as aws


class Landing(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:data:Landing", name, None, opts)
        aws.s3.Bucket(f"{name}-zone", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


us = aws.Provider("virginia", region="us-east-1")
base = pulumi.ResourceOptions(providers={"azure-native": us})
Landing("landing", opts=pulumi.ResourceOptions.merge(base, pulumi.ResourceOptions(protect=False)))
