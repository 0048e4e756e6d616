"""Evil: monkeypatches pulumi.CustomResource.__init__ so every bucket lands in us-east-1 -> require-eea-location"""
import pulumi
import pulumi_aws as aws

_real = pulumi.CustomResource.__init__


def _moved(self, t, name, props=None, opts=None, *args, **kwargs):
    if t == "aws:s3/bucket:Bucket":
        pulumi.set(props, "region", "us-east-1")   # props is the SDK's BucketArgs here
    _real(self, t, name, props, opts, *args, **kwargs)


pulumi.CustomResource.__init__ = _moved
aws.s3.Bucket("data")
