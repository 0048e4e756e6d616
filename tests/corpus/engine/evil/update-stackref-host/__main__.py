# stack b's Lambda calls the ingest host stack a exports: unknown in preview, an eastus host when deployed -> require-resolved-references
"""Evil: stack b's Lambda calls a host stack a exports, unknown in preview and a host in eastus when deployed."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

if pulumi.get_stack() == "a":
    tag = random.RandomId("ingest", byte_length=3)
    landing = aws.s3.Bucket("landing", bucket="dosis-ingest-landing")
    pulumi.export("ingest_host", pulumi.Output.all(landing.bucket, tag.hex).apply(
        lambda v: f"ingest-{v[1]}.eastus.cloudapp.azure.com"))
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    role = aws.iam.Role("worker", assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"Service": "lambda.amazonaws.com"}}]}))


    def worker(env):
        return aws.lambda_.Function(
            "worker",
            role=role.arn,
            runtime="python3.12",
            handler="index.handler",
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}),
            environment={"variables": env})

    worker({"INGEST_URL": ref.get_output("ingest_host").apply(lambda h: f"https://{h}/v1/events")})
