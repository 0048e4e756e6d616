"""Engine red team, round 13 (docs/gate-red-team.md): what a current SDK lets a program ask of the engine
that no offline recording shows. Each test fails without its fix: state migrations and parameterized
packages fail the recording, a StackReference the run could not resolve is a mandatory gate finding, and a
module of the program's directory named like a loaded, standard or installed one is refused."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pulumi
import pulumi_aws as aws
import pytest
from gate import dual
from gate.driver import record_program
from gate.errors import GateError, ProgramError
from gate.model import StackReport
from gate.monitor import RecordingMonitor
from gate.recorder import Recorder
from gate.recording import record_callable
from gate.shadows import refuse_shadowing
from google.protobuf import empty_pb2
from pulumi.runtime.proto import resource_pb2

EU = {"aws:region": "eu-west-1"}
STACK_URN = "urn:pulumi:corpus::r13::pulumi:pulumi:Stack::r13-corpus"


def test_the_gate_offers_state_migrations_as_a_current_cli_does():
    info = RecordingMonitor(Recorder("r13", "corpus", {}, None)).GetDeploymentInfo(empty_pb2.Empty())
    assert resource_pb2.RESOURCE_MONITOR_FEATURE_STATE_MIGRATIONS in info.supportedFeatures


def test_a_state_migration_fails_the_recording_naming_the_resource():
    def program():
        def pin(args: pulumi.StateMigrationArgs):
            return pulumi.StateMigrationResult(new_state=list(args.old_state))

        aws.s3.Bucket("records", opts=pulumi.ResourceOptions(state_migrations=[pin]))

    with pytest.raises(ProgramError) as caught:
        record_callable(program, config=EU)
    assert ("program logged an error: records (aws:s3/bucket:Bucket) has state migrations (1): program code "
            "the engine runs on the resource's prior state while it deploys, which no preview records; it "
            "can make the engine see what exists (e.g. a bucket in another region) as what the program "
            "declares, so nothing is replaced: migrate the state once with `pulumi state` commands instead"
            ) in str(caught.value)


def test_a_parameterized_package_fails_the_recording_naming_plugin_and_package():
    def program():
        from pulumi.runtime.settings import register_package

        ref = register_package("terraform-provider", "0.10.0", "https://plugins.example/tf", "aws", "5.100.0",
                               base64.b64encode(b"{}").decode())
        pulumi.CustomResource("aws:s3/bucket:Bucket", "records", {"region": "eu-west-1"}, package_ref=ref)

    with pytest.raises(ProgramError) as caught:
        record_callable(program, config=EU)
    assert ("program logged an error: the program registers a parameterized package 'aws' 5.100.0 (provider "
            "plugin terraform-provider 0.10.0 from https://plugins.example/tf): its resources are served by "
            "a plugin generated at deploy time, not by the installed SDK's provider, so what they do cannot "
            "be judged offline") in str(caught.value)


def test_an_unresolved_stack_reference_is_a_mandatory_gate_finding_a_resolved_one_is_not():
    report = StackReport(stack="corpus", resources=1)
    ref_urn = "urn:pulumi:corpus::r13::pulumi:pulumi:StackReference::organization/other/prod"
    resources = [{"urn": ref_urn, "type": "pulumi:pulumi:StackReference",
                  "inputs": {"name": "organization/other/prod"}}]
    dual.merge(report, None, [], [], STACK_URN, references={"organization/other/prod": False, "a": True,
                                                            "q/r": False}, resources=resources)
    finding, other = report.violations
    assert (finding.pack, finding.policy, finding.level, finding.urn, other.urn) == (
        "gate", "unresolved-stack-reference", "mandatory", ref_urn, STACK_URN)   # on the reference, if any
    assert finding.message == (
        "The program reads only stacks whose outputs the gate has recorded.\n"
        "StackReference 'organization/other/prod' names a stack this gate run could not read or vouch for "
        "(another project's, the stack itself, or one recorded neither in this run nor in a sealed earlier "
        "run into --out): offline its outputs are unknown or unvouched, pulumi up reads the real ones, so "
        "what the program does with them (a resource registered in an apply, a value read with "
        "get_output_details) is not what was recorded; record that stack in the same gate run (gate preview "
        "--all, or its level first with --shard), or pass the value through stack config")


def test_the_judge_passes_the_runs_references_to_the_merge(monkeypatch):
    from gate import judge

    seen = {}
    monkeypatch.setattr(dual, "merge", lambda *a, **k: seen.update(refs=a[6:] or k))
    monkeypatch.setattr(judge, "finish", lambda *a: None)
    run = SimpleNamespace(checkpoint={"deployment": {"resources": []}}, differences=[], env_reads=[],
                          update_error="", stack_references={"x/y/z": False}, update_checkpoint=None)
    args = SimpleNamespace(as_of="2026-11-30")
    judge.verdicts([StackReport(stack="s", resources=0)], {"s": {}}, args, None, {"s": run}, {})
    assert seen["refs"] == ({"x/y/z": False}, [])


def _dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


@pytest.mark.parametrize(("files", "name"), [
    ({"pulumi_aws/__init__.py": ""}, "pulumi_aws"),     # an installed SDK package (a zygote may preload it)
    ({"pulumi_random.py": ""}, "pulumi_random"),
    ({"json.py": ""}, "json"),                           # a standard module the recording has loaded
    ({"gate.py": ""}, "gate"),                           # the recording's own package
])
def test_a_module_of_the_program_named_like_one_the_gate_has_is_refused(tmp_path, files, name):
    program = _dir(tmp_path, {"__main__.py": "", **files})
    with pytest.raises(GateError) as caught:
        refuse_shadowing([program], "prog")
    # An input refused before the program runs, not a program failure: the update recording fails with the
    # preview's message in both recorders (a failed update alone would leave the preview standing).
    assert not isinstance(caught.value, ProgramError)
    entry = next(iter(files)).split("/")[0]
    assert str(caught.value) == (
        f"prog: {entry} in {program.resolve()} shadows the module '{name}' the gate's Python has: pulumi up "
        "imports the program's copy (its directory comes first on sys.path), a recording may use the "
        "installed one (preloaded), so what is recorded would not be what deploys; rename it")


def test_the_programs_own_modules_packages_and_plain_directories_pass(tmp_path, monkeypatch):
    program = _dir(tmp_path, {"__main__.py": "", "storage_components/__init__.py": "", "dosis_config.py": "",
                              "pulumi_aws_data/x.txt": "", "records/aws.yaml": "", "json/readme.txt": "",
                              "azure/__init__.py": ""})
    monkeypatch.delitem(sys.modules, "azure", raising=False)   # installed, not loaded by this recording
    refuse_shadowing([program], "prog")   # `json/` without __init__.py is no package: nothing to shadow


def test_the_programs_own_module_loaded_earlier_in_this_process_is_its_own(tmp_path, monkeypatch):
    names = ("r13_own_parts", "r13_own_helpers")
    program = _dir(tmp_path, {"__main__.py": "", f"{names[0]}/__init__.py": "", f"{names[1]}.py": ""})
    other = _dir(tmp_path / "other", {"__main__.py": "", f"{names[1]}.py": ""})
    monkeypatch.syspath_prepend(str(program))
    try:
        for name in names:
            __import__(name)
        refuse_shadowing([program], "prog")   # a test or an in-process recording loaded the program's copy
        with pytest.raises(GateError, match=rf"{names[1]}.py in .* shadows the module '{names[1]}'"):
            refuse_shadowing([other], "prog")   # the same name loaded from another program's directory
    finally:
        for name in names:
            sys.modules.pop(name, None)


def test_a_shadowing_package_fails_the_recording_before_the_program_runs(tmp_path):
    program = _dir(tmp_path, {
        "Pulumi.yaml": "name: r13\nruntime: python\n",
        "Pulumi.corpus.yaml": "config:\n  aws:region: eu-west-1\n",
        "__main__.py": "import pulumi_aws as aws\naws.s3.Bucket('records')\n",
        "pulumi_aws/__init__.py": "raise SystemExit('the shadow ran')\n"})
    with pytest.raises(GateError, match=r"pulumi_aws in .* shadows the module 'pulumi_aws'"):
        record_program(program, "corpus")


def test_the_corpus_cases_say_what_fires():
    corpus = Path(__file__).resolve().parents[1] / "corpus" / "engine"
    for case in ("stackref-details-unresolved", "stackref-apply-unresolved"):
        expected = json.loads((corpus / "evil" / case / "expected.json").read_text())
        assert expected["policies"] == ["unresolved-stack-reference"]


def test_a_reference_answered_from_a_state_no_seal_covers_counts_as_unresolved(tmp_path):
    from gate.judge import StackJudge

    work = tmp_path / "work"
    (work / ".stack-graphs").mkdir(parents=True)
    (work / "a.state.json").write_text("{}")   # this run's state of a: its graph is listed
    refs = {"organization/p/a": True, "organization/p/b": True, "organization/p/c": True,
            "organization/other/a": False}
    run = SimpleNamespace(stack_references=dict(refs), project="p")
    judge = StackJudge(SimpleNamespace(), ([], {}), tmp_path, None, None, work=work, published=None)
    judge._graphs("c", run)
    assert run.stack_references == {**refs, "organization/p/b": False, "organization/p/c": False}
