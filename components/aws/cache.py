"""Memcached for the transient GeefOnderneming result only (D36 §108-§109).

Memcached has no encryption at rest: the component tags itself `dosis-data: none` and
`data-retention: transient` so the policies can tell it may never hold DOSIS status data, keeps no
snapshots, sits in private subnets and accepts TLS connections only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.common import child, client_security_group

CACHE_TAGS = {"dosis-data": "none", "data-retention": "transient"}


@dataclass
class MemcachedCacheArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the cache."""
    subnet_ids: list[pulumi.Input[str]]
    """Private cache subnets."""
    client_security_group_ids: list[pulumi.Input[str]]
    """Security groups allowed on 11211 (the Drupal tasks)."""
    tags: dict[str, str]
    """Mandatory tags; CACHE_TAGS are always added."""
    node_type: str = "cache.t4g.small"
    """Node type."""
    num_nodes: int = 3
    """Nodes, spread across AZs."""
    engine_version: str = "1.6.22"
    """Memcached version (in-transit encryption needs 1.6.12 or later)."""


class MemcachedCache(pulumi.ComponentResource):
    """A private, TLS-only Memcached cluster across availability zones."""

    def __init__(self, name: str, args: MemcachedCacheArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:MemcachedCache", name, None, opts)
        tags = {**args.tags, **CACHE_TAGS}
        self.security_group = client_security_group(
            f"{name}-cache",
            self,
            vpc_id=args.vpc_id,
            port=11211,
            clients=args.client_security_group_ids,
            what="Memcached (TLS)",
            tags=tags,
        )
        subnets = aws.elasticache.SubnetGroup(
            name, subnet_ids=args.subnet_ids, description="e-loket cache", tags=tags, opts=child(self)
        )
        self.cluster = aws.elasticache.Cluster(
            name,
            engine="memcached",
            engine_version=args.engine_version,
            node_type=args.node_type,
            num_cache_nodes=args.num_nodes,
            az_mode="cross-az" if args.num_nodes > 1 else "single-az",
            port=11211,
            subnet_group_name=subnets.name,
            security_group_ids=[self.security_group.id],
            transit_encryption_enabled=True,
            network_type="ipv4",
            tags=tags,
            opts=child(self),
        )
        self.register_outputs({"endpoint": self.cluster.configuration_endpoint})
