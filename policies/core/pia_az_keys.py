"""Key judges of Azure storage building blocks the closed world found unjudged: encryption scopes, the
account key of queues and tables, and whether a SQL TDE protector follows its vault key's rotation.
require-customer-managed-keys merges KEY_CHECKS into its table."""

from __future__ import annotations

from collections.abc import Callable

from policies.core import database_servers as servers
from policies.core import netapp_volumes as netapp
from policies.core import pia_analytics as analytics
from policies.core import pia_az_aks as aks
from policies.core.pia_az_blocks import STORAGE_ACCOUNT, in_stack
from policies.core.pia_az_disks import agent_pool
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message


def encryption_scope(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A container or blob may name a scope instead of the account's key: a Microsoft-managed scope (the
    default source) would undo the account's customer-managed key."""
    source = r.input("source")
    if is_unknown(source):
        return [unknown_message("source", "the encryption key")]
    if source != "Microsoft.KeyVault":
        return [
            f"`source` is {source or 'not set (default Microsoft.Storage)'!r}: blobs in this scope are "
            "encrypted with a Microsoft-managed key; set Microsoft.KeyVault and keyVaultProperties.keyUri"
        ]
    key = r.get("keyVaultProperties.keyUri")
    return (
        [unknown_message("keyVaultProperties.keyUri", "the encryption key")]
        if is_unknown(key)
        else ([] if key else ["`keyVaultProperties.keyUri` is not set"])
    )


def account_service_key(service: str) -> Callable[[ResourceView, StackGraph, set[str]], list[str]]:
    """Queues and tables use the account's customer-managed key only when the account was created with
    `encryption.services.<service>.keyType` Account; the default (Service) keeps a Microsoft-managed key."""
    fld = f"encryption.services.{service}.keyType"

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        accounts = in_stack(graph, r, "accountName", (STORAGE_ACCOUNT,))
        if not accounts:
            return [
                f"the {service}'s storage account is not a resource of this stack: its key cannot be judged"
            ]
        out = []
        for a in accounts:
            value = a.get(fld)
            if is_unknown(value):
                out.append(unknown_message(f"{fld} of the account", "the encryption key"))
            elif value != "Account":
                out.append(
                    f"the account's `{fld}` is {value or 'not set (default Service)'!r}: the {service}'s "
                    "data is encrypted with a Microsoft-managed key, not the account's; set it to 'Account'"
                )
        return out

    return judge


def tde_protector(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A TDE protector on a vault key (round 42) follows the key's rotation only with `autoRotationEnabled`:
    without it the server keeps the key version it was given, so the vault's yearly rotation never reaches
    the data (a ServiceManaged protector is judged on its server)."""
    if r.input("serverKeyType") != "AzureKeyVault":
        return []
    auto = r.input("autoRotationEnabled")
    if is_unknown(auto):
        return [unknown_message("autoRotationEnabled", "whether the TDE key rotates")]
    if auto is True:
        return []
    return [
        "`autoRotationEnabled` is not true: the server keeps the key version it was given (serverKeyName), "
        "so the vault key's rotation never reaches the data; set autoRotationEnabled true"
    ]


KEY_CHECKS: dict[str, Callable[[ResourceView, StackGraph, set[str]], list[str]]] = {
    "azure-native:storage:EncryptionScope": encryption_scope,
    "azure-native:sql:EncryptionProtector": tde_protector,
    "azure-native:sql:ManagedInstanceEncryptionProtector": tde_protector,
    "azure-native:storage:Queue": account_service_key("queue"),
    "azure-native:storage:Table": account_service_key("table"),
    aks.AGENT_POOL: agent_pool,  # a node pool's hosts (session 18)
    **analytics.KEY_CHECKS,  # a Synapse SQL pool's TDE (round 29)
    **netapp.SNAPSHOT_CHECKS,  # a NetApp Files snapshot, judged through its volume (round 52)
}


SQL_SERVER = "azure-native:sql:Server"


def sql_database(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A database is encrypted by its server's TDE protector, judged on the server, which must therefore be
    the stack's (r93p-14: a copy onto another server); a database with its own key (per-database CMK,
    `encryptionProtector`, round 93) must follow that key's rotation, as a server's protector (round 42)."""
    out = servers.foreign_server(r, graph, "keys")  # round 94: one home for the three rules
    key, auto = r.input("encryptionProtector"), r.input("encryptionProtectorAutoRotation")
    if key is None:
        return out
    if is_unknown(key) or is_unknown(auto):
        return [*out, unknown_message("encryptionProtector", "the database's own key and its rotation")]
    if auto is not True:
        out.append(
            "the database sets its own key (`encryptionProtector`) but `encryptionProtectorAutoRotation` is "
            "not true: it keeps the key version it was given, so the vault key's rotation never reaches the "
            "data; set encryptionProtectorAutoRotation true"
        )
    return out


def ai_services_account(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """Azure AI services keep uploaded files, fine-tuning data and stored runs under the account's key."""
    if unknown := r.unknowns("properties.encryption"):
        return [unknown_message(unknown[0], "the encryption key")]
    source = r.get("properties.encryption.keySource")
    kv = r.get("properties.encryption.keyVaultProperties") or {}
    if source != "Microsoft.KeyVault" or not kv.get("keyName") or not kv.get("keyVaultUri"):
        shown = source or "not set (default Microsoft.CognitiveServices)"
        return [
            f"`properties.encryption.keySource` is {shown!r}, or keyVaultProperties lacks keyName or "
            "keyVaultUri: the account's data has a Microsoft-managed key"
        ]
    return []


def registry(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A container registry encrypts with a Key Vault key only with `encryption.status` enabled."""
    if unknown := r.unknowns("encryption"):
        return [unknown_message(unknown[0], "the encryption key")]
    if r.get("encryption.status") != "enabled" or not r.get("encryption.keyVaultProperties.keyIdentifier"):
        return [
            "`encryption.status` is not 'enabled' with keyVaultProperties.keyIdentifier: the registry's "
            "images are encrypted with a Microsoft-managed key"
        ]
    return []


STORE_KEYS: dict[str, Callable[[ResourceView, StackGraph, set[str]], list[str]]] = {
    "azure-native:cognitiveservices:Account": ai_services_account,
    "azure-native:containerregistry:Registry": registry,
    "azure-native:sql:Database": sql_database,  # round 93: its server of the stack, its own key
    **aks.KEY_CHECKS,
    **analytics.STORE_KEYS,  # Synapse dedicated SQL pools (round 29)
    **netapp.KEY_CHECKS,  # NetApp Files volumes (round 51)
}
# Round 94: a flexible server's database is no data store of the type tables (its data is the server's), but
# is encrypted by its server's key, which must be the stack's (read like the settings that configure a store).
CONFIGURES: dict[str, Callable[[ResourceView, StackGraph, set[str]], list[str]]] = {
    t: lambda r, g, known: servers.foreign_server(r, g, "keys")
    for t in servers.SERVERS
    if t != servers.SQL_DATABASE
}
