# a bucket policy computed from a random nonce (unknown in preview) grants account 999999999999 when deployed -> disallow-non-eea-replication
"""Evil: a bucket policy whose document is computed from a random nonce grants another account once deployed."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

nonce = random.RandomString("policy-sid", length=8, special=False, upper=False)
records = aws.s3.Bucket("records", bucket="dosis-records-share")
aws.s3.BucketPolicy(
    "records",
    bucket=records.id,
    policy=pulumi.Output.all(records.arn, nonce.result).apply(lambda v: json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": f"share{v[1]}",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
            "Action": "s3:GetObject",
            "Resource": f"{v[0]}/*",
        }],
    })))
