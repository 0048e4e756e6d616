"""The shape of a stack's waiver and PIA records, checked when a pack loads (round 15).

A record the rules judge (an expired waiver, a PIA action point not implemented, a reason too short) is a
finding: the rule blocks and says why. A record that is not a record — a key nobody reads (`expire:`), a
list where a date belongs, a null, an impossible date, a tag, a key given twice — is bad input: the pack
refuses to start with RecordShapeError naming the file and the key, and the gate exits 2 (as a malformed
endpoints record does). Otherwise a hand edit could leave a waiver or an acceptance that silently means
something else than the text a reviewer approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policies.core.records import _WAIVER_KEYS, _shown, current_stack, read_record, records_dir


class RecordShapeError(ValueError):
    """A record of the wrong shape: bad input (exit 2), not a finding."""


Check = Callable[[Any, str], None]


def _fail(where: str, message: str) -> None:
    raise RecordShapeError(f"{where}: {message}")


def _join(where: str, key: Any) -> str:
    """`file: a.b[0].c`: the file, then the key's path in it."""
    return f"{where}.{key}" if ": " in where else f"{where}: {key}"


def line(value: Any, where: str) -> None:
    """A non-empty one-line string."""
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"expected a non-empty string, got {_kind(value)}")
    if "\0" in value or "\n" in value or "\r" in value:
        _fail(where, "expected one line of text (no NUL or line break)")


def text(value: Any, where: str) -> None:
    """A non-empty string (line breaks allowed, NUL not)."""
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"expected a non-empty string, got {_kind(value)}")
    if "\0" in value:
        _fail(where, "contains a NUL character")


def date(value: Any, where: str) -> None:
    """A date: YAML's YYYY-MM-DD, or that text quoted."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
            if len(value) == 10:
                return
        except ValueError:
            pass
    got = repr(value[:40]) if isinstance(value, str) else _kind(value)
    _fail(where, f"expected a date (YYYY-MM-DD), got {got}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__)


def mapping(fields: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    """A mapping of exactly these keys (those in `required` must be there), each of its check."""
    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            _fail(where, f"expected a mapping, got {_kind(value)}")
        for key in required:
            if key not in value:
                _fail(_join(where, key), "required key is missing")
        for key, item in value.items():
            here = _join(where, key)
            if key not in fields:
                _fail(here, f"unknown key (known: {', '.join(fields)})")
            fields[key](item, here)
    return check


def list_of(item: Check) -> Check:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, list):
            _fail(where, f"expected a list, got {_kind(value)}")
        for i, entry in enumerate(value):
            item(entry, f"{where}[{i}]")
    return check


def strings(value: Any, where: str) -> None:
    list_of(line)(value, where)


def _status(value: Any, where: str) -> None:
    """An action point: its status as text, or a mapping with it."""
    if isinstance(value, dict):
        mapping({"paragraph": text, "status": line, "evidence": text}, ("status",))(value, where)
    else:
        line(value, where)


def _action_points(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        _fail(where, f"expected a mapping of action point ids to their status, got {_kind(value)}")
    for point, status in value.items():
        _status(status, _join(where, point))


def _entries(value: Any, where: str) -> None:
    """A list of records another rule reads (break_glass, *_mfa): mappings of plain, non-null values."""
    def entry(item: Any, here: str) -> None:
        if not isinstance(item, dict) or not item:
            _fail(here, f"expected a mapping, got {_kind(item)}")
        for key, v in item.items():
            if v is None or isinstance(v, dict):
                _fail(_join(here, key), f"expected a value, got {_kind(v)}")
            if isinstance(v, str) and "\0" in v:
                _fail(_join(here, key), "contains a NUL character")
    list_of(entry)(value, where)


WAIVER = mapping(
    {"rule": line, "resource": line, "reason": text, "owner": line, "decided": date, "expires": date},
    _WAIVER_KEYS)
WAIVERS = mapping({"waivers": list_of(WAIVER)}, ("waivers",))
PIA = mapping({
    "stack": line, "reference": line, "system": line, "platform": line, "authorisation": text,
    "classification": line, "action_points": _action_points,
    "residual_risk": mapping({"accepted_by": line, "accepted_on": date, "expires": date, "statement": text},
                             ("accepted_by", "accepted_on", "expires")),
    "off_vendor_copies": list_of(mapping({"stores": strings, "destination": line, "schedule": line,
                                          "job": line}, ("stores", "destination", "schedule", "job"))),
    "break_glass": _entries, "identity_center_mfa": _entries, "saml_providers_mfa": _entries,
    "entra_external_mfa": _entries, "entra_pim_mfa": _entries, "network_subscriptions": _entries,
    "aws_accounts": _entries, "aws_organizations": _entries, "api_sign_in": _entries,
    "non_siem_log_groups": _entries,
}, ("reference", "classification", "platform", "action_points", "residual_risk"))


def check_file(path: Path, shape: Check) -> None:
    """Raise RecordShapeError when the record at `path` (if there is one) is not of `shape`."""
    shown = _shown(path)
    data, error = read_record(path)
    if error:
        raise RecordShapeError(error.replace(str(path), shown))
    if data is not None:
        shape(data, shown)


def validate_stack_records(kinds: tuple[str, ...] = ("waivers", "pia")) -> None:
    """Check the shape of the current stack's records; called when a pack loads (policies.packs.build)."""
    stack = current_stack()
    if not stack:
        return
    for kind in kinds:
        check_file(records_dir() / kind / f"{stack}.yaml", WAIVERS if kind == "waivers" else PIA)
