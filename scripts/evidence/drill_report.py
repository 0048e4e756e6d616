"""The shape of an exit-drill report (`stacks/records/drills/<stack>-<YYYY-MM-DD>.json`, written by
`exit_drill.report.build`): a report the export cannot read as that shape is bad input, not a finding.

An auditor asks two questions of a drill report: is it the record `exit-drill` wrote for this stack and
day, and what does it say. A truncated file, a value of the wrong type, an unknown or missing key, a report
of another stack or day under this name answer neither: grading them "not verified" hides a broken record
behind a clause that merely looks unmet, so the export stops with exit 2 naming the file and key before it
writes anything (as for a malformed exit plan, evidence.exit_plan). A well-formed report that does not
establish its clause (too old, a local procedure proof, failed, not signed off, its signature not matching
or not checkable here) is graded by evidence.records, naming the file.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import jsonschema
from exit_drill.report import KIND
from gate.errors import GateError
from gate.inputs import parse_json, read_text

from evidence.errors import EvidenceError

DIRECTORY = "drills"
FILE = re.compile(r"^(?P<stack>[a-z0-9][a-z0-9-]*)-(?P<date>\d{4}-\d{2}-\d{2})\.json$")
MAX_BYTES = 1024 * 1024   # a drill report is a few KiB

_TEXT = {"type": "string"}
_LIST = {"type": "array"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "stack", "date", "mode", "controls", "result", "signed_off_by", "copy", "tables",
                 "problems", "signature"],
    "properties": {
        "kind": {"const": KIND},
        "stack": _TEXT,
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "mode": {"enum": ["live", "local"]},
        "controls": {"type": "array", "items": _TEXT},
        "result": {"enum": ["passed", "failed"]},
        "signed_off_by": _TEXT,
        "copy": {"type": "object", "properties": {"bucket": _TEXT}},
        "restore_target": _TEXT,
        "tables": {"type": "array", "items": {"type": "object"}},
        "problems": {"type": "array", "items": _TEXT},
        "signature": {
            "type": "object",
            "additionalProperties": False,
            "required": ["algorithm", "value"],
            "properties": {
                "algorithm": {"enum": ["sha256", "hmac-sha256"]},
                "signed": {"type": "boolean"},
                "value": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        },
    },
}


def shown(path: Path) -> str:
    return f"stacks/records/{DIRECTORY}/{path.name}"


def load(path: Path) -> dict[str, Any]:
    """The report at `path`, of the shape `exit-drill` writes and for the stack and day it is named for;
    EvidenceError naming the file and key otherwise."""
    rel = shown(path)
    name = FILE.match(path.name)
    if name is None:
        raise EvidenceError(f"{rel}: not named <stack>-<YYYY-MM-DD>.json (as exit-drill writes it)")
    try:
        data = parse_json(read_text(path, "drill report", MAX_BYTES), rel)
    except GateError as exc:
        raise EvidenceError(str(exc).replace(str(path), rel)) from None
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    if error is not None:
        key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise EvidenceError(f"{rel}: {key}: {error.message} (restore the report exit-drill wrote)")
    for key in ("stack", "date"):
        if data[key] != name[key]:
            raise EvidenceError(f"{rel}: {key}: {data[key]!r} is not the {key} the file is named for "
                                "(a report of another run under this name)")
    try:
        dt.date.fromisoformat(data["date"])
    except ValueError:
        raise EvidenceError(f"{rel}: date: {data['date']!r} is not a date") from None
    return data


def validate_all(records: Path) -> None:
    """Every drill report under `records`, read now: a malformed one stops the export (exit 2)."""
    for path in sorted((records / DIRECTORY).glob("*.json")):
        load(path)
