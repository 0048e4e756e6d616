"""Exports the pulumi-aws resources of a checkpoint as a Terraform plan JSON checkov's terraform_plan scans.

pulumi-aws is bridged from the Terraform AWS provider, so its resources are Terraform resources under other
names: the type comes from ``data/aws_types.json`` (see ``generate.py``), properties go camelCase ->
snake_case, single nested objects become one-element lists (Terraform blocks), pluralised lists of objects
go back to the singular block name, and maps (tags, ...) keep their keys. Property dependencies become
``configuration`` expression references so checkov's graph checks connect resources (a bucket and its
separate public-access block).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.checkov.names import singular, snake
from gate.checkov.values import clean
from gate.recording import UNKNOWN

DATA = Path(__file__).with_name("data")
PROVIDER_NAME = "registry.terraform.io/hashicorp/aws"
TERRAFORM_VERSION = "1.9.0"

# Object-valued inputs that are Terraform maps (arbitrary keys), not blocks.
MAP_PROPERTIES = frozenset({
    "tags", "tagsAll", "variables", "parameters", "environment", "labels", "attributes", "requestParameters",
    "requestTemplates", "responseParameters", "responseTemplates", "stageVariables", "properties",
    "context", "options", "metadata", "dimensions", "defaultArguments", "customHeaders",
})
# Pulumi properties whose Terraform name is not the snake_case of the Pulumi name.
RENAMES: dict[str, dict[str, str]] = {
    "*": {"ipv6CidrBlocks": "ipv6_cidr_blocks"},
}
_IDENT = re.compile(r"^[a-z][A-Za-z0-9]*$")


@functools.cache
def type_table() -> dict[str, str]:
    """Pulumi token -> Terraform type (checked-in data)."""
    return json.loads((DATA / "aws_types.json").read_text())


def _is_block(key: str, value: dict[str, Any]) -> bool:
    return key not in MAP_PROPERTIES and all(_IDENT.match(k) for k in value)


def convert(value: Any, key: str = "", tf_type: str = "") -> Any:
    """Pulumi input value -> Terraform plan value (see the module docstring)."""
    if isinstance(value, dict):
        if not _is_block(key, value):
            return dict(value)
        return [_convert_object(value, tf_type)] if key else _convert_object(value, tf_type)
    if isinstance(value, list):
        return [_convert_object(v, tf_type) if isinstance(v, dict) and _is_block(key, v) else v
                for v in value]
    return value


def _convert_object(obj: dict[str, Any], tf_type: str) -> dict[str, Any]:
    renames = {**RENAMES["*"], **RENAMES.get(tf_type, {})}
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = renames.get(key) or snake(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            name = singular(name)
        out[name] = convert(value, key, tf_type)
    return out


@dataclass
class TerraformExport:
    """The plan document and the address -> URN map for one stack."""

    plan: dict[str, Any]
    urns: dict[str, str] = field(default_factory=dict)       # "aws_s3_bucket.data" -> urn
    unmapped: dict[str, int] = field(default_factory=dict)   # pulumi-aws token -> count (no Terraform type)


def _addresses(resources: list[dict[str, Any]], table: dict[str, str]) -> dict[str, str]:
    """URN -> unique Terraform address built from the Pulumi logical name."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for res in resources:
        tf_type = table[res["type"]]
        base = re.sub(r"[^A-Za-z0-9_-]", "_", res["urn"].split("::")[-1]) or "r"
        if not base[0].isalpha() and base[0] != "_":
            base = "r_" + base
        name, n = base, 1
        while f"{tf_type}.{name}" in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(f"{tf_type}.{name}")
        out[res["urn"]] = f"{tf_type}.{name}"
    return out


def _expressions(res: dict[str, Any], addresses: dict[str, str]) -> dict[str, Any]:
    """Terraform ``configuration`` expressions: a reference per property depending on exported resources."""
    expressions: dict[str, Any] = {}
    for prop, deps in (res.get("propertyDependencies") or {}).items():
        refs: list[str] = []
        for dep in deps:
            target = addresses.get(dep)
            if target:
                refs += [f"{target}.id", target]
        if refs:
            expressions[snake(prop)] = {"references": refs}
    return expressions


@dataclass
class Unit:
    """One exported resource and what its blocks depend on besides its own checkpoint entry."""

    res: dict[str, Any]
    address: str
    expressions: dict[str, Any]


def layout(checkpoint: dict[str, Any]) -> tuple[TerraformExport, list[Unit]]:
    """The whole-state part of the export: which resources, their addresses and references (cheap);
    `blocks` does the per-resource part. The export's `plan` is left empty."""
    table = type_table()
    resources = [r for r in checkpoint.get("deployment", {}).get("resources", [])
                 if r.get("custom") and str(r.get("type", "")).startswith("aws:")]
    result = TerraformExport(plan={})
    mapped = []
    for res in resources:
        if res["type"] in table:
            mapped.append(res)
        else:
            result.unmapped[res["type"]] = result.unmapped.get(res["type"], 0) + 1
    addresses = _addresses(mapped, table)
    units = [Unit(res, addresses[res["urn"]], _expressions(res, addresses)) for res in mapped]
    result.urns.update((u.address, u.res["urn"]) for u in units)
    return result, units


def blocks(unit: Unit) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A resource's planned value, resource change and configuration blocks."""
    res, address, expressions = unit.res, unit.address, unit.expressions
    tf_type, name = address.split(".", 1)
    inputs = clean(res.get("inputs") or {})
    # An unknown input will have a value, just not one known at preview: it stays a placeholder string
    # (an "is set" check passes, a value comparison fails closed) unless it refers to an exported
    # resource, where the reference stands in for it, as in a real plan.
    values = _convert_object({k: v for k, v in inputs.items()
                              if not (v == UNKNOWN and snake(k) in expressions)}, tf_type)
    unknown = {snake(k): True for k, v in inputs.items() if v == UNKNOWN}
    head = {"address": address, "mode": "managed", "type": tf_type, "name": name,
            "provider_name": PROVIDER_NAME}
    return ({**head, "schema_version": 0, "values": values, "sensitive_values": {}},
            {**head, "change": {"actions": ["create"], "before": None, "after": values,
                                "after_unknown": unknown}},
            {"address": address, "mode": "managed", "type": tf_type, "name": name,
             "provider_config_key": "aws", "expressions": expressions, "schema_version": 0})


def plan(planned: list[Any], changes: list[Any], config: list[Any]) -> dict[str, Any]:
    """The plan document holding these blocks."""
    return {
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": PROVIDER_NAME}},
                          "root_module": {"resources": config}},
    }


def export(checkpoint: dict[str, Any]) -> TerraformExport:
    """Terraform plan JSON for the pulumi-aws custom resources of a `pulumi stack export` document."""
    result, units = layout(checkpoint)
    made = [blocks(u) for u in units]
    result.plan = plan([b[0] for b in made], [b[1] for b in made], [b[2] for b in made])
    return result
