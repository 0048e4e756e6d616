"""Azure NetApp Files volumes. Round 50: NFS export policies, a rule's `allowedClients` (the SDK: "comma
separated string with IPv4 CIDRs, IPv4 host addresses and host names") says which hosts may mount the
volume; a client outside the stack's virtual networks (0.0.0.0/0, a peered or on-premises range) mounts it
unjudged. Round 51: the volume's key (its own `encryptionKeySource` and its NetApp account's encryption) and
its encryption in transit (NFSv4.1 with Kerberos krb5p only, SMB3 encryption)."""

from __future__ import annotations

from typing import Any

from policies.core.pia_az_blocks import in_stack
from policies.core.stack_networks import outside, stack_prefixes
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

VOLUME = "azure-native:netapp:CapacityPoolVolume"
ACCOUNT = "azure-native:netapp:Account"
_VAULT = "microsoft.keyvault"  # the SDK: key sources are case-insensitive
# export-rule flags for Kerberos without privacy (krb5: authentication, krb5i: integrity), both spellings
_CLEAR_KERBEROS = tuple(f"kerberos5{m}Read{a}" for m in ("", "i", "I") for a in ("Only", "Write"))
_KRB5P = tuple(f"kerberos5{m}Read{a}" for m in ("p", "P") for a in ("Only", "Write"))
def export_clients(r: ResourceView, graph: StackGraph) -> list[str]:
    """Every export rule's clients must lie in an address prefix of a virtual network or subnet of the
    stack; no export policy is the service's default rule, which admits 0.0.0.0/0."""
    rules = r.get("exportPolicy.rules")
    if is_unknown(rules):
        return [unknown_message("exportPolicy.rules", "which hosts may mount the volume")]
    if not rules:
        return [
            "`exportPolicy.rules` is not set: the service's default export rule admits every client "
            "(0.0.0.0/0); give rules whose `allowedClients` lie in the stack's virtual networks"
        ]
    networks, out = stack_prefixes(graph), []
    for i, rule in enumerate(rules):
        clients = rule.get("allowedClients") if isinstance(rule, dict) else None
        if is_unknown(clients):
            out.append(unknown_message(f"exportPolicy.rules[{i}].allowedClients", "who may mount the volume"))
            continue
        wide = [c for c in str(clients or "").replace(" ", "").split(",") if c and outside(c, networks)]
        if wide or not clients:
            out.append(
                f"`exportPolicy.rules[{i}].allowedClients` admits {', '.join(wide) or 'no named client'}, "
                "outside the address prefixes of the stack's virtual networks and subnets: hosts the "
                "stack does not place may mount the volume; name CIDRs or addresses of this stack's networks"
            )
    return out


