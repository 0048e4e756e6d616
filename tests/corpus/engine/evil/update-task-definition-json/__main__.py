# variant (round 10, after the fix): an ECS task definition's container JSON holds a random token (unknown in preview); when deployed its environment names an eastus host -> disallow-non-eea-replication
"""Evil (variant): a task definition's container JSON, unknown in preview, names an eastus host when deployed."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

token = random.RandomUuid("release")
role = aws.iam.Role("task", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}))
aws.ecs.TaskDefinition(
    "portal",
    family="portal",
    cpu="256",
    memory="512",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=role.arn,
    container_definitions=pulumi.Output.json_dumps([{
        "name": "portal",
        "image": "public.ecr.aws/nginx/nginx:1.27",
        "essential": True,
        "environment": [
            {"name": "RELEASE", "value": token.result},
            {"name": "STATUS_API", "value": "https://status-api.eastus.cloudapp.azure.com"},
        ],
    }]))
