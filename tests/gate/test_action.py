"""The reusable composite action and the pre-commit hook: well-formed, linted, and wired to the gate."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
CALLER = """\
name: gate
on: [pull_request]
permissions:
  contents: read
  security-events: write
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: gate
        uses: ./
        with:
          program: infra
          args: --all --profile generic
      - run: echo "exit ${{ steps.gate.outputs.exit-code }}, sarif ${{ steps.gate.outputs.sarif }}"
"""


def test_action_is_a_composite_that_runs_the_gate_uploads_sarif_and_fails_on_findings():
    doc = yaml.safe_load(ACTION.read_text())
    assert doc["runs"]["using"] == "composite" and doc["name"] and doc["description"]
    steps = doc["runs"]["steps"]
    assert all(s.get("shell") == "bash" for s in steps if "run" in s)   # composite run steps need a shell
    assert "gate preview --program" in steps[0]["run"] and "scripts/uvw\" run --frozen" in steps[0]["run"]
    assert steps[1]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "exit 1" in steps[2]["run"] and steps[2]["if"] == "steps.gate.outputs.exit_code != '0'"
    assert set(doc["inputs"]) == {"program", "args", "upload-sarif", "category"}


@pytest.mark.slow
def test_a_workflow_using_the_action_passes_actionlint(tmp_path):
    from gate.checkov.toolenv import ensure_actionlint

    shutil.copy(ACTION, tmp_path / "action.yml")
    workflow = tmp_path / ".github" / "workflows" / "gate.yml"
    workflow.parent.mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    workflow.write_text(CALLER)
    lint = [str(ensure_actionlint()), "-no-color", str(workflow)]
    done = subprocess.run(lint, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    workflow.write_text(CALLER.replace("program: infra", "programme: infra"))   # not an input of the action
    done = subprocess.run(lint, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "programme" in done.stdout


def test_pre_commit_hook_runs_the_gate_script_from_this_repository():
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "pulumi-policy-gate" and hook["language"] == "script"
    assert hook["pass_filenames"] is False and hook["args"] == ["--all", "--quiet"]
    script = REPO / hook["entry"]
    assert script.is_file() and script.stat().st_mode & 0o111
    assert "gate preview --program" in script.read_text()


@pytest.mark.slow
def test_pre_commit_hook_script_reports_bad_input_as_exit_2(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: python\n")
    done = subprocess.run([str(REPO / "scripts" / "gate-hook"), "--stack", "nope", "--no-checkov"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "gate: error: Pulumi.yaml: main: no __main__.py" in done.stderr   # ran on the cwd program
