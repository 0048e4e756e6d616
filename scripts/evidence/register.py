"""The GDPR art. 30 register-of-processing summary, rendered from stacks/records/processing-register.yaml.

D36 §59 requires the processing to be recorded in the register; DPA annex 2 lists the sub-processors.
The data stays in the repository (reviewed like code); every bundle carries the rendered summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.yamlrecord import load_validated

DEFAULT_PATH = Path("stacks/records/processing-register.yaml")

_SOURCED = {
    "type": "object",
    "required": ["text", "source"],
    "properties": {"text": {"type": "string", "minLength": 1}, "source": {"type": "string"}},
}
_LIST = {"type": "array", "minItems": 1, "items": _SOURCED}
_PROCESSOR = {
    "type": "object",
    "required": ["name", "role", "source"],
    "properties": {
        "name": {"type": "string"},
        "role": {"type": "string"},
        "source": {"type": "string"},
        "sub_processors": {"type": "array", "items": {"$ref": "#/$defs/processor"}},
    },
}
SCHEMA: dict[str, Any] = {
    "$defs": {"processor": _PROCESSOR},
    "type": "object",
    "required": ["version", "activities"],
    "properties": {
        "version": {"const": 1},
        "activities": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "name",
                    "controller",
                    "purposes",
                    "data_subjects",
                    "data_categories",
                    "recipients",
                    "locations",
                    "retention",
                    "processors",
                ],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    "name": {"type": "string"},
                    "controller": {"type": "string"},
                    "purposes": _LIST,
                    "data_subjects": _LIST,
                    "data_categories": _LIST,
                    "recipients": _LIST,
                    "locations": _LIST,
                    "retention": _SOURCED,
                    "processors": {"type": "array", "items": {"$ref": "#/$defs/processor"}},
                },
            },
        },
    },
}


def load(path: Path = DEFAULT_PATH) -> dict[str, Any]:
    """The validated register; EvidenceError naming the file and key on bad input."""
    return load_validated(path, SCHEMA)


def _processors(items: list[dict[str, Any]], depth: int = 0) -> list[str]:
    lines = []
    for p in items:
        lines.append(f"{'  ' * depth}- **{p['name']}** — {p['role']} ({p['source']})")
        lines += _processors(p.get("sub_processors") or [], depth + 1)
    return lines


def to_markdown(register: dict[str, Any]) -> str:
    """One section per processing activity, the art. 30 (1) headings in order."""
    out = [
        "# Register of processing activities (GDPR art. 30) — summary",
        "",
        "Source: `stacks/records/processing-register.yaml` (D36 §59; DPA annex 2).",
        "",
    ]
    for act in register["activities"]:
        out += [f"## {act['name']}", "", f"- Controller: {act['controller']}"]
        if act.get("legal_basis"):
            out.append(f"- Legal basis: {act['legal_basis']}")
        for key, title in (
            ("purposes", "Purposes"),
            ("data_subjects", "Categories of data subjects"),
            ("data_categories", "Categories of personal data"),
            ("recipients", "Recipients"),
            ("locations", "Locations"),
        ):
            out += ["", f"### {title}", ""] + [f"- {i['text']} ({i['source']})" for i in act[key]]
        if act.get("transfers_outside_eea"):
            out += ["", "### Transfers outside the EEA", "", f"- {act['transfers_outside_eea']}"]
        out += ["", "### Retention", "", f"- {act['retention']['text']} ({act['retention']['source']})"]
        out += ["", "### Processors and sub-processors", "", *_processors(act["processors"])]
        if act.get("security"):
            out += ["", "### Security measures (art. 32)", "", f"- {act['security']}"]
        out.append("")
    return "\n".join(out)
