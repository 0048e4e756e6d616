"""A Fargate service behind the public entry, with its own roles, writable volumes and secrets
(DPA annex 3 a.i.3, b.iii.3, b.v)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, encrypted_log_group, kept
from components.aws.identity import WorkloadIdentity
from policies.core.eea import PORTAL_REGION


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
    image_repository_arn: pulumi.Input[str]
    """ARN of the ECR repository holding `image`: the only one the execution role may pull from."""
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
    external_secrets: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secrets another component owns and rotates (name -> ARN, under `secrets_kms_key_arn`), read like
    `secret_names`: e.g. DB_CREDENTIALS, the database's application-user secret."""
    secret_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Environment variables read from one JSON key of a secret: env -> (entry of `secret_names` or
    `external_secrets`, key); e.g. DB_USER/DB_PASSWORD from DB_CREDENTIALS' `username`/`password`."""
    scratch_paths: tuple[str, ...] = ("/tmp",)
    """Writable task-local paths (Fargate ephemeral storage) next to the read-only root file system."""
    volumes: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    """Extra task volumes and where the container mounts them, e.g. SharedFiles.volume() on the files dir."""
    secrets_kms_key_arn: pulumi.Input[str] | None = None
    """CMK of the secrets (required with `secret_names`)."""
    task_statements: list[dict[str, Any]] = field(default_factory=list)
    """The task role's only permissions (least privilege)."""
    declared_egress_cidrs: tuple[str, ...] = ()
    """External HTTPS destinations the tasks may reach (declared endpoints only, e.g. MAGDA, D36 §109)."""
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
        named = {*args.secret_names, *args.external_secrets}
        unknown = {s for s, _ in args.secret_keys.values()} - named
        if unknown:
            raise ValueError(
                f"ContainerService {name}: secret_keys name secrets not in secret_names: {unknown}"
            )
        if (args.secret_names or args.external_secrets) and args.secrets_kms_key_arn is None:
            raise ValueError(f"ContainerService {name}: secrets_kms_key_arn is required with secret_names")
        tags = args.tags
        ident = args.identity
        sg_id = self._security_group(name, args, tags)
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
        self._role_policies(name, args, ident)
        self._task_definition(name, args, tags, ident)
        self._routing(name, args, tags, sg_id)
        self.register_outputs({"securityGroupId": sg_id, "serviceName": self.service.name})

    def _security_group(
        self, name: str, args: ContainerServiceArgs, tags: dict[str, str]
    ) -> pulumi.Input[str]:
        """The tasks' security group (given or new): in from the ALB only; out to the VPC ports, the declared
        endpoints and S3."""
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
        for i, cidr in enumerate(args.declared_egress_cidrs):
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-to-declared-{i}",
                security_group_id=sg_id,
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4=cidr,
                description="HTTPS to a declared external endpoint (stacks/records/endpoints)",
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
        return sg_id

    def _role_policies(self, name: str, args: ContainerServiceArgs, ident: WorkloadIdentity) -> None:
        """The execution role pulls the image, writes the logs and reads this service's secrets; the task role
        gets `task_statements` only."""
        exec_statements = [
            policy.statement("Allow", ["ecr:GetAuthorizationToken"], sid="EcrLogin"),
            policy.statement(
                "Allow",
                ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                args.image_repository_arn,
                sid="PullImage",
            ),
            policy.statement(
                "Allow",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                pulumi.Output.concat(self.log_group.arn, ":*"),
                sid="WriteLogs",
            ),
        ]
        if self.secrets or args.external_secrets:
            exec_statements.append(
                policy.statement(
                    "Allow",
                    ["secretsmanager:GetSecretValue"],
                    [*(s.arn for s in self.secrets.values()), *args.external_secrets.values()],
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
        self.role_policies = [aws.iam.RolePolicy(
            f"{name}-exec",
            role=ident.execution_role.id,
            policy=policy.document(*exec_statements),
            opts=child(self),
        )]
        if args.task_statements:
            self.role_policies.append(aws.iam.RolePolicy(
                f"{name}-task",
                role=ident.task_role.id,
                policy=policy.document(*args.task_statements),
                opts=child(self),
            ))

    def _task_definition(
        self, name: str, args: ContainerServiceArgs, tags: dict[str, str], ident: WorkloadIdentity
    ) -> None:
        """A read-only container with its scratch and extra volumes, logging to the CMK log group."""
        scratch = [(f"scratch{i}", path) for i, path in enumerate(args.scratch_paths)]
        mounts = scratch + [(v["name"], path) for v, path in args.volumes]
        container = {
            "name": name,
            "image": args.image,
            "essential": True,
            "readonlyRootFilesystem": True,
            "portMappings": [{"containerPort": args.container_port, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in sorted(args.environment.items())],
            "secrets": self._secret_refs(args),
            "mountPoints": [
                {"sourceVolume": vol, "containerPath": path, "readOnly": False} for vol, path in mounts
            ],
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
            volumes=[{"name": vol} for vol, _ in scratch] + [v for v, _ in args.volumes],
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

    def _routing(
        self, name: str, args: ContainerServiceArgs, tags: dict[str, str], sg_id: pulumi.Input[str]
    ) -> None:
        """Target group and listener rule on the WebEntry; the Fargate service in the private subnets behind
        them."""
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
            # ECS refuses a target group that no listener uses yet; tasks need their roles' policies from
            # the start, and a service deleted after them is stuck DRAINING (pulumi-aws ecs.Service note).
            opts=child(self, depends_on=[rule, *self.role_policies]),
        )

    def _secret_refs(self, args: ContainerServiceArgs) -> list[dict[str, Any]]:
        """Whole secrets for `secret_names` and `external_secrets` not split by `secret_keys`; one JSON key
        each otherwise."""
        arns = {**{env: s.arn for env, s in self.secrets.items()}, **args.external_secrets}
        split = {s for s, _ in args.secret_keys.values()}
        refs = [{"name": env, "valueFrom": arn} for env, arn in arns.items() if env not in split]
        for env, (secret, key) in sorted(args.secret_keys.items()):
            refs.append({"name": env, "valueFrom": pulumi.Output.concat(arns[secret], f":{key}::")})
        return refs
