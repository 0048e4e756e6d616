"""Stack `portal-prod`: the e-loket (www.vlaanderenonderneemt.be) on AWS eu-west-1 (D36 §105-§117, §133).

One function per layer, in creation order: human and workload roles first, then the keys that name
them, network, logs and buckets, data stores, and the compute behind the public entry.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.aws import (
    AuditTrail,
    AuditTrailArgs,
    ContainerPlatform,
    ContainerPlatformArgs,
    ContainerService,
    ContainerServiceArgs,
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
)
from components.aws import policy as iam
from components.aws.files import SharedFiles, SharedFilesArgs
from components.aws.web import alb_log_delivery_statements, s3_log_delivery_statements
from components.common.tags import Tags
from policies.core.eea import PORTAL_REGION
from stacks import sovereignty
from stacks.config import load
from stacks.portal_config import PortalConfig, validate
from stacks.portal_keys import Ctx, principals
from stacks.portal_keys import keys as make_keys

DRUPAL_PATHS = ("/api/*", "/jsonapi/*", "/user/*", "/admin/*", "/sites/*")
FRONTEND_PATHS = ("/*",)
DRUPAL_FILES = "/var/www/html/sites/default/files"
DOSIS_UIT_DEFAULT = ("https://dosis-uit-weu.azurewebsites.net", "https://dosis-uit-neu.azurewebsites.net")


def _logs(c: Ctx, keys: dict) -> dict:
    """Network, the log-delivery bucket, content buckets, privacy log, trail and the SIEM."""
    cfg = c.cfg
    net = PortalNetwork(
        "portal",
        PortalNetworkArgs(
            tags=c.tags,
            account_id=c.acct,
            flow_log_kms_key_arn=keys["logs"].arn,
            cidr=cfg.vpc_cidr,
            vpn_amazon_side_asn=cfg.vpn_amazon_side_asn,
            flow_log_retention_days=cfg.log_retention_days,
            declared_egress=bool(cfg.magda_egress_cidrs),
        ),
        opts=c.opts,
    )
    access_logs = SecureBucket(
        "access-logs",
        SecureBucketArgs(
            tags=c.store_tags,
            log_delivery_target=True,
            expire_after_days=cfg.access_log_retention_days,
            undeletable_except=c.deployer,
            policy_statements=lambda arn: [
                *alb_log_delivery_statements(arn, c.acct),
                *s3_log_delivery_statements(arn, c.acct),
            ],
        ),
        opts=c.opts,
    )

    def publisher_only(arn: pulumi.Output[str]) -> list[dict]:
        return [
            iam.statement(
                "Deny",
                ["s3:PutObject", "s3:DeleteObject*"],
                pulumi.Output.concat(arn, "/*"),
                sid="OnlyThePipelinePublishes",
                principal={"AWS": "*"},
                condition={"ArnNotEquals": {"aws:PrincipalArn": c.deployer}},
            )
        ]

    def content(name: str) -> SecureBucket:
        return SecureBucket(
            name,
            SecureBucketArgs(
                tags=c.store_tags,
                kms_key_arn=keys["static"].arn,
                access_log_bucket=access_logs.name,
                policy_statements=publisher_only,
            ),
            opts=c.opts,
        )

    _, monitoring = _audit(c, keys, access_logs)
    return {
        "net": net,
        "access_logs": access_logs,
        "frontend_bucket": content("frontend"),
        "config_bucket": content("drupal-config"),
        "privacy": PrivacyLog(
            "privacy", PrivacyLogArgs(kms_key_arn=keys["logs"].arn, tags=c.tags), opts=c.opts
        ),
        "monitoring": monitoring,
    }


def _audit(c: Ctx, keys: dict, access_logs: SecureBucket) -> tuple[AuditTrail, SecurityMonitoring]:
    """CloudTrail into its Object-Locked bucket, and the CloudWatch SIEM fed by it."""
    cfg = c.cfg
    trail = AuditTrail(
        "audit",
        AuditTrailArgs(
            account_id=c.acct,
            tags=c.tags,
            trail_kms_key_arn=keys["trail"].arn,
            logs_kms_key_arn=keys["logs"].arn,
            access_log_bucket=access_logs.name,
            cloudwatch_retention_days=cfg.log_retention_days,
        ),
        opts=c.opts,
    )
    monitoring = SecurityMonitoring(
        "security",
        SecurityMonitoringArgs(
            account_id=c.acct,
            tags=c.tags,
            trail_log_group_name=trail.log_group.name,
            topic_kms_key_arn=keys["logs"].arn,
            config_bucket=trail.bucket.name,
            config_kms_key_arn=keys["trail"].arn,
        ),
        opts=c.opts,
    )
    return trail, monitoring


def _data(c: Ctx, keys: dict, net: PortalNetwork) -> tuple[MySqlDatabase, MemcachedCache, SharedFiles]:
    """MySQL, the transient cache and the shared files admit only the app security group."""
    cfg = c.cfg
    app_sg = net.app_security_group.id
    db = MySqlDatabase(
        "drupal",
        MySqlDatabaseArgs(
            vpc_id=net.vpc.id,
            subnet_ids=net.subnet_ids("data"),
            kms_key_arn=keys["database"].arn,
            secret_kms_key_arn=keys["secrets"].arn,
            log_kms_key_arn=keys["logs"].arn,
            client_security_group_ids=[app_sg],
            account_id=c.acct,
            tags=c.tags,
            instance_class=cfg.db_instance_class,
            allocated_storage=cfg.db_allocated_storage,
            backup_retention_days=cfg.db_backup_retention_days,
            log_retention_days=cfg.log_retention_days,
            endpoint_security_group_id=net.endpoint_security_group.id,
            # The application user's secret was the Drupal service's DB_CREDENTIALS: kept, not replaced.
            app_user_secret_name_prefix="eloket/drupal/db_credentials-",
            app_user_secret_aliases=[pulumi.Alias(name="drupal-db-credentials", parent=_urn(
                "dosis-eloket:aws:ContainerService", "drupal"))],
        ),
        opts=c.opts,
    )
    cache = MemcachedCache(
        "drupal",
        MemcachedCacheArgs(
            vpc_id=net.vpc.id,
            subnet_ids=net.subnet_ids("cache"),
            client_security_group_ids=[app_sg],
            tags=c.tags,
            node_type=cfg.cache_node_type,
            num_nodes=cfg.cache_nodes,
        ),
        opts=c.opts,
    )
    files = SharedFiles(
        "drupal-files",
        SharedFilesArgs(
            vpc_id=net.vpc.id,
            subnet_ids=net.subnet_ids("app"),
            client_security_group_ids=[app_sg],
            kms_key_arn=keys["files"].arn,
            account_id=c.acct,
            tags=c.tags,
        ),
        opts=c.opts,
    )
    return db, cache, files


def _compute(c: Ctx, keys: dict, logs: dict, data: tuple, identities: tuple) -> None:
    """The ALB (after its log bucket's policy) in front of two Fargate services."""
    cfg, net = c.cfg, logs["net"]
    drupal_id, frontend_id = identities
    platform = ContainerPlatform(
        "eloket",
        ContainerPlatformArgs(
            tags=c.tags,
            image_kms_key_arn=keys["static"].arn,
            log_kms_key_arn=keys["logs"].arn,
            log_retention_days=cfg.log_retention_days,
        ),
        opts=c.opts,
    )
    entry = WebEntry(
        "eloket",
        WebEntryArgs(
            vpc_id=net.vpc.id,
            public_subnet_ids=net.subnet_ids("public"),
            access_log_bucket=logs["access_logs"].name,
            waf_log_kms_key_arn=keys["logs"].arn,
            tags=c.tags,
            domain_name=cfg.domain_name,
            certificate_arn=cfg.certificate_arn,
            vpc_cidr=cfg.vpc_cidr,
            log_retention_days=cfg.log_retention_days,
            access_log_ready=[logs["access_logs"].policy],
        ),
        opts=c.opts,
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
                image_repository_arn=platform.repositories[name].arn,
                log_kms_key_arn=keys["logs"].arn,
                tags=c.tags,
                log_retention_days=cfg.log_retention_days,
                **kwargs,
            ),
            opts=c.opts,
        )

    _drupal(c, service, keys, logs, data, drupal_id)
    frontend_bucket = logs["frontend_bucket"]
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


