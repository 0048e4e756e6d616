# a Lambda names the stack's own eu-west-1 bucket whose name has a random suffix (unknown in preview, known when deployed) -> expect: []
"""Good: a Lambda names its own eu-west-1 bucket whose name has a random suffix (unknown in preview)."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

suffix = random.RandomId("exports", byte_length=4)
exports = aws.s3.Bucket("exports", bucket=suffix.hex.apply(lambda s: f"dosis-exports-{s}"))
role = aws.iam.Role("worker", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "lambda.amazonaws.com"}}]}))
aws.lambda_.Function(
    "worker",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}),
    environment={"variables": {"EXPORT_BUCKET": exports.bucket}})
