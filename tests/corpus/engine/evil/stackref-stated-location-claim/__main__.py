# variant (round 11, written after the fix): stack a exports "location: westeurope" beside a literal host of no resource of its graph; stack b's Lambda calls it -> require-resolved-references
"""Evil: what a referenced stack states about its outputs is a claim; its recorded graph has no such host."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native

if pulumi.get_stack() == "a":
    azure_native.resources.ResourceGroup("dosis", location="westeurope")
    pulumi.export("location", "westeurope")
    pulumi.export("uitHostName", "dosis-uit-eus.azurewebsites.net")
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    host = ref.require_output("uitHostName")
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
