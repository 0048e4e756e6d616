"""Findings at file:line: recorded source positions reach JSON, text, JUnit and SARIF (schema-valid)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_report import assert_valid_sarif

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def website(tmp_path_factory, gate_programs):
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("website")
    proc = subprocess.run([sys.executable, "-m", "gate", "preview", "--program",
                           str(gate_programs / "s3-website"), "--stack", "us", "--no-checkov", "--profile",
                           "generic", "--out", str(out), "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    return out, json.loads(proc.stdout)


def test_every_resource_finding_names_the_program_line_and_the_component_chain(website):
    _, report = website
    by_name = {v["urn"].rsplit("::", 1)[-1]: v for v in report["violations"]
               if v["policy"] == "require-eea-location"}
    lines = (Path(__file__).parent / "programs" / "s3-website" / "website.py").read_text().splitlines()
    bucket = by_name["site-bucket"]
    assert bucket["source"] == "website.py:15" and "s3.Bucket(" in lines[14]
    assert bucket["source_chain"] == ["__main__.py:6", "website.py:15"]   # caller of the component first
    assert by_name["index.html"]["source"] == "website.py:23" and "BucketObject(" in lines[22]


def test_sarif_and_junit_carry_the_location(website):
    out, _ = website
    log = json.loads((out / "gate.sarif").read_text())
    assert_valid_sarif(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert "tests/gate/programs/s3-website/website.py" in uris   # relative to the repository root
    junit = ET.parse(out / "gate.junit.xml").getroot()
    failures = [f.get("message") for f in junit.iter("failure")]
    assert any(m.startswith("website.py:15 urn:pulumi:us::s3-website::") for m in failures)


def test_sarif_of_the_three_project_stacks_is_valid_with_a_location_per_result(tmp_path, run_gate):
    proc = run_gate("preview", "--all", "--no-checkov", "--out", tmp_path, "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    log = json.loads((tmp_path / "gate.sarif").read_text())
    stacks = [r["properties"]["stack"] for r in log["runs"]]
    assert stacks == ["dosis-prod", "interconnect-prod", "portal-prod"]
    assert_valid_sarif(log)
    assert sum(len(r["results"]) for r in log["runs"]) >= 1
    assert proc.stdout.splitlines()[-1].startswith("gate: ")          # the verdict is the last line
