"""Every disk of an Azure VM, scale set or AKS node (require-customer-managed-keys). A disk encryption set
puts the managed OS and data disks under the controller's key; the temp disk, the OS and data disk caches and
an ephemeral OS disk live on the host and are encrypted only with encryption at host (the drop mutants of
session 18: leaving `enableEncryptionAtHost` out of a compliant AKS cluster passed)."""

from __future__ import annotations

from policies.core.pia_key_material import Judge
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message


def host_encrypted(value: object, where: str) -> list[str]:
    if is_unknown(value):
        return [unknown_message(where, "whether the host encrypts the temp disk and disk caches")]
    if value is not True:
        return [
            f"`{where}` is not true: the temp disk, the disk caches and an ephemeral OS disk are not "
            "encrypted (they are on the host, outside the disk encryption set)"
        ]
    return []


def _disks(r: ResourceView, prefix: str) -> list[str]:
    """Every managed disk of a VM (or a scale set's VM profile) needs a disk encryption set."""
    disks = [(f"{prefix}storageProfile.osDisk", r.get(f"{prefix}storageProfile.osDisk") or {})]
    disks += [
        (f"{prefix}storageProfile.dataDisks.{i}", d)
        for i, d in enumerate(r.get(f"{prefix}storageProfile.dataDisks") or [])
    ]
    out = []
    for where, d in disks:
        des = get_path(d, "managedDisk.diskEncryptionSet.id") if isinstance(d, dict) else None
        if is_unknown(des):
            out.append(unknown_message(f"{where}.managedDisk.diskEncryptionSet.id", "the disk encryption"))
        elif not des:
            out.append(
                f"`{where}.managedDisk.diskEncryptionSet` is not set: the disk would use a platform key"
            )
    return out


def machine(prefix: str) -> Judge:
    """A VM (prefix "") or a scale set's VM profile (prefix "virtualMachineProfile.")."""
    where = f"{prefix}securityProfile.encryptionAtHost"

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        unknown = r.unknowns(f"{prefix}securityProfile")  # an unknown profile hides its fields
        host = unknown[:1] and [unknown_message(unknown[0], "whether the host encrypts the temp disk")]
        return _disks(r, prefix) + (host or host_encrypted(r.get(where), where))

    return judge


def pool_hosts(r: ResourceView) -> list[str]:
    """The node pools a managed cluster declares inline."""
    pools = r.input("agentPoolProfiles")
    if is_unknown(pools):
        return [unknown_message("agentPoolProfiles", "whether the nodes' hosts encrypt their disks")]
    return [
        m
        for i, p in enumerate(pools or [])
        for m in host_encrypted(
            p.get("enableEncryptionAtHost") if isinstance(p, dict) else p,
            f"agentPoolProfiles.{i}.enableEncryptionAtHost",
        )
    ]


def agent_pool(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A node pool added as its own resource."""
    return host_encrypted(r.input("enableEncryptionAtHost"), "enableEncryptionAtHost")
