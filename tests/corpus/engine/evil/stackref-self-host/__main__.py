# stack b exports an eastus host as a plain string and its Lambda reads it back through a StackReference to itself -> require-resolved-references
"""Evil: a StackReference to the stack itself: its previous outputs are no resource of any recorded graph."""
import json

import pulumi
import pulumi_aws as aws

me = pulumi.StackReference(f"organization/{pulumi.get_project()}/{pulumi.get_stack()}")
pulumi.export("uitHostName", "dosis-uit-eus.azurewebsites.net")
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
    environment={"variables": {"UIT_URL": me.get_output("uitHostName").apply(lambda h: f"https://{h}/api")}})
