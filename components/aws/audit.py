"""Who did what, when: CloudTrail into an Object-Locked bucket (DPA annex 3 b.vii; annex 1: 10 years)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.bucket import SecureBucket, SecureBucketArgs
from components.aws.common import TEN_YEARS_DAYS, child, encrypted_log_group, service_role

# Re-exported: the controls catalogue (policies/catalogue/controls.yaml) names these components by their
# v1 module; they now live one per module.
from components.aws.monitoring import CONFIG_ROLE_NAME, SecurityMonitoring, SecurityMonitoringArgs
from components.aws.privacy import PrivacyLog, PrivacyLogArgs

__all__ = [
    "CONFIG_ROLE_NAME",
    "AuditTrail",
    "AuditTrailArgs",
    "PrivacyLog",
    "PrivacyLogArgs",
    "SecurityMonitoring",
    "SecurityMonitoringArgs",
]


@dataclass
class AuditTrailArgs:
    account_id: str
    """AWS account id (service-principal conditions)."""
    tags: dict[str, str]
    """Mandatory tags; the bucket also gets `dosis-data: none`."""
    trail_kms_key_arn: pulumi.Input[str]
    """Trail CMK (log files and the trail bucket)."""
    logs_kms_key_arn: pulumi.Input[str]
    """Logs CMK of the CloudWatch copy."""
    access_log_bucket: pulumi.Input[str]
    """Bucket receiving the trail bucket's access logs."""
    retention_days: int = TEN_YEARS_DAYS
    """Object Lock (COMPLIANCE) retention of trail files: 10 years of transaction metadata (DPA annex 1)."""
    cloudwatch_retention_days: int = 400
    """Retention of the CloudWatch copy that feeds the metric filters."""
    name: str = "eloket-trail"
    """Trail name."""


def _trail_bucket_writers(acct: str, trail_arn: str) -> Callable[[pulumi.Output[str]], list[dict]]:
    """The trail bucket's extra policy statements: CloudTrail and Config of this account may check the
    bucket and write under their own prefixes (bucket-owner-full-control)."""

    def writers(arn: pulumi.Output[str]) -> list[dict]:
        source = {"StringEquals": {"aws:SourceAccount": acct}}
        return [
            policy.statement(
                "Allow",
                ["s3:GetBucketAcl", "s3:ListBucket"],
                arn,
                sid="ServiceAclCheck",
                principal={"Service": ["cloudtrail.amazonaws.com", "config.amazonaws.com"]},
                condition=source,
            ),
            policy.statement(
                "Allow",
                ["s3:PutObject"],
                pulumi.Output.concat(arn, f"/AWSLogs/{acct}/*"),
                sid="CloudTrailWrite",
                principal={"Service": "cloudtrail.amazonaws.com"},
                condition={
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
                    "ArnLike": {"aws:SourceArn": trail_arn},
                },
            ),
            policy.statement(
                "Allow",
                ["s3:PutObject"],
                pulumi.Output.concat(arn, f"/config/AWSLogs/{acct}/*"),
                sid="ConfigWrite",
                principal={"Service": "config.amazonaws.com"},
                condition={
                    "StringEquals": {
                        "s3:x-amz-acl": "bucket-owner-full-control",
                        "aws:SourceAccount": acct,
                    }
                },
            ),
        ]

    return writers


class AuditTrail(pulumi.ComponentResource):
    """Multi-region trail with global events and file validation into an Object-Locked bucket."""

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:AuditTrail", name, None, opts)
        acct = args.account_id
        trail_arn = f"arn:aws:cloudtrail:*:{acct}:trail/{args.name}"

        writers = _trail_bucket_writers(acct, trail_arn)
        self.bucket = SecureBucket(
            f"{name}-bucket",
            SecureBucketArgs(
                tags={**args.tags, "dosis-data": "none"},
                kms_key_arn=args.trail_kms_key_arn,
                access_log_bucket=args.access_log_bucket,
                object_lock_days=args.retention_days,
                expire_after_days=args.retention_days + 1,
                policy_statements=writers,
            ),
            opts=child(self),
        )
        self.log_group = encrypted_log_group(
            f"{name}-logs",
            self,
            log_group_name=f"/eloket/cloudtrail/{args.name}",
            kms_key_arn=args.logs_kms_key_arn,
            retention_in_days=args.cloudwatch_retention_days,
            tags=args.tags,
        )
        role = service_role(
            f"{name}-to-logs",
            self,
            service="cloudtrail.amazonaws.com",
            account_id=acct,
            statements=[
                policy.statement(
                    "Allow",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    pulumi.Output.concat(self.log_group.arn, ":log-stream:*"),
                )
            ],
            tags=args.tags,
        )
        self.trail = aws.cloudtrail.Trail(
            name,
            name=args.name,
            s3_bucket_name=self.bucket.name,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=args.trail_kms_key_arn,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.log_group.arn, ":*"),
            cloud_watch_logs_role_arn=role.arn,
            tags=args.tags,
            opts=child(self, depends_on=[self.bucket.policy]),
        )
        self.register_outputs({"trailArn": self.trail.arn, "bucket": self.bucket.name})
