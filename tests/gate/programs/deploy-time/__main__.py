"""Looks compliant in preview; deploys a bucket in us-east-1 and reads its log region from the environment."""

import os

import pulumi
from pulumi_aws import s3

region = "eu-west-1" if pulumi.runtime.is_dry_run() else "us-east-1"
s3.Bucket("data", region=region)
s3.Bucket("logs", region=os.environ.get("LOG_REGION", "eu-west-1"))
if not pulumi.runtime.is_dry_run():
    s3.Bucket("extra")


def to_virginia(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """A stack transform that moves every bucket named `moved-*` (run by the engine, so by the gate)."""
    if args.type_ == "aws:s3/bucket:Bucket" and args.name.startswith("moved"):
        return pulumi.ResourceTransformResult(props={**args.props, "region": "us-east-1"}, opts=args.opts)
    return None


pulumi.runtime.register_resource_transform(to_virginia)
s3.Bucket("moved-archive", region="eu-west-1")
