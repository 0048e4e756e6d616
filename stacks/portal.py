"""Stack `portal-prod`: the e-loket (www.vlaanderenonderneemt.be) on AWS eu-west-1 (D36 §105-§117, §133).

Creation order matters for the key policies: human and workload roles first, then the keys that name
them, then the data stores and services that use the keys.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws import (
    AuditTrail,
    AuditTrailArgs,
    ContainerPlatform,
    ContainerPlatformArgs,
    ContainerService,
    ContainerServiceArgs,
    CustomerKey,
    CustomerKeyArgs,
    HumanRoles,
    HumanRolesArgs,
    MemcachedCache,
    MemcachedCacheArgs,
    MySqlDatabase,
    MySqlDatabaseArgs,
    PortalNetwork,
    PortalNetworkArgs,
    PrivacyLog,
    PrivacyLogArgs,
    SecureBucket,
    SecureBucketArgs,
    SecurityMonitoring,
    SecurityMonitoringArgs,
    WebEntry,
    WebEntryArgs,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from components.aws import policy as iam
from components.aws.audit import CONFIG_ROLE_NAME
from components.aws.keys import (
    alarm_publisher_statement,
    cloudtrail_service_statements,
    logs_service_statement,
    named_role_user_statement,
)
from components.aws.web import alb_log_delivery_statements, s3_log_delivery_statements
from components.common.tags import Tags
from policies.core.eea import PORTAL_REGION
from stacks import sovereignty
from stacks.config import ConfigError, load
from stacks.sovereignty_config import PortalSovereignty

DRUPAL_PATHS = ("/api/*", "/jsonapi/*", "/user/*", "/admin/*", "/sites/*")
FRONTEND_PATHS = ("/*",)
NO_DOSIS_DATA = {"dosis-data": "none"}


@dataclass(frozen=True)
class PortalConfig(PortalSovereignty):
    """Keys of `stacks/Pulumi.portal-prod.yaml` (namespace `dosis-eloket:`, camelCase)."""

    account_id: str
    """The e-loket AWS account (12 digits); the provider refuses any other account."""
    pia_reference: str
    """PIA record covering this deployment (stacks/records/)."""
    controller: str = "Agentschap Innoveren en Ondernemen (VLAIO)"
    """Controller of the e-loket data."""
    deployer_role_name: str = "eloket-deployer"
    """Role of the deployment pipeline (manages keys, never uses them directly)."""
    vpc_cidr: str = "10.20.0.0/16"
    """VPC address space (must not overlap the DOSIS VNet)."""
    vpn_amazon_side_asn: int = 64512
    """BGP ASN of the virtual private gateway."""
    domain_name: str = "www.vlaanderenonderneemt.be"
    """Public host name of the e-loket."""
    certificate_arn: str | None = None
    """Existing ACM certificate; none requests one (DNS validation)."""
    drupal_image_tag: str = "1.0.0"
    """Immutable tag of the Drupal image in ECR `eloket/drupal`."""
    frontend_image_tag: str = "1.0.0"
    """Immutable tag of the front-end server image in ECR `eloket/frontend`."""
    drupal_desired_count: int = 3
    """Drupal tasks."""
    db_instance_class: str = "db.m6g.large"
    """RDS instance class."""
    db_allocated_storage: int = 100
    """RDS storage (GiB)."""
    db_backup_retention_days: int = 35
    """RDS automated backup retention (days, in-region)."""
    cache_node_type: str = "cache.t4g.small"
    """Memcached node type."""
    cache_nodes: int = 3
    """Memcached nodes."""
    log_retention_days: int = 400
    """Retention of technical and traffic logs (flow, WAF, container, database logs)."""
    access_log_retention_days: int = 3653
    """Retention of ALB and S3 access logs (transaction metadata, 10 years, DPA annex 1)."""


def _validate(cfg: PortalConfig) -> None:
    file = f"stacks/Pulumi.{pulumi.get_stack()}.yaml"
    if not re.fullmatch(r"\d{12}", cfg.account_id):
        raise ConfigError(f"{file}: dosis-eloket:accountId: expected 12 digits, got {cfg.account_id!r}")
    try:
        net = ipaddress.ip_network(cfg.vpc_cidr)
        usable = net.version == 4 and net.is_private and net.prefixlen <= 24
    except ValueError:
        usable = False
    if not usable:  # four tiers x three AZs need at least a /24
        raise ConfigError(
            f"{file}: dosis-eloket:vpcCidr: expected a private IPv4 CIDR of /24 or larger, "
            f"got {cfg.vpc_cidr!r}"
        )
    if cfg.certificate_arn is not None and f":{PORTAL_REGION}:" not in cfg.certificate_arn:
        raise ConfigError(f"{file}: dosis-eloket:certificateArn: certificate must live in {PORTAL_REGION}")


def main() -> None:
    cfg = load(PortalConfig)
    _validate(cfg)
    acct = cfg.account_id
    tags = Tags(system="e-loket", controller=cfg.controller, pia_reference=cfg.pia_reference).as_dict()
    store_tags = {**tags, **NO_DOSIS_DATA}
    provider = aws.Provider("portal", region=PORTAL_REGION, allowed_account_ids=[acct])
    opts = pulumi.ResourceOptions(provider=provider)
    deployer = iam.role_arn(acct, cfg.deployer_role_name)

    # 1. Principals: MFA-only human roles and one identity per workload.
    people = HumanRoles("people", HumanRolesArgs(account_id=acct, tags=tags), opts=opts)
    drupal_id = WorkloadIdentity("drupal", WorkloadIdentityArgs(account_id=acct, tags=tags), opts=opts)
    frontend_id = WorkloadIdentity("frontend", WorkloadIdentityArgs(account_id=acct, tags=tags), opts=opts)

    # 2. Keys, one per purpose; the key-admin role manages them and can never use them. Their custody
    # (KMS, imported material, XKS or CloudHSM) is the stack's `keyCustody` (docs/sovereignty.md).
    store = sovereignty.portal_key_store(cfg, opts)

    def key(purpose: str, **kwargs) -> CustomerKey | sovereignty.ControllerKey:
        return sovereignty.portal_key(
            f"{purpose}-key",
            CustomerKeyArgs(
                purpose=purpose,
                tags=tags,
                admin_arns=[people.arn("key-admin")],
                deployer_arn=deployer,
                **kwargs,
            ),
            cfg,
            store,
            opts,
        )

    logs_key = key("logs", service_statements=[logs_service_statement(acct), alarm_publisher_statement(acct)])
    trail_key = key(
        "trail",
        service_statements=[
            *cloudtrail_service_statements(acct),
            named_role_user_statement(acct, iam.role_arn(acct, CONFIG_ROLE_NAME), ("s3",)),
        ],
    )
    database_key = key("database", deployer_via_services=("rds",))
    secrets_key = key(
        "secrets",
        user_arns=[drupal_id.execution_role.arn, people.arn("db-structure-admin")],
        via_services=("secretsmanager",),
        deployer_via_services=("secretsmanager", "rds"),
    )
    static_key = key(
        "static",
        user_arns=[frontend_id.task_role.arn, drupal_id.task_role.arn],
        via_services=("s3",),
        deployer_via_services=("s3", "ecr"),
    )

    # 3. Network, logs and buckets.
    net = PortalNetwork(
        "portal",
        PortalNetworkArgs(
            tags=tags,
            account_id=acct,
            flow_log_kms_key_arn=logs_key.arn,
            cidr=cfg.vpc_cidr,
            vpn_amazon_side_asn=cfg.vpn_amazon_side_asn,
            flow_log_retention_days=cfg.log_retention_days,
        ),
        opts=opts,
    )
    access_logs = SecureBucket(
        "access-logs",
        SecureBucketArgs(
            tags=store_tags,
            log_delivery_target=True,
            expire_after_days=cfg.access_log_retention_days,
            policy_statements=lambda arn: [
                *alb_log_delivery_statements(arn, acct),
                *s3_log_delivery_statements(arn, acct),
            ],
        ),
        opts=opts,
    )

    def publisher_only(arn: pulumi.Output[str]) -> list[dict]:
        return [
            iam.statement(
                "Deny",
                ["s3:PutObject", "s3:DeleteObject*"],
                pulumi.Output.concat(arn, "/*"),
                sid="OnlyThePipelinePublishes",
                principal={"AWS": "*"},
                condition={"ArnNotEquals": {"aws:PrincipalArn": deployer}},
            )
        ]

    frontend_bucket = SecureBucket(
        "frontend",
        SecureBucketArgs(
            tags=store_tags,
            kms_key_arn=static_key.arn,
            access_log_bucket=access_logs.name,
            policy_statements=publisher_only,
        ),
        opts=opts,
    )
    config_bucket = SecureBucket(
        "drupal-config",
        SecureBucketArgs(
            tags=store_tags,
            kms_key_arn=static_key.arn,
            access_log_bucket=access_logs.name,
            policy_statements=publisher_only,
        ),
        opts=opts,
    )
    privacy = PrivacyLog("privacy", PrivacyLogArgs(kms_key_arn=logs_key.arn, tags=tags), opts=opts)
    trail = AuditTrail(
        "audit",
        AuditTrailArgs(
            account_id=acct,
            tags=tags,
            trail_kms_key_arn=trail_key.arn,
            logs_kms_key_arn=logs_key.arn,
            access_log_bucket=access_logs.name,
            cloudwatch_retention_days=cfg.log_retention_days,
        ),
        opts=opts,
    )
    monitoring = SecurityMonitoring(
        "security",
        SecurityMonitoringArgs(
            account_id=acct,
            tags=tags,
            trail_log_group_name=trail.log_group.name,
            topic_kms_key_arn=logs_key.arn,
            config_bucket=trail.bucket.name,
            config_kms_key_arn=trail_key.arn,
        ),
        opts=opts,
    )

    # 4. Data stores: MySQL and the transient cache admit only the app security group.
    app_sg = net.app_security_group.id
    db = MySqlDatabase(
        "drupal",
        MySqlDatabaseArgs(
            vpc_id=net.vpc.id,
            subnet_ids=net.subnet_ids("data"),
            kms_key_arn=database_key.arn,
            secret_kms_key_arn=secrets_key.arn,
            log_kms_key_arn=logs_key.arn,
            client_security_group_ids=[app_sg],
            tags=tags,
            instance_class=cfg.db_instance_class,
            allocated_storage=cfg.db_allocated_storage,
            backup_retention_days=cfg.db_backup_retention_days,
            log_retention_days=cfg.log_retention_days,
        ),
        opts=opts,
    )
    cache = MemcachedCache(
        "drupal",
        MemcachedCacheArgs(
            vpc_id=net.vpc.id,
            subnet_ids=net.subnet_ids("cache"),
            client_security_group_ids=[app_sg],
            tags=tags,
            node_type=cfg.cache_node_type,
            num_nodes=cfg.cache_nodes,
        ),
        opts=opts,
    )

    # 5. Compute: the ALB (WAF, TLS 1.3 policy) in front of two Fargate services.
    platform = ContainerPlatform(
        "eloket", ContainerPlatformArgs(tags=tags, image_kms_key_arn=static_key.arn), opts=opts
    )
    entry = WebEntry(
        "eloket",
        WebEntryArgs(
            vpc_id=net.vpc.id,
            public_subnet_ids=net.subnet_ids("public"),
            access_log_bucket=access_logs.name,
            waf_log_kms_key_arn=logs_key.arn,
            tags=tags,
            domain_name=cfg.domain_name,
            certificate_arn=cfg.certificate_arn,
            vpc_cidr=cfg.vpc_cidr,
            log_retention_days=cfg.log_retention_days,
        ),
        opts=opts,
    )

    def service(name: str, identity: WorkloadIdentity, tag: str, **kwargs) -> ContainerService:
        return ContainerService(
            name,
            ContainerServiceArgs(
                cluster_arn=platform.cluster.arn,
                identity=identity,
                vpc_id=net.vpc.id,
                subnet_ids=net.subnet_ids("app"),
                vpc_cidr=cfg.vpc_cidr,
                s3_prefix_list_id=net.s3_endpoint.prefix_list_id,
                listener_arn=entry.https_listener.arn,
                alb_security_group_id=entry.security_group.id,
                image=pulumi.Output.concat(platform.repositories[name].repository_url, ":", tag),
                log_kms_key_arn=logs_key.arn,
                tags=tags,
                log_retention_days=cfg.log_retention_days,
                **kwargs,
            ),
            opts=opts,
        )

    service(
        "drupal",
        drupal_id,
        cfg.drupal_image_tag,
        path_patterns=DRUPAL_PATHS,
        priority=10,
        desired_count=cfg.drupal_desired_count,
        security_group_id=app_sg,
        egress_ports=(443, 3306, 11211),
        secret_names=("DB_CREDENTIALS", "DRUPAL_HASH_SALT"),
        secrets_kms_key_arn=secrets_key.arn,
        environment={
            "DB_HOST": db.instance.address,
            "MEMCACHED_ENDPOINT": cache.cluster.configuration_endpoint,
            "CONFIG_BUCKET": config_bucket.name,
            "PRIVACY_LOG_GROUP": privacy.log_group.name,
        },
        task_statements=[
            iam.statement(
                "Allow",
                ["s3:GetObject"],
                pulumi.Output.concat(config_bucket.arn, "/*"),
                sid="ReadConfiguration",
            ),
            iam.statement(
                "Allow",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                pulumi.Output.concat(privacy.arn, ":*"),
                sid="WritePrivacyLog",
            ),
        ],
    )
    service(
        "frontend",
        frontend_id,
        cfg.frontend_image_tag,
        path_patterns=FRONTEND_PATHS,
        priority=100,
        desired_count=3,
        environment={"CONTENT_BUCKET": frontend_bucket.name},
        task_statements=[
            iam.statement(
                "Allow", ["s3:GetObject"], pulumi.Output.concat(frontend_bucket.arn, "/*"), sid="ReadFrontEnd"
            )
        ],
    )

    sovereignty.portal_log_archive(cfg, acct, store_tags)

    pulumi.export("vpnGatewayId", net.vpn_gateway.id)
    pulumi.export("vpcId", net.vpc.id)
    pulumi.export("vpcCidr", net.cidr)
    pulumi.export("appSubnetCidrs", net.app_subnet_cidrs)
    pulumi.export("appSecurityGroupId", app_sg)
    pulumi.export("privateRouteTableIds", [t.id for t in net.app_route_tables])
    pulumi.export("socTopicArn", monitoring.topic.arn)
    pulumi.export("region", PORTAL_REGION)
    # Read by interconnect-prod: the VPN tunnel log group is encrypted with the portal's logs key.
    pulumi.export("logsKmsKeyArn", logs_key.arn)
