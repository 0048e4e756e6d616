"""Good: a portal-like stack calls the westeurope and northeurope web apps a dosis-like stack of the run creates and exports."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native

if pulumi.get_stack() == "dosis":
    hosts = {}
    for region, short in (("westeurope", "weu"), ("northeurope", "neu")):
        rg = azure_native.resources.ResourceGroup(f"dosis-{short}", location=region)
        plan = azure_native.web.AppServicePlan(
            f"dosis-{short}", resource_group_name=rg.name, location=region, kind="linux", reserved=True,
            sku={"name": "P1v3", "tier": "PremiumV3"})
        app = azure_native.web.WebApp(
            f"uit-{short}", name=f"dosis-uit-{short}", resource_group_name=rg.name, location=region,
            server_farm_id=plan.id, https_only=True)
        hosts[short] = app.name.apply(lambda n: f"{n}.azurewebsites.net")
    pulumi.export("dosisUitHostName", hosts["weu"])
    pulumi.export("dosisUitHostNameFailover", hosts["neu"])
else:
    dosis = pulumi.StackReference(f"organization/{pulumi.get_project()}/dosis")
    role = aws.iam.Role("worker", assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    endpoints = pulumi.Output.all(dosis.require_output("dosisUitHostName"),
                                  dosis.require_output("dosisUitHostNameFailover"))
    aws.lambda_.Function(
        "portal",
        role=role.arn,
        runtime="python3.12",
        handler="index.handler",
        code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}),
        environment={"variables": {
            "DOSIS_UIT_ENDPOINTS": endpoints.apply(lambda h: ",".join(f"https://{x}" for x in h))}})
