"""Where a Container Apps Dapr component sends or keeps data (round 39).

A component's place is in its `metadata`, a list of `{name, value | secretRef}` items. Hosts, URLs, ARNs,
buckets and regions there are scanned as any setting; Azure components reached with a managed identity name
their resource by a bare name instead (`accountName` of a blob or table state store, `vaultName` of a Key
Vault secret store, `eventHubNamespace`, a Service Bus `namespaceName` without its domain): resolved by the
stack's physical names. A metadata value taken from the component's secrets (`secretRef`) is judged as that
secret's value: unreadable (a secret, unknown) where a destination can stand, it blocks unless it comes from
a resource of the stack. A component type whose metadata names no place (a vendor's API: Twilio, SendGrid,
Google Cloud by project, …) blocks: only the families in _PLACED spell their place out; those in _FREE keep
nothing outside the app."""

from __future__ import annotations

from typing import Any

from policies.core.stored_refs import credential_name
from policies.core.view import ResourceView, is_unknown

Found = list[tuple[str, str, str]]  # (path, kind, value)
DAPR_TYPES = frozenset(
    {"azure-native:app:DaprComponent", "azure-native:app:ConnectedEnvironmentsDaprComponent"})
# metadata name (lower case) -> the type a bare name there is a physical name of
_NAMED = {
    "accountname": "azure-native:storage:StorageAccount",
    "storageaccountname": "azure-native:storage:StorageAccount",
    "storageaccount": "azure-native:storage:StorageAccount",
    "vaultname": "azure-native:keyvault:Vault",
    "eventhubnamespace": "azure-native:eventhub:Namespace",
    "namespacename": "azure-native:servicebus:Namespace",
}
NAMED_TYPES = frozenset(_NAMED.values())
# Component families whose metadata names the place (a resource, host, URL, broker list or region).
_PLACED = (
    "state.azure.", "pubsub.azure.", "bindings.azure.", "secretstores.azure.", "configuration.azure.",
    "state.aws.", "pubsub.aws.", "bindings.aws.", "secretstores.aws.", "state.redis", "pubsub.redis",
    "bindings.redis", "configuration.redis", "lock.redis", "state.postgresql", "bindings.postgresql",
    "configuration.postgresql", "state.mysql", "bindings.mysql", "state.sqlserver", "state.mongodb",
    "state.cassandra", "pubsub.kafka", "bindings.kafka", "pubsub.rabbitmq", "bindings.rabbitmq",
    "pubsub.mqtt3", "bindings.mqtt3", "pubsub.pulsar", "pubsub.jetstream", "bindings.http", "bindings.smtp",
)
# Families that keep nothing outside the app (memory, the app's own files and environment, schedules).
_FREE = ("state.in-memory", "pubsub.in-memory", "lock.in-memory", "bindings.cron", "secretstores.local.",
         "middleware.", "nameresolution.")


def _type_problem(kind: str) -> str:
    return (f"a Dapr component of type {kind!r} sends to or keeps data at a service its metadata does not "
            "place (a vendor's API, a project or tenant named without its location); use a component whose "
            "metadata names a resource of the stack or a host (Azure, AWS, Redis, PostgreSQL, Kafka, HTTP, "
            "…), or add the type to policies/core/dapr_places.py with where it sends")


def _secret(secrets: Any, name: str) -> tuple[int, dict[str, Any]] | None:
    for i, s in enumerate(secrets if isinstance(secrets, list) else []):
        if isinstance(s, dict) and s.get("name") == name:
            return i, s
    return None


def _unreadable(value: Any) -> bool:
    return not isinstance(value, str) or is_unknown(value) or value == "[secret]"  # the gate's redaction


def dapr_refs(view: ResourceView) -> Found:
    """The places a Dapr component's metadata names that the scanner cannot read as references."""
    kind = view.input("componentType")
    if not isinstance(kind, str) or is_unknown(kind):
        return [("componentType", "unknown", "")]
    if kind.startswith(_FREE):
        return []
    if not kind.startswith(_PLACED):
        return [("componentType", "site", _type_problem(kind))]
    found: Found = []
    metadata = view.get("metadata")
    for i, item in enumerate(metadata if isinstance(metadata, list) else []):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        value, ref = item.get("value"), item.get("secretRef")
        target = _NAMED.get(name.lower())
        bare = isinstance(value, str) and not is_unknown(value) and "." not in value and "/" not in value
        if target and bare:
            found.append((f"metadata.{i}.value", "named", f"{target}|{value}"))
        elif isinstance(ref, str) and not credential_name(name):  # a connection string, host, URL, bucket
            held = _secret(view.get("secrets"), ref)
            if held is None:
                found.append((f"metadata.{i}.secretRef", "site", f"the metadata {name!r} reads the secret "
                              f"{ref!r}, which the component does not define; define it in `secrets`"))
            elif "keyVaultUrl" not in held[1] and _unreadable(held[1].get("value")):  # a vault's: stored_refs
                found.append((f"secrets.{held[0]}.value", "secret", ""))
    return found
