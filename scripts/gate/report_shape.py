"""Whether a JSON document is a stack report as the gate writes it (`StackReport.to_json`), key by key.

Readers of a report another process wrote (`gate merge` of a shard, `evidence export --gate-dir`) rebuilt
it with the dataclasses and refused what broke them by the exception's text: a missing field named the
class, not the key; a policy run without its fields, `regions` holding a word, or a finding with a key of
its own were taken as they were (round 29, docs/gate-red-team.md). Closed world: a key the gate does not
write is refused too, not skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import MISSING, fields
from typing import Any, get_args

from gate.model import Level, PolicyRun, Violation


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _counts(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and _count(v) for k, v in value.items())


_TEXT = (_text, "text")
_COUNT = (_count, "a count")
_FIELD = {   # a finding's or a policy run's fields that are no text: the check and what it wants
    "level": (lambda v: v in get_args(Level), f"one of {', '.join(get_args(Level))}"),
    "source_chain": (lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v), "a list of texts"),
    "resources_checked": _COUNT,
    "violations": _COUNT,
}
_TOP = {
    "stack": _TEXT, "blocked": (lambda v: isinstance(v, bool), "true or false"), "resources": _COUNT,
    "as_of": _TEXT, "resource_types": (_counts, "a map of names to counts"),
    "regions": (_counts, "a map of names to counts"), "cached": (lambda v: v is True, "true"),
    "source_root": _TEXT,
}
_REQUIRED = ("stack", "resources", "violations", "policies")


def problem(doc: Any) -> str:
    """`key: why` for the first key that is not as the gate writes it; "" for a report it could have
    written."""
    if not isinstance(doc, dict):
        return "not a JSON object"
    missing = [key for key in _REQUIRED if key not in doc]
    if missing:
        return f"{missing[0]}: missing"
    for key, value in doc.items():
        if key in ("violations", "policies"):
            why = _objects(value, Violation if key == "violations" else PolicyRun, key)
            if why:
                return why
        elif key not in _TOP:
            return f"{key}: not a key of a gate report"
        elif not _TOP[key][0](value):
            return f"{key}: {_shown(value)} is not {_TOP[key][1]}"
    return ""


def _objects(value: Any, cls: type, where: str) -> str:
    if not isinstance(value, list):
        return f"{where}: {_shown(value)} is not a list"
    names = [f.name for f in fields(cls)]
    required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            return f"{where}[{i}]: {_shown(item)} is not an object"
        missing = [name for name in required if name not in item]
        if missing:
            return f"{where}[{i}].{missing[0]}: missing"
        for key, field_value in item.items():
            if key not in names:
                return f"{where}[{i}].{key}: not a key the gate writes there"
            if key == "waiver":
                why = _waiver(field_value, item.get("level"))
                if why:
                    return f"{where}[{i}].waiver{why}"
                continue
            check, wanted = _FIELD.get(key, _TEXT)
            if not check(field_value):
                return f"{where}[{i}].{key}: {_shown(field_value)} is not {wanted}"
    return ""


_WAIVER = ("rule", "resource", "reason", "owner", "expires")   # what gate.findings and checkov's loader write
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _waiver(value: Any, level: Any) -> str:
    """`: why` or `.<field>: why` when a finding's waiver is not one the gate writes; "" for null or a
    waiver it could have written. Round 30: any object passed, and a finding with one does not block."""
    if value is None:
        return ""
    if not isinstance(value, dict):
        return f": {_shown(value)} is not a waiver object or null"
    if level != "advisory":
        return f": a waiver on a {level} finding (a waived finding is advisory)"
    for name in (*_WAIVER, *value):
        if name not in _WAIVER:
            return f".{name}: not a field of a waiver"
        if name not in value:
            return f".{name}: missing"
        wanted = "a non-empty text" if name in ("rule", "owner") else "a text"
        if not isinstance(value[name], str) or (wanted != "a text" and not value[name].strip()):
            return f".{name}: {_shown(value[name])} is not {wanted}"
    if not _DATE.fullmatch(value["expires"]) or not _real_date(value["expires"]):
        return f".expires: {_shown(value['expires'])} is not a date (YYYY-MM-DD)"
    return ""


def _real_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _shown(value: Any) -> str:
    return repr(str(value)[:40])
