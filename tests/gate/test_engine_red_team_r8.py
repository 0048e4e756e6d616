"""Engine red team, round 8 (docs/gate-red-team.md): the out-of-process recorder (`--recorder process`,
gate.relay). Each test fails without it: the record the gate takes is the recorder process's, built from
what arrived over gRPC, so what the program patches in its own process does not reach it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gate import settings
from gate.cli import main
from gate.errors import GateError, UsageError
from gate.relay_result import RESULT, merge

REPO = Path(__file__).resolve().parents[2]

# protobuf-struct-view, reduced: whoever reads a registration's Struct in this process sees eu-west-1
PATCHED_VIEW = '''
from google.protobuf import json_format
import pulumi_aws as aws

_to_dict = json_format.MessageToDict
json_format.MessageToDict = lambda m, *a, **k: {
    key: ("eu-west-1" if value == "us-east-1" else value) for key, value in _to_dict(m, *a, **k).items()}
aws.s3.Bucket("us", region="us-east-1")
'''


# executor-late-register, reduced: the registration runs in a fresh context (a thread-pool worker hands a
# coroutine to the loop), which sees the SDK settings' defaults
FRESH_CONTEXT = '''
import asyncio
import pulumi_aws as aws

async def register():
    aws.s3.Bucket("us", region="us-east-1")

loop = asyncio.get_event_loop()
loop.run_in_executor(None, lambda: asyncio.run_coroutine_threadsafe(register(), loop))
'''


def _program(tmp_path: Path, main_py: str) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: r8\nruntime: python\n")
    (program / "Pulumi.corpus.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text(main_py)
    return program


def _record(program: Path, tmp_path: Path, recorder: str) -> dict:
    """One recording worker (`python -m gate._worker`), its result as the gate takes it."""
    work = tmp_path / recorder
    work.mkdir()
    request, result = work / "request.json", work / "result.json"
    request.write_text(json.dumps({"program": str(program), "stack": "corpus", "mode": "preview",
                                   "state_dirs": [], "recorder": recorder}))
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'scripts'}"}
    subprocess.run([sys.executable, "-m", "gate._worker", str(request), str(result)], env=env, check=True,
                   timeout=300, cwd=REPO)
    data = json.loads(result.read_text())
    assert data["ok"], data
    return merge(data, work, "preview", "corpus") if recorder == "process" else data


def _bucket_region(data: dict) -> str:
    resources = data["checkpoint"]["deployment"]["resources"]
    (bucket,) = [r for r in resources if r["type"] == "aws:s3/bucket:Bucket"]
    return bucket["inputs"]["region"]


@pytest.mark.slow
def test_the_recorder_process_records_what_the_program_sent_not_what_it_sees(tmp_path):
    program = _program(tmp_path, PATCHED_VIEW)
    assert _bucket_region(_record(program, tmp_path, "inprocess")) == "eu-west-1"   # the hole, in-process
    assert _bucket_region(_record(program, tmp_path, "process")) == "us-east-1"


@pytest.mark.slow
def test_a_registration_from_a_fresh_context_reaches_the_recorder_process(tmp_path):
    """Mock settings made in the worker would be every context's default: it would register in-process,
    beside the record the gate takes, and be lost."""
    assert _bucket_region(_record(_program(tmp_path, FRESH_CONTEXT), tmp_path, "process")) == "us-east-1"


def test_the_gate_takes_the_recorder_process_record_or_fails(tmp_path):
    with pytest.raises(GateError, match=r"^stack s: the recorder process left no record \(recording the "
                                        r"preview\)"):
        merge({"ok": True}, tmp_path, "preview", "s")
    base = {"project": "p", "stack": "s", "config": {}, "stack_references": {}, "diagnostics": [],
            "checkpoint": {"version": 3}, "env_reads": [], "inputs": ["/r"], "states": [], "error": "",
            "program_error": ""}
    (tmp_path / RESULT).write_text(json.dumps({**base, "error": "the program wrote into it"}))
    with pytest.raises(GateError, match=r"^stack s: the program wrote into it$"):
        merge({"ok": True, "checkpoint": {"forged": True}}, tmp_path, "preview", "s")
    (tmp_path / RESULT).write_text(json.dumps({**base, "program_error": "the program logged an error: x"}))
    with pytest.raises(GateError, match=r"^stack s: the program logged an error: x$"):
        merge({"ok": True}, tmp_path, "preview", "s")
    update = merge({"ok": True, "update_checkpoint": {"forged": True}}, tmp_path, "update", "s")
    assert update["update_error"] == "stack s: the program logged an error: x"
    (tmp_path / RESULT).write_text(json.dumps(base))
    got = merge({"ok": True, "checkpoint": {"forged": True}, "inputs": ["/w"]}, tmp_path, "preview", "s")
    assert got["checkpoint"] == {"version": 3} and got["inputs"] == ["/r", "/w"]


def test_the_recorder_setting_is_process_or_inprocess(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.gate]\nrecorder = "elsewhere"\n')
    with pytest.raises(UsageError, match=r"tool.gate.recorder: must be one of inprocess, process"):
        settings.load([tmp_path])
    (tmp_path / "pyproject.toml").write_text('[tool.gate]\nrecorder = "process"\n')
    assert settings.load([tmp_path]).recorder == "process"
    assert settings.with_flags(settings.load([tmp_path]), recorder="inprocess").recorder == "inprocess"


def test_a_judged_program_does_not_choose_its_recorder(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.gate]\nrecorder = "inprocess"\n')
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    assert main(["preview", "--program", str(tmp_path), "--all"]) == 2
    assert "tool.gate.recorder: a judged program does not choose its judge" in capsys.readouterr().err


def test_ci_runs_every_gate_preview_with_the_recorder_process():
    runs = [line for path in [*sorted((REPO / ".github/workflows").glob("*.yml")), REPO / ".ci/run"]
            for line in path.read_text().splitlines() if "gate preview --all" in line and "uvw run" in line]
    assert len(runs) >= 6
    assert all("--recorder process" in line for line in runs), runs
