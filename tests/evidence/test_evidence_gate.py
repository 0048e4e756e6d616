"""The export reads the real gate's verdict (`python -m gate analyze --state ... --format json --out ...`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evidence import cli
from evidence.errors import EvidenceError
from evidence.export import export
from evidence.inputs import collect
from evidence_fixtures import DB_PASSWORD, PROJECT, PSK, checkpoint


@pytest.mark.slow
def test_real_gate_verdict_on_an_exported_state(tmp_path: Path, export_kwargs) -> None:
    state_file = tmp_path / "portal-prod.state.json"
    state_file.write_text(json.dumps(checkpoint("portal-prod")))
    evidence = collect(PROJECT, ["portal-prod"], state_file)
    assert [ev.stack for ev in evidence] == ["portal-prod"]
    report = evidence[0].report
    assert report.stack == "portal-prod" and report.policies, "the gate ran the project's policy packs"
    assert {p.pack for p in report.policies} >= {"eu-residency"}
    export_kwargs.pop("collect")
    out = tmp_path / "bundle"
    export(PROJECT, out, stacks=["portal-prod"], state_file=state_file, **export_kwargs)
    assert cli.main(["verify", str(out)]) == 0
    for path in out.rglob("*"):
        if path.is_file():
            assert PSK.encode() not in path.read_bytes() and DB_PASSWORD.encode() not in path.read_bytes()


@pytest.mark.slow
def test_gate_bad_input_is_passed_on_as_one_line(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no-such-stack"):
        collect(PROJECT, ["no-such-stack"], None)
