"""ECS cluster and the private image repositories of the e-loket."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.common import child, kept


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
