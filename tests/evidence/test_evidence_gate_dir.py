"""`evidence export --gate-dir` reuses an earlier gate run instead of judging the stacks again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evidence.errors import EvidenceError
from evidence.inputs import collect
from evidence_fixtures import PROJECT, checkpoint, report


def _gate_dir(tmp_path: Path, stack: str) -> Path:
    out = tmp_path / "gate"
    out.mkdir()
    (out / f"{stack}.report.json").write_text(json.dumps(report(stack).to_json()))
    (out / f"{stack}.state.json").write_text(json.dumps(checkpoint(stack)))
    return out


def test_reads_every_stack_of_the_gate_run(tmp_path: Path) -> None:
    out = _gate_dir(tmp_path, "portal-prod")
    [ev] = collect(PROJECT, None, None, gate_dir=out)
    assert ev.stack == "portal-prod"
    assert ev.report.to_json()["violations"] == report("portal-prod").to_json()["violations"]
    assert ev.state["deployment"]["resources"] == checkpoint("portal-prod")["deployment"]["resources"]


def test_a_gate_dir_without_reports_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r"no <stack>\.report\.json here"):
        collect(PROJECT, None, None, gate_dir=tmp_path)


def test_a_named_stack_missing_from_the_gate_run_names_the_file(tmp_path: Path) -> None:
    out = _gate_dir(tmp_path, "portal-prod")
    with pytest.raises(EvidenceError, match=r"dosis-prod\.report\.json"):
        collect(PROJECT, ["dosis-prod"], None, gate_dir=out)


def test_a_passing_checkov_check_verifies_the_control_that_cites_it() -> None:
    """checkov runs are evidence like rule runs: a control verified only by checkov says so."""
    from evidence.assess import assess
    from evidence.model import StackEvidence
    from evidence_fixtures import Control, Source
    from gate.model import PolicyRun, StackReport

    control = Control("ENC-X", "Keys rotate", "Keys rotate.", "technical", [Source("R2016", "Encryption")],
                      checkov=["CKV_AWS_7"])

    def verdict(run: PolicyRun) -> str:
        report = StackReport(stack="portal-prod", resources=2, policies=[run])
        ev = StackEvidence(stack="portal-prod", report=report, state=checkpoint("portal-prod"), source="t")
        [result] = assess(type("Cat", (), {"controls": [control], "rules_for": lambda self, cid: []})(), [ev])
        return result.status

    assert verdict(PolicyRun("checkov", "CKV_AWS_7", "mandatory", "high", "rotation", 2, 0)) == "verified"
    assert verdict(PolicyRun("checkov", "CKV_AWS_7", "mandatory", "high", "rotation", 0, 0)) != "verified"
