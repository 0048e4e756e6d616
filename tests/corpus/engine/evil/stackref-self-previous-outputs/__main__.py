# variant (round 11, written after the fix): stack b exports an eastus host and a location; its second gate run reads them back through a StackReference to itself -> require-resolved-references
"""Evil: a stack's own previous outputs are no resource of any recorded graph, whatever location they state."""
import json

import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "b":
    me = pulumi.StackReference(f"organization/{pulumi.get_project()}/{pulumi.get_stack()}")
    pulumi.export("location", "westeurope")
    pulumi.export("uitHostName", "dosis-uit-eus.azurewebsites.net")
    host = me.get_output("uitHostName").apply(lambda h: h or "pending.invalid")
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
        environment={"variables": {"UIT_URL": host.apply(lambda h: f"https://{h}/api")}})
