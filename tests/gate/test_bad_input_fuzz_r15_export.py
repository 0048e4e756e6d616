"""Round 15, the evidence export's inputs: one structural mutation of each file `evidence export --all
--gate-dir` reads (the gate dir, the records it reads before it), held to the bad-input property of
test_bad_input_fuzz_r15.py (its helpers, FOUND pairs and GATE_FUZZ_GRID)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from bad_input_mutations import mutate, spread, written
from hypothesis import given
from hypothesis import strategies as st
from test_bad_input_fuzz_r15 import (
    FUZZ,
    RECORDS,
    REPO,
    STACKS,
    Kind,
    Outcome,
    check_property,
    explore_yaml,
    make_gate_run,
    pairs,
)

pytestmark = pytest.mark.slow
GATE_DIR_KINDS = [
    Kind("gate-dir/run.json", "run.json", "json", "run.json"),
    Kind("gate-dir/run.dsse.json", "run.dsse.json", "json", "run.dsse.json"),
    Kind("gate-dir/report", "portal-prod.report.json", "json", "portal-prod.report.json"),
    Kind("gate-dir/state", "interconnect-prod.state.json", "json", "interconnect-prod.state.json"),
]


@pytest.fixture(scope="module")
def gate_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gate_run(tmp_path_factory)


# ------------------------------------------------------------------------------ the gate dir export reads
ACCEPTED = "r15: the gate dir was accepted"


def export_outcome(gate_run: Path, capfd, kind: Kind, text: str, root: Path) -> Outcome:
    """`evidence export --all --gate-dir` (in this process) of a copy of the run with one file replaced."""
    from evidence import cli

    gate_dir = root / "gate"
    shutil.copytree(gate_run, gate_dir, symlinks=True,
                    ignore=shutil.ignore_patterns("cache", ".runs", ".gate.lock"))
    (gate_dir / kind.file).write_text(text, encoding="utf-8", newline="")
    out = root / "evidence"
    capfd.readouterr()
    code = cli.main(["export", "--all", "--gate-dir", str(gate_dir), "--out", str(out)])
    got = capfd.readouterr()
    return Outcome(code, got.err, (), written(out))


@pytest.mark.parametrize(("kind", "mutation"), pairs("gate_dir_mutation", GATE_DIR_KINDS))
def test_gate_dir_mutation(gate_run, capfd, tmp_path, monkeypatch, kind: Kind, mutation: str) -> None:
    """Every byte of a gate dir is signed or hashed: no mutation is meaningless, each must be exit 2
    naming the file. The run is this test's `--no-checkov` run, whose seal names another judge than the
    export's (checkov on): the seal is round 9's subject (test_evidence_red_team_r9.py), not checked here."""
    from evidence import rejudge
    from evidence.errors import EvidenceError

    def accepted(*args: object) -> None:   # every check of the gate dir passed; judging again is next
        raise EvidenceError(ACCEPTED)

    monkeypatch.setattr(rejudge, "check_seal", lambda *args: None)
    monkeypatch.setattr(rejudge, "check_rejudged", accepted)
    never = Outcome(-1, "", ("a mutated gate dir is never the run it was",), [])

    @FUZZ
    @given(pick=st.integers(0, 10**6))
    def one(pick: int) -> None:
        mutated = mutate((gate_run / kind.file).read_text(encoding="utf-8"), kind.fmt, mutation,
                         spread(kind.name, mutation, pick))
        if mutated is None:
            return
        got = export_outcome(gate_run, capfd, kind, mutated[0], tmp_path / uuid.uuid4().hex)
        if ACCEPTED in got.err:   # only the envelope has bytes that are not signed (its layout, a BOM)
            assert kind.name == "gate-dir/run.dsse.json", f"{kind.name} {mutation}: accepted"
            return
        broke = check_property(kind, "", mutation, got, never, "evidence: error: ")
        assert not broke, f"{kind.name} {mutation} pick={pick}: {broke}"

    one()


# ------------------------------------------------------------------------------ the records export reads
EVIDENCE_KINDS = [
    *(Kind(f"evidence/exit-plans/{s}", f"{RECORDS}/exit-plans/{s}.yaml", "yaml", f"exit-plans/{s}.yaml", s)
      for s in STACKS),
    Kind("evidence/processing-register", f"{RECORDS}/processing-register.yaml", "yaml",
         "processing-register.yaml"),
    *(Kind(f"evidence/pia/{s}", f"{RECORDS}/pia/{s}.yaml", "yaml", f"pia/{s}.yaml", s) for s in STACKS),
]


def evidence_outcome(kind: Kind, text: str | None, root: Path) -> Outcome:
    """What `evidence export` reads of the records before the gate dir (evidence.export: the register,
    every exit plan, then each stack's PIA acceptance), in this process."""
    from datetime import UTC, datetime

    from evidence.errors import EvidenceError
    from evidence.export import _register_and_records, records_for

    project = root / "project"
    shutil.copytree(REPO / RECORDS, project / RECORDS)
    if text is not None:
        (project / kind.file).write_text(text, encoding="utf-8", newline="")
    try:
        exported = datetime(2026, 11, 30, tzinfo=UTC)
        _register_and_records(project, None, "2026-11-30", exported)
        records = records_for(project, "2026-11-30", exported)
        checks = tuple((c.status, c.detail) for s in STACKS
                       for c in (records.check("exit-plan", s), records.check("pia-acceptance", s)))
    except EvidenceError as exc:
        return Outcome(2, f"evidence: error: {exc}\n", (), [])
    except Exception as exc:   # evidence.cli: an internal error (exit 3)
        return Outcome(3, f"evidence: internal error: {type(exc).__name__}: {exc}\n", (), [])
    return Outcome(0, "", checks, [])


@pytest.mark.parametrize(("kind", "mutation"), pairs("evidence_record_mutation", EVIDENCE_KINDS))
def test_evidence_record_mutation(tmp_path, kind: Kind, mutation: str) -> None:
    explore_yaml(kind, mutation, evidence_outcome(kind, None, tmp_path / "base"),
                 lambda text, root: evidence_outcome(kind, text, root), tmp_path, "evidence: error: ")
