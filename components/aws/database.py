"""The Drupal database: RDS MySQL, Multi-AZ, CMK-encrypted, TLS-only, IAM auth, master secret in
Secrets Manager managed by RDS, the application user's secret rotated (DPA annex 3 b.iv; D36 §107-§109)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, client_security_group, encrypted_log_group, kept, service_role
from components.aws.rotation import Rotation, rotate, rotation_security_group
from policies.core.eea import PORTAL_REGION

LOG_EXPORTS = ("audit", "error", "slowquery", "iam-db-auth-error")
"""Exported logs. Not `general`: it holds every statement with its literal values (the e-loket's personal
data); the audit plugin records connects, DDL and DCL instead."""
AUDIT_LOGS = ("audit", "iam-db-auth-error")
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
"""The seconds RDS accepts for Enhanced Monitoring (`MonitoringInterval`; 0 turns it off)."""
OS_METRICS_LOG_GROUP = "RDSOSMetrics"
"""The log group Enhanced Monitoring writes to: one per account and region, shared by every instance."""
ROTATION_DAYS = range(1, 1001)
"""Secrets Manager's `AutomaticallyAfterDays` (RotationRulesType: 1 to 1000)."""
SUPPORTED_MAJORS = ("8.4",)
"""Majors in RDS standard support at the time of writing (8.0: extended support only since 2026-08)."""


@dataclass
class MySqlDatabaseArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the database."""
    subnet_ids: list[pulumi.Input[str]]
    """Private data subnets (three AZs)."""
    kms_key_arn: pulumi.Input[str]
    """Database CMK: storage, snapshots, automated backups and Performance Insights."""
    secret_kms_key_arn: pulumi.Input[str]
    """Secrets CMK of the RDS-managed master user secret."""
    log_kms_key_arn: pulumi.Input[str]
    """Logs CMK of the exported log groups (created here so they are encrypted and retained)."""
    client_security_group_ids: list[pulumi.Input[str]]
    """Security groups allowed to connect on 3306 (the Drupal tasks)."""
    account_id: str
    """AWS account of the stack: the Enhanced Monitoring role trusts RDS for this account only."""
    tags: dict[str, str]
    """Mandatory tags; the component adds `dosis-data: none` (D36 §108)."""
    endpoint_security_group_id: pulumi.Input[str]
    """Security group of the VPC's interface endpoints (Secrets Manager, RDS) the rotation function calls."""
    identifier: str = "eloket-mysql"
    """DB instance identifier (fixed, so the log groups can be created beforehand)."""
    instance_class: str = "db.m6g.large"
    """Instance class."""
    engine_version: str = "8.4"
    """MySQL major version: 8.4 (LTS) - RDS standard support for 8.0 ended 2026-07-31."""
    allocated_storage: int = 100
    """Initial storage (GiB)."""
    max_allocated_storage: int = 500
    """Storage autoscaling ceiling (GiB)."""
    backup_retention_days: int = 35
    """Automated backup retention (in-region; never replicated outside the EEA)."""
    log_retention_days: int = 400
    """Retention of the exported technical database logs (error, slow query)."""
    audit_log_retention_days: int = 3653
    """Retention of the audit and IAM-auth logs: who connected and changed what (DPA annex 1: 10 years)."""
    multi_az: bool = True
    """Standby in a second AZ."""
    monitoring_interval: int = 60
    """Enhanced Monitoring (OS metrics of the host) every this many seconds: 1, 5, 10, 15, 30 or 60."""
    os_metrics_log_group: bool = True
    """Create the account's `RDSOSMetrics` log group under the logs CMK (else RDS creates it unencrypted by
    a CMK). False only when another database of the same account and region already created it."""
    rotation_days: int = 30
    """Days between rotations of the application user's secret (1-1000). Alternating users: a rotation sets
    the password of the user the secret does not hold now, so the one running tasks use stays valid until
    the rotation after; every task must restart within this many days."""
    app_user_secret_name_prefix: str | None = None
    """Name prefix of the application user's secret; None: `eloket/<identifier>/app-user-`. A stack that
    made the secret elsewhere keeps its prefix (a new name would replace the secret and lose its value)."""
    app_user_secret_aliases: list[pulumi.Alias] = field(default_factory=list)
    """Former URNs of that secret, so moving it here is no replacement."""