def volume_key(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """The volume uses the account's Key Vault key only with its own `encryptionKeySource` Microsoft.KeyVault
    (default Microsoft.NetApp), and the account's `encryption.keySource` decides whether there is one."""
    source = r.input("encryptionKeySource")
    if is_unknown(source):
        return [unknown_message("encryptionKeySource", "the encryption key")]
    out = []
    if str(source or "").lower() != _VAULT:
        out.append(
            f"`encryptionKeySource` is {source or 'not set (default Microsoft.NetApp)'!r}: the volume's data "
            "is encrypted with a Microsoft-managed key; set Microsoft.KeyVault"
        )
    accounts = in_stack(graph, r, "accountName", (ACCOUNT,))
    if not accounts:
        return [*out, "the volume's NetApp account is not a resource of this stack: its key cannot be judged"]
    for a in accounts:
        if unknown := a.unknowns("encryption"):
            out.append(unknown_message(f"{unknown[0]} of the account", "the encryption key"))
            continue
        kv = a.get("encryption.keyVaultProperties") or {}
        if str(a.get("encryption.keySource") or "").lower() != _VAULT or not kv.get("keyName"):
            out.append(
                f"the NetApp account {a.name}'s `encryption.keySource` is not Microsoft.KeyVault with "
                "keyVaultProperties.keyName and keyVaultUri: its volumes have a Microsoft-managed key"
            )
    return out


def _nfs_rules(r: ResourceView, rules: list[Any]) -> list[str]:
    if r.input("kerberosEnabled") is not True:
        return ["`kerberosEnabled` is not true: NFS without Kerberos krb5p sends file data in clear"]
    out = []
    for i, rule in enumerate(rules):
        rule = rule if isinstance(rule, dict) else {}
        if rule.get("nfsv3") is True or any(rule.get(f) for f in _CLEAR_KERBEROS) or not any(
            rule.get(f) for f in _KRB5P
        ):
            out.append(
                f"`exportPolicy.rules[{i}]` admits NFSv3, krb5 or krb5i, or no krb5p: file data would cross "
                "the network in clear; allow only kerberos5pReadWrite / kerberos5pReadOnly"
            )
    return out


def volume_transit(r: ResourceView) -> list[str]:
    """NFSv3 and NFSv4.1 without krb5p send data in clear, SMB without `smbEncryption` too: the only encrypted
    mounts are NFSv4.1 with Kerberos krb5p on every export rule, and SMB3 with encryption."""
    protocols, rules = r.input("protocolTypes"), r.get("exportPolicy.rules")
    if is_unknown(protocols) or is_unknown(rules) or is_unknown(r.input("kerberosEnabled")):
        return [unknown_message("protocolTypes, kerberosEnabled or exportPolicy.rules", "transit encryption")]
    protocols = [str(p).upper() for p in protocols or ["NFSv3"]]  # the SDK: default NFSv3
    out = ["`protocolTypes` has NFSv3, which sends file data in clear"] if "NFSV3" in protocols else []
    if "NFSV4.1" in protocols:
        out += _nfs_rules(r, rules or [])
    if "CIFS" in protocols and r.input("smbEncryption") is not True:
        out.append("`smbEncryption` is not true: SMB3 data crosses the network in clear; set it true")
    return out


PUBLIC_CHECKS = {VOLUME: export_clients}
KEY_CHECKS = {VOLUME: volume_key}
TLS_CHECKS = {VOLUME: volume_transit}


# ---------------------------------------------------------------- the other NetApp Files stores (round 52)

SNAPSHOT = "azure-native:netapp:CapacityPoolSnapshot"


def snapshot_volume(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A snapshot is a read-only image kept inside its volume, under the volume's key and reached only through
    the volume's exports: it is judged through its volume, which must be one of the stack."""
    if in_stack(graph, r, "volumeName", (VOLUME,)):
        return []
    return [
        "the snapshot's volume is not a CapacityPoolVolume of this stack: the key, exports and encryption in "
        "transit the snapshot shares with it cannot be judged; snapshot a volume of this stack"
    ]


SNAPSHOT_CHECKS = {SNAPSHOT: snapshot_volume}
_BACKUPS = (
    "Azure NetApp Files keeps backups outside the volume, and the SDK names no key or network setting of a "
    "backup vault or backup, so their custody cannot be judged: keep recovery points as snapshots (a "
    "SnapshotPolicy of the stack named in the volume's `dataProtection.snapshot`, judged through the volume)"
)
# Type prefix -> how to make a NetApp Files store the closed world refuses judgeable (round 52).
UNJUDGED = {
    "azure-native:netapp:Backup": _BACKUPS,  # BackupVault, BackupPolicy, Backup
    "azure-native:netapp:CapacityPoolBackup": _BACKUPS,
    "azure-native:netapp:CapacityPoolCache": (
        "a cache of an ONTAP volume outside Azure has its own key source, export policy, protocols and "
        "Kerberos, which no check reads yet (only CapacityPoolVolume's are): serve the data from a "
        "CapacityPoolVolume of the stack"
    ),
    "azure-native:netapp:Elastic": (
        "Elastic (zone-redundant) NetApp Files accounts, pools, volumes, snapshots and backups are not read "
        "yet: use an Account, CapacityPool and CapacityPoolVolume of the stack (key, exports, transit judged)"
    ),
}
