# a Lambda's EXPORT_QUEUE is computed from a random suffix (unknown in preview): a us-east-1 SQS URL once deployed -> disallow-non-eea-replication
"""Evil: a Lambda's queue URL is computed from a random suffix, unknown in preview, a us-east-1 queue when deployed."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

suffix = random.RandomId("queue-suffix", byte_length=4)
role = aws.iam.Role("exporter", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "lambda.amazonaws.com"}}]}))
aws.lambda_.Function(
    "exporter",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}),
    environment={"variables": {
        "EXPORT_QUEUE": pulumi.Output.all(role.arn, suffix.hex).apply(
            lambda v: f"https://sqs.us-east-1.amazonaws.com/123456789012/export-{v[1]}"),
    }})
