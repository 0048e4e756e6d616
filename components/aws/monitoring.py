"""The CloudWatch SIEM of the e-loket: metric filters and alarms for root use, IAM and key changes, GuardDuty
findings and AWS Config, all paging an encrypted SOC topic (DPA annex 3 b.vii; D36 §115)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, service_role

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
    # A secret whose rotation failed keeps its old credentials (alternating users: they expire at the next
    # rotation); Secrets Manager logs these to CloudTrail ("AWS CloudTrail entries for Secrets Manager").
    "secret-rotation-failed": _any_event(
        "RotationFailed", "RotationAbandoned", source="secretsmanager.amazonaws.com"
    ),
}


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
        self._alarms(name, args, tags)
        if args.guardduty:
            self._guardduty(name, args, tags)
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
        self._config(name, args, tags)
        self.register_outputs({"socTopicArn": self.topic.arn})

    def _alarms(self, name: str, args: SecurityMonitoringArgs, tags: dict[str, str]) -> None:
        """The encrypted SOC topic, and per alarm pattern a metric filter on the trail's log group with its
        alarm."""
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

    def _guardduty(self, name: str, args: SecurityMonitoringArgs, tags: dict[str, str]) -> None:
        """GuardDuty, its findings of severity 4 and up sent to the SOC topic."""
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

    def _config(self, name: str, args: SecurityMonitoringArgs, tags: dict[str, str]) -> None:
        """AWS Config: a recorder of all resources, delivering encrypted to the config bucket."""
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
