"""Records that establish a clause: the exit-drill report, the exit plan and the PIA's residual-risk
acceptance.

A record counts only when it is valid on the evaluation date (`as_of`, the export date; tests pin it):
- drill-report: `stacks/records/drills/<stack>-<YYYY-MM-DD>.json` as `exit-drill` writes it, the latest
  one dated on or before `as_of` and at most DRILL_MAX_AGE_DAYS old: `kind` "exit-drill-report/1", its
  `stack` and `date`, `mode` "live" (a local procedure proof restores no platform data), `result`
  "passed" (a "failed" drill fails the clause), `signed_off_by`, the `copy` it restored (where it was read
  from), and a `signature` over the other fields that checks out (SHA-256 digest, or HMAC-SHA256 with
  EXIT_DRILL_SIGNING_KEY) — a report nobody signed off, or that was edited afterwards, proves nothing;
- exit-plan: `stacks/records/exit-plans/<stack>.yaml` (schema and review age in evidence/exit_plan.py);
- pia-acceptance: `stacks/records/pia/<stack>.yaml` whose `residual_risk` names who accepted it, on a date
  on or before `as_of`, with an expiry on or after it.
A malformed drill report or exit plan is bad input (evidence.drill_report, evidence.exit_plan: exit 2
naming the file and key); a missing or well-formed but insufficient record leaves the clause "not
verified" with the reason; it never passes.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from exit_drill import report as drill

from evidence import drill_report, exit_plan
from evidence.errors import EvidenceError
from evidence.yamlrecord import safe_load

DRILL_MAX_AGE_DAYS = 366  # an exit drill at least once a year


@dataclass(frozen=True)
class RecordCheck:
    """What one record showed for one stack."""

    stack: str
    status: str  # established | failed | not-verified
    detail: str
    path: str = ""


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Records:
    """Reads the records under `root` (the project's stacks/records) as of one date."""

    def __init__(self, root: Path | None, as_of: dt.date) -> None:
        self.root = root
        self.as_of = as_of
        self._plans: dict[str, dict[str, Any]] | None = None

    def validate(self) -> None:
        """Read every record with a schema now: a malformed one is bad input (EvidenceError, exit 2)."""
        if self.root is not None and self._plans is None:
            self._plans = exit_plan.validate_all(self.root)
            drill_report.validate_all(self.root)
            for path in sorted((self.root / "pia").glob("*.yaml")):   # the packs' checks of it
                _pia_shape(path, self.as_of)

    def check(self, kind: str, stack: str) -> RecordCheck:
        if self.root is None:
            return RecordCheck(stack, "not-verified", "no records directory given to the export")
        if kind == "drill-report":
            return self._drill(stack)
        if kind == "pia-acceptance":
            return self._pia(stack)
        if kind == "exit-plan":
            self.validate()
            status, detail = exit_plan.judge(self._plans.get(stack), stack, self.as_of)
            return RecordCheck(stack, status, detail, f"stacks/records/{exit_plan.DIRECTORY}/{stack}.yaml")
        return RecordCheck(stack, "not-verified", f"unknown record kind {kind!r}")

    def _drill(self, stack: str) -> RecordCheck:
        where = f"stacks/records/drills/{stack}-<date>.json"
        found = []
        for p in sorted((self.root / "drills").glob(f"{stack}-*.json")):
            m = drill_report.FILE.match(p.name)
            day = _date(m["date"]) if m and m["stack"] == stack else None
            if day is not None and day <= self.as_of:
                found.append((day, p))
        if not found:
            return RecordCheck(stack, "not-verified", f"no drill report ({where})")
        day, path = max(found)
        rel = drill_report.shown(path)
        data = drill_report.load(path)   # bad input (EvidenceError), never a clause merely unmet
        problem = _drill_problem(data, day, self.as_of)
        if problem:
            return RecordCheck(stack, "not-verified", f"{rel}: {problem}", rel)
        if data["result"] != "passed":
            return RecordCheck(stack, "failed", f"{rel}: exit drill of {day} failed", rel)
        where = data["copy"].get("bucket")
        return RecordCheck(
            stack,
            "established",
            f"{rel}: drill of {day} restored the copy in {where}, signed off by {data['signed_off_by']}",
            rel,
        )

    def _pia(self, stack: str) -> RecordCheck:
        rel = f"stacks/records/pia/{stack}.yaml"
        try:
            data = safe_load((self.root / "pia" / f"{stack}.yaml").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return RecordCheck(stack, "not-verified", f"no PIA record ({rel})")
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            return RecordCheck(stack, "not-verified", f"{rel}: not readable ({exc})", rel)
        risk = (data or {}).get("residual_risk") if isinstance(data, dict) else None
        risk = risk if isinstance(risk, dict) else {}
        by, on, until = risk.get("accepted_by"), _date(risk.get("accepted_on")), _date(risk.get("expires"))
        if not by or on is None or until is None:
            return RecordCheck(
                stack, "not-verified", f"{rel}: residual_risk lacks accepted_by/on/expires", rel
            )
        if on > self.as_of or until < self.as_of:
            return RecordCheck(
                stack, "not-verified", f"{rel}: acceptance {on}..{until} not valid on {self.as_of}", rel
            )
        return RecordCheck(stack, "established", f"{rel}: accepted by {by} on {on}, until {until}", rel)


def _pia_shape(path: Path, as_of: dt.date) -> None:
    """A PIA record of the wrong shape (an unknown key, a null, a date that is none, a key twice) or with a
    statement the rules cannot read (an entry's misspelt field, a value of the wrong kind, a date in the
    future: policies.core.pia_attestations, round 43) is bad input, as the packs refuse it
    (policies.core.record_shapes, round 15); what it says is graded below."""
    from policies.core.pia_attestations import PiaRecordError, validate_file
    from policies.core.record_shapes import PIA, RecordShapeError, check_file

    shown = f"stacks/records/pia/{path.name}"
    try:
        check_file(path, PIA)
        validate_file(path, as_of, shown)
    except (RecordShapeError, PiaRecordError) as exc:
        raise EvidenceError(str(exc).replace(str(path), shown)) from None


def _drill_problem(data: dict[str, Any], day: dt.date, as_of: dt.date) -> str:
    """Why a well-formed drill report (evidence.drill_report) cannot count ("" when it can)."""
    checks = (
        (
            (as_of - day).days <= DRILL_MAX_AGE_DAYS,
            f"the drill of {day} is older than {DRILL_MAX_AGE_DAYS} days",
        ),
        (
            data["mode"] == "live",
            f"mode is {data['mode']!r}: a procedure proof, not a drill of the platform",
        ),
        (bool(data["signed_off_by"]), "not signed off (signed_off_by)"),
        (bool(data["copy"].get("bucket")), "names no copy it restored"),
    )
    problem = next((why for ok, why in checks if not ok), "")
    return problem or _signature_problem(data)


def _signature_problem(report: dict[str, Any]) -> str:
    """The report's signature must match its other fields, as `exit-drill` signs them (exit_drill.report)."""
    algorithm = report["signature"]["algorithm"]    # drill_report.load: the schema's two algorithms
    key = os.environ.get(drill.KEY_ENV)
    if algorithm == "hmac-sha256" and not key:
        return f"HMAC signature cannot be checked here ({drill.KEY_ENV} not set)"
    if not drill.verify(report, key):
        return "signature does not match the report (edited after the drill?)"
    return ""
