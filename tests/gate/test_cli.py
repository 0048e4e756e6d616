"""The `gate` command line end to end (subprocesses, like CI runs it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate.errors import GateError
from gate.recording import REDACTED, SIG_KEY, UNKNOWN

pytestmark = pytest.mark.slow
PLAINTEXT = "fixture-plaintext-secret-3141"
REPO_PACK = Path(__file__).parent / "programs" / "packs" / "no-us-east"


@pytest.fixture(scope="module")
def all_run(tmp_path_factory, gate_programs):
    """`gate preview --all --format json` over the multi-stack fixture program, run once."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("out")
    proc = subprocess.run(
        [sys.executable, "-m", "gate", "preview", "--program", str(gate_programs / "multi"), "--all",
         "--out", str(out), "--format", "json", "--no-checkov", "--policy-pack",
         str(gate_programs / "packs" / "no-us-east")],
        capture_output=True, text=True, timeout=300, check=False,
    )
    return proc, out


def stack_outputs(state: dict) -> dict:
    return next(r for r in state["deployment"]["resources"] if r["type"] == "pulumi:pulumi:Stack")["outputs"]


def by_name(state: dict, name: str) -> dict:
    return next(r for r in state["deployment"]["resources"] if r["urn"].endswith("::" + name))


# round 13: consumer also reads a stack that does not exist; that reference blocks it
UNRESOLVED_MISSING = ("gate", "unresolved-stack-reference", "organization/fixture/does-not-exist")


def _blocking(report: dict) -> list[tuple[str, str, str]]:
    return [(v["pack"], v["policy"], v["message"].split("'")[1]) for v in report["violations"]
            if v["level"] == "mandatory"]


def test_all_prints_one_report_per_stack_and_blocks_on_mandatory(all_run):
    proc, _ = all_run
    assert proc.returncode == 1, proc.stderr       # base has a us-east-1 provider: mandatory violation
    reports = json.loads(proc.stdout)
    assert [r["stack"] for r in reports] == ["aaa-hidden", "azure", "base", "consumer"]
    base = next(r for r in reports if r["stack"] == "base")
    assert base["blocked"] is True
    assert [(v["policy"], v["urn"].split("::")[-1]) for v in base["violations"]] == [
        ("no-us-east-provider", "use1")]
    assert all(not r["blocked"] for r in reports if r["stack"] not in ("base", "consumer"))
    assert _blocking(next(r for r in reports if r["stack"] == "consumer")) == [UNRESOLVED_MISSING]


def test_all_writes_state_and_report_files(all_run):
    _, out = all_run
    for stack in ("aaa-hidden", "azure", "base", "consumer"):
        state = json.loads((out / f"{stack}.state.json").read_text())
        assert state["version"] == 3
        report = json.loads((out / f"{stack}.report.json").read_text())
        assert report["stack"] == stack
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_all_orders_stacks_by_their_references(all_run):
    _, out = all_run
    base_vpc = stack_outputs(json.loads((out / "base.state.json").read_text()))["vpcId"]
    assert base_vpc.startswith("vpc-")
    consumer = json.loads((out / "consumer.state.json").read_text())        # reference found in config
    assert by_name(consumer, "subnet")["inputs"]["vpcId"] == base_vpc
    assert by_name(consumer, "subnet-missing")["inputs"]["vpcId"] == UNKNOWN
    hidden = json.loads((out / "aaa-hidden.state.json").read_text())        # reference only in the code
    assert by_name(hidden, "subnet")["inputs"]["vpcId"] == base_vpc
    remembered = json.loads((out / ".stack-references.json").read_text())  # orders the next run at once
    assert remembered["aaa-hidden"] == ["base"] and remembered["consumer"] == ["base", "does-not-exist"]


def test_secrets_never_reach_files_or_stdout(all_run):
    proc, out = all_run
    assert PLAINTEXT not in proc.stdout and PLAINTEXT not in proc.stderr
    for path in out.rglob("*"):   # the result cache (<out>/cache) included
        if path.is_file():
            assert PLAINTEXT not in path.read_text(errors="replace"), path
    base = json.loads((out / "base.state.json").read_text())
    assert stack_outputs(base)["token"]["value"] == REDACTED
    assert SIG_KEY in json.dumps(by_name(base, "token")["inputs"]["value"])


def test_single_stack_resolves_references_from_an_earlier_run(all_run, run_gate, gate_programs):
    _, out = all_run
    proc = run_gate("preview", "--program", gate_programs / "multi", "--stack", "consumer", "--out", out,
                    "--format", "json", "--no-checkov",
                    "--policy-pack", gate_programs / "packs" / "no-us-east")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    # base's state, vouched by the earlier run's seal, answers its reference; only the missing stack blocks
    assert report["stack"] == "consumer" and _blocking(report) == [UNRESOLVED_MISSING]
    consumer = json.loads((out / "consumer.state.json").read_text())
    assert by_name(consumer, "subnet")["inputs"]["vpcId"].startswith("vpc-")


