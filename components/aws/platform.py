"""ECS cluster and the private image repositories of the e-loket.

Container Insights writes its performance events to `/aws/ecs/containerinsights/<cluster>/performance` and
creates that group itself, under no customer-managed key and kept for ever, unless it exists: the cluster
therefore has a fixed name and its group is declared before it (CloudWatch "Container Insights performance
log events for Amazon ECS")."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.common import child, encrypted_log_group, kept


@dataclass
class ContainerPlatformArgs:
    tags: dict[str, str]
    """Mandatory tags."""
    image_kms_key_arn: pulumi.Input[str]
    """CMK of the image repositories."""
    log_kms_key_arn: pulumi.Input[str]
    """CMK of the Container Insights performance log group (the logs key)."""
    log_retention_days: int = 400
    """Retention of the performance events (technical logging)."""
    repositories: tuple[str, ...] = ("drupal", "frontend")
    """Private ECR repositories (immutable tags, scan on push) in the portal region."""


class ContainerPlatform(pulumi.ComponentResource):
    """ECS cluster with Container Insights and the private image repositories."""

    def __init__(self, name: str, args: ContainerPlatformArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:ContainerPlatform", name, None, opts)
        self.insights_log_group = encrypted_log_group(
            f"{name}-insights",
            self,
            log_group_name=f"/aws/ecs/containerinsights/{name}/performance",
            kms_key_arn=args.log_kms_key_arn,
            retention_in_days=args.log_retention_days,
            tags=args.tags,
        )
        self.cluster = aws.ecs.Cluster(
            name,
            name=name,
            settings=[{"name": "containerInsights", "value": "enabled"}],
            tags=args.tags,
            opts=child(self, depends_on=[self.insights_log_group]),
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