def _drupal(c: Ctx, service, keys: dict, logs: dict, data: tuple, drupal_id: WorkloadIdentity) -> None:
    """Drupal: shared files on EFS, scratch space, JSON-key secrets, MAGDA as its only internet peer."""
    cfg, net = c.cfg, logs["net"]
    db, cache, files = data
    config_bucket, privacy = logs["config_bucket"], logs["privacy"]
    service(
        "drupal",
        drupal_id,
        cfg.drupal_image_tag,
        path_patterns=DRUPAL_PATHS,
        priority=10,
        desired_count=cfg.drupal_desired_count,
        security_group_id=net.app_security_group.id,
        egress_ports=(443, 2049, 3306, 11211),
        declared_egress_cidrs=tuple(cfg.magda_egress_cidrs or ()),
        # Filled once by the bootstrap step of docs/runbook-portal.md (no secret value in code or state);
        # DB_CREDENTIALS is the database's application-user secret, rotated there.
        secret_names=("DRUPAL_HASH_SALT",),
        external_secrets={"DB_CREDENTIALS": db.app_user_secret.arn},
        secret_keys={
            "DB_USER": ("DB_CREDENTIALS", "username"),
            "DB_PASSWORD": ("DB_CREDENTIALS", "password"),
        },
        secrets_kms_key_arn=keys["secrets"].arn,
        volumes=[(files.volume(), DRUPAL_FILES)],
        environment={
            "DB_HOST": db.instance.address,
            "MEMCACHED_ENDPOINT": cache.cluster.configuration_endpoint,
            "CONFIG_BUCKET": config_bucket.name,
            "PRIVACY_LOG_GROUP": privacy.log_group.name,
            # Resolved privately (Route 53 zone of interconnect-prod); the client fails over in this order.
            "DOSIS_UIT_ENDPOINTS": ",".join(cfg.dosis_uit_endpoints or DOSIS_UIT_DEFAULT),
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
            files.client_statement(),
        ],
    )


