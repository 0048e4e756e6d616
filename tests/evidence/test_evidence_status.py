"""Clause-level status: a fixture per control status, records, finding attribution, no 0-resource pass."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from evidence import html, oscal
from evidence.assess import assess, summary_json
from evidence.model import LiveCheck, StackEvidence
from evidence.records import Records
from evidence_fixtures import checkpoint
from gate.model import PolicyRun, StackReport, Violation

from policies.catalogue import parse_catalogue

AS_OF = dt.date(2026, 11, 30)  # pinned evaluation date: no test reads the clock
KEY = "aws:kms/key:Key"
RDS = "aws:rds/instance:Instance"
PRE = "urn:pulumi:portal-prod::dosis-eloket::"
META = {
    "require-kms-rotation": SimpleNamespace(resource_types=frozenset({KEY}), scope="resource"),
    "require-stack-wide": SimpleNamespace(resource_types=None, scope="stack"),
}


def _control(cid: str, clauses: list[dict[str, Any]], kind: str = "technical") -> dict[str, Any]:
    return {
        "id": cid,
        "title": f"{cid} fixture control",
        "requirement": "a requirement line",
        "statement": "What the control asks for.",
        "kind": kind,
        "sources": [
            {"doc": "D36", "paragraph": "§1", "seed_file": "000_da4faf9ccc06f086.txt", "quote": "x" * 12}
        ],
        "gdpr": [],
        "clauses": clauses,
        "components": [],
        "evidence": ["something to ask for"],
    }


def _clause(cid: str, *means: dict[str, Any]) -> dict[str, Any]:
    return {"id": cid, "text": f"clause {cid}", "means": list(means)}


ROTATE = {"rule": "require-kms-rotation"}
DRILL = {"record": "drill-report", "types": [RDS]}
ORG = {"organisational": "the signed procedure document"}


def _ev(runs: list[PolicyRun], violations: list[Violation] = ()) -> list[StackEvidence]:
    report = StackReport(stack="portal-prod", resources=3, violations=list(violations), policies=runs)
    return [StackEvidence(stack="portal-prod", report=report, state=checkpoint("portal-prod"), source="t")]


def _run(policy: str, checked: int = 1) -> PolicyRun:
    return PolicyRun("pia-conditions", policy, "mandatory", "high", policy, checked, 0)


def _judge(controls: list[dict[str, Any]], ev: list[StackEvidence], root: Path | None = None, live=None):
    cat = parse_catalogue({"controls": controls}, "f.yaml", META)
    records = Records(root, AS_OF) if root else None
    return {r.control.id: r for r in assess(cat, ev, live, META, records)}


def _drill(root: Path, day: str = "2026-10-01", tamper: bool = False, **over: Any) -> None:
    """A drill report as `exit-drill --execute` writes it (SHA-256 digest over the other fields)."""
    body = {
        "kind": "exit-drill-report/1",
        "stack": "portal-prod",
        "date": day,
        "mode": "live",
        "controls": ["LOC-03", "LOC-04"],
        "result": "passed",
        "signed_off_by": "leidend ambtenaar",
        "copy": {"bucket": "dosis-offvendor-copies", "stack": "portal-prod", "copy_id": "20261001T020000Z"},
        "tables": [{"name": "dossier", "rows": 12}],
        "problems": [],
        **over,
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    report = {**body, "signature": {"algorithm": "sha256", "signed": False, "value": digest}}
    if tamper:
        report["result"] = "passed" if body["result"] == "failed" else "failed"
    (root / "drills").mkdir(parents=True, exist_ok=True)
    (root / "drills" / f"portal-prod-{day}.json").write_text(json.dumps(report))


def test_verified_needs_every_clause_checked_on_a_resource() -> None:
    r = _judge([_control("CTL-01", [_clause("rotates", ROTATE)])], _ev([_run("require-kms-rotation")]))[
        "CTL-01"
    ]
    assert r.status == "verified" and r.clauses[0].applied == 1


def test_a_rule_with_nothing_to_apply_to_never_verifies() -> None:
    clause = _clause("stack", {"rule": "require-stack-wide", "types": ["aws:s3/bucket:Bucket"]})
    r = _judge([_control("CTL-01", [clause])], _ev([_run("require-stack-wide", 224)]))["CTL-01"]
    assert r.status == "not-verified"  # the gate says 224 "checked"; none of them is a bucket
    assert "nothing" in r.clauses[0].reason


def test_partially_verified_names_the_missing_clause(tmp_path: Path) -> None:
    controls = [_control("CTL-01", [_clause("rotates", ROTATE), _clause("tested", DRILL)])]
    r = _judge(controls, _ev([_run("require-kms-rotation")]), tmp_path)["CTL-01"]
    assert r.status == "partially-verified"
    assert [c.id for c in r.missing] == ["tested"] and "no drill report" in r.reason


def test_not_verified_when_the_check_could_not_run() -> None:
    r = _judge([_control("CTL-01", [_clause("rotates", ROTATE)])], _ev([]))["CTL-01"]
    assert r.status == "not-verified" and "did not run on portal-prod" in r.reason
    r = _judge([_control("CTL-01", [_clause("rotates", ROTATE)])], _ev([_run("require-kms-rotation", 0)]))
    assert r["CTL-01"].status == "not-verified" and "portal-prod (0 of 1)" in r["CTL-01"].reason


def test_failed_and_waived_findings() -> None:
    bad = Violation(
        "pia-conditions", "require-kms-rotation", "mandatory", "high", PRE + KEY + "::data", KEY, "off"
    )
    r = _judge([_control("CTL-01", [_clause("rotates", ROTATE)])], _ev([_run("require-kms-rotation")], [bad]))
    assert r["CTL-01"].status == "failed"
    waiver = {
        "rule": "require-kms-rotation",
        "resource": bad.urn,
        "reason": "r",
        "owner": "ciso",
        "expires": "2027-01-01",
    }
    ok = Violation(
        "pia-conditions", "report-waived-findings", "advisory", "", bad.urn, KEY, "[waived] off", waiver
    )
    r = _judge([_control("CTL-01", [_clause("rotates", ROTATE)])], _ev([_run("require-kms-rotation")], [ok]))
    assert r["CTL-01"].status == "waived" and r["CTL-01"].waivers[0]["waiver"]["owner"] == "ciso"


def test_a_waived_or_open_further_evidence_finding_is_named_by_check() -> None:
    """A control's own checkov list belongs to no clause: its findings must still be named in the reason,
    not left as a bare count ("10 finding(s) under waiver: ")."""
    control = {**_control("CTL-01", [_clause("rotates", ROTATE)]), "checkov": ["CKV_AWS_7"]}
    urn = PRE + KEY + "::data"
    waiver = {"rule": "CKV_AWS_7", "resource": urn, "reason": "r", "owner": "ciso", "expires": "2027-01-01"}
    waived = Violation("checkov", "report-waived-findings", "advisory", "", urn, KEY, "[waived] off", waiver)
    r = _judge([control], _ev([_run("require-kms-rotation")], [waived]))["CTL-01"]
    assert r.status == "waived"
    assert r.reason == "1 finding(s) under waiver: checkov CKV_AWS_7 (1) (waiver by ciso until 2027-01-01)"
    open_ = Violation("checkov", "CKV_AWS_7", "mandatory", "high", urn, KEY, "off")
    r = _judge([control], _ev([_run("require-kms-rotation")], [open_, open_]))["CTL-01"]
    assert r.status == "failed" and r.reason == "failed: checkov CKV_AWS_7 (2)"


def test_organisational_only() -> None:
    r = _judge([_control("CTL-01", [_clause("audit", ORG)], "organisational")], _ev([]))["CTL-01"]
    assert r.status == "organisational" and "signed procedure" in r.reason


def test_findings_count_against_the_clause_their_message_names() -> None:
    clauses = [
        _clause("kms", {"rule": "require-stack-wide", "types": [KEY], "messages": "rotation"}),
        _clause("db", {"rule": "require-stack-wide", "types": [KEY, RDS], "messages": "backup"}),
    ]
    v = Violation("p", "require-stack-wide", "mandatory", "high", PRE + KEY + "::data", KEY, "rotation off")
    r = _judge([_control("CTL-01", clauses)], _ev([_run("require-stack-wide", 3)], [v]))["CTL-01"]
    assert [c.status for c in r.clauses] == ["failed", "established"]
    unplaced = Violation(
        "p", "require-stack-wide", "mandatory", "high", PRE + KEY + "::data", KEY, "something"
    )
    r = _judge([_control("CTL-01", clauses)], _ev([_run("require-stack-wide", 3)], [unplaced]))["CTL-01"]
    assert [c.status for c in r.clauses] == ["failed", "failed"]  # a finding is never dropped


def test_drill_report_establishes_fails_or_is_named(tmp_path: Path) -> None:
    controls = [_control("CTL-01", [_clause("tested", DRILL)])]
    _drill(tmp_path)
    r = _judge(controls, _ev([]), tmp_path)["CTL-01"]
    assert r.status == "verified" and "dosis-offvendor-copies" in r.clauses[0].reason
    _drill(tmp_path, "2026-11-01", result="failed")
    assert _judge(controls, _ev([]), tmp_path)["CTL-01"].status == "failed"
    _drill(tmp_path, "2026-11-02", signed_off_by="")
    r = _judge(controls, _ev([]), tmp_path)["CTL-01"]
    assert r.status == "not-verified" and "not signed off" in r.reason
    _drill(tmp_path, "2026-11-03", mode="local")
    assert "procedure proof" in _judge(controls, _ev([]), tmp_path)["CTL-01"].reason
    _drill(tmp_path, "2026-11-04", result="failed", tamper=True)  # a failed drill edited to "passed"
    r = _judge(controls, _ev([]), tmp_path)["CTL-01"]
    assert r.status == "not-verified" and "signature does not match" in r.reason
    _drill(tmp_path, "2026-12-24")  # after the evaluation date: not counted
    assert "signature does not match" in _judge(controls, _ev([]), tmp_path)["CTL-01"].reason


def test_stale_drill_report_does_not_count(tmp_path: Path) -> None:
    _drill(tmp_path, "2025-06-01")
    r = _judge([_control("CTL-01", [_clause("tested", DRILL)])], _ev([]), tmp_path)["CTL-01"]
    assert r.status == "not-verified" and "older than" in r.reason


def test_component_default_is_checked_on_the_components_resources() -> None:
    ev = _ev([])
    urn = PRE + "dosis-eloket:aws:CustomerKey$aws:kms/key:Key::k2"
    ev[0].state["deployment"]["resources"].append(
        {"urn": urn, "type": KEY, "custom": True, "inputs": {"enableKeyRotation": False}}
    )
    means = {
        "component": "components.aws.keys.CustomerKey",
        "type": KEY,
        "property": "enableKeyRotation",
        "equals": True,
    }
    r = _judge([_control("CTL-01", [_clause("rotates", means)])], ev)["CTL-01"]
    assert r.status == "failed" and "k2 has enableKeyRotation = False" in r.reason


def test_live_check_corroborates_but_cannot_block_when_not_run() -> None:
    clause = _clause("rotates", ROTATE, {"live": "aws.kms.rotation"})
    ev = _ev([_run("require-kms-rotation")])
    assert _judge([_control("CTL-01", [clause])], ev)["CTL-01"].status == "verified"
    fail = [LiveCheck("aws", "aws.kms.rotation", "arn:k", "fail", "rotation off")]
    assert _judge([_control("CTL-01", [clause])], ev, live=fail)["CTL-01"].status == "failed"


def test_planned_rule_reads_not_verified_until_it_exists() -> None:
    pending = {"rule": "require-planned", "types": [RDS], "pending": "issue 17 adds it"}
    controls = [_control("CTL-01", [_clause("rotates", ROTATE), _clause("custody", pending)])]
    runs = [_run("require-kms-rotation")]
    r = _judge(controls, _ev(runs))["CTL-01"]
    assert r.status == "partially-verified" and "issue 17 adds it" in r.reason
    META["require-planned"] = SimpleNamespace(resource_types=None, scope="stack")
    try:  # once the rule is in the library and ran, the same clause data judges it
        assert _judge(controls, _ev([*runs, _run("require-planned", 3)]))["CTL-01"].status == "verified"
    finally:
        del META["require-planned"]


def test_report_and_oscal_carry_the_clause_table(tmp_path: Path) -> None:
    controls = [_control("CTL-01", [_clause("rotates", ROTATE), _clause("tested", DRILL)])]
    results = list(_judge(controls, _ev([_run("require-kms-rotation")]), tmp_path).values())
    meta = {
        "exported": "x",
        "git_commit": "c",
        "versions": {},
        "packs": {},
        "live": False,
        "export_seconds": 0,
    }
    page = html.render(results, _ev([]), [], {"activities": []}, meta)
    table = page.split('id="clauses-CTL-01"', 1)[1].split("</table>", 1)[0]
    assert (
        'id="clause-CTL-01-tested"' in table
        and "no drill report" in table
        and "rule require-kms-rotation" in table
    )
    assert 'id="meanings"' in page and "partially-verified" in page
    stamp = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    doc = oscal.validate(oscal.to_json(oscal.build(results, _ev([]), stamp, "1", "c")))
    targets = {
        f.target.target_id: f.target.status.state.value for f in doc.assessment_results.results[0].findings
    }
    assert targets == {
        "CTL-01": "not-satisfied",
        "ctl-01_smt.rotates": "satisfied",
        "ctl-01_smt.tested": "not-satisfied",
    }
    assert summary_json(results)["per_control"]["CTL-01"]["open_clauses"] == ["tested"]


@pytest.mark.parametrize(
    "status", ["verified", "partially-verified", "not-verified", "failed", "waived", "organisational"]
)
def test_every_status_has_a_meaning(status: str) -> None:
    from evidence.model import STATUS_MEANING

    assert len(STATUS_MEANING[status]) > 30
