"""Who may act on the portal: MFA-only human roles with separated duties, and per-workload roles.

R2016 (three functions apart), DPA annex 3 b.iii.2 (MFA, closed groups of IAM roles), D36 §113
(operator without data access), D36 §115 (privileged access management).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child
from policies.core.eea import PORTAL_REGION

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
OPERATE_ACTIONS = (
    "ecs:UpdateService",
    "ecs:StopTask",
    "rds:RebootDBInstance",
    "elasticache:RebootCacheCluster",
    "cloudwatch:PutDashboard",
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


@dataclass
class HumanRolesArgs:
    account_id: str
    """AWS account id (trust, ARNs of protected IAM paths)."""
    tags: dict[str, str]
    """Mandatory tags."""
    trusted_principal_arns: tuple[str, ...] = ()
    """Who may assume the roles (with MFA); empty = principals of this account (IAM Identity Center or
    IAM users in closed groups, managed by the IAM administrator)."""
    max_session_seconds: int = 3600
    """Maximum session length of a human role (short sessions limit a stolen session)."""
    mfa_max_age_seconds: int = 3600
    """How long after the MFA sign-in a role may still be assumed."""
    name_prefix: str = "eloket-"
    """Prefix of the role names."""
    region: str = PORTAL_REGION
    """Region of the portal resources the roles act on."""
    password_policy: bool = True
    """Set the account password policy (14+ characters, all classes, 24 remembered, 90 days)."""


@dataclass
class _RoleSpec:
    grants: list[dict[str, Any]]
    managed: tuple[str, ...] = ()
    boundary_allow: tuple[str, ...] | None = None
    """What the boundary permits at most; None = exactly the actions of `grants`."""
    extra_denies: list[dict[str, Any]] = field(default_factory=list)

    def ceiling(self) -> tuple[str, ...]:
        if self.boundary_allow is not None:
            return self.boundary_allow
        return tuple(dict.fromkeys(a for g in self.grants for a in g["Action"]))


class HumanRoles(pulumi.ComponentResource):
    """Six MFA-only roles; each holds at most one of {db structure, IAM, key administration}."""

    def __init__(self, name: str, args: HumanRolesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:HumanRoles", name, None, opts)
        acct = args.account_id
        if not 900 <= args.max_session_seconds <= 3600:
            raise ValueError("human role sessions must last 15..60 minutes")
        trusted = list(args.trusted_principal_arns) or [f"arn:aws:iam::{acct}:root"]
        trust = policy.document(
            policy.statement(
                "Allow",
                ["sts:AssumeRole"],
                principal={"AWS": trusted},
                condition={
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": str(args.mfa_max_age_seconds)},
                },
            )
        )
        self.roles: dict[str, aws.iam.Role] = {}
        self.boundaries: dict[str, aws.iam.Policy] = {}
        for role, spec in self._specs(acct, args.region).items():
            denies = [
                policy.statement("Deny", list(actions), sid=f"NotMy{fn.title().replace('-', '')}")
                for fn, actions in policy.FUNCTIONS.items()
                if fn != ROLE_FUNCTIONS[role]
            ]
            if role in NO_DATA_ROLES:
                # The structure role's rds-db:connect is scoped to the DDL-only MySQL user (see below).
                data = [
                    a
                    for a in policy.DATA_READ_ACTIONS
                    if not (role == "db-structure-admin" and a == "rds-db:connect")
                ]
                denies.append(policy.statement("Deny", data, sid="NoDataAccess"))
            denies += spec.extra_denies
            boundary = aws.iam.Policy(
                f"{name}-{role}-boundary",
                path=HUMAN_PATH,
                name=f"{args.name_prefix}{role}-boundary",
                description=f"Permission boundary of the {role} role",
                policy=policy.document(policy.statement("Allow", spec.ceiling()), *denies),
                tags=args.tags,
                opts=child(self),
            )
            r = aws.iam.Role(
                f"{name}-{role}",
                name=f"{args.name_prefix}{role}",
                path=HUMAN_PATH,
                assume_role_policy=trust,
                max_session_duration=args.max_session_seconds,
                permissions_boundary=boundary.arn,
                tags={**args.tags, "human-role": role},
                opts=child(self),
            )
            aws.iam.RolePolicy(
                f"{name}-{role}", role=r.id, policy=policy.document(*spec.grants, *denies), opts=child(self)
            )
            for i, arn in enumerate(spec.managed):
                aws.iam.RolePolicyAttachment(
                    f"{name}-{role}-{i}", role=r.name, policy_arn=arn, opts=child(self)
                )
            self.roles[role] = r
            self.boundaries[role] = boundary
        self.workload_boundary = aws.iam.Policy(
            f"{name}-workload-boundary",
            path=BOUNDARY_PATH,
            name=WORKLOAD_BOUNDARY,
            description="Ceiling of every workload role: no IAM, no key administration, no DB structure",
            policy=policy.document(
                policy.statement("Allow", ["*"], sid="WorkloadCeiling"),
                policy.statement(
                    "Deny",
                    ["iam:*", "organizations:*", "account:*", "sts:AssumeRole"],
                    sid="NoIdentityChanges",
                ),
                *[
                    policy.statement("Deny", list(actions), sid=f"No{fn.title().replace('-', '')}")
                    for fn, actions in policy.FUNCTIONS.items()
                    if fn != "iam-admin"
                ],
            ),
            tags=args.tags,
            opts=child(self),
        )
        if args.password_policy:
            aws.iam.AccountPasswordPolicy(
                f"{name}-password-policy",
                minimum_password_length=14,
                require_lowercase_characters=True,
                require_uppercase_characters=True,
                require_numbers=True,
                require_symbols=True,
                allow_users_to_change_password=True,
                password_reuse_prevention=24,
                max_password_age=90,
                opts=child(self),
            )
        self.register_outputs({role: r.arn for role, r in self.roles.items()})

    def arn(self, role: str) -> pulumi.Output[str]:
        """ARN of one human role."""
        return self.roles[role].arn

    @staticmethod
    def _specs(acct: str, region: str) -> dict[str, _RoleSpec]:
        human_roles = f"arn:aws:iam::{acct}:role{HUMAN_PATH}*"
        human_policies = f"arn:aws:iam::{acct}:policy{HUMAN_PATH}*"
        boundaries = f"arn:aws:iam::{acct}:policy{BOUNDARY_PATH}*"
        workload_boundary = workload_boundary_arn(acct)
        read = policy.statement(
            "Allow",
            ["rds:Describe*", "rds:List*", "cloudwatch:Get*", "cloudwatch:List*", "logs:Describe*"],
            sid="Inspect",
        )
        return {
            "db-structure-admin": _RoleSpec(
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
                    policy.statement(
                        "Allow",
                        ["rds:ModifyDBParameterGroup", "rds:ResetDBParameterGroup", "rds:CreateDBSnapshot"],
                        sid="DatabaseStructure",
                    ),
                ],
                extra_denies=[
                    policy.statement(
                        "Deny",
                        ["rds:ModifyDBInstance", "rds:Restore*", "rds:CopyDB*", "rds:CreateDBInstance*"],
                        sid="NoMasterPasswordOrCopies",
                    ),
                ],
            ),
            "iam-admin": _RoleSpec(
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
            ),
            "key-admin": _RoleSpec(
                grants=[
                    policy.statement("Allow", policy.KMS_ADMIN_ACTIONS, sid="KeyLifeCycle"),
                ]
            ),
            "operator": _RoleSpec(
                grants=[
                    policy.statement(
                        "Allow",
                        OPERATE_ACTIONS,
                        sid="Operate",
                    )
                ],
                managed=("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",),
                boundary_allow=(*READ_ONLY_ACTIONS, *OPERATE_ACTIONS),
            ),
            "security-auditor": _RoleSpec(
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
            # Restores access when the normal path fails (Identity Center down, IAM admin locked out):
            # access rights only, on human roles too, never on itself; no data, keys or structure; no
            # new users or access keys (an escape to a long-lived identity); every use alarms the SOC.
            "break-glass": _RoleSpec(
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
            ),
        }


def workload_boundary_arn(account_id: str) -> str:
    """ARN of the workload permissions boundary (created by HumanRoles, attached to every workload role)."""
    return f"arn:aws:iam::{account_id}:policy{BOUNDARY_PATH}{WORKLOAD_BOUNDARY}"


@dataclass
class WorkloadIdentityArgs:
    account_id: str
    """AWS account id (trust limited to this account)."""
    tags: dict[str, str]
    """Mandatory tags."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """The workload boundary (HumanRoles.workload_boundary.arn): the same ceiling the IAM admin must use."""


class WorkloadIdentity(pulumi.ComponentResource):
    """Dedicated task and execution roles of one application component (DPA annex 3 a.i.3, b.iii.3).

    Created before the keys so key policies can name them; the service attaches the permissions.
    """

    def __init__(self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:WorkloadIdentity", name, None, opts)
        trust = policy.ecs_task_trust(args.account_id)
        self.task_role = aws.iam.Role(
            f"{name}-task",
            assume_role_policy=trust,
            max_session_duration=3600,
            permissions_boundary=args.permissions_boundary_arn,
            tags=args.tags,
            opts=child(self),
        )
        self.execution_role = aws.iam.Role(
            f"{name}-exec",
            assume_role_policy=trust,
            max_session_duration=3600,
            permissions_boundary=args.permissions_boundary_arn,
            tags=args.tags,
            opts=child(self),
        )
        self.register_outputs(
            {"taskRoleArn": self.task_role.arn, "executionRoleArn": self.execution_role.arn}
        )