def test_analyze_judges_a_written_state_with_the_same_verdict(all_run, run_gate, gate_programs, tmp_path):
    _, out = all_run
    proc = run_gate("analyze", "--state", out / "base.state.json", "--format", "json", "--no-checkov",
                    "--policy-pack", gate_programs / "packs" / "no-us-east", "--out", tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["stack"] == "base"
    recorded = json.loads((out / "base.report.json").read_text())
    # the same verdict and findings; only where the program's sources live is unknown to `analyze`
    assert report == {k: v for k, v in recorded.items() if k != "source_root"}
    assert (tmp_path / "base.report.json").is_file()


def test_analyze_of_a_compliant_state_exits_zero(all_run, run_gate, gate_programs):
    _, out = all_run
    proc = run_gate("analyze", "--state", out / "azure.state.json", "--format", "json", "--no-checkov",
                    "--policy-pack", gate_programs / "packs" / "no-us-east")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["blocked"] is False


CYCLE_PROGRAM = """
import pulumi

ref = pulumi.StackReference(pulumi.Config().require("other"))
pulumi.export("mine", pulumi.get_stack())
pulumi.export("theirs", ref.get_output("mine"))
"""


def test_reference_cycle_runs_with_what_is_available(run_gate, make_program, tmp_path):
    program = make_program(CYCLE_PROGRAM, stacks={"a": "config:\n  scratch:other: b\n",
                                                  "b": "config:\n  scratch:other: a\n"})
    out = tmp_path / "out"
    proc = run_gate("preview", "--program", program, "--all", "--out", out, "--format", "json",
                    "--no-checkov", "--policy-pack", tmp_path / "packs")  # bad pack dir: checked late
    assert proc.returncode == 2 and "packs" in proc.stderr
    assert not out.exists()                               # bad input: nothing recorded or written
    proc = run_gate("preview", "--program", program, "--all", "--out", out, "--format", "json",
                    "--no-checkov", "--policy-pack", REPO_PACK)
    first, second = (stack_outputs(json.loads((out / f"{s}.state.json").read_text())) for s in ("a", "b"))
    assert first == {"mine": "a", "theirs": UNKNOWN}      # a ran first: b not recorded yet
    assert second == {"mine": "b", "theirs": "a"}
    # round 13: a's reference to b was not resolved (on a first deployment it cannot be): a is blocked by it
    assert proc.returncode == 1, proc.stderr
    blocking = {(r["stack"], v["pack"], v["policy"]) for r in json.loads(proc.stdout) for v in r["violations"]
                if v["level"] == "mandatory"}
    assert blocking == {("a", "gate", "unresolved-stack-reference")}


def test_checkov_findings_join_the_report(run_gate, gate_programs, tmp_path):
    proc = run_gate("preview", "--program", gate_programs / "multi", "--stack", "azure", "--out", tmp_path,
                    "--format", "json", "--policy-pack", REPO_PACK)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    found = [v for v in report["violations"] if v["pack"] == "checkov"]
    assert found and all(v["policy"].startswith("CKV") for v in found)
    assert all(v["urn"].startswith("urn:pulumi:azure::fixture::") for v in found)


def test_policy_pack_config_can_disable_a_mandatory_policy(run_gate, gate_programs, tmp_path):
    config = tmp_path / "pack.json"
    config.write_text('{"no-us-east-provider": "disabled"}')
    proc = run_gate("preview", "--program", gate_programs / "multi", "--stack", "base", "--out", tmp_path,
                    "--format", "json", "--no-checkov", "--policy-pack", REPO_PACK,
                    "--policy-pack-config", f"no-us-east={config}")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["violations"] == []


def test_a_run_with_the_side_effect_refusals_off_says_so(monkeypatch, capsys):
    """GATE_UNSAFE_PROGRAM_SIDE_EFFECTS turns a control off (for the engine's own tests): never silently,
    and (round 20) never a verdict: a CI job that inherited it published passes with the control off."""
    import argparse

    from gate import commands
    from gate.runner import StackRun

    args = argparse.Namespace(timings=False)
    runs = {"dev": StackRun("dev", "p", {}, {})}
    monkeypatch.delenv("GATE_UNSAFE_PROGRAM_SIDE_EFFECTS", raising=False)
    commands._program_notes(args, runs, None)
    assert "GATE_UNSAFE" not in capsys.readouterr().err
    monkeypatch.setenv("GATE_UNSAFE_PROGRAM_SIDE_EFFECTS", "1")
    with pytest.raises(GateError, match=r"GATE_UNSAFE_PROGRAM_SIDE_EFFECTS=1: .* no verdict"):
        commands._program_notes(args, runs, None)
    commands._program_notes(args, {}, None)   # every stack from the cache: nothing ran unsafe
