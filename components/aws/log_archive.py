"""Segregated log archive on AWS: the organisation trail and the portal's log buckets in a log-archive
account that the workload account's principals (break-glass included) cannot stop, change or delete.

R2016: "log management by another team of the same firm remains a risk"; DPA annex 3 b.vii (a SIEM that
can be trusted); DPA annex 1 (10 years). The component is created with an explicit provider that assumes
a role in the log-archive account (delegated CloudTrail administrator of the organisation), so the
trail and its buckets belong to that account. Every bucket has Object Lock in COMPLIANCE mode for ten
years and a policy that denies deleting or re-configuring anything to every principal of the workload
account; the archive key holds material imported from the controller's HSM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.bucket import SecureBucket, SecureBucketArgs
from components.aws.common import kept
from components.aws.key_store import ControllerKey
from components.aws.keys import CustomerKeyArgs, cloudtrail_service_statements
from components.aws.web import alb_log_delivery_statements, s3_log_delivery_statements
from policies.core.eea import PORTAL_REGION

TEN_YEARS_DAYS = 3653
# Everything that would remove, shorten or redirect what the archive holds.
TAMPER_ACTIONS = (
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutObjectRetention",
    "s3:PutObjectLegalHold",
    "s3:BypassGovernanceRetention",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutReplicationConfiguration",
    "s3:PutBucketLogging",
)


@dataclass
class LogArchiveArgs:
    archive_account_id: str
    """The log-archive account (12 digits) the provider of this component assumes a role in."""
    workload_account_id: str
    """The account whose principals must never write the archive (the e-loket account)."""
    admin_role_arn: str
    """Archive administrators of the security team (manage the key; never in the workload account)."""
    tags: dict[str, str]
    """Mandatory tags."""
    management_account_id: str
    """The organisation's management account: it owns the organisation trail the archive account creates as
    delegated administrator, so CloudTrail writes as that account's trail (CloudTrail user guide,
    "Organization delegated administrator")."""
    deployer_role_arn: str
    """The role this component's provider assumes: it creates the archive key, so KMS requires the key policy
    to let it manage the key (the policy lockout safety check of CreateKey)."""
    trail_name: str = "organization-trail"
    """Name of the organisation trail (created by the archive account as delegated administrator)."""
    region: str = PORTAL_REGION
    """Region of the archive (EEA)."""


def nobody_deletes(bucket_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
    """No principal at all may delete an object version or the bucket (Object Lock says so too)."""
    resources = [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")]
    return [policy.statement("Deny", ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"],
                             resources, sid="NobodyDeletes", principal={"AWS": "*"})]


def deny_workload(bucket_arn: pulumi.Output[str], workload_account_id: str) -> list[dict[str, Any]]:
    """No principal of the workload account may delete or re-configure the archive; nobody may delete."""
    resources = [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")]
    return [
        policy.statement("Deny", list(TAMPER_ACTIONS), resources, sid="WorkloadAccountCannotTamper",
                         principal={"AWS": "*"},
                         condition={"StringEquals": {"aws:PrincipalAccount": workload_account_id}}),
        *nobody_deletes(bucket_arn),
    ]


def org_trail_delivery(bucket_arn: pulumi.Output[str], account_id: str, trail: str,
                       region: str) -> list[dict[str, Any]]:
    """The organisation trail may read the ACL and write logs; `account_id` is the management account, which
    owns the trail even when the delegated administrator created it."""
    source = {"StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:{region}:{account_id}:trail/{trail}"}}
    return [
        policy.statement("Allow", ["s3:GetBucketAcl"], bucket_arn, sid="OrgTrailAcl",
                         principal={"Service": "cloudtrail.amazonaws.com"}, condition=source),
        policy.statement("Allow", ["s3:PutObject"], pulumi.Output.concat(bucket_arn, "/AWSLogs/*"),
                         sid="OrgTrailWrite", principal={"Service": "cloudtrail.amazonaws.com"},
                         condition={**source, "StringEqualsIfExists": {
                             "s3:x-amz-acl": "bucket-owner-full-control"}}),
    ]


class LogArchive(pulumi.ComponentResource):
    """Archive key, organisation-trail bucket, portal log bucket, access-log bucket and the org trail."""

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:LogArchive", name, None, opts)
        if args.archive_account_id == args.workload_account_id:
            raise ValueError(f"LogArchive {name}: the archive must live in another account than the workload")
        if args.management_account_id == args.archive_account_id:
            raise ValueError(f"LogArchive {name}: the management account cannot be the archive")
        acct, workload, owner = args.archive_account_id, args.workload_account_id, args.management_account_id
        key_args = CustomerKeyArgs(
            purpose="log-archive", tags=args.tags, admin_arns=[args.admin_role_arn],
            deployer_arn=args.deployer_role_arn,
            service_statements=[
                *cloudtrail_service_statements(owner, args.region),
                policy.statement("Deny", ["kms:*"], sid="WorkloadAccountNeverTouchesTheKey",
                                 principal={"AWS": "*"},
                                 condition={"StringEquals": {"aws:PrincipalAccount": workload}}),
            ],
            region=args.region,
        )
        self.key = ControllerKey(f"{name}-key", key_args, opts=pulumi.ResourceOptions(parent=self))
        self.access_logs = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(tags=args.tags, log_delivery_target=True, expire_after_days=TEN_YEARS_DAYS,
                             policy_statements=lambda arn: [*s3_log_delivery_statements(arn, acct),
                                                            *deny_workload(arn, workload)]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.trail_bucket = SecureBucket(
            f"{name}-org-trail",
            SecureBucketArgs(tags=args.tags, kms_key_arn=self.key.arn,
                             access_log_bucket=self.access_logs.name,
                             object_lock_days=TEN_YEARS_DAYS,
                             policy_statements=lambda arn: [
                                 *org_trail_delivery(arn, owner, args.trail_name, args.region),
                                 *deny_workload(arn, workload)]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # ALB access logs of the portal (ELB delivers cross-account; SSE-S3 only, Object Lock 10 years).
        self.portal_logs = SecureBucket(
            f"{name}-portal-logs",
            SecureBucketArgs(tags=args.tags, log_delivery_target=True, object_lock_days=TEN_YEARS_DAYS,
                             policy_statements=lambda arn: [
                                 *alb_log_delivery_statements(arn, workload, args.region),
                                 *deny_workload(arn, workload)]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.trail = aws.cloudtrail.Trail(
            f"{name}-org-trail",
            name=args.trail_name,
            s3_bucket_name=self.trail_bucket.name,
            kms_key_id=self.key.arn,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            tags=args.tags,
            opts=kept(self, depends_on=[self.trail_bucket.policy]),
        )
        self.register_outputs({"trailArn": self.trail.arn, "trailBucket": self.trail_bucket.name,
                               "portalLogBucket": self.portal_logs.name})
