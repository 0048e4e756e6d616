"""The controls catalogue: requirement lines of the legal digest as controls, with sources and enforcement.

`load_catalogue()` reads policies/catalogue/controls.yaml, validates it against a JSON schema and checks
that every rule it names exists; errors name the file and the key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

CATALOGUE_FILE = Path(__file__).with_name("controls.yaml")

_SOURCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["doc", "paragraph", "seed_file", "quote"],
    "properties": {
        "doc": {"enum": ["D36", "DPA", "R2016", "PROT", "CLOUD"]},
        "paragraph": {"type": "string", "minLength": 1},
        "seed_file": {"type": "string", "pattern": r"^\d{3}_[0-9a-f]{16}\.txt$"},
        "quote": {"type": "string", "minLength": 10},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["controls"],
    "additionalProperties": False,
    "properties": {
        "controls": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "id",
                    "title",
                    "requirement",
                    "statement",
                    "kind",
                    "sources",
                    "gdpr",
                    "rules",
                    "components",
                    "evidence",
                ],
                "properties": {
                    "id": {"type": "string", "pattern": r"^[A-Z]{2,5}-\d{2}$"},
                    "title": {"type": "string", "minLength": 10},
                    "requirement": {"type": "string", "minLength": 10},
                    "statement": {"type": "string", "minLength": 10},
                    "kind": {"enum": ["technical", "organisational"]},
                    "sources": {"type": "array", "minItems": 1, "items": _SOURCE},
                    "gdpr": {"type": "array", "items": {"type": "string", "pattern": r"^art\. \d+"}},
                    "rules": {
                        "type": "array",
                        "items": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)+$"},
                    },
                    "components": {
                        "type": "array",
                        "items": {"type": "string", "pattern": r"^components\.[a-z_.]+\.[A-Z]\w+$"},
                    },
                    "checkov": {
                        "type": "array",
                        "items": {"type": "string", "pattern": r"^CKV2?_[A-Z]+_\d+$"},
                    },
                    "evidence": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                },
            },
        }
    },
}


class CatalogueError(ValueError):
    """The catalogue file is invalid (message names file and key)."""


@dataclass(frozen=True)
class Source:
    """Where a control comes from: the seed document, its paragraph and a verbatim quote."""

    doc: str
    paragraph: str
    seed_file: str
    quote: str


@dataclass(frozen=True)
class Control:
    """One requirement of the legal digest and what enforces or evidences it."""

    id: str
    title: str
    statement: str
    kind: str
    sources: tuple[Source, ...]
    gdpr: tuple[str, ...]
    rules: tuple[str, ...]
    components: tuple[str, ...]
    checkov: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    requirement: str = ""
    """Start of the requirement line in ../shared/requirements.md this control covers."""


@dataclass(frozen=True)
class Catalogue:
    controls: list[Control]
    _by_id: dict[str, Control] = field(default_factory=dict, repr=False)

    def control(self, control_id: str) -> Control:
        return self._by_id[control_id]

    def rules_for(self, control_id: str) -> list[str]:
        return list(self._by_id[control_id].rules)

    def controls_for_rule(self, rule_id: str) -> list[Control]:
        return [c for c in self.controls if rule_id in c.rules]


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in error.absolute_path).replace(
        ".[", "["
    )


def parse_catalogue(
    data: Any, path: str = "policies/catalogue/controls.yaml", known_rules: set[str] | None = None
) -> Catalogue:
    """Validate catalogue data; raises CatalogueError naming the file and the key."""
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as e:
        raise CatalogueError(f"{path}: {_where(e) or '<root>'}: {e.message}") from None
    controls: list[Control] = []
    seen: dict[str, Control] = {}
    for i, c in enumerate(data["controls"]):
        if c["id"] in seen:
            raise CatalogueError(f"{path}: controls[{i}].id: duplicate control id {c['id']}")
        if known_rules is not None:
            for rule in c["rules"]:
                if rule not in known_rules:
                    raise CatalogueError(f"{path}: controls[{i}].rules: unknown rule {rule!r}")
        control = Control(
            id=c["id"],
            title=c["title"],
            statement=c["statement"],
            kind=c["kind"],
            sources=tuple(Source(**s) for s in c["sources"]),
            gdpr=tuple(c["gdpr"]),
            rules=tuple(c["rules"]),
            components=tuple(c["components"]),
            checkov=tuple(c.get("checkov", ())),
            evidence=tuple(c["evidence"]),
            requirement=c["requirement"],
        )
        seen[control.id] = control
        controls.append(control)
    return Catalogue(controls, seen)


@functools.lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The project's catalogue, validated (schema, unique ids, rule references)."""
    from policies.rules import all_rules

    try:
        data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise CatalogueError(f"{CATALOGUE_FILE}: not valid YAML ({e})") from None
    return parse_catalogue(data, "policies/catalogue/controls.yaml", {r.id for r in all_rules()})
