"""Exports the azure-native resources of a checkpoint as an ARM deployment template for checkov's arm runner.

azure-native mirrors ARM: the type and API version come from ``data/azure_types.json`` (see ``generate.py``).
ARM keeps ``location``, ``tags``, ``sku``, ``kind``, ``identity``, ``zones``, ``plan`` and
``extendedLocation`` at the top and everything else under ``properties``; azure-native flattens
``properties`` into the resource inputs and adds the URL path parameters (``resourceGroupName``,
``vaultName``, ...), so the exporter drops the path parameters, moves the rest back under ``properties``
(or takes an explicit ``properties`` input as is) and renames the few fields azure-native renamed.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.checkov.values import clean
from gate.recording import REDACTED, UNKNOWN

DATA = Path(__file__).with_name("data")
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
TOP_LEVEL = ("location", "tags", "sku", "kind", "identity", "zones", "plan", "extendedLocation")

# azure-native name -> ARM wire name, per ARM type (the SDK renamed these, x-ms-client-name).
RENAMES: dict[str, dict[str, str]] = {
    "Microsoft.Storage/storageAccounts": {
        "enableHttpsTrafficOnly": "supportsHttpsTrafficOnly",
        "networkRuleSet": "networkAcls",
    },
}
# List properties whose items ARM nests as {"name", "properties": {...}} but azure-native flattens.
NESTED_ITEMS: dict[str, tuple[str, ...]] = {
    "Microsoft.Network/networkSecurityGroups": ("securityRules",),
    "Microsoft.Network/virtualNetworks": ("subnets",),
    "Microsoft.Network/networkInterfaces": ("ipConfigurations",),
    "Microsoft.Network/azureFirewalls": ("ipConfigurations", "applicationRuleCollections",
                                         "networkRuleCollections", "natRuleCollections"),
}
_ITEM_TOP = ("name", "id", "type", "etag")
# Settings that are separate resources in azure-native but that checkov's ARM checks only look for nested in
# their parent's ``resources`` list: token -> (child ARM type, parent ARM type, input naming the parent).
_SERVER = ("Microsoft.Sql/servers", "serverName")
_DATABASE = ("Microsoft.Sql/servers/databases", "databaseName")
CHILDREN: dict[str, tuple[str, str, str]] = {
    "azure-native:sql:ServerBlobAuditingPolicy": ("Microsoft.Sql/servers/auditingSettings", *_SERVER),
    "azure-native:sql:ExtendedServerBlobAuditingPolicy": ("Microsoft.Sql/servers/auditingSettings", *_SERVER),
    "azure-native:sql:ServerSecurityAlertPolicy": ("Microsoft.Sql/servers/securityAlertPolicies", *_SERVER),
    "azure-native:sql:DatabaseBlobAuditingPolicy":
        ("Microsoft.Sql/servers/databases/auditingSettings", *_DATABASE),
    "azure-native:sql:ExtendedDatabaseBlobAuditingPolicy":
        ("Microsoft.Sql/servers/databases/auditingSettings", *_DATABASE),
    "azure-native:sql:DatabaseSecurityAlertPolicy":
        ("Microsoft.Sql/servers/databases/securityAlertPolicies", *_DATABASE),
}


@functools.cache
def type_table() -> dict[str, dict[str, Any]]:
    """Pulumi token -> {"arm_type", "api_version", "path_params"} (checked-in data)."""
    return json.loads((DATA / "azure_types.json").read_text())


@dataclass
class ArmExport:
    """The template and the ARM resource id ("<type>.<name>") -> URN map for one stack."""

    template: dict[str, Any]
    urns: dict[str, str] = field(default_factory=dict)
    unmapped: dict[str, int] = field(default_factory=dict)


def _nest(item: Any) -> Any:
    if not isinstance(item, dict) or "properties" in item:
        return item
    return {**{k: item[k] for k in _ITEM_TOP if k in item},
            "properties": {k: v for k, v in item.items() if k not in _ITEM_TOP}}


def own_name(token_info: dict[str, Any], inputs: dict[str, Any]) -> str | None:
    """The resource's Azure name when the program set it (``accountName`` of a storage account, ...).

    The naming path parameter is the one whose stem appears in the ARM type's last segment
    (``containerName`` for ``.../containers``, ``accountName`` for ``storageAccounts``)."""
    last = token_info["arm_type"].rstrip("/").rsplit("/", 1)[-1].lower()
    params = [p for p in token_info.get("path_params", []) if p.endswith("Name") and p != "resourceGroupName"
              and p[:-4].lower() in last]
    for param in sorted(params, key=len, reverse=True):
        value = inputs.get(param)
        if isinstance(value, str) and value != UNKNOWN and value != REDACTED:
            return value
    return None


def to_arm(token_info: dict[str, Any], inputs: dict[str, Any], name: str) -> dict[str, Any]:
    """One ARM resource from azure-native inputs (already cleaned of secrets)."""
    arm_type = token_info["arm_type"]
    skip = {*token_info.get("path_params", []), "resourceGroupName"}
    resource: dict[str, Any] = {"type": arm_type, "apiVersion": token_info.get("api_version", ""),
                                "name": name}
    rest: dict[str, Any] = {}
    for key, value in inputs.items():
        if key in TOP_LEVEL:
            resource[key] = value
        elif key not in skip:
            rest[key] = value
    explicit = rest.pop("properties", None)
    properties = {**(explicit if isinstance(explicit, dict) else {}), **rest}
    renames = RENAMES.get(arm_type, {})
    properties = {renames.get(k, k): v for k, v in properties.items()}
    for key in NESTED_ITEMS.get(arm_type, ()):
        if isinstance(properties.get(key), list):
            properties[key] = [_nest(i) for i in properties[key]]
    if arm_type.endswith("/secrets") and "value" in properties:
        properties["value"] = REDACTED  # a Key Vault secret's value is a secret whether marked or not
    resource["properties"] = properties
    return resource


@dataclass
class Unit:
    """One exported resource, its final name and the child settings nested into it."""

    res: dict[str, Any]
    info: dict[str, Any]
    name: str
    children: list[dict[str, Any]] = field(default_factory=list)


def _cleaned(inputs: dict[str, Any], key: str) -> Any:
    """``clean(inputs)[key]`` without cleaning the rest."""
    return clean(inputs[key], key) if key in inputs else None


def layout(checkpoint: dict[str, Any]) -> tuple[ArmExport, list[Unit]]:
    """The whole-state part of the export: which resources, their names (unique per type) and which
    child settings nest into which parent (cheap); `block` does the per-resource part."""
    table = type_table()
    result = ArmExport(template={})
    units: list[Unit] = []
    children: list[dict[str, Any]] = []
    seen: set[str] = set()
    for res in checkpoint.get("deployment", {}).get("resources", []):
        token = str(res.get("type", ""))
        if not res.get("custom") or not token.startswith("azure-native:"):
            continue
        if token in CHILDREN:
            children.append(res)
            continue
        info = table.get(token)
        if info is None:
            result.unmapped[token] = result.unmapped.get(token, 0) + 1
            continue
        raw = res.get("inputs") or {}
        base = own_name(info, {p: _cleaned(raw, p) for p in info.get("path_params", []) if p in raw})
        base = base or res["urn"].split("::")[-1]
        name, n = base, 1
        while f"{info['arm_type']}.{name}" in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(f"{info['arm_type']}.{name}")
        units.append(Unit(res, info, name))
        result.urns[f"{info['arm_type']}.{name}"] = res["urn"]
    for child in children:   # each to its parent, found by type and Azure name
        _, parent_type, param = CHILDREN[child["type"]]
        wanted = _cleaned(child.get("inputs") or {}, param)
        parent = next((u for u in units if u.info["arm_type"] == parent_type and u.name == wanted), None)
        if parent is not None:
            parent.children.append(child)
    return result, units


def block(unit: Unit) -> dict[str, Any]:
    """One ARM resource with its child settings in its ``resources`` (where checkov's ARM checks look)."""
    resource = to_arm(unit.info, clean(unit.res.get("inputs") or {}), unit.name)
    for child in unit.children:
        child_type, _, param = CHILDREN[child["type"]]
        inputs = clean(child.get("inputs") or {})
        properties = {k: v for k, v in inputs.items() if k not in (param, "resourceGroupName", "serverName")
                      and not k.endswith("PolicyName")}
        resource.setdefault("resources", []).append({"type": child_type, "name": "default",
                                                     "properties": properties})
    return resource


def template(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": {}, "resources": resources}


def export(checkpoint: dict[str, Any]) -> ArmExport:
    """ARM template for the azure-native custom resources of a `pulumi stack export` document."""
    result, units = layout(checkpoint)
    result.template = template([block(u) for u in units])
    return result
