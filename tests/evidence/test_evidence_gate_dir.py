"""`evidence export --gate-dir` reuses an earlier gate run instead of judging the stacks again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from evidence.errors import EvidenceError
from evidence.inputs import collect
from evidence_fixtures import PROJECT, checkpoint, report

AS_OF = "2027-01-15"


@pytest.fixture(autouse=True)
def _reports_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """These fixtures' reports are not what the packs say of their states; judging them again is tested in
    test_evidence_red_team_r7.py (real gate runs)."""
    from evidence import rejudge

    monkeypatch.setattr(rejudge, "check_rejudged", lambda *args: None)


def _seal() -> dict[str, str]:
    from evidence.rejudge import expected

    return {**expected(PROJECT, AS_OF), "reads": {}}   # round 39: what the recordings read, none here


def _sign(out: Path) -> None:
    """Sign run.json as the gate does (round 9: the tests' gate key, GATE_SIGNING_KEY from conftest)."""
    from gate import run_sign

    (out / run_sign.ENVELOPE).write_bytes(run_sign.envelope((out / "run.json").read_bytes(),
                                                            run_sign.signer()))


def _gate_dir(tmp_path: Path, stack: str, *, index: bool = True) -> Path:
    out = tmp_path / "gate"
    out.mkdir()
    judged = report(stack)
    judged.as_of = AS_OF
    files = {f"{stack}.report.json": json.dumps(judged.to_json()),
             f"{stack}.state.json": json.dumps(checkpoint(stack))}
    for name, text in files.items():
        (out / name).write_text(text)
    if index:   # what the gate writes: exactly the stacks of its run, with their files' hashes
        digests = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files.items()}
        (out / "run.json").write_text(json.dumps({"run": "r1", "command": "preview", "seal": _seal(),
                                                  "exit": int(judged.blocked), "stacks": {stack: digests}}))
        _sign(out)
    return out


def test_reads_every_stack_of_the_gate_run(tmp_path: Path) -> None:
    out = _gate_dir(tmp_path, "portal-prod")
    [ev] = collect(PROJECT, None, None, gate_dir=out)
    assert ev.stack == "portal-prod"
    assert ev.report.to_json()["violations"] == report("portal-prod").to_json()["violations"]
    assert ev.state["deployment"]["resources"] == checkpoint("portal-prod")["deployment"]["resources"]


def test_a_gate_dir_without_a_run_index_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r"no run\.json here"):
        collect(PROJECT, None, None, gate_dir=tmp_path)


def test_only_the_stacks_of_the_last_run_and_unchanged(tmp_path: Path) -> None:
    out = _gate_dir(tmp_path, "portal-prod")
    (out / "dosis-prod.report.json").write_text(json.dumps(report("dosis-prod").to_json()))   # stale
    assert [ev.stack for ev in collect(PROJECT, None, None, gate_dir=out)] == ["portal-prod"]
    with pytest.raises(EvidenceError, match="not from the last gate run"):
        collect(PROJECT, ["dosis-prod"], None, gate_dir=out)
    (out / "portal-prod.state.json").write_text("{}")
    with pytest.raises(EvidenceError, match="changed since the gate run"):
        collect(PROJECT, None, None, gate_dir=out)


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


def test_a_symlinked_report_in_the_gate_dir_is_refused(tmp_path: Path) -> None:
    """Round 4 (docs/gate-red-team.md): the report is a link to a copy outside the gate dir (same bytes,
    so its digest matches): it could be pointed at another file between the check and the read."""
    out = _gate_dir(tmp_path, "portal-prod")
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes((out / "portal-prod.report.json").read_bytes())
    (out / "portal-prod.report.json").unlink()
    (out / "portal-prod.report.json").symlink_to(outside)
    with pytest.raises(EvidenceError, match=r"portal-prod\.report\.json: a symbolic link in the gate dir; "
                                            r"evidence is read only from files the gate run wrote there"):
        collect(PROJECT, None, None, gate_dir=out)


