"""JSON schema of policies/catalogue/controls.yaml (controls, their sources, clauses and means)."""

from __future__ import annotations

from typing import Any

RECORD_KINDS = ("drill-report", "exit-plan", "pia-acceptance")
"""Records the evidence export can read: an exit-drill report (stacks/records/drills/<stack>-<date>.json),
an exit plan (stacks/records/exit-plans/<stack>.yaml) and the residual-risk acceptance of a PIA record
(stacks/records/pia/<stack>.yaml)."""

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
_RULE_ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)+$"}
_COMPONENT = {"type": "string", "pattern": r"^components\.[a-z_.]+\.[A-Z]\w+$"}
_CHECKOV = {"type": "string", "pattern": r"^CKV2?_[A-Z]+_\d+$"}
_TYPES = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "string", "pattern": r"^(@[a-z-]+|[\w-]+:[\w/.-]*:\w+)$"},
}


def _one(key: str, value: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key, *extra.pop("_required", [])],
        "properties": {key: value, **extra},
    }


_MEANS = {
    "oneOf": [
        _one(
            "rule",
            _RULE_ID,
            types=_TYPES,
            messages={"type": "string", "minLength": 1},
            pending={"type": "string", "minLength": 10},
        ),
        _one("checkov", _CHECKOV),
        _one(
            "component",
            _COMPONENT,
            type={"type": "string", "pattern": r"^[\w-]+:[\w/.-]*:\w+$"},
            property={"type": "string", "minLength": 1},
            equals={},
            _required=["type", "property", "equals"],
        ),
        _one("live", {"type": "string", "pattern": r"^(aws|azure)\.[a-z0-9.-]+$"}),
        _one("record", {"enum": list(RECORD_KINDS)}, types=_TYPES),
        _one("organisational", {"type": "string", "minLength": 10}),
    ]
}
_CLAUSE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "text", "means"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"},
        "text": {"type": "string", "minLength": 5},
        "means": {"type": "array", "minItems": 1, "items": _MEANS},
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
                    "clauses",
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
                    "clauses": {"type": "array", "minItems": 1, "items": _CLAUSE},
                    "components": {"type": "array", "items": _COMPONENT},
                    "checkov": {"type": "array", "items": _CHECKOV},
                    "evidence": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                },
            },
        }
    },
}
