"""IAM policy documents built as plain data, and the action sets behind separation of duties.

R2016 asks that three functions stay apart: the database-structure administrator, the access-rights
administrator and the people who manage encryption keys. The action sets below define those functions
once; the human roles deny the sets they do not own, and the stack tests check the result.
"""

from __future__ import annotations

from typing import Any

import pulumi

# Database structure: create, change or drop the database and its schema, restore it elsewhere. Other
# roles are denied these; the human db-structure role itself gets only the schema path (see identity.py).
DB_STRUCTURE_ACTIONS: tuple[str, ...] = (
    "rds:Create*",
    "rds:Modify*",
    "rds:Delete*",
    "rds:Restore*",
    "rds:CopyDB*",
    "rds:AddRoleToDB*",
    "rds-db:connect",
)

# Access rights: change who may do what.
IAM_ADMIN_ACTIONS: tuple[str, ...] = (
    "iam:Create*",
    "iam:Delete*",
    "iam:Put*",
    "iam:Attach*",
    "iam:Detach*",
    "iam:Update*",
    "iam:Add*",
    "iam:Remove*",
    "iam:Set*",
    "iam:PassRole",
    "iam:Tag*",
    "iam:Untag*",
)

# Key administration: the key life cycle (DPA annex 3 b.vi), never the use of a key.
# No kms:CreateGrant: a grant lets its holder (or anyone it names) use the key - that is key use.
KMS_ADMIN_ACTIONS: tuple[str, ...] = (
    "kms:CreateKey",
    "kms:CreateAlias",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    # Not kms:Update*: UpdateCustomKeyStore re-points the external key store's proxy to any host and no
    # condition key pins it (residency round 67); the store's settings are the stack's to deploy.
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
    "kms:UpdatePrimaryRegion",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
    # A key of origin EXTERNAL stays PendingImport (unusable) until its material is imported, and only the
    # key policy can allow that ("Required permissions: kms:ImportKeyMaterial (key policy)"); it carries
    # wrapped material into the key, never data out of it.
    "kms:ImportKeyMaterial",
)

# The subset of KMS_ADMIN_ACTIONS that changes a key (read-only Describe/Get/List excluded).
KMS_ADMIN_WRITE_ACTIONS: tuple[str, ...] = tuple(
    a for a in KMS_ADMIN_ACTIONS if not a.startswith(("kms:Describe", "kms:Get", "kms:List"))
)

# Using a key on data: what a key administrator must never be able to do.
KMS_USE_ACTIONS: tuple[str, ...] = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
)

# Reading data held by the portal (operator and auditor have no data access, D36 §113).
DATA_READ_ACTIONS: tuple[str, ...] = (
    "secretsmanager:GetSecretValue",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "rds-db:connect",
    "ecs:ExecuteCommand",
    "ssm:StartSession",
    *KMS_USE_ACTIONS,
)

FUNCTIONS: dict[str, tuple[str, ...]] = {
    "db-structure": DB_STRUCTURE_ACTIONS,
    "iam-admin": IAM_ADMIN_ACTIONS,
    "kms-admin": KMS_ADMIN_WRITE_ACTIONS,
}
"""The three functions of R2016 that no single role may combine."""


def statement(
    effect: str,
    actions: tuple[str, ...] | list[str],
    resources: Any = "*",
    *,
    sid: str | None = None,
    principal: Any = None,
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One policy statement; `resources`/`principal` may hold Outputs (resolve with `document`)."""
    stmt: dict[str, Any] = {}
    if sid:
        stmt["Sid"] = sid
    stmt["Effect"] = effect
    if principal is not None:
        stmt["Principal"] = principal
    stmt["Action"] = list(actions)
    stmt["Resource"] = resources
    if condition:
        stmt["Condition"] = condition
    return stmt


def document(*statements: dict[str, Any]) -> pulumi.Output[str]:
    """A policy document as a JSON string Output (statements may contain Outputs)."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def tls_only(bucket_arn: pulumi.Input[str]) -> dict[str, Any]:
    """Deny every request to a bucket that does not use TLS (DPA annex 3 b.v)."""
    return statement(
        "Deny",
        ["s3:*"],
        [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        sid="DenyInsecureTransport",
        principal={"AWS": "*"},
        condition={"Bool": {"aws:SecureTransport": "false"}},
    )


def service_trust(service: str, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Trust policy for an AWS service, limited to this account (confused-deputy guard)."""
    return document(
        statement(
            "Allow",
            ["sts:AssumeRole"],
            principal={"Service": service},
            condition={"StringEquals": {"aws:SourceAccount": account_id}},
        )
    )


def ecs_task_trust(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Trust policy for ECS task and execution roles."""
    return service_trust("ecs-tasks.amazonaws.com", account_id)


def role_arn(account_id: str, name: str, path: str = "/") -> str:
    """ARN of a role that lives outside this stack (e.g. the deployment pipeline role)."""
    return f"arn:aws:iam::{account_id}:role{path}{name}"
