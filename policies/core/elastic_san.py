"""Azure Elastic SAN (round 59): a SAN's volumes are iSCSI block devices of the stack's VMs, kept under the
key of the volume group they belong to. The facts are the installed SDK's (`pulumi_azure_native.elasticsan`)
and Microsoft's "Encryption options for Azure Elastic SAN": a volume group's `encryption` is
EncryptionAtRestWithPlatformKey ("the default encryption type") or EncryptionAtRestWithCustomerManagedKey,
with `encryptionProperties.keyVaultProperties` (`keyVaultUri`, `keyName`), and every volume of the group
inherits it; the SAN's `publicNetworkAccess` (Enabled or Disabled, no default stated) opens its endpoints to
the internet, else volumes are reached through private endpoints and the subnets the group's network rules
admit. So the group is judged on its key (its vault the stack's, as for every key), the SAN on public access
being Disabled, and each volume and snapshot on naming a volume group of the stack, whose key covers it."""

from __future__ import annotations

from policies.core.pia_more_stores import KeyJudge, KeyOf
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

SAN = "azure-native:elasticsan:ElasticSan"
VOLUME_GROUP = "azure-native:elasticsan:VolumeGroup"
VOLUME = "azure-native:elasticsan:Volume"
SNAPSHOT = "azure-native:elasticsan:VolumeSnapshot"
STORES = (SAN, VOLUME, SNAPSHOT)
_CMK = "EncryptionAtRestWithCustomerManagedKey"
_VAULT = "encryptionProperties.keyVaultProperties"


def group_keys(key_of: KeyOf) -> KeyJudge:
    """require-customer-managed-keys on a volume group: the customer-managed encryption type and its key."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        kind = r.get("encryption")
        if is_unknown(kind):
            return [unknown_message("encryption", "the volumes' key")]
        if kind != _CMK:
            return [
                f"`encryption` is {kind or 'not set'!r}: the group's volumes are under the platform key; set "
                f"{_CMK!r} with the stack's Key Vault key"
            ]
        uri, name = r.get(f"{_VAULT}.keyVaultUri"), r.get(f"{_VAULT}.keyName")
        if is_unknown(uri) or is_unknown(name):
            return [unknown_message(_VAULT, "the volumes' key")]
        key = f"{str(uri).rstrip('/')}/keys/{name}" if uri and name else None
        return key_of(_VAULT, key, known)

    return judge


def _group_of(r: ResourceView, graph: StackGraph) -> list[ResourceView]:
    """The stack's volume groups a volume or snapshot belongs to: fed from one, or named by it."""
    fed = [d for d in graph.dependency_of(r, "volumeGroupName") if d.type == VOLUME_GROUP]
    name = r.input("volumeGroupName")
    named = [
        g for g in graph.by_type(VOLUME_GROUP) if isinstance(name, str) and g.input("volumeGroupName") == name
    ]
    return fed or named


def in_group(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A volume or snapshot is under its group's key, judged on a group of this stack."""
    if _group_of(r, graph):
        return []
    return [
        f"`volumeGroupName` {r.input('volumeGroupName')!r} is no volume group of this stack, so the key its "
        "data is kept under cannot be judged; declare the volume group in this stack"
    ]


def store_keys(key_of: KeyOf) -> dict[str, KeyJudge]:
    return {VOLUME: in_group, SNAPSHOT: in_group}


CMK_EXEMPT = {SAN: "keeps its data in its volume groups' volumes, under each group's key (judged there)"}
_THROUGH_SAN = "reached only through its SAN's endpoints, whose public network access is judged on the SAN"
NOT_APPLICABLE = {VOLUME: _THROUGH_SAN, SNAPSHOT: _THROUGH_SAN}
_ISCSI = (
    "iSCSI inside the virtual network (private endpoints, subnets the group admits; public access judged "
    "off): as for FSx for Lustre, the block protocol has no TLS setting and transit is the private network's"
)
TLS_ELSEWHERE = {
    SAN: _ISCSI,
    VOLUME: _ISCSI,
    SNAPSHOT: "has no data path: read only by restoring it into a volume",
}
