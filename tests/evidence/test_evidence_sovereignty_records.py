"""Records that establish LOC-03 / LOC-04 against the real catalogue: the exit plans of the repository
(schema, review age, exit 2 on a malformed plan) and a signed live drill report as `exit-drill --execute`
writes it (the repository holds none: a live drill needs the platform; never fabricate one)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from evidence import exit_plan
from evidence.assess import assess
from evidence.errors import EvidenceError
from evidence.export import export
from evidence.model import StackEvidence
from evidence.records import Records
from evidence_fixtures import PROJECT
from exit_drill import report
from gate.model import StackReport

from policies.catalogue import load_catalogue

AS_OF = dt.date(2026, 11, 30)  # pinned evaluation date
STORES = {"dosis-prod": "azure-native:sql:Database", "portal-prod": "aws:rds/instance:Instance"}


def _evidence() -> list[StackEvidence]:
    out = []
    for stack, type_ in STORES.items():
        urn = f"urn:pulumi:{stack}::dosis-eloket::{type_}::db"
        state = {"version": 3, "deployment": {"resources": [
            {"urn": urn, "custom": True, "type": type_, "id": "db-1", "inputs": {}}]}}
        out.append(StackEvidence(stack=stack, report=StackReport(stack=stack, resources=1), state=state,
                                 source="t"))
    return out


def _clauses(root: Path, as_of: dt.date = AS_OF) -> dict[str, str]:
    """{'LOC-03/tested': status, ...} for the sovereignty clauses."""
    results = assess(load_catalogue(), _evidence(), None, {}, Records(root, as_of))
    return {f"{r.control.id}/{c.id}": c.status for r in results if r.control.id in ("LOC-03", "LOC-04")
            for c in r.clauses}


def _records(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    shutil.copytree(PROJECT / "stacks" / "records" / exit_plan.DIRECTORY, root / exit_plan.DIRECTORY)
    return root


def _live_drill(root: Path, stack: str, day: str = "2026-10-01", **over) -> None:
    """A live drill report built and signed by exit-drill's own report module."""
    findings = {"ok": True, "problems": [], "copy": {"bucket": f"{stack}-offvendor-copies", "stack": stack,
                                                     "copy_id": day.replace("-", "") + "T020000Z"},
                "tables": [{"name": "dossier", "rows_restored": 250}]}
    rep = report.build(stack=stack, date=day, mode="live", signed_off_by="leidend ambtenaar",
                       findings=findings, target="sqlite (fresh, isolated)")
    report.write({**rep, **over}, root / "drills" / f"{stack}-{day}.json")


def test_repository_exit_plans_are_valid_and_current():
    plans = exit_plan.validate_all(PROJECT / "stacks" / "records")
    assert set(plans) == {"dosis-prod", "portal-prod", "interconnect-prod"}
    for stack, plan in plans.items():
        assert exit_plan.judge(plan, stack, AS_OF)[0] == "established"
        assert exit_plan.judge(plan, stack, dt.date(2027, 11, 30))[0] == "not-verified"  # > 12 months
        assert "after the evaluation date" in exit_plan.judge(plan, stack, dt.date(2026, 1, 1))[1]


def test_live_signed_drill_reports_verify_tested_and_exit_tested(tmp_path, monkeypatch):
    root = _records(tmp_path)
    before = _clauses(root)
    assert before["LOC-04/exit-plan"] == "established"
    assert before["LOC-03/tested"] == before["LOC-04/exit-tested"] == "not-verified"
    monkeypatch.setenv(report.KEY_ENV, "drill-signing-key")  # HMAC-signed, as an operator signs it
    for stack in STORES:
        _live_drill(root, stack)
    after = _clauses(root)
    assert after["LOC-03/tested"] == after["LOC-04/exit-tested"] == "established"
    monkeypatch.setenv(report.KEY_ENV, "another-key")  # a report signed with another key proves nothing
    assert _clauses(root)["LOC-03/tested"] == "not-verified"


def test_a_local_procedure_proof_never_verifies(tmp_path):
    root = _records(tmp_path)
    for stack in STORES:
        path = root / "drills" / f"{stack}-2026-10-01.json"
        rep = report.build(stack=stack, date="2026-10-01", mode="local", signed_off_by="x",
                           findings={"ok": True, "copy": {"bucket": "offvendor-drill"}}, target="sqlite")
        report.write(rep, path)
    assert _clauses(root)["LOC-04/exit-tested"] == "not-verified"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: p["owner"].pop("role"), "dosis-prod.yaml: owner: 'role' is a required property"),
        (lambda p: p.update(reviewed="15/09/2026"), "dosis-prod.yaml: reviewed: '15/09/2026' does"),
        (lambda p: p.update(stack="portal-prod"), "exit-plans/dosis-prod.yaml: stack: 'portal-prod' is not"),
        (lambda p: p.update(export_formats=[]), "exit-plans/dosis-prod.yaml: export_formats: [] should be"),
        (lambda p: p["contract_terms"].pop("data_return"), "contract_terms: 'data_return' is a required"),
        (lambda p: p.update(reviewed="2026-02-30"), "reviewed: '2026-02-30' is not a date"),
    ],
)
def test_a_malformed_plan_stops_the_export_naming_file_and_key(tmp_path, edit, message):
    project = tmp_path / "project"
    shutil.copytree(PROJECT / "stacks" / "records", project / "stacks" / "records")
    path = project / "stacks" / "records" / exit_plan.DIRECTORY / "dosis-prod.yaml"
    plan = yaml.safe_load(path.read_text())
    edit(plan)
    path.write_text(yaml.safe_dump(plan))

    def never(*_a, **_k):
        raise AssertionError("the gate must not run on bad input")

    out = tmp_path / "bundle"
    with pytest.raises(EvidenceError) as info:
        export(project, out, stacks=None, collect=never, signing_key=tmp_path / "k" / "signing.key")
    assert message in str(info.value) and str(info.value).startswith("stacks/records/exit-plans/")
    assert not out.exists()  # nothing half written
