"""Rotation of a MySQL application user's secret by AWS's alternating-users function (Secrets Manager's
`SecretsManagerRDSMySQLRotationMultiUser` template), built from parts the packs can judge: the function,
its role, log group, security group and invoke permission are this program's resources, not a Serverless
Application Repository stack."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, encrypted_log_group, service_endpoint, service_role
from policies.core.eea import PORTAL_REGION

ROTATION_ROLE_NAME = "eloket-db-rotation"
"""Fixed so the secrets key's policy can name the rotation function's role before it exists."""
FUNCTION_NAME = "eloket-db-rotation"
"""Fixed so its log group can be created beforehand under the logs CMK."""
CODE = Path(__file__).with_name("rotation_code") / "mysql-multi-user.zip"
"""AWS's alternating-users MySQL function with PyMySQL, built by scripts/dev/build_rotation_code.py (manifest
with every member's SHA-256 beside it)."""
RUNTIME = "python3.13"


@dataclass
class Rotation:
    """What the database component hands over: its network, keys, the secret and the schedule."""

    subnet_ids: list[pulumi.Input[str]]
    endpoint_security_group_id: pulumi.Input[str]
    db_security_group_id: pulumi.Input[str]
    db_instance_arn: pulumi.Input[str]
    secret: aws.secretsmanager.Secret
    secret_kms_key_arn: pulumi.Input[str]
    log_kms_key_arn: pulumi.Input[str]
    account_id: str
    days: int
    log_retention_days: int
    tags: dict[str, str]


def rotation_security_group(name: str, parent: pulumi.Resource, vpc_id: pulumi.Input[str],
                            tags: dict[str, str]) -> aws.ec2.SecurityGroup:
    """The function's group, made before the database's so the database can admit it; rule-less here (the
    egress rules follow as their own resources once the database's group exists)."""
    return aws.ec2.SecurityGroup(
        f"{name}-rotation", vpc_id=vpc_id, description="Secret rotation function: MySQL and AWS endpoints",
        egress=[], tags=tags, opts=child(parent),
    )


def master_secret_pattern(account_id: str) -> str:
    """RDS names the master-user secrets it manages `rds!db-<uuid>`; the role narrows this by the secret's
    `aws:rds:primaryDBInstanceArn` tag to the one instance."""
    return f"arn:aws:secretsmanager:{PORTAL_REGION}:{account_id}:secret:rds!db-*"


def _statements(r: Rotation, log_group: aws.cloudwatch.LogGroup) -> list[dict]:
    """The Secrets Manager guide's rotation-role policy for alternating users, narrowed: one secret, this
    instance's master secret, the secrets key through Secrets Manager for those two only."""
    master = master_secret_pattern(r.account_id)
    return [
        policy.statement("Allow", [f"secretsmanager:{a}" for a in (
            "DescribeSecret", "GetSecretValue", "PutSecretValue", "UpdateSecretVersionStage")],
                         r.secret.arn, sid="RotateTheSecret"),
        policy.statement("Allow", ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], master,
                         sid="ReadThisInstancesMasterSecret",
                         condition={"StringEquals": {
                             "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": r.db_instance_arn,
                         }}),
        # GetRandomPassword has no resource (Service Authorization Reference): "*" is the only form.
        policy.statement("Allow", ["secretsmanager:GetRandomPassword"], sid="GeneratePasswords"),
        policy.statement("Allow", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
                         r.secret_kms_key_arn, sid="SecretsKeyForTheseSecrets",
                         condition={
                             "StringEquals": {"kms:ViaService": service_endpoint("secretsmanager")},
                             "StringLike": {"kms:EncryptionContext:SecretARN": [r.secret.arn, master]},
                         }),
        # The master secret holds only username and password: the function reads its host from RDS.
        policy.statement("Allow", ["rds:DescribeDBInstances"], r.db_instance_arn,
                         sid="ReadTheInstanceEndpoint"),
        # Lambda attaches the function's network interfaces with its role (Secrets Manager guide's policy).
        policy.statement("Allow", ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
                                   "ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface"],
                         sid="VpcNetworkInterfaces",
                         condition={"StringEquals": {"aws:RequestedRegion": PORTAL_REGION}}),
        policy.statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents"],
                         pulumi.Output.concat(log_group.arn, ":*"), sid="WriteItsLogs"),
    ]


def _egress(name: str, parent: pulumi.Resource, sg: aws.ec2.SecurityGroup, r: Rotation) -> None:
    """Out to MySQL (the database's group) and to the interface endpoints (Secrets Manager, RDS) only."""
    for port, target, what in ((3306, r.db_security_group_id, "MySQL (TLS)"),
                               (443, r.endpoint_security_group_id, "AWS API interface endpoints")):
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-rotation-to-{port}", security_group_id=sg.id, ip_protocol="tcp", from_port=port,
            to_port=port, referenced_security_group_id=target, description=what, tags=r.tags,
            opts=child(parent),
        )


def rotate(
    name: str, parent: pulumi.Resource, sg: aws.ec2.SecurityGroup, r: Rotation
) -> aws.secretsmanager.SecretRotation:
    """The function in the private subnets, its role, logs and invoke permission, and the schedule."""
    _egress(name, parent, sg, r)
    log_group = encrypted_log_group(
        f"{name}-rotation", parent, log_group_name=f"/aws/lambda/{FUNCTION_NAME}",
        kms_key_arn=r.log_kms_key_arn, retention_in_days=r.log_retention_days, tags=r.tags,
    )
    role = service_role(f"{name}-rotation", parent, service="lambda.amazonaws.com", account_id=r.account_id,
                        role_name=ROTATION_ROLE_NAME, statements=_statements(r, log_group), tags=r.tags)
    function = aws.lambda_.Function(
        f"{name}-rotation",
        name=FUNCTION_NAME,
        description="Secrets Manager alternating-users rotation of the MySQL application user",
        role=role.arn,
        runtime=RUNTIME,
        handler="lambda_function.lambda_handler",
        # Relative to the working directory, so the recorded program does not depend on the checkout's path.
        code=pulumi.FileArchive(os.path.relpath(CODE)),
        architectures=["arm64"],
        timeout=60,
        memory_size=128,
        reserved_concurrent_executions=1,
        kms_key_arn=r.secret_kms_key_arn,
        environment={"variables": {
            "SECRETS_MANAGER_ENDPOINT": f"https://{service_endpoint('secretsmanager')}",
            "PASSWORD_LENGTH": "32",
        }},
        vpc_config={"subnet_ids": r.subnet_ids, "security_group_ids": [sg.id]},
        logging_config={"log_format": "JSON", "log_group": log_group.name},
        tags=r.tags,
        opts=child(parent, depends_on=[log_group]),
    )
    permission = aws.lambda_.Permission(
        f"{name}-rotation", action="lambda:InvokeFunction", function=function.name,
        principal="secretsmanager.amazonaws.com", source_arn=r.secret.arn, source_account=r.account_id,
        opts=child(parent),
    )
    return aws.secretsmanager.SecretRotation(
        f"{name}-app-user",
        secret_id=r.secret.id,
        rotation_lambda_arn=function.arn,
        rotation_rules={"automatically_after_days": r.days},
        # The value arrives by the bootstrap step after the first `up`: no rotation before it.
        rotate_immediately=False,
        opts=child(parent, depends_on=[permission]),
    )
