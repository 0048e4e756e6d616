"""What the engine would receive: transforms run, the program recorded as preview and as update, env reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gate.dual import differences
from gate.wire import UNKNOWN

REPO = Path(__file__).resolve().parents[2]


def state(*resources: dict) -> dict:
    return {"deployment": {"resources": list(resources)}}


def test_differences_compare_only_what_the_preview_knew():
    preview = state({"urn": "u:a", "type": "t", "inputs": {"region": "eu-west-1", "arn": UNKNOWN}},
                    {"urn": "u:b", "type": "t", "inputs": {}})
    update = state({"urn": "u:a", "type": "t", "inputs": {"region": "us-east-1", "arn": "arn:x"}},
                   {"urn": "u:c", "type": "t", "inputs": {}})
    assert differences(preview, update) == [
        {"urn": "u:a", "type": "t", "what": "inputs differ when deployed: region"},
        {"urn": "u:b", "type": "t", "what": "registered only in preview"},
        {"urn": "u:c", "type": "t", "what": "registered only when deployed"},
    ]
    assert differences(preview, preview) == []


@pytest.fixture(scope="module")
def judged(tmp_path_factory, gate_programs):
    out = tmp_path_factory.mktemp("deploy-time")
    env = {**os.environ, "LOG_REGION": "eu-central-1"}
    proc = subprocess.run([sys.executable, "-m", "gate", "preview", "--program",
                           str(gate_programs / "deploy-time"), "--all", "--no-checkov", "--profile",
                           "generic", "--out", str(out), "--format", "json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    (report,) = json.loads(proc.stdout)
    return {(v["pack"], v["policy"], v["urn"].rsplit("::", 1)[-1]): v for v in report["violations"]}


@pytest.mark.slow
def test_a_stack_transform_is_run_before_judging(judged):
    moved = judged[("eu-residency", "require-eea-location", "moved-archive")]
    assert "'us-east-1'" in moved["message"] and moved["source"] == "__main__.py:23"


@pytest.mark.slow
def test_the_update_is_judged_and_its_differences_reported(judged):
    data = judged[("eu-residency", "require-eea-location", "data")]
    assert "(when deployed, not in preview)" in data["message"] and data["level"] == "mandatory"
    assert "inputs differ when deployed: region" in judged[("gate", "preview-differs-from-update", "data")][
        "message"]
    assert "registered only when deployed" in judged[("gate", "preview-differs-from-update", "extra")][
        "message"]


@pytest.mark.slow
def test_environment_reads_are_warnings_naming_the_variable_and_what_it_reached(judged):
    reads = [v for k, v in judged.items() if k[1] == "program-reads-environment"]
    assert len(reads) == 1 and reads[0]["level"] == "advisory" and reads[0]["source"] == "__main__.py:10"
    assert "$LOG_REGION (set during the gate run); it reached: logs." in reads[0]["message"]
    assert "eu-central-1" not in reads[0]["message"]          # names and places, never values


TWO_STACKS = """
import pulumi
import pulumi_aws as aws
import pulumi_random as random

if pulumi.get_stack() == "first":
    token = random.RandomPassword("token", length=24, special=False)
    pulumi.export("token", token.result)
else:
    ref = pulumi.StackReference(pulumi.Config().require("firstStack"))
    aws.ssm.Parameter("copy", type="SecureString", value=ref.require_output("token"))
"""


def test_an_update_reads_the_updates_of_the_stacks_it_references(make_program, tmp_path):
    """A referenced stack's output known only once it is deployed (a generated password) reaches the
    update of the stack after it; the preview knows neither, as with the real engine."""
    from gate.project import load_project
    from gate.publish import UPDATES_DIR
    from gate.recording import SECRET_SIG, SIG_KEY, UNKNOWN
    from gate.runner import record_stacks

    program = make_program(TWO_STACKS, stacks={
        "first": "config:\n  aws:region: eu-west-1\n",
        "second": "config:\n  aws:region: eu-west-1\n  scratch:firstStack: organization/scratch/first\n"})
    out = tmp_path / "out"
    told: list[tuple[str, object, bool]] = []      # (stack, its run, "second" recorded by then)
    runs = record_stacks(program, load_project(program), ["first", "second"], out,
                         recorded=lambda s, c: told.append((s, c, (out / "second.state.json").is_file())))
    assert runs["second"].update_error == ""
    # each stack is told once recorded and the stacks reading it are started (the packs and checkov
    # judge it while they record): "first" before "second" was recorded
    assert [(s, r is runs[s], second) for s, r, second in told] == [("first", True, False),
                                                                                ("second", True, True)]

    def copied(checkpoint: dict) -> object:
        resources = checkpoint["deployment"]["resources"]
        (copy,) = [r for r in resources if r["type"] == "aws:ssm/parameter:Parameter"]
        return copy["inputs"]["value"]

    assert copied(runs["second"].checkpoint) == {SIG_KEY: SECRET_SIG, "value": UNKNOWN}
    update = json.loads((out / UPDATES_DIR / "second.state.json").read_text())
    assert copied(update) == {SIG_KEY: SECRET_SIG, "value": "[secret]"}   # known when deployed, redacted


def test_a_stack_alone_reads_the_published_updates_of_the_stacks_it_references(make_program, run_gate,
                                                                                tmp_path):
    """`gate preview --stack second` after a run of `first` into the same --out: the update of `second`
    reads what `first` outputs once deployed (its published update graph), not its preview state."""
    from gate.publish import UPDATES_DIR

    program = make_program(TWO_STACKS, stacks={
        "first": "config:\n  aws:region: eu-west-1\n",
        "second": "config:\n  aws:region: eu-west-1\n  scratch:firstStack: organization/scratch/first\n"})
    out = tmp_path / "out"
    common = ("--program", program, "--no-checkov", "--no-cache", "--profile", "generic", "--format", "json",
              "--out", out)
    first = run_gate("preview", "--stack", "first", *common)
    assert first.returncode in (0, 1), first.stderr
    assert (out / UPDATES_DIR / "first.state.json").is_file()          # published with the stack's set
    index = json.loads((out / "run.json").read_text())
    assert f"{UPDATES_DIR}/first.state.json" in index["stacks"]["first"]
    second = run_gate("preview", "--stack", "second", *common)
    assert second.returncode in (0, 1), second.stderr
    report = json.loads(second.stdout)    # one stack: its report object
    assert not [v for v in report["violations"] if v["policy"] == "update-not-recorded"], report["violations"]
    update = json.loads((out / UPDATES_DIR / "second.state.json").read_text())
    (copy,) = [r for r in update["deployment"]["resources"] if r["type"] == "aws:ssm/parameter:Parameter"]
    assert copy["inputs"]["value"]["value"] == "[secret]"     # first's token, known once deployed, redacted


def test_a_recording_worker_never_sees_what_the_gate_tells_its_packs(monkeypatch):
    """The packs judge a stack while the next one records, with GATE_RECORDS_DIR/GATE_PROGRAM_DIR set
    for them: a worker started then (the program's own Python, or no zygote) starts without them."""
    from gate.runner import _interpreter

    monkeypatch.setenv("GATE_RECORDS_DIR", "/records")
    monkeypatch.setenv("GATE_PROGRAM_DIR", "/program")
    monkeypatch.setenv("KEPT", "1")
    for options in ({}, {"python": "/own/bin/python", "worker_path": "/gate"}):
        _, env = _interpreter(options)
        assert env["KEPT"] == "1" and not {"GATE_RECORDS_DIR", "GATE_PROGRAM_DIR"} & set(env)
