"""Who did what, when (CloudTrail, DPA annex 3 b.vii), the CloudWatch SIEM for root use and master-key
management, GuardDuty, AWS Config, and the privacy log (DPA annex 3 a.iii; annex 1: 10 years)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws import policy
from components.aws.bucket import SecureBucket, SecureBucketArgs
from components.aws.common import child, encrypted_log_group, service_role

TEN_YEARS_DAYS = 3653
CONFIG_ROLE_NAME = "eloket-config"
"""Fixed so the trail key policy can name the AWS Config role before it exists."""


def _any_event(*names: str, source: str | None = None) -> str:
    """A CloudWatch Logs filter pattern matching any of the CloudTrail event names."""
    events = " || ".join(f"($.eventName = {n})" for n in names)
    return f"{{ ($.eventSource = {source}) && ({events}) }}" if source else f"{{ {events} }}"


# CIS AWS Foundations metric filters, plus break-glass use (PAM, D36 §115).
ALARM_PATTERNS: dict[str, str] = {
    "root-account-use": (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }'
    ),
    "console-signin-without-mfa": (
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'
    ),
    "unauthorized-api-calls": (
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    ),
    "iam-policy-changes": _any_event(
        "DeleteGroupPolicy",
        "DeleteRolePolicy",
        "DeleteUserPolicy",
        "PutGroupPolicy",
        "PutRolePolicy",
        "PutUserPolicy",
        "CreatePolicy",
        "DeletePolicy",
        "CreatePolicyVersion",
        "DeletePolicyVersion",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "AttachUserPolicy",
        "DetachUserPolicy",
        "AttachGroupPolicy",
        "DetachGroupPolicy",
        "UpdateAssumeRolePolicy",
        "PutRolePermissionsBoundary",
        "DeleteRolePermissionsBoundary",
        source="iam.amazonaws.com",
    ),
    "cloudtrail-changes": _any_event(
        "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging", "PutEventSelectors"
    ),
    "kms-key-disable-or-deletion": _any_event(
        "DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy", "DisableKeyRotation", source="kms.amazonaws.com"
    ),
    "security-group-changes": _any_event(
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
    ),
    "nacl-changes": _any_event(
        "CreateNetworkAcl",
        "CreateNetworkAclEntry",
        "DeleteNetworkAcl",
        "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry",
        "ReplaceNetworkAclAssociation",
    ),
    "network-changes": _any_event(
        "CreateCustomerGateway",
        "DeleteCustomerGateway",
        "AttachInternetGateway",
        "CreateInternetGateway",
        "DeleteInternetGateway",
        "DetachInternetGateway",
        "CreateRoute",
        "DeleteRoute",
        "ReplaceRoute",
        "CreateVpnConnection",
        "DeleteVpnConnection",
        "ModifyVpcAttribute",
        "DeleteVpc",
        "CreateVpcPeeringConnection",
        "AttachVpnGateway",
        "DetachVpnGateway",
    ),
    "break-glass-use": '{ ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*break-glass*") }',
}


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


class AuditTrail(pulumi.ComponentResource):
    """Multi-region trail with global events and file validation into an Object-Locked bucket."""

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:AuditTrail", name, None, opts)
        acct = args.account_id
        trail_arn = f"arn:aws:cloudtrail:*:{acct}:trail/{args.name}"

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


@dataclass
class SecurityMonitoringArgs:
    account_id: str
    """AWS account id."""
    tags: dict[str, str]
    """Mandatory tags."""
    trail_log_group_name: pulumi.Input[str]
    """CloudWatch log group receiving the trail."""
    topic_kms_key_arn: pulumi.Input[str]
    """CMK of the SOC topic."""
    config_bucket: pulumi.Input[str]
    """Bucket for AWS Config snapshots (the trail bucket, prefix `config/`)."""
    config_kms_key_arn: pulumi.Input[str]
    """CMK for AWS Config deliveries."""
    alarm_patterns: dict[str, str] | None = None
    """Metric filters raising SOC alarms; None = ALARM_PATTERNS."""
    guardduty: bool = True
    """Enable GuardDuty (threat detection)."""


class SecurityMonitoring(pulumi.ComponentResource):
    """The SIEM on CloudWatch: metric filters and alarms to an encrypted SOC topic, GuardDuty, Config."""

    def __init__(self, name: str, args: SecurityMonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:SecurityMonitoring", name, None, opts)
        tags = args.tags
        self.topic = aws.sns.Topic(
            f"{name}-soc", kms_master_key_id=args.topic_kms_key_arn, tags=tags, opts=child(self)
        )
        namespace = "eloket/security"
        for alarm, pattern in (args.alarm_patterns or ALARM_PATTERNS).items():
            metric = alarm.replace("-", " ").title().replace(" ", "")
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{alarm}",
                log_group_name=args.trail_log_group_name,
                pattern=pattern,
                metric_transformation={"name": metric, "namespace": namespace, "value": "1"},
                opts=child(self),
            )
            aws.cloudwatch.MetricAlarm(
                f"{name}-{alarm}",
                alarm_description=f"SOC: {alarm.replace('-', ' ')}",
                metric_name=metric,
                namespace=namespace,
                statistic="Sum",
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[self.topic.arn],
                tags=tags,
                opts=child(self),
            )
        if args.guardduty:
            detector = aws.guardduty.Detector(
                f"{name}-guardduty",
                enable=True,
                finding_publishing_frequency="FIFTEEN_MINUTES",
                tags=tags,
                opts=child(self),
            )
            rule = aws.cloudwatch.EventRule(
                f"{name}-guardduty-findings",
                event_pattern=pulumi.Output.json_dumps(
                    {
                        "source": ["aws.guardduty"],
                        "detail-type": ["GuardDuty Finding"],
                        "detail": {"severity": [{"numeric": [">=", 4]}]},
                    }
                ),
                tags=tags,
                opts=child(self, depends_on=[detector]),
            )
            aws.cloudwatch.EventTarget(
                f"{name}-guardduty-findings", rule=rule.name, arn=self.topic.arn, opts=child(self)
            )
        aws.sns.TopicPolicy(
            f"{name}-soc",
            arn=self.topic.arn,
            policy=policy.document(
                policy.statement(
                    "Allow",
                    ["sns:Publish"],
                    self.topic.arn,
                    sid="AlarmPublishers",
                    principal={"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                    condition={"StringEquals": {"aws:SourceAccount": args.account_id}},
                )
            ),
            opts=child(self),
        )
        config_role = service_role(
            f"{name}-config",
            self,
            service="config.amazonaws.com",
            account_id=args.account_id,
            role_name=CONFIG_ROLE_NAME,
            statements=[
                policy.statement(
                    "Allow",
                    ["s3:PutObject", "s3:GetBucketAcl"],
                    [
                        pulumi.Output.concat("arn:aws:s3:::", args.config_bucket),
                        pulumi.Output.concat("arn:aws:s3:::", args.config_bucket, "/config/*"),
                    ],
                    sid="Deliver",
                ),
                policy.statement(
                    "Allow",
                    ["kms:GenerateDataKey", "kms:Decrypt"],
                    args.config_kms_key_arn,
                    sid="EncryptDeliveries",
                ),
            ],
            tags=tags,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-config",
            role=config_role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
            opts=child(self),
        )
        recorder = aws.cfg.Recorder(
            f"{name}-config",
            name="eloket",
            role_arn=config_role.arn,
            recording_group={"all_supported": True, "include_global_resource_types": True},
            opts=child(self),
        )
        channel = aws.cfg.DeliveryChannel(
            f"{name}-config",
            name="eloket",
            s3_bucket_name=args.config_bucket,
            s3_key_prefix="config",
            s3_kms_key_arn=args.config_kms_key_arn,
            opts=child(self, depends_on=[recorder]),
        )
        aws.cfg.RecorderStatus(
            f"{name}-config", name=recorder.name, is_enabled=True, opts=child(self, depends_on=[channel])
        )
        self.config_role = config_role
        self.register_outputs({"socTopicArn": self.topic.arn})


@dataclass
class PrivacyLogArgs:
    kms_key_arn: pulumi.Input[str]
    """Logs CMK."""
    tags: dict[str, str]
    """Mandatory tags; adds `dosis-data: none`."""
    retention_days: int = TEN_YEARS_DAYS
    """Who consulted which data about whom, when, why — kept 10 years (DPA annex 1, annex 3 a.iii)."""
    log_group_name: str = "/eloket/privacy"
    """Log group name the application writes to."""


class PrivacyLog(pulumi.ComponentResource):
    """The privacy log (PROT 13°): a CMK-encrypted, protected log group with 10-year retention."""

    def __init__(self, name: str, args: PrivacyLogArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:PrivacyLog", name, None, opts)
        if args.retention_days < TEN_YEARS_DAYS:
            raise ValueError(f"PrivacyLog {name}: retention must be at least {TEN_YEARS_DAYS} days")
        self.log_group = encrypted_log_group(
            name,
            self,
            log_group_name=args.log_group_name,
            kms_key_arn=args.kms_key_arn,
            retention_in_days=args.retention_days,
            tags={**args.tags, "dosis-data": "none"},
        )
        self.arn = self.log_group.arn
        self.register_outputs({"arn": self.log_group.arn})
