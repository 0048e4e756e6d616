"""Customer-managed KMS keys, one per purpose, whose policy separates administrators from users.

DPA annex 3 b.iv/b.vi: envelope encryption under a master key held separately, key life cycle
controlled by the controller, key administrators distinct from developers and operators. The account
root appears only in administration statements narrowed by `aws:PrincipalArn` to the key-admin role
(with MFA) and the deployer: a recreated role (new unique id) can still manage the key - no lock-out -
while IAM policies can never widen who *uses* a key, and no principal ever receives `kms:*`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, kept, service_endpoint
from policies.core.eea import PORTAL_REGION


@dataclass
class CustomerKeyArgs:
    purpose: str
    """What the key protects: database, static, logs, trail, secrets (alias `alias/eloket/<purpose>`)."""
    tags: dict[str, str]
    """Mandatory tags."""
    admin_arns: list[pulumi.Input[str]]
    """Human key administrators: manage the key, explicitly denied any use of it."""
    admin_role_arns_by_name: list[str] = field(default_factory=list)
    """Name-based ARNs of the key-admin roles: the account-root statement admits exactly these (with MFA),
    so a deleted and recreated role keeps managing the key (an ARN principal binds to the unique id)."""
    deployer_arn: pulumi.Input[str] | None = None
    """Deployment pipeline role: manages the key and may use it only through `deployer_via_services`."""
    user_arns: list[pulumi.Input[str]] = field(default_factory=list)
    """Workload or human principals that encrypt/decrypt, only through `via_services`."""
    via_services: tuple[str, ...] = ()
    """AWS services (e.g. "s3", "secretsmanager") the users must go through; empty = direct use."""
    deployer_via_services: tuple[str, ...] = ()
    """Services through which the deployer may use the key (e.g. "rds" to create encrypted storage)."""
    service_statements: list[dict[str, Any]] = field(default_factory=list)
    """Extra statements for AWS service principals (CloudWatch Logs, CloudTrail, alarms)."""
    region: str = PORTAL_REGION
    """Region of the key; the key is never multi-region (no copy outside the EEA)."""
    deletion_window_in_days: int = 30
    """Waiting period before a scheduled deletion takes effect (maximum: 30)."""
    rotation_period_in_days: int = 365
    """Automatic rotation period (R2016: regular re-encryption)."""


class CustomerKey(pulumi.ComponentResource):
    """One symmetric CMK with rotation, a 30-day deletion window and a separated key policy."""

    def __init__(self, name: str, args: CustomerKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:CustomerKey", name, None, opts)
        statements = key_policy_statements(name, args)
        self.key = aws.kms.Key(
            name,
            description=f"e-loket {args.purpose} key",
            enable_key_rotation=True,
            rotation_period_in_days=args.rotation_period_in_days,
            multi_region=False,
            deletion_window_in_days=args.deletion_window_in_days,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            policy=policy.document(*statements),
            tags={**args.tags, "purpose": args.purpose},
            opts=kept(self),
        )
        self.alias = aws.kms.Alias(
            name, name=f"alias/eloket/{args.purpose}", target_key_id=self.key.key_id, opts=child(self)
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn})

    @staticmethod
    def _root(args: CustomerKeyArgs) -> list[dict[str, Any]]:
        """Account-root administration, narrowed by aws:PrincipalArn (humans: with MFA)."""
        account = _account_of(args.admin_role_arns_by_name)
        if not account:
            return []
        root = {"AWS": f"arn:aws:iam::{account}:root"}
        out = [
            policy.statement(
                "Allow",
                policy.KMS_ADMIN_ACTIONS,
                sid="RootDelegatedKeyAdministration",
                principal=root,
                condition={
                    "ArnEquals": {"aws:PrincipalArn": list(args.admin_role_arns_by_name)},
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                },
            ),
            policy.statement(
                "Deny",
                [*policy.KMS_USE_ACTIONS, "kms:CreateGrant"],
                sid="RootDelegatedAdministratorsCannotUseKey",
                principal=root,
                condition={"ArnEquals": {"aws:PrincipalArn": list(args.admin_role_arns_by_name)}},
            ),
        ]
        if isinstance(args.deployer_arn, str):
            out.append(
                policy.statement(
                    "Allow",
                    policy.KMS_ADMIN_ACTIONS,
                    sid="RootDelegatedDeployer",
                    principal=root,
                    condition={"ArnEquals": {"aws:PrincipalArn": args.deployer_arn}},
                )
            )
        return out

    @staticmethod
    def _via(services: tuple[str, ...], region: str) -> dict[str, Any] | None:
        if not services:
            return None
        return {"StringEquals": {"kms:ViaService": [service_endpoint(s, region) for s in services]}}


def key_policy_statements(name: str, args: CustomerKeyArgs) -> list[dict[str, Any]]:
    """The key policy of a customer key: administrators manage but never use it, users only through
    their services (shared by keys generated in KMS and keys held by the controller)."""
    if not args.admin_arns:
        raise ValueError(f"CustomerKey {name}: at least one key administrator is required")
    if not 7 <= args.deletion_window_in_days <= 30:
        raise ValueError(f"CustomerKey {name}: deletion window must be 7..30 days")
    managers = [*args.admin_arns, *([args.deployer_arn] if args.deployer_arn else [])]
    statements: list[dict[str, Any]] = [
        policy.statement(
            "Allow", policy.KMS_ADMIN_ACTIONS, sid="KeyAdministration", principal={"AWS": managers}
        ),
        policy.statement(
            "Deny",
            [*policy.KMS_USE_ACTIONS, "kms:CreateGrant"],
            sid="KeyAdministratorsCannotUseKey",
            principal={"AWS": list(args.admin_arns)},
        ),
    ]
    statements.extend(CustomerKey._root(args))
    if args.user_arns:
        statements.append(
            policy.statement(
                "Allow",
                [*policy.KMS_USE_ACTIONS, "kms:DescribeKey"],
                sid="KeyUse",
                principal={"AWS": list(args.user_arns)},
                condition=CustomerKey._via(args.via_services, args.region),
            )
        )
    if args.deployer_arn and args.deployer_via_services:
        statements.append(
            policy.statement(
                "Allow",
                [*policy.KMS_USE_ACTIONS, "kms:DescribeKey", "kms:CreateGrant"],
                sid="DeployerUseThroughServices",
                principal={"AWS": [args.deployer_arn]},
                condition=CustomerKey._via(args.deployer_via_services, args.region),
            )
        )
    statements.extend(args.service_statements)
    return statements


def _account_of(arns: list[str]) -> str | None:
    """The account of name-based role ARNs (all must share it)."""
    accounts = {a.split(":")[4] for a in arns}
    if len(accounts) > 1:
        raise ValueError(f"key-admin role ARNs span accounts {sorted(accounts)}")
    return accounts.pop() if accounts else None


def logs_service_statement(account_id: str, region: str = PORTAL_REGION) -> dict[str, Any]:
    """Let CloudWatch Logs encrypt this account's log groups in `region`."""
    return policy.statement(
        "Allow",
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        sid="CloudWatchLogs",
        principal={"Service": f"logs.{region}.amazonaws.com"},
        condition={
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:*"
            }
        },
    )


