"""An S3 bucket with every guard on: SSE-KMS with bucket key, block public access, versioning,
ownership enforced, TLS-only policy, access logging, optional Object Lock in compliance mode."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, kept

LOG_DELIVERY_TAG = "log-delivery-target"
"""Tag on buckets that receive AWS log deliveries (S3 server access logs, ALB logs: SSE-S3 only)."""


@dataclass
class SecureBucketArgs:
    tags: dict[str, str]
    """Mandatory tags (portal data stores add `dosis-data: none`)."""
    kms_key_arn: pulumi.Input[str] | None = None
    """CMK for SSE-KMS. Required unless `log_delivery_target` is set."""
    access_log_bucket: pulumi.Input[str] | None = None
    """Bucket receiving this bucket's server access logs. Required unless `log_delivery_target`."""
    access_log_prefix: str = ""
    """Key prefix of this bucket's access logs in the log bucket."""
    log_delivery_target: bool = False
    """This bucket receives S3 server access logs and ALB access logs. Those AWS log deliveries only
    support SSE-S3, so the bucket uses AES256 instead of a CMK and does not log to itself."""
    object_lock_days: int | None = None
    """Default Object Lock retention in COMPLIANCE mode (nobody, not even root, can shorten it)."""
    expire_after_days: int | None = None
    """Delete objects (and their old versions) after this many days; None keeps them."""
    undeletable_except: pulumi.Input[str] | None = None
    """Logs that must survive 10 years where Object Lock is not allowed (log-delivery targets): nobody may
    delete objects or versions, and only this principal (the deployer) may change the bucket's policy,
    lifecycle or versioning. Expiry by the lifecycle rule is S3's own action and still applies."""
    policy_statements: Callable[[pulumi.Output[str]], list[dict[str, Any]]] | None = None
    """Extra bucket-policy statements, built from the bucket ARN (e.g. service log delivery)."""


class SecureBucket(pulumi.ComponentResource):
    """A private, encrypted, versioned, TLS-only, access-logged bucket that Pulumi will not delete."""

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:SecureBucket", name, None, opts)
        if not args.log_delivery_target and (args.kms_key_arn is None or args.access_log_bucket is None):
            raise ValueError(f"SecureBucket {name}: kms_key_arn and access_log_bucket are required")
        lock = args.object_lock_days is not None
        # A log-delivery bucket says so, so policies can tell why it uses SSE-S3 instead of a CMK.
        tags = {**args.tags, LOG_DELIVERY_TAG: "true"} if args.log_delivery_target else args.tags
        self.bucket = aws.s3.Bucket(
            name, object_lock_enabled=lock or None, force_destroy=False, tags=tags, opts=kept(self)
        )
        self.arn = self.bucket.arn
        self.name = self.bucket.bucket
        b = self.bucket.id
        ownership = aws.s3.BucketOwnershipControls(
            name, bucket=b, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child(self)
        )
        pab = aws.s3.BucketPublicAccessBlock(
            name,
            bucket=b,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child(self),
        )
        versioning = aws.s3.BucketVersioning(
            name, bucket=b, versioning_configuration={"status": "Enabled"}, opts=kept(self)
        )
        self._encryption(name, args, b)
        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                name,
                bucket=b,
                target_bucket=args.access_log_bucket,
                target_prefix=args.access_log_prefix or f"s3/{name}/",
                opts=child(self),
            )
        if lock:
            aws.s3.BucketObjectLockConfiguration(
                name,
                bucket=b,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": "COMPLIANCE", "days": args.object_lock_days}},
                opts=kept(self, depends_on=[versioning]),
            )
        self._lifecycle(name, args, b, versioning)
        extra = args.policy_statements(self.bucket.arn) if args.policy_statements else []
        if args.undeletable_except is not None:
            extra += _undeletable(self.bucket.arn, args.undeletable_except)
        self.policy = aws.s3.BucketPolicy(
            name,
            bucket=b,
            policy=policy.document(policy.tls_only(self.bucket.arn), *extra),
            opts=child(self, depends_on=[pab, ownership]),
        )
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})

    def _encryption(self, name: str, args: SecureBucketArgs, b: pulumi.Output[str]) -> None:
        """Default encryption: the CMK with a bucket key; SSE-S3 only for a log-delivery target (those
        services cannot use a CMK)."""
        if args.log_delivery_target:
            sse = {"sse_algorithm": "AES256"}
            rule: dict[str, Any] = {"apply_server_side_encryption_by_default": sse}
        else:
            sse = {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
            rule = {"apply_server_side_encryption_by_default": sse, "bucket_key_enabled": True}
        aws.s3.BucketServerSideEncryptionConfiguration(name, bucket=b, rules=[rule], opts=kept(self))

    def _lifecycle(
        self, name: str, args: SecureBucketArgs, b: pulumi.Output[str], versioning: aws.s3.BucketVersioning
    ) -> None:
        """Abort incomplete uploads after 7 days; with `expire_after_days`, expire objects (and old versions
        after 30 days)."""
        lifecycle: list[dict[str, Any]] = [
            {
                "id": "abort-incomplete-uploads",
                "status": "Enabled",
                "filter": {},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }
        ]
        if args.expire_after_days is not None:
            lifecycle.append(
                {
                    "id": "expire",
                    "status": "Enabled",
                    "filter": {},
                    "expiration": {"days": args.expire_after_days},
                    "noncurrent_version_expiration": {"noncurrent_days": 30},
                }
            )
        aws.s3.BucketLifecycleConfiguration(
            name, bucket=b, rules=lifecycle, opts=child(self, depends_on=[versioning])
        )


def _undeletable(bucket_arn: pulumi.Output[str], manager_arn: pulumi.Input[str]) -> list[dict[str, Any]]:
    """Deny object deletion to everyone; deny loosening the bucket to everyone but `manager_arn`."""
    return [
        policy.statement(
            "Deny",
            ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            pulumi.Output.concat(bucket_arn, "/*"),
            sid="LogsCannotBeDeleted",
            principal={"AWS": "*"},
        ),
        policy.statement(
            "Deny",
            [
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutLifecycleConfiguration",
                "s3:PutBucketVersioning",
            ],
            bucket_arn,
            sid="OnlyThePipelineChangesRetention",
            principal={"AWS": "*"},
            condition={"ArnNotEquals": {"aws:PrincipalArn": manager_arn}},
        ),
    ]
