"""FSx for OpenZFS NFS exports and child volumes (round 60). The facts are the installed SDK's
(`pulumi_aws.fsx`): a file system's `rootVolumeConfiguration.nfsExports` and a volume's `nfsExports` hold
`clientConfigurations`, whose `clients` "specifies who can mount the file system. You can provide a wildcard
character (*), an IP address (0.0.0.0), or a CIDR address (192.0.2.0/24). By default, Amazon FSx uses the
wildcard character". NFS authenticates no user: the export decides which hosts mount the data, and a peered
network, a VPN or Direct Connect reaches the file system as well as the stack's own subnets. So, as for Azure
NetApp Files export policies (round 50), every client must lie in a CIDR of a subnet or network of the stack;
the wildcard, a host name, or an export left to the default blocks. A child volume (`aws:fsx/openZfsVolume`)
lives in its parent's file system, under that file system's key (it has no key input), so it must be fed from
a file system or volume of the stack, whose key, TLS and deletion protection are judged there."""

from __future__ import annotations

from typing import Any

from policies.core.stack_networks import outside, stack_prefixes
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

FILE_SYSTEM = "aws:fsx/openZfsFileSystem:OpenZfsFileSystem"
VOLUME = "aws:fsx/openZfsVolume:OpenZfsVolume"
_EXPORTS = {FILE_SYSTEM: "rootVolumeConfiguration.nfsExports", VOLUME: "nfsExports"}


def _configurations(exports: Any) -> Any:
    """The client configurations of an `nfsExports` block (the SDK: one block; a list of one is read too)."""
    blocks = exports if isinstance(exports, list) else [exports]
    out: list[Any] = []
    for b in blocks:
        configs = b.get("clientConfigurations") if isinstance(b, dict) else None
        if is_unknown(configs):
            return configs
        out += configs if isinstance(configs, list) else []
    return out


def export_clients(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: each NFS client is a CIDR or address of the stack's networks."""
    path = _EXPORTS[r.type]
    exports = r.get(path)
    if is_unknown(exports):
        return [unknown_message(path, "which hosts may mount the volume")]
    configs = _configurations(exports) if exports is not None else []
    if is_unknown(configs):
        return [unknown_message(f"{path}.clientConfigurations", "which hosts may mount the volume")]
    if not configs:
        return [
            f"`{path}` names no client configuration: FSx exports the volume to the wildcard client (*) by "
            "default, so every host that reaches the network mounts it; export it to CIDRs of the stack's "
            "subnets"
        ]
    prefixes, out = stack_prefixes(graph), []
    for i, c in enumerate(configs):
        clients = c.get("clients") if isinstance(c, dict) else None
        where = f"{path}.clientConfigurations[{i}].clients"
        if is_unknown(clients):
            out.append(unknown_message(where, "which hosts may mount the volume"))
        elif not isinstance(clients, str) or outside(clients.strip(), prefixes):
            out.append(
                f"`{where}` is {clients!r}, no CIDR or address inside a subnet or network of this stack: "
                "NFS checks no user, so every host that reaches the file system there (a peered network, a "
                "VPN, Direct Connect) mounts the data; export it only to CIDRs of the stack's subnets"
            )
    return out


def in_file_system(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """require-customer-managed-keys: a child volume is under its file system's key, judged there."""
    if any(d.type in _EXPORTS for d in graph.dependency_of(r, "parentVolumeId")):
        return []
    return [
        f"`parentVolumeId` {r.input('parentVolumeId')!r} is not fed from an OpenZFS file system or volume "
        "of this stack, so the key the volume's data is kept under cannot be judged; feed it from the file "
        "system's `rootVolumeId` or a volume of this stack"
    ]


PUBLIC_CHECKS = {FILE_SYSTEM: export_clients, VOLUME: export_clients}
_IN_FILE_SYSTEM = "lives in its parent OpenZFS file system, judged there"
TLS_ELSEWHERE = {VOLUME: f"NFS in the VPC; {_IN_FILE_SYSTEM}"}
