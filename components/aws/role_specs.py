"""What each MFA-only human role may do, as plain data: the IAM paths, the actions each function holds or
may not touch, and per role the grants, managed policies, boundary ceiling and extra denies.

R2016 (three functions apart), D36 §113 (operator without data access), D36 §115 (privileged access).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import components.aws.policy as policy

HUMAN_PATH = "/human/"
BOUNDARY_PATH = "/boundary/"
WORKLOAD_BOUNDARY = "eloket-workload-boundary"
"""The one permissions boundary the IAM administrator may put on roles they create (workloads only)."""
STRUCTURE_DB_USER = "eloket_structure"
"""MySQL user of the db-structure administrators (IAM auth; DDL grants only, no SELECT: D36 §113)."""
USER_ACTIONS = (
    "iam:CreateUser",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateAccessKey",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AddUserToGroup",
    "iam:CreateGroup",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
)
# Role changes the IAM administrator may make only on roles under the workload boundary.
BOUNDED_ROLE_ACTIONS = (
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:PutRolePermissionsBoundary",
)

# function each human role holds (None: none of the three), and what it additionally may not do.
ROLE_FUNCTIONS: dict[str, str | None] = {
    "db-structure-admin": "db-structure",
    "iam-admin": "iam-admin",
    "key-admin": "kms-admin",
    "operator": None,
    "security-auditor": None,
    "break-glass": "iam-admin",
}
# Every human role is without data access; data is reached only by workload roles (D36 §113).
NO_DATA_ROLES = frozenset(ROLE_FUNCTIONS)
# A redeploy, never Service Connect turned on: its log configuration would be the request's (residency round
# 67); a request without one keeps the service's, which the stack sets.
SERVICE_UPDATE = "ecs:UpdateService"
SERVICE_CONNECT_OFF = {"StringEqualsIfExists": {"ecs:enable-service-connect": "false"}}
DASHBOARD_UPDATE = "cloudwatch:PutDashboard"
OPERATE_ACTIONS = (
    SERVICE_UPDATE,
    "ecs:StopTask",
    "rds:RebootDBInstance",
    "elasticache:RebootCacheCluster",
    DASHBOARD_UPDATE,
    "cloudwatch:SetAlarmState",
)
READ_ONLY_ACTIONS = (
    "*:Describe*",
    "*:Get*",
    "*:List*",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:StopQuery",
    "cloudtrail:LookupEvents",
    "sts:GetCallerIdentity",
)


def workload_boundary_arn(account_id: str) -> str:
    """ARN of the workload permissions boundary (created by HumanRoles, attached to every workload role)."""
    return f"arn:aws:iam::{account_id}:policy{BOUNDARY_PATH}{WORKLOAD_BOUNDARY}"


@dataclass
class RoleSpec:
    """What one human role may do."""

    grants: list[dict[str, Any]]
    managed: tuple[str, ...] = ()
    boundary_allow: tuple[str, ...] | None = None
    """What the boundary permits at most; None = exactly the actions of `grants`."""
    extra_denies: list[dict[str, Any]] = field(default_factory=list)

    def ceiling(self) -> tuple[str, ...]:
        if self.boundary_allow is not None:
            return self.boundary_allow
        return tuple(dict.fromkeys(a for g in self.grants for a in g["Action"]))


def role_specs(acct: str, region: str) -> dict[str, RoleSpec]:
    """Each human role's grants, managed policies, boundary ceiling and extra denies, in creation order."""
    return {
        "db-structure-admin": _structure_admin(acct, region),
        "iam-admin": _iam_admin(acct),
        "key-admin": RoleSpec(
            grants=[
                policy.statement("Allow", policy.KMS_ADMIN_ACTIONS, sid="KeyLifeCycle"),
            ]
        ),
        "operator": _operator(acct, region),
        "security-auditor": RoleSpec(
            grants=[
                policy.statement(
                    "Allow",
                    [
                        "logs:FilterLogEvents",
                        "logs:GetLogEvents",
                        "logs:StartQuery",
                        "logs:GetQueryResults",
                        "cloudtrail:LookupEvents",
                    ],
                    sid="ReadLogs",
                )
            ],
            managed=("arn:aws:iam::aws:policy/SecurityAudit",),
            boundary_allow=READ_ONLY_ACTIONS,
        ),
        "break-glass": _break_glass(acct),
    }


def _operator(acct: str, region: str) -> RoleSpec:
    """Restarts, redeploys and alarm states on what the stack's region and account hold (each action's
    resource type in the Service Authorization Reference). Dashboards stay on every resource: their ARN has
    no region, so a pattern of them is a reference the residency pack cannot place."""
    operated = [
        f"arn:aws:ecs:{region}:{acct}:task/*/*",
        f"arn:aws:rds:{region}:{acct}:db:*",
        f"arn:aws:elasticache:{region}:{acct}:cluster:*",
        f"arn:aws:cloudwatch:{region}:{acct}:alarm:*",
    ]
    pinned = [a for a in OPERATE_ACTIONS if a not in (SERVICE_UPDATE, DASHBOARD_UPDATE)]
    return RoleSpec(
        grants=[
            policy.statement("Allow", pinned, operated, sid="Operate"),
            policy.statement("Allow", [DASHBOARD_UPDATE], sid="Dashboards"),
            policy.statement("Allow", [SERVICE_UPDATE], f"arn:aws:ecs:{region}:{acct}:service/*/*",
                             sid="Redeploy", condition=SERVICE_CONNECT_OFF),
        ],
        managed=("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",),
        boundary_allow=(*READ_ONLY_ACTIONS, *OPERATE_ACTIONS),
    )


