"""Round 8: the out-of-process recorder (`--recorder process`, gate.relay) gives the same verdicts as the
in-process one: byte-identical reports (stdout and `<stack>.report.json`) and the same recorded states
(preview and update graph, parsed: the `time` fields and the order of keys inside an object aside — a
Struct that crossed the wire iterates its map in another order).

The programs: this project's three stacks (`--all`), every program of tests/gate/programs, and the engine
corpus (tests/corpus/engine, the cases judged by `gate preview` of one directory)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from processes import untimed

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "engine"
JUDGE = ("--no-checkov", "--no-cache", "--format", "json", "--as-of", "2026-11-30")
PACK = ("--policy-pack", "policies/eu_residency", "--policy-pack-config",
        "eu-residency=policies/config/eu-residency.json")


# Cases whose verdicts differ by design: round 4's and 8's tampering with the in-process recorder is caught
# there by the integrity check (exit 2) or not at all, and out of process by the packs (their expected.json
# runs `--recorder process`); `relay-forged-end` attacks the process recorder only. `ctypes-inplace-record`
# (round 12): in-process, the integrity check now also catches its rewrite of the update's record (an extra
# `update-not-recorded`); out of process the packs block it; both exit 1.
DIFFER = {"evil/fake-seals-gc-rewrite", "evil/monitor-reachable-edit", "evil/protobuf-struct-view",
          "evil/rpc-serialize-under-mocks", "evil/relay-forged-end", "evil/tamper-gc-record-fields",
          "evil/ctypes-inplace-record"}


def _corpus_cases() -> list[str]:
    cases = []
    for expected in sorted(CORPUS.glob("*/*/expected.json")):
        spec = json.loads(expected.read_text())
        if not ({"merge", "analyze", "cache", "copy", "env", "out_symlink"} & set(spec)) and \
                spec.get("judge", True):
            cases.append(f"{expected.parent.parent.name}/{expected.parent.name}")
    return [c for c in cases if c not in DIFFER]


def _run(program: Path, where: list[str], extra: tuple[str, ...], out: Path, recorder: str):
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'scripts'}"}
    return subprocess.run([sys.executable, "-m", "gate", "preview", "--program", str(program), *where, *JUDGE,
                           *extra, "--out", str(out), "--recorder", recorder],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=900, check=False)


def _stderr(text: str, out: Path) -> str:
    """Stderr without what differs from run to run in either recorder: `--out`, object addresses in a
    traceback and the process or thread a refused signal was aimed at,
    which of a stack's two recordings failed first when both do, and the note that a program's
    own environment was made (by whichever run, or test beside it, came first: `own-env` failed on it)."""
    text = re.sub(r"gate: note: [^\n]*: the program's environment \([^\n]*\) made in [0-9.]+s\n", "", text)
    text = re.sub(r"0x[0-9a-f]+", "0x…", text.replace(str(out), ""))
    text = re.sub(r"\b(process|thread) \d+ \((os|signal)\.", r"\1 … (\2.", text)
    text = re.sub(r"recording worker \((preview|update)\)", "recording worker (…)", text)
    return re.sub(r"recording the (preview|update)", "recording the …", text)


def compare(program: Path, where: list[str], extra: tuple[str, ...], tmp: Path,
            racing: tuple[str, ...] = ()) -> list[str]:
    """What differs between the two recorders' runs of `program` (empty: the same). `racing`: reasons any of
    which may come first (a race in the program), so two stderrs that each hold one of them are the same."""
    runs = {m: _run(program, where, extra, tmp / m, m) for m in ("inprocess", "process")}
    a, b = runs["inprocess"], runs["process"]
    diffs = []
    if a.returncode != b.returncode:
        diffs.append(f"exit {a.returncode} != {b.returncode}: {a.stderr[-800:]} | {b.stderr[-800:]}")
    if a.stdout != b.stdout:
        diffs.append("stdout differs")
    if _stderr(a.stderr, tmp / "inprocess") != _stderr(b.stderr, tmp / "process") and \
            not (racing and all(any(r in run.stderr for r in racing) for run in (a, b))):
        diffs.append(f"stderr differs: {a.stderr[-800:]!r} | {b.stderr[-800:]!r}")
    for path in sorted((tmp / "inprocess").rglob("*.json")):
        rel = path.relative_to(tmp / "inprocess")
        if rel.parts[0] in (".runs", ".sdk-modules.json") or rel.name in ("run.json", "run.dsse.json"):
            continue
        other = tmp / "process" / rel
        if not other.is_file():
            diffs.append(f"{rel}: only in-process")
        elif rel.name.endswith(".report.json"):
            if path.read_bytes() != other.read_bytes():
                diffs.append(f"{rel}: differs")
        elif untimed(json.loads(path.read_text())) != untimed(json.loads(other.read_text())):
            diffs.append(f"{rel}: differs")
    return diffs


@pytest.mark.slow
def test_the_projects_stacks_record_the_same_in_both_recorders(tmp_path):
    diffs = compare(REPO, ["--all"], (), tmp_path)
    assert not diffs, "\n".join(diffs)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "tests/gate/programs").iterdir()
                                        if (p / "Pulumi.yaml").is_file()))
def test_the_gate_test_programs_record_the_same_in_both_recorders(name, tmp_path):
    diffs = compare(REPO / "tests/gate/programs" / name, ["--all"], PACK, tmp_path)
    assert not diffs, "\n".join(diffs)


@pytest.mark.slow
@pytest.mark.parametrize("case", _corpus_cases())
def test_the_engine_corpus_records_the_same_in_both_recorders(case, tmp_path):
    spec = json.loads((CORPUS / case / "expected.json").read_text())
    where = spec.get("args") or ["--stack", spec["stack"]]
    racing = tuple(spec["error"]) if isinstance(spec.get("error"), list) else ()
    diffs = compare(CORPUS / case, where, PACK, tmp_path, racing)
    assert not diffs, "\n".join(diffs)
