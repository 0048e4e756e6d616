"""The evaluation date as an input (issue 12): --as-of, GATE_AS_OF, recorded in every report format.

The project's own records are judged at the pinned date (they pass) and at a date after every committed
expiry (the gate blocks on exactly those records): the suite does not turn red on a calendar date, the
gate does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from committed_records import committed_expiries, day_after_every_expiry

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CONFIG = ["--policy-pack-config", "eu-residency=policies/config/eu-residency.json",
          "--policy-pack-config", "pia-conditions=policies/config/pia-conditions.json"]


@pytest.fixture(scope="module")
def project_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, list, str]]:
    """`gate preview --all` over the project at the pinned date and after every expiry (one run each)."""
    import os
    import subprocess
    import sys

    runs = {}
    for label, extra in (("pinned", []), ("after", ["--as-of", day_after_every_expiry().isoformat()])):
        out = tmp_path_factory.mktemp(f"gate-{label}")
        proc = subprocess.run([sys.executable, "-m", "gate", "preview", "--all", "--no-checkov", "--format",
                               "json", "--out", str(out), *CONFIG, *extra], cwd=REPO, capture_output=True,
                              text=True, check=False, timeout=600, env={**os.environ})
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        runs[label] = (proc.returncode, json.loads(proc.stdout), proc.stderr)
    return runs


def test_committed_records_pass_on_the_pinned_date(project_runs, pinned_as_of):
    code, reports, _ = project_runs["pinned"]
    assert code == 0
    assert {r["as_of"] for r in reports} == {pinned_as_of}


def test_gate_blocks_after_every_committed_expiry(project_runs):
    code, reports, _ = project_runs["after"]
    assert code == 1
    assert {r["as_of"] for r in reports} == {day_after_every_expiry().isoformat()}
    blocking = {(r["stack"], v["policy"]) for r in reports for v in r["violations"]
                if v["level"] == "mandatory" and not v["waiver"]}
    # every stack's PIA acceptance has lapsed, and so has every waiver
    assert {s for s, p in blocking if p == "require-pia-record"} == {r["stack"] for r in reports}
    expired_waivers = {r["stack"] for r in reports for v in r["violations"]
                       if v["policy"] == "require-valid-waivers" and "expired on" in v["message"]}
    stacks_with_waivers = {k.split("/")[1].split(".yaml")[0] for k in committed_expiries()
                           if k.startswith("waivers/")}
    assert expired_waivers == stacks_with_waivers


def test_as_of_is_in_text_sarif_and_junit(run_gate, gate_programs, tmp_path):
    program = gate_programs / "multi"  # stack "base": AWS only, no records needed
    for fmt, needle in (("text", "as of 2026-06-30"), ("sarif", '"asOf": "2026-06-30"')):
        proc = run_gate("preview", "--program", program, "--stack", "base", "--out", tmp_path / fmt,
                        "--no-checkov", "--format", fmt, "--as-of", "2026-06-30")
        assert proc.returncode in (0, 1), proc.stderr
        assert needle in proc.stdout


@pytest.mark.parametrize("value", ["2026-13-01", "30-11-2026", "tomorrow", "2026-11-3"])
def test_as_of_not_a_date_is_bad_input(run_gate, value):
    proc = run_gate("preview", "--all", "--as-of", value)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr
    assert "--as-of" in lines[0] and "expected a date YYYY-MM-DD" in lines[0]


def test_gate_as_of_environment_not_a_date_is_bad_input(run_gate, monkeypatch):
    monkeypatch.setenv("GATE_AS_OF", "2026/11/30")
    proc = run_gate("preview", "--all", "--no-checkov")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("gate: error: environment GATE_AS_OF: expected a date YYYY-MM-DD, "
                                   "got '2026/11/30'")


def test_evidence_as_of_not_a_date_is_bad_input(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "evidence", "export", "--all", "--out", str(tmp_path / "b"),
                           "--as-of", "2026-02-30"], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "expected a date YYYY-MM-DD" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "b").exists()
