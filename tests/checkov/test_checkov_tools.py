"""Tool environment reuse and the checkov waiver reader (no checkov run)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from gate.checkov import processes, runner, toolenv
from gate.errors import GateError


def test_tool_env_is_reused_when_its_marker_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venv = tmp_path / "env"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (venv / toolenv.MARKER).write_text("checkov==1.0\n")
    monkeypatch.setattr(toolenv, "run_steps", lambda *a, **k: pytest.fail("must not reinstall"))
    assert toolenv.ensure_venv(venv, ["checkov==1.0"]) == venv / "bin" / "python"


def test_tool_env_is_rebuilt_for_another_pin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venv = tmp_path / "env"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (venv / toolenv.MARKER).write_text("checkov==1.0\n")
    calls: list[list[str]] = []
    monkeypatch.setattr(toolenv, "run_steps", lambda steps, env: calls.extend(steps))
    toolenv.ensure_venv(venv, ["checkov==2.0"])
    assert [c[1:3] for c in calls] == [["venv", "--quiet"], ["pip", "install"]]
    assert calls[1][-1] == "checkov==2.0"
    assert (venv / toolenv.MARKER).read_text().strip() == "checkov==2.0"


def test_failed_install_is_one_line_gate_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an installer on PATH that fails as uv does: the run is its last line (through gate.procs.run_steps)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "uv").write_text("#!/bin/sh\necho resolution failed >&2\n"
                                         "echo no matching distribution >&2\nexit 1\n")
    (tmp_path / "bin" / "uv").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(GateError, match="cannot install checkov==9: no matching distribution"):
        toolenv.ensure_venv(tmp_path / "env", ["checkov==9"])


def test_checkov_waivers_read_from_the_stack_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "waivers").mkdir()
    key, db = "urn:pulumi:s::p::aws:kms/key:Key::key", "urn:pulumi:s::p::aws:rds/instance:Instance::db"
    (tmp_path / "waivers" / "s.yaml").write_text(
        "waivers:\n"
        f"  - {{rule: CKV_AWS_7, resource: '{key}', reason: HSM key due in Q3 2027, owner: sec,\n"
        "     decided: 2026-11-01, expires: 2027-06-30}\n"
        f"  - {{rule: CKV_AWS_18, resource: '{key}', reason: too short, owner: sec, decided: 2026-11-01,"
        " expires: 2027-06-30}\n"
        f"  - {{rule: CKV_AWS_16, resource: '{db}', reason: expired long ago by now, owner: sec,"
        " decided: 2020-01-01, expires: 2020-06-30}\n"
        f"  - {{rule: CKV_AWS_17, resource: '{db}', reason: no owner given for this, decided: 2026-11-01,"
        " expires: 2027-06-30}\n"
        f"  - {{rule: require-tls-1-2, resource: '{db}', reason: a pack rule, not checkov's, owner: sec,"
        " decided: 2026-11-01, expires: 2027-06-30}\n")
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    hook = "policies.core.records:load_waivers"
    waivers = runner.load_waivers("s", on=dt.date(2026, 11, 23), hook=hook)
    assert list(waivers) == [("CKV_AWS_7", key)]
    assert waivers[("CKV_AWS_7", key)]["expires"] == "2027-06-30"
    assert runner.load_waivers("absent", on=dt.date(2026, 11, 23), hook=hook) == {}
    assert runner.load_waivers("s", on=dt.date(2026, 11, 23)) == {}   # no hook in [tool.gate]: none
    with pytest.raises(GateError, match="checkov-waivers: cannot load 'no_such_module:f'"):
        runner.load_waivers("s", hook="no_such_module:f")


def test_bad_stack_name_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="not a stack name"):
        runner.scan({"../x": {}}, tmp_path)


def test_no_exportable_resources_means_no_checkov_run(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes.Driver, "__init__", lambda *a: pytest.fail("checkov must not start"))
    assert runner.scan({"s": {"version": 3, "deployment": {"resources": []}}}, tmp_path) == {"s": []}
