"""Evil: an apply registers an us-east-1 bucket, then raises; the program swallows what it can (require-eea-location)."""
import contextlib

import pulumi
import pulumi_aws as aws


def shadow(arn):
    aws.s3.Bucket("shadow", region="us-east-1")
    raise ValueError(f"not a real failure: {arn}")


logs = aws.s3.Bucket("logs")
with contextlib.suppress(Exception):
    logs.arn.apply(shadow)
    aws.s3.Bucket("shadow-2", region="us-west-2")
    raise RuntimeError("swallowed after the registration")
