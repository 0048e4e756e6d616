"""Engine round 19: a malformed exit-drill report stops `evidence export` as bad input (exit 2, one line
naming the file and key, nothing written), where round 18 graded it "not verified" like a clause merely
unmet. A well-formed report that does not establish its clause is still graded, naming the file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from evidence import exit_plan
from evidence.errors import EvidenceError
from evidence.export import export
from evidence.records import Records
from evidence_fixtures import PROJECT
from exit_drill import report

STACK = "dosis-prod"
DAY = "2026-10-01"
AS_OF = "2026-11-30"
SHOWN = f"stacks/records/drills/{STACK}-{DAY}.json"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The repository's records plus a live drill report of STACK, signed as `exit-drill --execute` does."""
    monkeypatch.setenv(report.KEY_ENV, "drill-signing-key")
    root = tmp_path / "project"
    shutil.copytree(PROJECT / "stacks" / "records", root / "stacks" / "records")
    _write(root, _report(STACK, DAY))
    return root


def _report(stack: str, day: str, **findings) -> dict:
    found = {"ok": True, "problems": [], "copy": {"bucket": "dosis-offvendor-copies", "stack": stack},
             "tables": [{"name": "dossier", "rows_restored": 250}], **findings}
    return report.build(stack=stack, date=day, mode="live", signed_off_by="leidend ambtenaar",
                        findings=found, target="sqlite (fresh, isolated)")


def _write(root: Path, rep: dict, name: str = f"{STACK}-{DAY}.json") -> Path:
    path = root / "stacks" / "records" / "drills" / name
    report.write(rep, path)
    return path


def _never(*_a, **_k):
    raise AssertionError("the gate must not run on bad input")


def _refused(root: Path, tmp_path: Path) -> str:
    out = tmp_path / "bundle"
    with pytest.raises(EvidenceError) as info:
        export(root, out, stacks=None, collect=_never, signing_key=tmp_path / "k" / "signing.key",
               as_of=AS_OF)
    assert not out.exists(), "nothing half written"
    message = str(info.value)
    assert "\n" not in message and info.value.exit_code == 2
    return message


def _edit(root: Path, **changes) -> None:
    path = root / "stacks" / "records" / "drills" / f"{STACK}-{DAY}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def _other_run(root: Path) -> None:
    """portal-prod's signed report (another run) under dosis-prod's name."""
    _write(root, _report("portal-prod", DAY, copy={"bucket": "portal-copies"}))


@pytest.mark.parametrize(("mutate", "key"), [
    (lambda r: (p := r / "stacks/records/drills" / f"{STACK}-{DAY}.json").write_bytes(p.read_bytes()[:200]),
     "not JSON"),
    (lambda r: _edit(r, result=True), "result:"),
    (lambda r: _edit(r, signed_off_by=5), "signed_off_by:"),
    (lambda r: _edit(r, copy="dosis-offvendor-copies"), "copy:"),
    (lambda r: _edit(r, tables="all"), "tables:"),
    (lambda r: _edit(r, stack=DAY, date=STACK), "date:"),                 # two fields swapped
    (lambda r: _edit(r, signature={"algorithm": "hmac-sha256", "value": 5}), "signature.value:"),
    (lambda r: _edit(r, reviewer="x"), "(top level): Additional"),   # a key exit-drill never writes
    (_other_run, "stack: 'portal-prod' is not the stack the file is named for"),
    (lambda r: _write(r, _report(STACK, "2026-10-02"), f"{STACK}-{DAY}.json"), "date: '2026-10-02'"),
    (lambda r: _write(r, _report(STACK, DAY), f"{STACK}-latest.json"), "not named <stack>-<YYYY-MM-DD>"),
])
def test_a_malformed_drill_report_stops_the_export_naming_file_and_key(project, tmp_path, mutate, key):
    mutate(project)
    message = _refused(project, tmp_path)
    assert message.startswith("stacks/records/drills/") and key in message, message


def test_an_older_malformed_report_stops_it_too(project, tmp_path):
    """Every report is read up front (as every exit plan is), not only the one that counts."""
    (project / "stacks/records/drills" / f"{STACK}-2026-09-01.json").write_text("{")
    assert _refused(project, tmp_path).startswith(f"stacks/records/drills/{STACK}-2026-09-01.json: ")


@pytest.mark.parametrize(("findings", "over", "status", "reason"), [
    ({"ok": False}, {}, "failed", "failed"),
    ({}, {"mode": "local"}, "not-verified", "procedure proof"),
    ({}, {"signed_off_by": ""}, "not-verified", "not signed off"),
    ({"copy": {}}, {}, "not-verified", "names no copy"),
])
def test_a_well_formed_report_that_does_not_establish_is_graded(project, findings, over, status, reason):
    rep = _report(STACK, DAY, **findings)
    body = {k: v for k, v in rep.items() if k != "signature"} | over
    _write(project, {**body, "signature": report.sign(body)})
    records = Records(project / "stacks" / "records", dt.date.fromisoformat(AS_OF))
    records.validate()
    check = records.check("drill-report", STACK)
    assert (check.status, SHOWN) == (status, check.path) and reason in check.detail, check


def test_an_edited_report_is_graded_naming_its_signature(project):
    """Well-formed, but its signature does not match: edited after the drill (or signed with another key)."""
    _edit(project, result="passed", signed_off_by="someone else")
    check = Records(project / "stacks" / "records", dt.date.fromisoformat(AS_OF)).check("drill-report", STACK)
    assert check.status == "not-verified" and "signature does not match" in check.detail


def test_the_repository_records_still_export(project):
    records = Records(project / "stacks" / "records", dt.date.fromisoformat(AS_OF))
    records.validate()
    assert records.check("drill-report", STACK).status == "established"
    assert exit_plan.validate_all(project / "stacks" / "records")