def alarm_publisher_statement(account_id: str) -> dict[str, Any]:
    """Let CloudWatch alarms and EventBridge publish to an SNS topic encrypted with this key."""
    return policy.statement(
        "Allow",
        ["kms:Decrypt", "kms:GenerateDataKey*"],
        sid="AlarmPublishers",
        principal={"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
        condition={"StringEquals": {"aws:SourceAccount": account_id}},
    )


def cloudtrail_service_statements(account_id: str, region: str = PORTAL_REGION) -> list[dict[str, Any]]:
    """Let CloudTrail encrypt this account's trails (and describe the key)."""
    return [
        policy.statement(
            "Allow",
            ["kms:GenerateDataKey*"],
            sid="CloudTrailEncrypt",
            principal={"Service": "cloudtrail.amazonaws.com"},
            condition={
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account_id}:trail/*"
                },
                "StringEquals": {"aws:SourceAccount": account_id},
            },
        ),
        policy.statement(
            "Allow",
            ["kms:DescribeKey"],
            sid="CloudTrailDescribe",
            principal={"Service": "cloudtrail.amazonaws.com"},
            condition={"StringEquals": {"aws:SourceAccount": account_id}},
        ),
    ]


def named_role_user_statement(
    account_id: str, role_arn: str, via_services: tuple[str, ...], region: str = PORTAL_REGION
) -> dict[str, Any]:
    """Key use for a role named by ARN that may not exist yet (principal: the account, narrowed to
    exactly that role by `aws:PrincipalArn`; the role still needs an IAM grant)."""
    return policy.statement(
        "Allow",
        [*policy.KMS_USE_ACTIONS, "kms:DescribeKey"],
        sid="NamedRoleUse",
        principal={"AWS": f"arn:aws:iam::{account_id}:root"},
        condition={
            "ArnEquals": {"aws:PrincipalArn": role_arn},
            "StringEquals": {"kms:ViaService": [service_endpoint(s, region) for s in via_services]},
        },
    )
