"""Example programs of other teams (public-example shapes, AWS and Azure, EU and not): each is judged with
findings at file:line of that program, or fails with one line that says what to supply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
EXAMPLES = [("s3-website", 1), ("azure-storage", 1), ("dns-record", 2), ("deploy-time", 1)]


@pytest.mark.parametrize(("program", "code"), EXAMPLES)
def test_example_is_judged_at_file_line_or_fails_in_one_line(run_gate, gate_programs, tmp_path, program,
                                                            code):
    root = gate_programs / program
    proc = run_gate("preview", "--program", root, "--all", "--no-checkov", "--profile", "generic", "--out",
                    tmp_path, "--format", "json")
    assert proc.returncode == code, proc.stderr
    if code == 2:   # dns-record's stack `bare` has no fixture for its invoke
        (line,) = proc.stderr.splitlines()
        assert "has no offline answer" in line and " at __main__.py:" in line
        return
    for report in json.loads(proc.stdout):
        for v in report["violations"]:
            assert v["urn"], v                                       # stack findings carry the stack URN
            if v["type"] == "pulumi:pulumi:Stack":
                continue
            file, _, line = v["source"].rpartition(":")
            lines = (root / file).read_text().splitlines()
            assert 1 <= int(line) <= len(lines), v["source"]


def test_findings_come_in_the_same_order_every_run(run_gate, gate_programs, tmp_path):
    args = ("preview", "--program", gate_programs / "azure-storage", "--stack", "eus", "--profile", "generic",
            "--no-checkov", "--format", "json")
    first = run_gate(*args, "--out", tmp_path / "a")
    second = run_gate(*args, "--out", tmp_path / "b")
    order = [[(v["pack"], v["policy"], v["urn"]) for v in json.loads(p.stdout)["violations"]]
             for p in (first, second)]
    assert order[0] == order[1] == sorted(order[0], key=lambda k: (k[0] != "eu-residency", k[1], k[2]))
    assert Path(tmp_path / "a" / "gate.sarif").read_text() == Path(tmp_path / "b" / "gate.sarif").read_text()
