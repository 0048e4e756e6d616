# an SSM parameter is read by a name computed from a random string (unknown in preview, so the invoke is answered only when deployed): a us-east-1 queue URL -> disallow-non-eea-replication
"""Evil: an SSM parameter read with a name unknown in preview: the invoke is answered only when deployed."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

env_name = random.RandomString("env", length=8, special=False, upper=False)
param = aws.ssm.get_parameter_output(name=env_name.result.apply(lambda p: f"/deploy/{p}/intake-queue"))
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


worker({"INTAKE_QUEUE": pulumi.Output.all(role.arn, param.value).apply(lambda v: v[1])})
