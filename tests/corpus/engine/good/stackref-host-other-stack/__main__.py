# stack b's Lambda calls the westeurope web app whose host stack a exports (known limit of round 10, written blind as compliant; passes since round 11: placed through stack a's recorded graph)
"""Good: a host another stack of the run exports (its own westeurope web app) is placed through that stack."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_random as random

if pulumi.get_stack() == "a":
    rg = azure_native.resources.ResourceGroup("dosis", location="westeurope")
    plan = azure_native.web.AppServicePlan(
        "dosis", resource_group_name=rg.name, location="westeurope", kind="linux", reserved=True,
        sku={"name": "P1v3", "tier": "PremiumV3"})
    app = azure_native.web.WebApp(
        "uit", name="dosis-uit-weu", resource_group_name=rg.name, location="westeurope",
        server_farm_id=plan.id, https_only=True)
    pulumi.export("uitHostName", app.name.apply(lambda n: f"{n}.azurewebsites.net"))
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    client = random.RandomUuid("client")
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
        environment={"variables": {
            "UIT_URL": pulumi.Output.all(ref.require_output("uitHostName"), client.result).apply(
                lambda v: f"https://{v[0]}/api?client={v[1]}"),
        }})
