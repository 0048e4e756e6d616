"""Non-compliant: people assume an all-powerful role with a password only."""

import json

import pulumi_aws as aws

role = aws.iam.Role(
    "admin",
    name="admin",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
    tags={"classification": "intern"},
)
aws.iam.RolePolicyAttachment(
    "admin-access", role=role.name, policy_arn="arn:aws:iam::aws:policy/AdministratorAccess"
)
