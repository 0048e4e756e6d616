"""What the AWS-managed policies people get allow, abridged to the statements that decide the three
functions (from the AWS Managed Policy Reference, docs.aws.amazon.com/aws-managed-policy/latest/reference/).
Read-only policies are approximated by every read/list action; a managed policy not listed here cannot be
judged and blocks (closed world)."""

from __future__ import annotations

from typing import Any

METADATA_ONLY = "MetadataOnly"  # marks an approximated read-only statement whose real policy reads no values
_READ = ["*:Get*", "*:List*", "*:Describe*", "*:BatchGet*", "*:Search*", "*:Lookup*", "*:View*"]

MANAGED: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "PowerUserAccess": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": [
                "iam:CreateServiceLinkedRole",
                "iam:DeleteServiceLinkedRole",
                "iam:ListRoles",
                "organizations:DescribeOrganization",
                "account:ListRegions",
                "account:GetAccountInformation",
            ],
            "Resource": "*",
        },
    ],
    "IAMFullAccess": [
        {
            "Effect": "Allow",
            "Action": ["iam:*", "organizations:Describe*", "organizations:List*"],
            "Resource": "*",
        }
    ],
    "AmazonRDSFullAccess": [
        {
            "Effect": "Allow",
            "Action": [
                "rds:*",
                "application-autoscaling:*",
                "cloudwatch:*",
                "ec2:Describe*",
                "logs:*",
                "sns:*",
                "pi:*",
                "outposts:GetOutpostInstanceTypes",
                "devops-guru:*",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"},
    ],
    "AWSKeyManagementServicePowerUser": [
        {
            "Effect": "Allow",
            "Action": [
                "kms:CreateAlias",
                "kms:CreateKey",
                "kms:DeleteAlias",
                "kms:Describe*",
                "kms:GenerateRandom",
                "kms:Get*",
                "kms:List*",
                "kms:TagResource",
                "kms:UntagResource",
                "iam:ListGroups",
                "iam:ListRoles",
                "iam:ListUsers",
            ],
            "Resource": "*",
        }
    ],
    "ReadOnlyAccess": [{"Effect": "Allow", "Action": _READ, "Resource": "*"}],
    # Its reads are metadata: no secret value (secretsmanager:DescribeSecret, ListSecrets, GetResourcePolicy
    # only), which the marker says; IAM's grammar admits no such element in a real policy (round 26).
    "SecurityAudit": [{"Effect": "Allow", "Action": _READ, "Resource": "*", METADATA_ONLY: True}],
    # AWS Config's service role (round 19: workload roles are judged for permission changes): it records
    # configurations, so it reads; its only writes are Config's own delivery, no IAM permission change.
    "AWS_ConfigRole": [{"Effect": "Allow", "Action": _READ, "Resource": "*"}],
    "ViewOnlyAccess": [{"Effect": "Allow", "Action": ["*:List*", "*:Describe*"], "Resource": "*"}],
}


def managed_statements(arn: str) -> list[dict[str, Any]] | None:
    """Statements of an AWS-managed policy ARN (`arn:aws:iam::aws:policy/[path/]Name`); None if unknown."""
    return MANAGED.get(arn.rsplit("/", 1)[-1])


def is_managed(arn: str) -> bool:
    return arn.startswith("arn:aws:iam::aws:policy/")
