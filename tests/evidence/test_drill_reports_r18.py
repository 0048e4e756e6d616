"""Engine round 18: drill reports truncated, bit-flipped, swapped between stacks or days, or with values
of the wrong type are never read as a drill that passed (`evidence.records.Records`, LOC-03/LOC-04).

A drill report the export cannot count is graded `not-verified` naming the file (the clause it would
establish is not met), as any record that does not establish its clause; never `established`, never a
traceback. Since round 19 a report that is not of the shape `exit-drill` writes (or of another stack or
day) is bad input instead (EvidenceError naming the file: exit 2; tests/evidence/test_drill_reports_r19.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from evidence.errors import EvidenceError
from evidence.records import Records
from exit_drill import report

AS_OF = dt.date(2026, 11, 30)
STACK = "dosis-prod"


@pytest.fixture
def drill(tmp_path: Path, monkeypatch) -> Path:
    """A live drill report of STACK, HMAC-signed as `exit-drill --execute` writes it."""
    monkeypatch.setenv(report.KEY_ENV, "drill-signing-key")
    findings = {"ok": True, "problems": [], "copy": {"bucket": "dosis-offvendor-copies", "stack": STACK},
                "tables": [{"name": "dossier", "rows_restored": 250}]}
    rep = report.build(stack=STACK, date="2026-10-01", mode="live", signed_off_by="leidend ambtenaar",
                       findings=findings, target="sqlite (fresh, isolated)")
    path = tmp_path / "drills" / f"{STACK}-2026-10-01.json"
    report.write(rep, path)
    return path


def _graded(path: Path) -> tuple[str, str]:
    """(status, detail), or ("bad-input", the one-line error) for a report the export refuses."""
    try:
        check = Records(path.parent.parent, AS_OF).check("drill-report", STACK)
    except EvidenceError as exc:
        return "bad-input", str(exc)
    return check.status, check.detail


def _content(data: bytes) -> object:
    """What the drill says, but the signature's informational `signed` flag (the algorithm decides)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if isinstance(doc, dict) and isinstance(doc.get("signature"), dict):
        doc["signature"] = {k: v for k, v in doc["signature"].items() if k in ("algorithm", "value")}
    return doc


def test_the_unmutated_report_establishes(drill):
    assert _graded(drill)[0] == "established"


def test_a_truncated_or_bit_flipped_report_never_passes(drill):
    good = drill.read_bytes()
    wrong = []
    variants = [(f"cut at {cut}", good[:cut]) for cut in range(len(good) - 1)]
    for at in range(len(good)):
        for bit in (0, 2, 5):
            flipped = bytearray(good)
            flipped[at] ^= 1 << bit
            variants.append((f"byte {at} bit {bit}", bytes(flipped)))
    for name, data in variants:
        drill.write_bytes(data)
        status, detail = _graded(drill)
        if status == "established" and _content(data) != _content(good):
            wrong.append(name)
        elif status != "established":
            assert drill.name in detail, detail
    assert not wrong, f"{len(wrong)} mutated reports read as a drill that passed: {wrong[:10]}"


@pytest.mark.parametrize(("key", "value"), [
    ("result", True), ("result", ["passed"]), ("copy", ["dosis-offvendor-copies"]), ("copy", "bucket"),
    ("signed_off_by", 5), ("signed_off_by", []), ("date", 20261001), ("stack", ["dosis-prod"]),
    ("kind", None), ("mode", True), ("signature", "x"), ("signature", {"algorithm": "sha256", "value": 5}),
    ("signature", {"algorithm": ["hmac-sha256"], "value": "0"}), ("tables", "all"),
])
def test_a_report_with_a_value_of_the_wrong_type_never_passes(drill, key, value):
    doc = json.loads(drill.read_text())
    drill.write_text(json.dumps({**doc, key: value}))
    status, detail = _graded(drill)
    assert status != "established" and drill.name in detail, (status, detail)


def test_a_report_swapped_in_from_another_stack_or_day_never_passes(drill):
    good = drill.read_bytes()
    portal = report.build(stack="portal-prod", date="2026-10-01", mode="live", signed_off_by="x",
                          findings={"ok": True, "copy": {"bucket": "portal-copies"}}, target="sqlite")
    report.write(portal, drill)        # another stack's signed report under this stack's name
    assert _graded(drill)[0] != "established"
    drill.write_bytes(good)
    later = drill.with_name(f"{STACK}-2026-10-05.json")   # this report under another day's name
    later.write_bytes(good)
    assert _graded(drill)[0] != "established"
