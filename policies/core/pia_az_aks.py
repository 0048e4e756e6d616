"""AKS managed clusters as data stores: node disks and etcd (Kubernetes secrets) under the controller's key,
the API server private or behind narrow authorized ranges, no node public IPs. require-customer-managed-keys
and disallow-public-data-access merge these tables (via pia_az_keys and pia_more_exposure)."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.exposure import _world
from policies.core.pia_az_disks import pool_hosts
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"


def cluster_key(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """Node OS and data disks take the disk encryption set, their hosts encrypt the rest; etcd's secrets take
    the KMS key."""
    if unknown := r.unknowns("diskEncryptionSetID", "securityProfile"):
        return [unknown_message(unknown[0], "the encryption key")]
    out = []
    if not r.input("diskEncryptionSetID"):
        out.append("`diskEncryptionSetID` is not set: the nodes' disks have a platform-managed key")
    kms = r.get("securityProfile.azureKeyVaultKms") or {}
    if kms.get("enabled") is not True or not kms.get("keyId"):
        out.append(
            "`securityProfile.azureKeyVaultKms` is not enabled with a keyId: Kubernetes secrets in etcd are "
            "not encrypted with the controller's key"
        )
    return out + pool_hosts(r)


def _node_ips(pools: list[object], where: str) -> list[str]:
    return [
        f"{where} {p.get('name')!r} gives its nodes public IP addresses (enableNodePublicIP)"
        for p in pools
        if isinstance(p, dict) and p.get("enableNodePublicIP") is True
    ]


def cluster_public(r: ResourceView, graph: StackGraph) -> list[str]:
    """The API server (secrets, exec into pods) is private, or reached only from narrow authorized ranges."""
    if unknown := r.unknowns("apiServerAccessProfile", "agentPoolProfiles", "publicNetworkAccess"):
        return [unknown_message(unknown[0], "public network access")]
    out = _node_ips(r.input("agentPoolProfiles") or [], "agent pool")
    if r.get("apiServerAccessProfile.enablePrivateCluster") is True:
        return out
    if str(r.input("publicNetworkAccess")).lower() == "disabled":
        return out
    ranges = r.get("apiServerAccessProfile.authorizedIPRanges") or []
    wide = [c for c in ranges if isinstance(c, str) and _world(c)]
    if not ranges or wide:
        shown = f"authorized range {wide[0]}" if wide else "no authorized IP ranges"
        out.append(
            f"the API server is public with {shown}: set apiServerAccessProfile.enablePrivateCluster, or "
            "narrow authorizedIPRanges"
        )
    return out


def pool_public(r: ResourceView, graph: StackGraph) -> list[str]:
    if is_unknown(r.input("enableNodePublicIP")):
        return [unknown_message("enableNodePublicIP", "public network access")]
    return _node_ips([{**r.inputs, "name": r.input("agentPoolName")}], "the pool")


KEY_CHECKS: dict[str, Callable[[ResourceView, StackGraph, set[str]], list[str]]] = {CLUSTER: cluster_key}
PUBLIC_CHECKS: dict[str, Callable[[ResourceView, StackGraph], list[str]]] = {
    CLUSTER: cluster_public,
    AGENT_POOL: pool_public,
}
