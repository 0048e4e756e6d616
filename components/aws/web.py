"""The public entry (ALB with TLS 1.3 policy, HTTP→HTTPS redirect, regional WAF) and the Fargate
services behind it, each with its own roles (DPA annex 3 a.i.3, a.ii, b.v)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws import policy
from components.aws.common import child, encrypted_log_group, kept
from components.aws.identity import WorkloadIdentity
from policies.core.eea import PORTAL_REGION

MODERN_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
HSTS = "max-age=31536000; includeSubDomains"
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesPHPRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
# Regions opened before August 2022 deliver ALB logs from a regional ELB account.
ELB_LOG_ACCOUNTS = {
    "eu-west-1": "156460612806",
    "eu-west-3": "009996457667",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
}


def alb_log_delivery_statements(
    bucket_arn: pulumi.Output[str], account_id: str, region: str = PORTAL_REGION, prefix: str = "alb"
) -> list[dict[str, Any]]:
    """Bucket-policy statements letting ELB deliver access logs of this account into `prefix/`."""
    if region in ELB_LOG_ACCOUNTS:
        principal: dict[str, Any] = {"AWS": f"arn:aws:iam::{ELB_LOG_ACCOUNTS[region]}:root"}
    else:
        principal = {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    return [
        policy.statement(
            "Allow",
            ["s3:PutObject"],
            pulumi.Output.concat(bucket_arn, f"/{prefix}/AWSLogs/{account_id}/*"),
            sid="AlbLogDelivery",
            principal=principal,
        )
    ]


def s3_log_delivery_statements(bucket_arn: pulumi.Output[str], account_id: str) -> list[dict[str, Any]]:
    """Bucket-policy statement letting S3 deliver server access logs of this account's buckets."""
    return [
        policy.statement(
            "Allow",
            ["s3:PutObject"],
            pulumi.Output.concat(bucket_arn, "/s3/*"),
            sid="S3ServerAccessLogs",
            principal={"Service": "logging.s3.amazonaws.com"},
            condition={"StringEquals": {"aws:SourceAccount": account_id}},
        )
    ]