def _structure_admin(acct: str, region: str) -> RoleSpec:
    """Database structure: parameter groups and snapshots, schema work as the DDL-only MySQL user."""
    read = policy.statement(
        "Allow",
        ["rds:Describe*", "rds:List*", "cloudwatch:Get*", "cloudwatch:List*", "logs:Describe*"],
        sid="Inspect",
    )
    return RoleSpec(
        # Schema work as the DDL-only MySQL user; the instance life cycle is the pipeline's, and
        # neither the RDS master secret nor the secrets key is reachable (no data access).
        grants=[
            read,
            policy.statement(
                "Allow",
                ["rds-db:connect"],
                f"arn:aws:rds-db:{region}:{acct}:dbuser:*/{STRUCTURE_DB_USER}",
                sid="SchemaAsStructureUser",
            ),
            # The stack's region and account only (the actions' resource types in the Service
            # Authorization Reference: `pg`, and `db` + `snapshot` for a snapshot).
            policy.statement(
                "Allow",
                ["rds:ModifyDBParameterGroup", "rds:ResetDBParameterGroup"],
                f"arn:aws:rds:{region}:{acct}:pg:*",
                sid="DatabaseStructure",
            ),
            policy.statement(
                "Allow",
                ["rds:CreateDBSnapshot"],
                [f"arn:aws:rds:{region}:{acct}:db:*", f"arn:aws:rds:{region}:{acct}:snapshot:*"],
                sid="ManualSnapshot",
            ),
        ],
        extra_denies=[
            policy.statement(
                "Deny",
                ["rds:ModifyDBInstance", "rds:Restore*", "rds:CopyDB*", "rds:CreateDBInstance*"],
                sid="NoMasterPasswordOrCopies",
            ),
        ],
    )


def _iam_admin(acct: str) -> RoleSpec:
    """Access rights of workload roles (under the workload boundary); never of human roles or boundaries."""
    human_roles = f"arn:aws:iam::{acct}:role{HUMAN_PATH}*"
    human_policies = f"arn:aws:iam::{acct}:policy{HUMAN_PATH}*"
    boundaries = f"arn:aws:iam::{acct}:policy{BOUNDARY_PATH}*"
    workload_boundary = workload_boundary_arn(acct)
    return RoleSpec(
        grants=[
            policy.statement(
                "Allow",
                [*policy.IAM_ADMIN_ACTIONS, "iam:Get*", "iam:List*", "iam:Generate*"],
                sid="AccessRights",
            )
        ],
        extra_denies=[
            # Human roles and all boundaries are code-managed: the IAM admin cannot widen them.
            policy.statement(
                "Deny", ["iam:*"], [human_roles, human_policies, boundaries], sid="ProtectHumanRoles"
            ),
            policy.statement(
                "Deny",
                ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
                sid="KeepBoundaries",
            ),
            # Only workload roles, only under the workload boundary; no users, groups or keys.
            policy.statement(
                "Deny",
                list(BOUNDED_ROLE_ACTIONS),
                sid="OnlyWorkloadRoles",
                condition={"StringNotEquals": {"iam:PermissionsBoundary": workload_boundary}},
            ),
            policy.statement("Deny", list(USER_ACTIONS), sid="NoUsersOrGroups"),
            policy.statement("Deny", ["iam:UpdateAssumeRolePolicy"], sid="TrustIsCode"),
        ],
    )


def _break_glass(acct: str) -> RoleSpec:
    """Restores access when the normal path fails (Identity Center down, IAM admin locked out):
    access rights only, on human roles too, never on itself; no data, keys or structure; no
    new users or access keys (an escape to a long-lived identity); every use alarms the SOC."""
    return RoleSpec(
        grants=[
            policy.statement(
                "Allow",
                [*policy.IAM_ADMIN_ACTIONS, "iam:Get*", "iam:List*"],
                sid="RestoreAccess",
            )
        ],
        boundary_allow=(*policy.IAM_ADMIN_ACTIONS, "iam:Get*", "iam:List*", *READ_ONLY_ACTIONS),
        extra_denies=[
            policy.statement(
                "Deny",
                ["iam:*"],
                [
                    f"arn:aws:iam::{acct}:role{HUMAN_PATH}eloket-break-glass",
                    f"arn:aws:iam::{acct}:policy{HUMAN_PATH}eloket-break-glass-boundary",
                ],
                sid="NeverWidenItself",
            ),
            policy.statement("Deny", list(USER_ACTIONS), sid="NoUsersOrGroups"),
        ],
    )
