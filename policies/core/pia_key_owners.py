"""Whose key a store names (round 11), for require-customer-managed-keys: a Key Vault or Managed HSM key URI
of a vault the stack does not declare, and not recorded as an outside endpoint of the stack, is another
party's key (the Azure twin of round 10's other-account KMS keys); a KMS alias the stack does not declare can
point at any key, so its rotation and administrators cannot be judged. Legacy launch configurations name no
key: their volumes take the account's default EBS key, judged when the stack sets it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from policies.core import pia_key_material as material
from policies.core.endpoints import find, load_endpoints
from policies.core.view import ResourceView, StackGraph, is_unknown

_VAULT_URI = re.compile(r"^https://([a-z0-9-]+)\.(vault|managedhsm)\.azure\.net(/|$)", re.IGNORECASE)
_ALIAS = re.compile(r"^(?:arn:aws[\w-]*:kms:[\w-]*:\d{12}:)?(alias/[\w/+=,.@-]+)$")
_OWN_KEY_TYPES = (
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
    "azure-native:keyvault:ManagedHsm",
    "aws:kms/alias:Alias",
    *material.STACK_KEYS,
)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}.{i}")


def _stack_names(graph: StackGraph) -> tuple[set[str], set[str]]:
    vaults = {str(v.input("vaultName")).lower() for v in graph.by_type("azure-native:keyvault:Vault")}
    vaults |= {str(v.input("name")).lower() for v in graph.by_type("azure-native:keyvault:ManagedHsm")}
    aliases = {str(a.input("name")) for a in graph.by_type("aws:kms/alias:Alias")}
    return vaults, aliases


def foreign_key_owners(r: ResourceView, graph: StackGraph, stack: str | None) -> list[str]:
    """Vault key URIs and KMS aliases among a store's inputs that the stack does not declare. A field
    computed from a vault, key or alias of the stack is that one."""
    vaults, aliases = graph.once("key_owner_names", lambda: _stack_names(graph))
    endpoints = load_endpoints(stack) if stack else ()
    out = []
    for fld, value in r.inputs.items():
        if fld in ("arn", "id") or is_unknown(value):
            continue
        deps = (graph.get(u) for u in r.property_dependencies.get(fld, ()))
        if any(d is not None and d.type in _OWN_KEY_TYPES for d in deps):
            continue
        for path, text in _strings(value, fld):
            if (m := _VAULT_URI.match(text)) and m.group(1).lower() not in vaults:
                host = f"{m.group(1).lower()}.{m.group(2).lower()}.azure.net"
                if find(endpoints, "host", host) is None:
                    out.append(
                        f"`{path}` names a key in {host}, a vault the stack does not declare nor record "
                        "as an outside endpoint (stacks/records/endpoints.yaml): another party holds it and "
                        "its rotation and administrators cannot be judged; use a vault of this stack"
                    )
            elif (
                (m := _ALIAS.match(text))
                and not m.group(1).startswith("alias/aws/")
                and m.group(1) not in aliases
            ):
                out.append(
                    f"`{path}` names the KMS alias {m.group(1)!r}, which the stack does not declare: it can "
                    "point at any key, so rotation and administrators cannot be judged; name the key, or "
                    "declare the alias (kms.Alias) in the stack"
                )
    return out


def foreign(r: ResourceView, graph: StackGraph, stack: str | None, known: set[str]) -> list[str]:
    """Keys of other parties among a store's inputs: other accounts' KMS keys, undeclared vaults/aliases,
    literal keys no key of the stack feeds (`known` AWS-managed ARNs are reported by the store's check)."""
    return material.foreign_keys(r, graph, known) + foreign_key_owners(r, graph, stack)


def launch_configuration(key_of: material.KeyOf) -> material.Judge:
    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        if not graph.by_type(material.DEFAULT_EBS_KEY):
            return [
                "a launch configuration cannot name a customer-managed key for its volumes; use a launch "
                "template (blockDeviceMappings ebs.kmsKeyId) or set the account's default EBS key "
                "(ebs.DefaultKmsKey) to a customer-managed key"
            ]
        return material.instance_devices(graph, r, known, key_of, names_keys=False)

    return judge
