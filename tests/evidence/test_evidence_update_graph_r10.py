"""Round 10 (docs/gate-red-team.md): the export re-judges the update graph in full, as the gate does —
also where it differs from the preview's in no known value (a value unknown in preview, known when
deployed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def test_an_update_graph_without_known_differences_is_judged_again_at_export(tmp_path) -> None:
    """Corpus `update-host-random-suffix`: the queue URL is unknown in preview and a us-east-1 queue when
    deployed. The honest report (its update-graph findings marked `recording: update`) passes the re-judging;
    the same report without them is refused, naming the update graph."""
    from evidence import rejudge
    from evidence.errors import EvidenceError
    from evidence.inputs import run_gate
    from gate.dual import differences

    program = PROJECT / "tests/corpus/engine/evil/update-host-random-suffix"
    gate_dir = tmp_path / "gate"
    env = {**os.environ, "PYTHONPATH": f"{PROJECT}{os.pathsep}{PROJECT / 'scripts'}"}
    subprocess.run([sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "corpus",
                    "--out", str(gate_dir), "--format", "json"], cwd=PROJECT, env=env,
                   capture_output=True, check=False)
    graphs = [json.loads(p.read_text()) for p in (gate_dir / "corpus.state.json",
                                                   gate_dir / ".updates/corpus.state.json")]
    assert differences(*graphs) == []
    report = json.loads((gate_dir / "corpus.report.json").read_text())
    assert {v["policy"] for v in report["violations"] if v["recording"] == "update"} == {
        "disallow-non-eea-replication"}
    rejudge.check_rejudged(gate_dir, "corpus", report, program, "", run_gate)
    report["violations"] = [v for v in report["violations"] if v["recording"] != "update"]
    with pytest.raises(EvidenceError) as caught:
        rejudge.check_rejudged(gate_dir, "corpus", report, program, "", run_gate)
    assert str(caught.value) == (
        f"{gate_dir / 'corpus.report.json'}: does not say what the packs say of .updates/corpus.state.json "
        "(the update graph) (judged again at export: 1 finding(s) missing from the report or changed; first: "
        "eu-residency/disallow-non-eea-replication (mandatory) on "
        "urn:pulumi:corpus::corpus-eng-update-host-random-suffix::aws:lambda/function:Function::exporter): "
        "the report or the state was edited after the gate run; run `gate preview --out DIR` of this "
        "checkout again, then export")


def test_an_unreadable_update_graph_is_refused(tmp_path) -> None:
    from evidence import rejudge
    from evidence.errors import EvidenceError

    (tmp_path / ".updates").mkdir()
    (tmp_path / ".updates/corpus.state.json").write_text('{"deployment": {"resources": {}}}')
    with pytest.raises(EvidenceError) as caught:
        rejudge._update_judged(tmp_path, "corpus", PROJECT, "", lambda *a: None)
    assert str(caught.value) == (f"{tmp_path / '.updates/corpus.state.json'}: not an update graph the gate "
                                 "wrote (TypeError)")