@dataclass
class WebEntryArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the load balancer."""
    public_subnet_ids: list[pulumi.Input[str]]
    """Public subnets (one per AZ) — the only public part of the portal."""
    access_log_bucket: pulumi.Input[str]
    """EU bucket receiving the ALB access logs (traffic logging, DPA annex 3 a.iii)."""
    waf_log_kms_key_arn: pulumi.Input[str]
    """CMK of the WAF log group."""
    tags: dict[str, str]
    """Mandatory tags."""
    domain_name: str = "www.vlaanderenonderneemt.be"
    """Public host name; an ACM certificate (DNS validation) is requested when no certificate is given."""
    certificate_arn: pulumi.Input[str] | None = None
    """Existing ACM certificate in the portal region."""
    ssl_policy: str = MODERN_TLS_POLICY
    """TLS policy of the HTTPS listener (TLS 1.3 and 1.2 only)."""
    managed_rule_groups: tuple[str, ...] = MANAGED_RULE_GROUPS
    """AWS managed WAF rule groups, evaluated in this order."""
    ingress_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    """Who may reach the portal (it is a public e-loket)."""
    log_retention_days: int = 400
    """Retention of WAF logs."""
    vpc_cidr: str = "10.20.0.0/16"
    """VPC address space; the ALB only talks to targets inside it."""
    target_port: int = 8080
    """Port of the targets (HTTPS to the tasks)."""


class WebEntry(pulumi.ComponentResource):
    """Internet-facing ALB in eu-west-1: HTTPS only (HTTP redirects), WAF in front, logs in the EU."""

    def __init__(self, name: str, args: WebEntryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:WebEntry", name, None, opts)
        tags = args.tags
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-alb",
            vpc_id=args.vpc_id,
            description="Public HTTPS entry of the e-loket",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": p,
                    "to_port": p,
                    "cidr_blocks": list(args.ingress_cidrs),
                    "description": d,
                }
                for p, d in ((443, "HTTPS"), (80, "HTTP, redirected to HTTPS"))
            ],
            egress=[
                {
                    "protocol": "tcp",
                    "from_port": args.target_port,
                    "to_port": args.target_port,
                    "cidr_blocks": [args.vpc_cidr],
                    "description": "To the tasks",
                }
            ],
            tags=tags,
            opts=child(self),
        )
        self.load_balancer = aws.lb.LoadBalancer(
            name,
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[self.security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=True,
            desync_mitigation_mode="strictest",
            access_logs={"bucket": args.access_log_bucket, "enabled": True, "prefix": "alb"},
            tags=tags,
            opts=child(self),
        )
        cert = args.certificate_arn
        if cert is None:
            certificate = aws.acm.Certificate(
                f"{name}-cert",
                domain_name=args.domain_name,
                validation_method="DNS",
                key_algorithm="EC_prime256v1",
                tags=tags,
                opts=child(self),
            )
            # Waits until the DNS owner has published the validation record; the listener needs an
            # issued certificate.
            cert = aws.acm.CertificateValidation(
                f"{name}-cert", certificate_arn=certificate.arn, opts=child(self)
            ).certificate_arn
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=args.ssl_policy,
            certificate_arn=cert,
            default_actions=[
                {
                    "type": "fixed-response",
                    "fixed_response": {
                        "content_type": "text/plain",
                        "status_code": "404",
                        "message_body": "Not found",
                    },
                }
            ],
            routing_http_response_strict_transport_security_header_value=HSTS,
            routing_http_response_x_content_type_options_header_value="nosniff",
            routing_http_response_x_frame_options_header_value="SAMEORIGIN",
            routing_http_response_server_enabled=False,
            tags=tags,
            opts=child(self),
        )
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {
                    "type": "redirect",
                    "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"},
                }
            ],
            tags=tags,
            opts=child(self),
        )
        metric = name.replace("-", "")
        self.web_acl = aws.wafv2.WebAcl(
            name,
            scope="REGIONAL",
            default_action={"allow": {}},
            rules=[
                {
                    "name": group,
                    "priority": i,
                    "override_action": {"none": {}},
                    "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
                    "visibility_config": {
                        "cloudwatch_metrics_enabled": True,
                        "metric_name": group,
                        "sampled_requests_enabled": True,
                    },
                }
                for i, group in enumerate(args.managed_rule_groups)
            ],
            visibility_config={
                "cloudwatch_metrics_enabled": True,
                "metric_name": metric,
                "sampled_requests_enabled": True,
            },
            tags=tags,
            opts=child(self),
        )
        aws.wafv2.WebAclAssociation(
            name, resource_arn=self.load_balancer.arn, web_acl_arn=self.web_acl.arn, opts=child(self)
        )
        waf_logs = encrypted_log_group(
            f"{name}-waf",
            self,
            log_group_name=f"aws-waf-logs-{name}",
            kms_key_arn=args.waf_log_kms_key_arn,
            retention_in_days=args.log_retention_days,
            tags=tags,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            name,
            resource_arn=self.web_acl.arn,
            log_destination_configs=[waf_logs.arn],
            redacted_fields=[
                {"single_header": {"name": "authorization"}},
                {"single_header": {"name": "cookie"}},
            ],
            opts=child(self),
        )
        self.register_outputs({"dnsName": self.load_balancer.dns_name, "webAclArn": self.web_acl.arn})


@dataclass
class ContainerServiceArgs:
    cluster_arn: pulumi.Input[str]
    """ECS cluster."""
    identity: WorkloadIdentity
    """WorkloadIdentity holding this component's dedicated task and execution roles."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks."""
    subnet_ids: list[pulumi.Input[str]]
    """Private app subnets; tasks get no public IP."""
    vpc_cidr: str
    """VPC address space (egress to endpoints, database and cache stays inside it)."""
    s3_prefix_list_id: pulumi.Input[str]
    """Prefix list of the S3 gateway endpoint (ECR layers, S3 content)."""
    listener_arn: pulumi.Input[str]
    """HTTPS listener of the WebEntry."""
    alb_security_group_id: pulumi.Input[str]
    """Security group of the ALB, the only allowed source of traffic."""
    image: pulumi.Input[str]
    """Container image (from the private ECR repository in this region)."""
    path_patterns: tuple[str, ...]
    """Paths the ALB forwards to this service."""
    priority: int
    """Listener rule priority (lower wins)."""
    log_kms_key_arn: pulumi.Input[str]
    """CMK of the container log group."""
    tags: dict[str, str]
    """Mandatory tags."""
    container_port: int = 8080
    """Port the container listens on (TLS from the ALB to the task, DPA annex 3 b.v)."""
    cpu: int = 512
    """Fargate CPU units."""
    memory: int = 1024
    """Fargate memory (MiB)."""
    desired_count: int = 3
    """Tasks, spread over the three AZs."""
    health_check_path: str = "/health"
    """Target-group health check path."""
    environment: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Plain (non-secret) environment variables."""
    secret_names: tuple[str, ...] = ()
    """Environment variables read from Secrets Manager; the secrets are created empty under
    `secrets_kms_key_arn` and filled out-of-band (no secret value in code, config or state)."""
    secrets_kms_key_arn: pulumi.Input[str] | None = None
    """CMK of the secrets (required with `secret_names`)."""
    task_statements: list[dict[str, Any]] = field(default_factory=list)
    """The task role's only permissions (least privilege)."""
    egress_ports: tuple[int, ...] = (443,)
    """TCP ports the tasks may reach inside the VPC (443 for endpoints; add 3306/11211 as needed)."""
    log_retention_days: int = 400
    """Retention of the container logs (technical logging)."""
    security_group_id: pulumi.Input[str] | None = None
    """Existing (rule-less) security group of the tasks, e.g. the network's app group that the database
    and cache already admit; None creates one. Rules are added here as separate resources."""


