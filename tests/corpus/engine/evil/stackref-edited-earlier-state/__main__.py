# stack a exports an eastus host; its recorded state in --out is edited to say its own westeurope app's host before stack b is judged from it -> exit 2 naming the edited state
"""Evil: an earlier level's state in the gate dir, edited so that the other stack's host looks like its EEA app."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native

if pulumi.get_stack() == "a":
    rg = azure_native.resources.ResourceGroup("dosis", location="westeurope")
    plan = azure_native.web.AppServicePlan(
        "dosis", resource_group_name=rg.name, location="westeurope", kind="linux", reserved=True,
        sku={"name": "P1v3", "tier": "PremiumV3"})
    azure_native.web.WebApp(
        "uit", name="dosis-uit-weu", resource_group_name=rg.name, location="westeurope",
        server_farm_id=plan.id, https_only=True)
    pulumi.export("uitHostName", "ingest.eastus.cloudapp.azure.com")
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
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