def _urn(type_: str, name: str) -> str:
    """URN of a top-level resource of this stack (for aliases of resources that moved)."""
    return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{type_}::{name}"


def main() -> None:
    cfg = load(PortalConfig)
    validate(cfg)
    provider = aws.Provider("portal", region=PORTAL_REGION, allowed_account_ids=[cfg.account_id])
    tags = Tags(system="e-loket", controller=cfg.controller, pia_reference=cfg.pia_reference).as_dict()
    c = Ctx(
        cfg,
        cfg.account_id,
        tags,
        pulumi.ResourceOptions(provider=provider),
        iam.role_arn(cfg.account_id, cfg.deployer_role_name),
    )
    people, drupal_id, frontend_id = principals(c)
    keys = make_keys(c, people, drupal_id, frontend_id)
    logs = _logs(c, keys)
    net = logs["net"]
    data = _data(c, keys, net)
    _compute(c, keys, logs, data, (drupal_id, frontend_id))
    sovereignty.portal_log_archive(cfg, cfg.account_id, c.store_tags)  # docs/sovereignty.md

    pulumi.export("vpnGatewayId", net.vpn_gateway.id)
    pulumi.export("vpnAmazonSideAsn", cfg.vpn_amazon_side_asn)
    pulumi.export("vpcId", net.vpc.id)
    pulumi.export("vpcCidr", net.cidr)
    pulumi.export("appSubnetCidrs", net.app_subnet_cidrs)
    pulumi.export("appSecurityGroupId", net.app_security_group.id)
    pulumi.export("privateRouteTableIds", [t.id for t in net.app_route_tables])
    pulumi.export("socTopicArn", logs["monitoring"].topic.arn)
    pulumi.export("region", PORTAL_REGION)
    # Read by interconnect-prod: the VPN tunnel log group is encrypted with the portal's logs key.
    pulumi.export("logsKmsKeyArn", keys["logs"].arn)