class ContainerService(pulumi.ComponentResource):
    """A Fargate service in private subnets, reachable only from the ALB, logging to a CMK log group."""

    def __init__(self, name: str, args: ContainerServiceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:ContainerService", name, None, opts)
        if args.secret_names and args.secrets_kms_key_arn is None:
            raise ValueError(f"ContainerService {name}: secrets_kms_key_arn is required with secret_names")
        tags = args.tags
        ident = args.identity
        sg_id = args.security_group_id
        if sg_id is None:
            sg_id = aws.ec2.SecurityGroup(
                f"{name}-tasks", vpc_id=args.vpc_id, description=f"{name} tasks", tags=tags, opts=child(self)
            ).id
        self.security_group_id = sg_id
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-from-alb",
            security_group_id=sg_id,
            ip_protocol="tcp",
            from_port=args.container_port,
            to_port=args.container_port,
            referenced_security_group_id=args.alb_security_group_id,
            description="From the ALB",
            tags=tags,
            opts=child(self),
        )
        for port in args.egress_ports:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-to-vpc-{port}",
                security_group_id=sg_id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=args.vpc_cidr,
                description=f"tcp/{port} inside the VPC",
                tags=tags,
                opts=child(self),
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-s3",
            security_group_id=sg_id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            prefix_list_id=args.s3_prefix_list_id,
            description="S3 gateway endpoint",
            tags=tags,
            opts=child(self),
        )
        self.log_group = encrypted_log_group(
            f"{name}-logs",
            self,
            log_group_name=f"/eloket/ecs/{name}",
            kms_key_arn=args.log_kms_key_arn,
            retention_in_days=args.log_retention_days,
            tags=tags,
        )
        self.secrets = {
            env: aws.secretsmanager.Secret(
                f"{name}-{env.lower().replace('_', '-')}",
                name_prefix=f"eloket/{name}/{env.lower()}-",
                kms_key_id=args.secrets_kms_key_arn,
                recovery_window_in_days=30,
                description=f"{env} of {name}; value set out-of-band",
                tags=tags,
                opts=kept(self),
            )
            for env in args.secret_names
        }
        exec_statements = [
            policy.statement("Allow", ["ecr:GetAuthorizationToken"], sid="EcrLogin"),
            policy.statement(
                "Allow",
                ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                sid="PullImage",
            ),
            policy.statement(
                "Allow",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                pulumi.Output.concat(self.log_group.arn, ":*"),
                sid="WriteLogs",
            ),
        ]
        if self.secrets:
            exec_statements.append(
                policy.statement(
                    "Allow",
                    ["secretsmanager:GetSecretValue"],
                    [s.arn for s in self.secrets.values()],
                    sid="ReadSecrets",
                )
            )
            exec_statements.append(
                policy.statement(
                    "Allow",
                    ["kms:Decrypt"],
                    args.secrets_kms_key_arn,
                    sid="DecryptSecrets",
                    condition={
                        "StringEquals": {"kms:ViaService": f"secretsmanager.{PORTAL_REGION}.amazonaws.com"}
                    },
                )
            )
        aws.iam.RolePolicy(
            f"{name}-exec",
            role=ident.execution_role.id,
            policy=policy.document(*exec_statements),
            opts=child(self),
        )
        if args.task_statements:
            aws.iam.RolePolicy(
                f"{name}-task",
                role=ident.task_role.id,
                policy=policy.document(*args.task_statements),
                opts=child(self),
            )
        container = {
            "name": name,
            "image": args.image,
            "essential": True,
            "readonlyRootFilesystem": True,
            "portMappings": [{"containerPort": args.container_port, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in sorted(args.environment.items())],
            "secrets": [{"name": env, "valueFrom": s.arn} for env, s in self.secrets.items()],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": self.log_group.name,
                    "awslogs-region": PORTAL_REGION,
                    "awslogs-stream-prefix": name,
                },
            },
        }
        self.task_definition = aws.ecs.TaskDefinition(
            name,
            family=f"eloket-{name}",
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(args.cpu),
            memory=str(args.memory),
            task_role_arn=ident.task_role.arn,
            execution_role_arn=ident.execution_role.arn,
            runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": "ARM64"},
            container_definitions=pulumi.Output.json_dumps([container]),
            tags=tags,
            opts=child(self),
        )
        self.target_group = aws.lb.TargetGroup(
            name,
            port=args.container_port,
            protocol="HTTPS",
            target_type="ip",
            vpc_id=args.vpc_id,
            health_check={"path": args.health_check_path, "protocol": "HTTPS", "matcher": "200-399"},
            tags=tags,
            opts=child(self),
        )
        rule = aws.lb.ListenerRule(
            name,
            listener_arn=args.listener_arn,
            priority=args.priority,
            actions=[{"type": "forward", "target_group_arn": self.target_group.arn}],
            conditions=[{"path_pattern": {"values": list(args.path_patterns)}}],
            tags=tags,
            opts=child(self),
        )
        self.service = aws.ecs.Service(
            name,
            cluster=args.cluster_arn,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            desired_count=args.desired_count,
            enable_execute_command=False,
            propagate_tags="SERVICE",
            network_configuration={
                "subnets": args.subnet_ids,
                "security_groups": [sg_id],
                "assign_public_ip": False,
            },
            load_balancers=[
                {
                    "target_group_arn": self.target_group.arn,
                    "container_name": name,
                    "container_port": args.container_port,
                }
            ],
            deployment_circuit_breaker={"enable": True, "rollback": True},
            tags=tags,
            # ECS refuses a target group that no listener uses yet.
            opts=child(self, depends_on=[rule]),
        )
        self.register_outputs({"securityGroupId": sg_id, "serviceName": self.service.name})


@dataclass
class ContainerPlatformArgs:
    tags: dict[str, str]
    """Mandatory tags."""
    image_kms_key_arn: pulumi.Input[str]
    """CMK of the image repositories."""
    repositories: tuple[str, ...] = ("drupal", "frontend")
    """Private ECR repositories (immutable tags, scan on push) in the portal region."""


class ContainerPlatform(pulumi.ComponentResource):
    """ECS cluster with Container Insights and the private image repositories."""

    def __init__(self, name: str, args: ContainerPlatformArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:ContainerPlatform", name, None, opts)
        self.cluster = aws.ecs.Cluster(
            name,
            settings=[{"name": "containerInsights", "value": "enabled"}],
            tags=args.tags,
            opts=child(self),
        )
        self.repositories = {
            repo: aws.ecr.Repository(
                f"{name}-{repo}",
                name=f"eloket/{repo}",
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration={"scan_on_push": True},
                encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.image_kms_key_arn}],
                force_delete=False,
                tags=args.tags,
                opts=kept(self),
            )
            for repo in args.repositories
        }
        self.register_outputs({"clusterArn": self.cluster.arn})
