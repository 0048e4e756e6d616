"""The exit plan of each stack (LOC-04 `exit-plan`; R2016: "an exit strategy ... when the contract ends"):
`stacks/records/exit-plans/<stack>.yaml`, reviewed like code.

A malformed plan is bad input: `evidence export` stops with exit 2 naming the file and key, before it
writes anything. A well-formed plan establishes the clause only while its review is current: `reviewed`
on or before the evaluation date and at most REVIEW_MAX_AGE_DAYS (12 months) before it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from evidence.errors import EvidenceError
from evidence.yamlrecord import load_validated

DIRECTORY = "exit-plans"
REVIEW_MAX_AGE_DAYS = 366  # reviewed at least once every 12 months

_TEXT = {"type": "string", "minLength": 3}
_TEXTS = {"type": "array", "minItems": 1, "items": _TEXT}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _object(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "additionalProperties": False,
            "properties": {**required, **optional}}


SCHEMA: dict[str, Any] = _object(
    {
        "kind": {"const": "exit-plan/1"},
        "stack": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
        "system": _TEXT,
        "owner": _object({"role": _TEXT, "organisation": _TEXT}, name=_TEXT),
        "reviewed": _DATE,
        "target_platform": _object({"name": _TEXT, "regions": _TEXTS, "why": _TEXT}, operator=_TEXT),
        "export_formats": {"type": "array", "minItems": 1, "items": _object(
            {"data": _TEXT, "format": _TEXT, "tool": _TEXT}, verified_by=_TEXT)},
        "responsibilities": {"type": "array", "minItems": 2, "items": _object(
            {"party": _TEXT, "tasks": _TEXTS})},
        "contract_terms": _object(
            {"agreement": _TEXT, "notice": _TEXT, "data_return": _TEXT, "deletion": _TEXT, "source": _TEXT},
            assistance=_TEXT, costs=_TEXT),
        "steps": {"type": "array", "minItems": 3, "items": _TEXT},
    },
    next_review=_DATE,
    recovery_time=_TEXT,
)


def load(path: Path) -> dict[str, Any]:
    """One validated plan; EvidenceError naming the file and key on bad input."""
    rel = f"stacks/records/{DIRECTORY}/{path.name}"
    data = load_validated(path, SCHEMA, rel, dates_as_text=True)
    if data["stack"] != path.stem:
        raise EvidenceError(f"{rel}: stack: {data['stack']!r} is not the stack the file is named for")
    for key in ("reviewed", "next_review"):
        if key in data:
            try:
                dt.date.fromisoformat(data[key])
            except ValueError:
                raise EvidenceError(f"{rel}: {key}: {data[key]!r} is not a date") from None
    return data


def validate_all(records: Path) -> dict[str, dict[str, Any]]:
    """Every plan under `records`, validated up front (a bad one stops the export)."""
    return {p.stem: load(p) for p in sorted((records / DIRECTORY).glob("*.yaml"))}


def judge(plan: dict[str, Any] | None, stack: str, as_of: dt.date) -> tuple[str, str]:
    """(status, detail) of a stack's plan on the evaluation date."""
    rel = f"stacks/records/{DIRECTORY}/{stack}.yaml"
    if plan is None:
        return "not-verified", f"no exit plan ({rel})"
    reviewed = dt.date.fromisoformat(plan["reviewed"])
    if reviewed > as_of:
        return "not-verified", f"{rel}: reviewed {reviewed}, after the evaluation date {as_of}"
    if (as_of - reviewed).days > REVIEW_MAX_AGE_DAYS:
        return "not-verified", f"{rel}: last reviewed {reviewed}, more than 12 months before {as_of}"
    owner = plan["owner"]
    return "established", (
        f"{rel}: exit to {plan['target_platform']['name']}, owned by {owner['role']} "
        f"({owner['organisation']}), reviewed {reviewed}"
    )