def _check(name: str, args: MySqlDatabaseArgs, major: str) -> None:
    """Refuse what RDS or Secrets Manager would reject at deploy time."""
    if major not in SUPPORTED_MAJORS:
        raise ValueError(
            f"MySqlDatabase {name}: MySQL {major} is not in RDS standard support {SUPPORTED_MAJORS}"
        )
    if args.monitoring_interval not in MONITORING_INTERVALS:
        raise ValueError(
            f"MySqlDatabase {name}: monitoring_interval {args.monitoring_interval} is not one of "
            f"{MONITORING_INTERVALS} (seconds)"
        )
    if args.rotation_days not in ROTATION_DAYS:
        raise ValueError(f"MySqlDatabase {name}: rotation_days {args.rotation_days} is not 1 to 1000")


class MySqlDatabase(pulumi.ComponentResource):
    """A private MySQL instance that refuses plaintext connections and cannot be deleted by accident."""

    def __init__(self, name: str, args: MySqlDatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:MySqlDatabase", name, None, opts)
        tags = {**args.tags, "dosis-data": "none"}
        major = ".".join(args.engine_version.split(".")[:2])
        _check(name, args, major)
        rotation_sg = rotation_security_group(name, self, args.vpc_id, tags)
        self.security_group = client_security_group(
            f"{name}-db",
            self,
            vpc_id=args.vpc_id,
            port=3306,
            clients=[*args.client_security_group_ids, rotation_sg.id],
            what="MySQL (TLS)",
            tags=tags,
        )
        subnets = aws.rds.SubnetGroup(name, subnet_ids=args.subnet_ids, tags=tags, opts=child(self))
        params, options = self._engine_groups(name, tags, major)
        log_groups = [
            encrypted_log_group(
                f"{name}-{log}",
                self,
                log_group_name=f"/aws/rds/instance/{args.identifier}/{log}",
                kms_key_arn=args.log_kms_key_arn,
                retention_in_days=(
                    args.audit_log_retention_days if log in AUDIT_LOGS else args.log_retention_days
                ),
                tags=tags,
            )
            for log in LOG_EXPORTS
        ]
        monitoring_role, os_metrics = self._monitoring(name, args, tags)
        log_groups += os_metrics
        self.instance = aws.rds.Instance(
            name,
            identifier=args.identifier,
            engine="mysql",
            engine_version=args.engine_version,
            instance_class=args.instance_class,
            allocated_storage=args.allocated_storage,
            max_allocated_storage=args.max_allocated_storage,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            username="dbadmin",
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.secret_kms_key_arn,
            iam_database_authentication_enabled=True,
            multi_az=args.multi_az,
            publicly_accessible=False,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=params.name,
            option_group_name=options.name,
            backup_retention_period=args.backup_retention_days,
            copy_tags_to_snapshot=True,
            delete_automated_backups=False,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{args.identifier}-final",
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args.kms_key_arn,
            monitoring_interval=args.monitoring_interval,
            monitoring_role_arn=monitoring_role.arn,
            auto_minor_version_upgrade=True,
            ca_cert_identifier="rds-ca-rsa2048-g1",
            tags=tags,
            opts=kept(self, depends_on=log_groups),
        )
        self._app_user(name, args, tags, rotation_sg)
        self.register_outputs({"endpoint": self.instance.endpoint, "resourceId": self.instance.resource_id,
                               "appUserSecretArn": self.app_user_secret.arn})

    def _app_user(
        self, name: str, args: MySqlDatabaseArgs, tags: dict[str, str], rotation_sg: aws.ec2.SecurityGroup
    ) -> None:
        """The application user's secret (no value in code or state) and its rotation."""
        self.app_user_secret = aws.secretsmanager.Secret(
            f"{name}-app-user",
            name_prefix=args.app_user_secret_name_prefix or f"eloket/{args.identifier}/app-user-",
            kms_key_id=args.secret_kms_key_arn,
            recovery_window_in_days=30,
            description="MySQL application user (alternating with <user>_clone); set by the bootstrap "
            "step, then by the rotation function",
            tags=tags,
            opts=kept(self, aliases=args.app_user_secret_aliases),
        )
        self.rotation = rotate(name, self, rotation_sg, Rotation(
            subnet_ids=args.subnet_ids,
            endpoint_security_group_id=args.endpoint_security_group_id,
            db_security_group_id=self.security_group.id, db_instance_arn=self.instance.arn,
            secret=self.app_user_secret, secret_kms_key_arn=args.secret_kms_key_arn,
            log_kms_key_arn=args.log_kms_key_arn, account_id=args.account_id, days=args.rotation_days,
            log_retention_days=args.log_retention_days, tags=tags,
        ))

    def _monitoring(
        self, name: str, args: MySqlDatabaseArgs, tags: dict[str, str]
    ) -> tuple[aws.iam.Role, list[aws.cloudwatch.LogGroup]]:
        """The role Enhanced Monitoring sends OS metrics with: what the AWS-managed
        AmazonRDSEnhancedMonitoringRole allows, on this account's `RDSOSMetrics` group in the portal region
        only (the managed policy allows `RDS*` groups in every region and account)."""
        group = f"arn:aws:logs:{PORTAL_REGION}:{args.account_id}:log-group:{OS_METRICS_LOG_GROUP}"
        groups = [
            encrypted_log_group(
                f"{name}-os-metrics",
                self,
                log_group_name=OS_METRICS_LOG_GROUP,
                kms_key_arn=args.log_kms_key_arn,
                retention_in_days=args.log_retention_days,
                tags=tags,
            )
        ] if args.os_metrics_log_group else []
        role = service_role(
            f"{name}-monitoring",
            self,
            service="monitoring.rds.amazonaws.com",
            account_id=args.account_id,
            statements=[
                policy.statement(
                    "Allow", ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], [group, f"{group}:*"],
                    sid="OsMetricsLogGroup",
                ),
                policy.statement(
                    "Allow",
                    ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams",
                     "logs:GetLogEvents"],
                    f"{group}:log-stream:*",
                    sid="OsMetricsLogStreams",
                ),
            ],
            tags=tags,
        )
        return role, groups

    def _engine_groups(
        self, name: str, tags: dict[str, str], major: str
    ) -> tuple[aws.rds.ParameterGroup, aws.rds.OptionGroup]:
        """Parameter group (TLS 1.2+ required) and option group (audit plugin: connects, DDL, DCL) of the
        MySQL major."""
        params = aws.rds.ParameterGroup(
            name,
            family=f"mysql{major}",
            parameters=[
                # "1": an instance parameter group's boolean is 0/1 (the RDS guide: "set
                # require_secure_transport to 1 (ON)"; instance groups report 1, cluster groups ON), the
                # form a refresh reads back and checkov's CKV2_AWS_69 requires.
                {"name": "require_secure_transport", "value": "1"},
                {"name": "tls_version", "value": "TLSv1.2,TLSv1.3", "apply_method": "pending-reboot"},
                # RDS writes the slow query log only when it is on and goes to a file ("Publishing MySQL
                # logs to Amazon CloudWatch Logs"); exported without them, its log group stays empty.
                {"name": "slow_query_log", "value": "1"},
                {"name": "log_output", "value": "FILE"},
            ],
            tags=tags,
            opts=child(self),
        )
        options = aws.rds.OptionGroup(
            name,
            engine_name="mysql",
            major_engine_version=major,
            options=[
                {
                    "option_name": "MARIADB_AUDIT_PLUGIN",
                    "option_settings": [
                        {"name": "SERVER_AUDIT_EVENTS", "value": "CONNECT,QUERY_DDL,QUERY_DCL"}
                    ],
                }
            ],
            tags=tags,
            opts=child(self),
        )
        return params, options
