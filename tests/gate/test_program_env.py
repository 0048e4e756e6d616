"""The program's own environment: from its Pulumi.yaml runtime options, used by the worker, unpolluted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gate import program_env
from gate.errors import GateError

REPO = Path(__file__).resolve().parents[2]


def test_the_worker_copy_holds_everything_a_worker_imports():
    with program_env.worker_path() as path:
        code = "import gate, gate._worker, gate.recording; print(gate.__file__)"
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": path},
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().startswith(path)
    assert not Path(path).exists()          # removed after the run


def test_runtime_options_decide_the_environment(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    assert program_env.prepare(tmp_path, tmp_path / "Pulumi.yaml").python is None   # the gate's python
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime: {name: python, options: {toolchain: poetry}}\n")
    with pytest.raises(GateError, match=r"runtime.options.toolchain: 'poetry' is not supported offline"):
        program_env.prepare(tmp_path, tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime: {name: python, options: {virtualenv: venv}}\n")
    # no venv and nothing to make one from: the ambient Python, as before
    assert program_env.prepare(tmp_path, tmp_path / "Pulumi.yaml").python is None


def test_this_projects_own_uv_environment_is_the_gates():
    env = program_env.prepare(REPO, REPO / "Pulumi.yaml")
    assert (env.python, env.toolchain) == (None, "uv")


@pytest.mark.slow
def test_a_program_is_recorded_in_its_own_environment_with_its_own_sdk(run_gate, gate_programs, tmp_path):
    program = gate_programs / "own-env"
    proc = run_gate("preview", "--program", program, "--all", "--no-checkov", "--out", tmp_path, "--format",
                    "json", timeout=600)
    assert proc.returncode == 0, proc.stderr
    state = json.loads((tmp_path / "dev.state.json").read_text())
    providers = [r["urn"] for r in state["deployment"]["resources"] if r["type"] == "pulumi:providers:random"]
    assert providers and providers[0].endswith("::default_4_16_0")      # not the gate's pulumi-random 4.2x
    venv = program / ".venv"
    assert (venv / program_env.MARKER).is_file()
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert not list(site.glob("gate*")) and not list(site.glob("*.pth"))   # the gate installed nothing there
    again = run_gate("preview", "--program", program, "--all", "--no-checkov", "--out", tmp_path, "--quiet")
    assert again.returncode == 0 and "made in" not in again.stderr       # warm: no second build


def test_a_too_old_pulumi_sdk_is_bad_input(tmp_path, monkeypatch):
    monkeypatch.setattr(program_env, "run_bounded", lambda *a, **k: (0, "2.25.1\n", ""))
    with pytest.raises(GateError, match=r"has pulumi 2.25.1; the gate records with pulumi>=3.100,<4"):
        program_env._pulumi_version(tmp_path / "python", tmp_path / "Pulumi.yaml")
