"""The packs through the offline gate: the project's stacks pass, every corpus program is blocked by the pack
its expected.json names, and the gRPC path gives the same verdicts as the in-process path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus"
CONFIG = [
    "--policy-pack-config",
    "eu-residency=policies/config/eu-residency.json",
    "--policy-pack-config",
    "pia-conditions=policies/config/pia-conditions.json",
]
OURS = ("eu-residency", "pia-conditions")


def _gate(run_gate, *args: str) -> dict:
    proc = run_gate(*args, "--format", "json", "--no-checkov", *CONFIG, cwd=REPO)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file()))
def test_corpus_program_is_blocked(run_gate, case):
    expected = json.loads((CORPUS / case / "expected.json").read_text())
    report = _gate(run_gate, "preview", "--program", str(CORPUS / case), "--stack", expected["stack"])
    assert report["blocked"]
    found = {
        v["policy"]
        for v in report["violations"]
        if v["pack"] == expected["pack"] and v["level"] == "mandatory" and not v["waiver"]
    }
    assert set(expected["policies"]) <= found, found


# Deploy order: dosis-prod reads portal-prod's outputs (off-vendor copies, issue 17), interconnect-prod both.
DEPLOY_ORDER = ["portal-prod", "dosis-prod", "interconnect-prod"]


@pytest.mark.slow
@pytest.mark.parametrize("stack", DEPLOY_ORDER)
def test_project_stacks_pass_both_packs(run_gate, stack, tmp_path_factory):
    # one output directory per worker; the stacks a stack reads are recorded first if this worker has not
    tmp_path = tmp_path_factory.getbasetemp() / "policy-stacks"
    tmp_path.mkdir(exist_ok=True)
    for earlier in DEPLOY_ORDER[: DEPLOY_ORDER.index(stack)]:
        if not (tmp_path / f"{earlier}.state.json").is_file():
            _gate(run_gate, "preview", "--stack", earlier, "--out", str(tmp_path))
    report = _gate(run_gate, "preview", "--stack", stack, "--out", str(tmp_path))
    ours = [
        v for v in report["violations"] if v["pack"] in OURS and v["level"] == "mandatory" and not v["waiver"]
    ]
    assert ours == []
    assert {p["pack"] for p in report["policies"]} >= set(OURS)
    grpc = _gate(
        run_gate,
        "analyze",
        "--state",
        str(tmp_path / f"{stack}.state.json"),
        "--stack",
        stack,
        "--policy-mode",
        "grpc",
    )

    def key(v):
        return (v["pack"], v["policy"], v["level"], v["urn"], v["message"])

    assert sorted(map(key, (v for v in grpc["violations"] if v["pack"] in OURS))) == sorted(
        map(key, (v for v in report["violations"] if v["pack"] in OURS))
    )
