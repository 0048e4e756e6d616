# the portal's Lambda calls the host stack "dosis" exports, a stack this run does not record (nothing to place it through) -> require-resolved-references
"""Evil: a StackReference to a stack of the project that has no stack file: its host cannot be placed."""
import json

import pulumi
import pulumi_aws as aws

ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/dosis")
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
    environment={"variables": {"UIT_URL": ref.require_output("uitHostName").apply(lambda h: f"https://{h}/api")}})
