"""Small building blocks shared by the e-loket components."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from policies.core.eea import PORTAL_REGION

TEN_YEARS_DAYS = 3653
"""Retention of transaction, access and privacy logs (DPA annex 1: 10 years)."""


def child(parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
    """Options for a resource owned by a component."""
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def kept(parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
    """Options for a stateful resource: protected against deletion (R2016: data must not get lost)."""
    return pulumi.ResourceOptions(parent=parent, protect=True, **kwargs)


def encrypted_log_group(
    name: str,
    parent: pulumi.Resource,
    *,
    kms_key_arn: pulumi.Input[str],
    retention_in_days: int,
    tags: dict[str, str],
    log_group_name: pulumi.Input[str] | None = None,
) -> aws.cloudwatch.LogGroup:
    """A CloudWatch log group under a customer-managed key, kept on `pulumi destroy`."""
    return aws.cloudwatch.LogGroup(
        name,
        name=log_group_name,
        kms_key_id=kms_key_arn,
        retention_in_days=retention_in_days,
        tags=tags,
        opts=kept(parent),
    )


def client_security_group(
    name: str,
    parent: pulumi.Resource,
    *,
    vpc_id: pulumi.Input[str],
    port: int,
    clients: list[pulumi.Input[str]],
    what: str,
    tags: dict[str, str],
) -> aws.ec2.SecurityGroup:
    """A data store's security group: `port` from the client groups only, no egress at all."""
    return aws.ec2.SecurityGroup(
        name,
        vpc_id=vpc_id,
        description=f"{what} from the application tier only",
        ingress=[
            {
                "protocol": "tcp",
                "from_port": port,
                "to_port": port,
                "security_groups": clients,
                "description": what,
            }
        ],
        egress=[],
        tags=tags,
        opts=child(parent),
    )


def service_role(
    name: str,
    parent: pulumi.Resource,
    *,
    service: str,
    account_id: str,
    statements: list[dict[str, Any]],
    tags: dict[str, str],
    role_name: str | None = None,
) -> aws.iam.Role:
    """A role for an AWS service of this account, holding exactly `statements`."""
    role = aws.iam.Role(
        name,
        name=role_name,
        assume_role_policy=policy.service_trust(service, account_id),
        tags=tags,
        opts=child(parent),
    )
    aws.iam.RolePolicy(name, role=role.id, policy=policy.document(*statements), opts=child(parent))
    return role


def service_endpoint(service: str, region: str = PORTAL_REGION) -> str:
    """Regional endpoint name as used in `kms:ViaService` and VPC endpoint service names."""
    return f"{service}.{region}.amazonaws.com"
