"""What a stack's PIA record states about settings outside the program, validated when the pia-conditions
pack loads (round 42): a misspelt key or a malformed entry is bad input — the pack refuses to start and the
gate exits 2 naming the file and key — instead of a statement the rules silently read as absent.

`require-pia-record` judges the record's own fields (reference, classification, action points, residual
risk: `policies/core/records.py`); the rules read the lists below with `breakglass.records`. Here:

- the record's shape (known keys, statement lists of mappings) is `record_shapes.PIA`'s check, which runs
  first (engine round 15);
- `entra_pim_mfa` (round 41; D36 §101 4th: two factors for administrators, CLOUD "Multifactorauthenticatie",
  D36 §115 privileged access management): per privileged Entra directory role made PIM-eligible by the
  program, that the tenant's PIM setting of that role asks MFA on activation, which no azuread resource
  declares — `[{role: <directory role template id> | all, mfa: on-activation, verified_on: YYYY-MM-DD,
  how: <optional text>}]`. `role` is a template id of `standing_roles.PRIVILEGED` (an eligibility for any
  other role needs no statement, so a statement naming one is a typo), `mfa` the one value that asserts
  something, `verified_on` a date on or before the evaluation date (who verified it when, in the PIM
  settings of the Entra admin centre).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from policies.core.iam.standing_roles import PRIVILEGED
from policies.core.records import (
    RecordsError,
    _as_date,
    _read_yaml,
    _records_dir,
    _shown,
    current_stack,
    evaluation_date,
)

PIM_RECORD = "entra_pim_mfa"
PIM_MFA = ("on-activation",)
_PIM_KEYS = frozenset({"role", "mfa", "verified_on", "how"})
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class PiaRecordError(RecordsError):
    """A PIA record key the rules cannot read (bad input: the pack refuses to start, the gate exits 2)."""


def _pim_entry(e: dict[str, Any], where: str, on: Any) -> None:
    extra = sorted(set(map(str, e)) - _PIM_KEYS)
    if extra:
        raise PiaRecordError(f"{where}.{extra[0]}: unknown key (known: {', '.join(sorted(_PIM_KEYS))})")
    role = e.get("role")
    if role != "all" and not (isinstance(role, str) and _GUID.match(role) and role in PRIVILEGED):
        raise PiaRecordError(
            f"{where}.role: {role!r} is not the lower-case template id of a privileged directory role "
            "(policies/core/iam/standing_roles.py PRIVILEGED) nor `all`"
        )
    if e.get("mfa") not in PIM_MFA:
        raise PiaRecordError(f"{where}.mfa: {e.get('mfa')!r} must be {' | '.join(PIM_MFA)}")
    day = _as_date(e.get("verified_on"))
    if day is None:
        raise PiaRecordError(f"{where}.verified_on: not a date (YYYY-MM-DD)")
    if day > on:
        raise PiaRecordError(f"{where}.verified_on: {day.isoformat()} lies in the future")
    if "how" in e and not (isinstance(e["how"], str) and e["how"].strip()):
        raise PiaRecordError(f"{where}.how: must be text (who verified it where)")


def validate(data: Any, path: str, on: Any) -> None:
    """Raise PiaRecordError naming `path` and the key when the record's statements cannot be read."""
    if not isinstance(data, dict) or not isinstance(data.get(PIM_RECORD), list):
        return  # no statements, or a shape record_shapes.PIA refuses before this runs
    for i, e in enumerate(data[PIM_RECORD]):
        if isinstance(e, dict):
            _pim_entry(e, f"{path}: {PIM_RECORD}[{i}]", on)


def validate_record(stack: str | None = None) -> None:
    """Validate the PIA record of `stack` (default: the stack being judged); called when the pack loads."""
    path = Path(_records_dir()) / "pia" / f"{stack if stack is not None else current_stack()}.yaml"
    shown = _shown(path)
    data, error = _read_yaml(path)
    if error:
        raise PiaRecordError(error.replace(str(path), shown))
    validate(data, shown, evaluation_date())
