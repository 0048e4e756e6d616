# variant (round 10, after the fix): a Lambda's AUDIT_LOG_GROUP names the stack's own log group, whose name has a random suffix (known only when deployed) -> expect: []
"""Good (variant): a Lambda names the stack's own log group under AUDIT_LOG_GROUP (a path-like name)."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

suffix = random.RandomId("audit", byte_length=3)
audit = aws.cloudwatch.LogGroup("audit", name=suffix.hex.apply(lambda s: f"/dosis/audit-{s}"),
                                retention_in_days=400)
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
    environment={"variables": {"AUDIT_LOG_GROUP": audit.name}})
