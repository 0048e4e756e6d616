"""portal-prod, first layers: the shared context, human and workload principals, and the keys that name them.

Keys come after the principals so key policies can name roles; the key-admin role manages the keys and can
never use them (R2016; DPA annex 3 b.iv/b.vi).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.aws import (
    CustomerKey,
    CustomerKeyArgs,
    HumanRoles,
    HumanRolesArgs,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from components.aws import policy as iam
from components.aws.files import BACKUP_ROLE_NAME as FILES_BACKUP_ROLE_NAME
from components.aws.keys import (
    alarm_publisher_statement,
    cloudtrail_service_statements,
    logs_service_statement,
    named_role_user_statement,
)
from components.aws.monitoring import CONFIG_ROLE_NAME
from components.aws.role_specs import HUMAN_PATH
from components.aws.rotation import ROTATION_ROLE_NAME
from stacks import sovereignty
from stacks.portal_config import PortalConfig

NO_DOSIS_DATA = {"dosis-data": "none"}


@dataclass
class Ctx:
    """What the layers share."""

    cfg: PortalConfig
    acct: str
    tags: dict[str, str]
    opts: pulumi.ResourceOptions
    deployer: str

    @property
    def store_tags(self) -> dict[str, str]:
        return {**self.tags, **NO_DOSIS_DATA}


def principals(c: Ctx) -> tuple[HumanRoles, WorkloadIdentity, WorkloadIdentity]:
    """MFA-only human roles (and the workload boundary), one identity per workload under that boundary."""
    people = HumanRoles("people", HumanRolesArgs(account_id=c.acct, tags=c.tags), opts=c.opts)
    bounded = WorkloadIdentityArgs(
        account_id=c.acct, tags=c.tags, permissions_boundary_arn=people.workload_boundary.arn
    )
    return (
        people,
        WorkloadIdentity("drupal", bounded, opts=c.opts),
        WorkloadIdentity("frontend", bounded, opts=c.opts),
    )


def keys(c: Ctx, people: HumanRoles, drupal: WorkloadIdentity, frontend: WorkloadIdentity) -> dict:
    """One key per purpose; the key-admin role manages them and can never use them."""
    admin_by_name = [iam.role_arn(c.acct, "eloket-key-admin", HUMAN_PATH)]

    # Custody (KMS, imported material, XKS or CloudHSM) is the stack's `keyCustody` (docs/sovereignty.md).
    store = sovereignty.portal_key_store(c.cfg, c.opts)

    def key(purpose: str, **kwargs) -> CustomerKey | sovereignty.ControllerKey:
        return sovereignty.portal_key(
            f"{purpose}-key",
            CustomerKeyArgs(
                purpose=purpose,
                tags=c.tags,
                admin_arns=[people.arn("key-admin")],
                admin_role_arns_by_name=admin_by_name,
                deployer_arn=c.deployer,
                **kwargs,
            ),
            c.cfg,
            store,
            c.opts,
        )

    acct = c.acct
    return {
        "logs": key(
            "logs", service_statements=[logs_service_statement(acct), alarm_publisher_statement(acct)]
        ),
        "trail": key(
            "trail",
            service_statements=[
                *cloudtrail_service_statements(acct),
                named_role_user_statement(acct, iam.role_arn(acct, CONFIG_ROLE_NAME), ("s3",)),
            ],
        ),
        "database": key("database", deployer_via_services=("rds",)),
        # Only the Drupal execution role reads secrets and the database's rotation function rotates the
        # application user's (both through Secrets Manager); no person does. The rotation function's
        # environment is under this key too: the deployer creates it through Lambda.
        "secrets": key(
            "secrets",
            user_arns=[drupal.execution_role.arn],
            via_services=("secretsmanager",),
            deployer_via_services=("secretsmanager", "rds", "lambda"),
            service_statements=[
                named_role_user_statement(acct, iam.role_arn(acct, ROTATION_ROLE_NAME), ("secretsmanager",))
            ],
        ),
        "static": key(
            "static",
            user_arns=[frontend.task_role.arn, drupal.task_role.arn],
            via_services=("s3",),
            deployer_via_services=("s3", "ecr"),
        ),
        # The files' backup vault is under this key too: the deployer creates the vault and the AWS
        # Backup role writes into it, both only through AWS Backup.
        "files": key(
            "files",
            user_arns=[drupal.task_role.arn],
            via_services=("elasticfilesystem",),
            deployer_via_services=("elasticfilesystem", "backup"),
            service_statements=[
                named_role_user_statement(acct, iam.role_arn(acct, FILES_BACKUP_ROLE_NAME), ("backup",))
            ],
        ),
    }
