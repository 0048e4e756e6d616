"""Who may act on the portal: MFA-only human roles with separated duties, and per-workload roles.

R2016 (three functions apart), DPA annex 3 b.iii.2 (MFA, closed groups of IAM roles), D36 §113
(operator without data access), D36 §115 (privileged access management).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child
from components.aws.role_specs import (
    BOUNDARY_PATH,
    HUMAN_PATH,
    NO_DATA_ROLES,
    ROLE_FUNCTIONS,
    WORKLOAD_BOUNDARY,
    RoleSpec,
    role_specs,
)
from policies.core.eea import PORTAL_REGION


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
        for role, spec in role_specs(acct, args.region).items():
            self._human_role(name, args, trust, role, spec)
        self._account_guards(name, args)
        self.register_outputs({role: r.arn for role, r in self.roles.items()})

    def _human_role(
        self, name: str, args: HumanRolesArgs, trust: pulumi.Output[str], role: str, spec: RoleSpec
    ) -> None:
        """One role: a boundary at its ceiling denying the other functions (and data, where barred), the
        MFA trust, its grants and managed policies."""
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

    def _account_guards(self, name: str, args: HumanRolesArgs) -> None:
        """The boundary every workload role is created under, and the account password policy."""
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

    def arn(self, role: str) -> pulumi.Output[str]:
        """ARN of one human role."""
        return self.roles[role].arn


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
