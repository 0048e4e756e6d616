"""Dedicated Log Analytics cluster whose data is encrypted with the controller's key (R2016; DPA annex 3
b.iv). Replaces the waiver for Microsoft-managed keys on the SIEM workspace: the workspace is linked to
the cluster before Sentinel is onboarded (Microsoft's required order for Sentinel with a CMK).

The key reference is versionless (the cluster follows key rotation); the cluster's own identity may
only wrap/unwrap with that one key. Capacity is a commitment tier in GB/day (100 is the smallest).

The identity is the cluster's system-assigned one: Azure Monitor does not take a customer-managed key
through a user-assigned identity when the key's vault or HSM is behind Private Link, as both key stores
here are (public access disabled). That identity exists only with the cluster, so the key is set on a
later update, once the identity holds its grant (`key_granted`); the workspace is linked only then, so no
log is ingested under Microsoft's key.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure.common import EncryptedWithKeyArgs, child, eea_location, kept, key_user_grant, lock
from policies.core.eea import DOSIS_PRIMARY

COMMITMENT_TIERS = (100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000)


@dataclass(kw_only=True)
class LogClusterArgs(EncryptedWithKeyArgs):
    cluster_name: str
    """Name of the Log Analytics cluster."""
    workspace_name: pulumi.Input[str]
    """Workspace linked to the cluster (its data is then encrypted with the key)."""
    location: str = DOSIS_PRIMARY
    """Region of the cluster and workspace (EEA only)."""
    capacity_gb_per_day: int = 100
    """Commitment tier (GB/day); one of COMMITMENT_TIERS."""
    key_provider: pulumi.ProviderResource | None = None
    """Provider of the key's subscription if not the cluster's: the grant on the key is made there."""
    key_granted: bool = True
    """The cluster exists and its system identity holds its grant on the key (a first update made them,
    with this False): the key is set and the workspace linked. Azure checks the grant when the key is set."""


class LogCluster(pulumi.ComponentResource):
    """A CMK Log Analytics cluster and the link of the workspace to it."""

    cluster: azure.operationalinsights.Cluster
    link: azure.operationalinsights.LinkedService | None

    def __init__(self, name: str, args: LogClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:LogCluster", name, None, opts)
        location = eea_location(args.location, f"LogCluster {name}")
        if args.capacity_gb_per_day not in COMMITMENT_TIERS:
            raise ValueError(f"LogCluster {name}: capacity must be one of {COMMITMENT_TIERS} GB/day")
        rg = args.resource_group_name
        self.cluster = azure.operationalinsights.Cluster(
            f"{name}-cluster",
            cluster_name=args.cluster_name,
            resource_group_name=rg,
            location=location,
            identity={"type": "SystemAssigned"},
            sku={"name": "CapacityReservation", "capacity": args.capacity_gb_per_day},
            is_double_encryption_enabled=True,
            key_vault_properties=(
                {"key_vault_uri": args.key_vault_uri, "key_name": args.key_name} if args.key_granted else None
            ),
            tags=args.tags,
            opts=kept(self),
        )
        lock(f"{name}-cluster", self.cluster, self)
        popts = {"provider": args.key_provider} if args.key_provider is not None else {}
        self.grant = key_user_grant(
            f"{name}-key-user",
            args.key_scope,
            self.cluster.identity.apply(lambda i: i.principal_id if i is not None else None),
            args.subscription_id,
            child(self.cluster, **popts),
        )
        self.link = None
        if args.key_granted:
            self.link = azure.operationalinsights.LinkedService(
                f"{name}-link",
                resource_group_name=rg,
                workspace_name=args.workspace_name,
                linked_service_name="cluster",
                write_access_resource_id=self.cluster.id,
                tags=args.tags,
                opts=child(self, depends_on=[self.grant]),
            )
        self.register_outputs({"clusterId": self.cluster.id})