def test_an_index_that_leaves_out_a_file_evidence_reads_is_refused(tmp_path: Path) -> None:
    """Round 4: run.json edited to list the report only, so an edited state would pass unchecked."""
    out = _gate_dir(tmp_path, "portal-prod")
    index = json.loads((out / "run.json").read_text())
    del index["stacks"]["portal-prod"]["portal-prod.state.json"]
    (out / "run.json").write_text(json.dumps(index))
    _sign(out)
    with pytest.raises(EvidenceError, match=r"run\.json: stacks\.portal-prod: portal-prod\.state\.json is "
                                            r"not in the gate run index: run the gate again"):
        collect(PROJECT, None, None, gate_dir=out)


def _reseal(out: Path, **changes: object) -> Path:
    index = json.loads((out / "run.json").read_text())
    for key, value in changes.items():
        if key == "command":
            index["command"] = value
        elif value is None:
            index.pop("seal")
        else:
            index["seal"][key] = value
    (out / "run.json").write_text(json.dumps(index))
    _sign(out)
    return out / "run.json"


AGAIN = "run `gate preview --out DIR` of this checkout again, then export"


@pytest.mark.parametrize(("change", "message"), [
    ({"seal": None}, "not the index of a `gate preview` (or `gate merge`) run that says what it judged (no "
                     f"seal): {AGAIN}"),
    ({"command": "analyze"}, "not the index of a `gate preview` (or `gate merge`) run that says what it "
                             f"judged (no seal): {AGAIN}"),
    ({"program": "0" * 64}, f"the gate run judged another program than {PROJECT} (another project or commit: "
                            f"its program digest differs): {AGAIN}"),
    ({"judge": "0" * 64}, "the gate run was judged by another judge than this project's (pack files, pack "
                          f"configs, records, --as-of, policy mode or checkov differ): {AGAIN}"),
    ({"reads": {"uv.lock": "0" * 64}}, f"the gate run's programs read uv.lock with other content than "
                                       f"{PROJECT} holds now (edited after the run, or another commit): "
                                       + AGAIN),
])
def test_a_run_of_another_program_or_judge_is_refused(tmp_path: Path, change, message) -> None:
    """Round 7: run.json says which program and judge a run judged; the export computes the same for this
    project and refuses another (a gate dir of another project or commit, a lenient pack config)."""
    index = _reseal(_gate_dir(tmp_path, "portal-prod"), **change)
    with pytest.raises(EvidenceError) as err:
        collect(PROJECT, None, None, gate_dir=index.parent)
    assert str(err.value) == f"{index}: {message}"


def test_a_run_of_another_day_is_refused(tmp_path: Path) -> None:
    """Round 7: waivers that expired between the gate run and the export."""
    out = _gate_dir(tmp_path, "portal-prod")
    with pytest.raises(EvidenceError) as err:
        collect(PROJECT, None, None, gate_dir=out, as_of="2027-10-15")
    assert str(err.value) == (f"{out / 'run.json'}: the gate run judged the records as of {AS_OF}, the "
                              "export is as of 2027-10-15 (waivers and acceptances may have expired or begun "
                              f"since): export --as-of {AS_OF}, or {AGAIN}")
    assert [ev.stack for ev in collect(PROJECT, None, None, gate_dir=out, as_of=AS_OF)] == ["portal-prod"]


def test_a_sarif_rendering_that_fails_stops_the_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """Was a bundle without `report.sarif` that did not say why (the failure was swallowed)."""
    import gate.report
    from evidence import inputs
    from gate.model import StackReport

    def broken(*_args: object) -> None:
        raise ValueError("renderer broke\nsecond line")

    monkeypatch.setattr(gate.report, "render", broken)
    with pytest.raises(EvidenceError, match=r"^stack portal-prod: the gate's SARIF rendering failed "
                                            r"\(ValueError: renderer broke\)$"):
        inputs._sarif(StackReport(stack="portal-prod", resources=1))
