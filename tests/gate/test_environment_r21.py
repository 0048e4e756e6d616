"""Round 21, round 20's left items: what an inherited `PULUMI_*` or gate-internal variable does to a run.

The gate records a program and judges it as the SDK's defaults run it, under the organization it records;
an inherited variable that would change either is refused (exit 2, one line naming it) or overridden for
the program and the packs alike — never silently honoured by one side only."""

from __future__ import annotations

import contextvars
import os
from pathlib import Path

import pytest
from gate import cli

# what the installed SDK reads (grep of pulumi/ for environ and getenv, 3.x): each changes what a program
# registers or how it runs, so a recording with it would not be the judged program under the SDK's defaults
SDK_SWITCHES = {
    "PULUMI_ENABLE_LEGACY_APPLY": "true",            # runtime.settings: applies on unknowns during preview
    "PULUMI_ERROR_OUTPUT_STRING": "true",            # output.Output.__str__ raises instead of warning
    "PULUMI_DISABLE_RESOURCE_REFERENCES": "true",    # resources sent as ids, not references
    "PULUMI_ERROR_ON_DEPENDENCY_CYCLES": "false",    # a dependency cycle no longer an error
    "PULUMI_OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317",   # the program's runtime exports spans
    "PULUMI_CONFIG_SCRATCH_REGION": "us-east-1",     # runtime.config: read for a key the stack config lacks
}
# set by the gate for its recording workers (gate.side_effects): never the job's to give
INTERNAL = {"GATE_RUN_STARTED_NS": "99999999999999999999", "GATE_JUDGED_PATHS": "/nowhere"}


def _gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`gate analyze` of a state that does not exist: a variable refused stops it before the state is read."""
    code = cli.main(["analyze", "--state", str(tmp_path / "missing.json"), "--no-checkov"])
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("name", [*SDK_SWITCHES, *INTERNAL])
def test_an_inherited_switch_is_refused_naming_it(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(name, {**SDK_SWITCHES, **INTERNAL}[name])
    code, lines = _gate(tmp_path, capsys)
    assert code == 2 and len(lines) == 1 and name in lines[0], (code, lines)


@pytest.mark.parametrize("name", ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE",
                                  "PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_HOME",
                                  "PULUMI_SKIP_UPDATE_CHECK", "TRACEPARENT", "PULUMI_ORGANIZATION",
                                  "PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_CONFIG", "PULUMI_DRY_RUN"])
def test_what_the_cli_reads_or_the_gate_sets_is_not_refused(name: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's own variables (a passphrase, a token, the backend) are no program input; those the gate sets
    for the program and the packs are overridden (below); TRACEPARENT alone exports nothing."""
    monkeypatch.setenv(name, "{}")
    code, lines = _gate(tmp_path, capsys)
    assert code == 2 and "missing.json" in " ".join(lines), lines


def test_the_sdk_reads_a_config_variable_the_stack_config_lacks(make_program, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Why PULUMI_CONFIG_<KEY> is refused: under the recorder (as under `pulumi up`) the program reads it
    as its config, a value no stack config file says (shown in process, where the refusal is not)."""
    from gate.recording import record_program

    program = make_program("import pulumi, pulumi_aws as aws\n"
                           "aws.s3.Bucket('b', region=pulumi.Config().require('region'))\n",
                           stacks={"dev": "config:\n  aws:region: eu-west-1\n"})
    monkeypatch.setenv("PULUMI_CONFIG_SCRATCH_REGION", "us-east-1")
    graph = contextvars.copy_context().run(record_program, program, "dev")
    regions = {r.inputs.get("region") for r in graph.resources if r.type == "aws:s3/bucket:Bucket"}
    assert regions == {"us-east-1"}


def test_the_packs_runtime_has_the_recorded_organization(monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 20's lead: an inherited PULUMI_ORGANIZATION reached the packs' runtime while the recording
    said `organization`. One name for the program, the record and the packs."""
    import pulumi
    from gate import packs
    from gate.environ import ORGANIZATION

    monkeypatch.setenv("PULUMI_ORGANIZATION", "acme")

    def configured() -> tuple[str, str | None]:
        with packs.cli_environment(project="p", stack="s", stack_config={}, dry_run=True) as env:
            packs.configure_runtime("p", "s", True)
            return pulumi.get_organization(), env.get("PULUMI_ORGANIZATION")

    assert contextvars.copy_context().run(configured) == (ORGANIZATION, ORGANIZATION)
    assert os.environ["PULUMI_ORGANIZATION"] == "acme"   # restored afterwards


def test_the_program_runs_under_the_recorded_organization(make_program,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.environ import ORGANIZATION
    from gate.recording import record_program

    program = make_program("import pulumi, pulumi_aws as aws\n"
                           "org = pulumi.get_organization()\n"
                           "aws.s3.Bucket('b', region='eu-west-1', tags={'org': org})\n",
                           stacks={"dev": "config:\n  aws:region: eu-west-1\n"})
    monkeypatch.setenv("PULUMI_ORGANIZATION", "acme")
    graph = contextvars.copy_context().run(record_program, program, "dev")
    tags = [r.inputs.get("tags") for r in graph.resources if r.type == "aws:s3/bucket:Bucket"]
    assert tags == [{"org": ORGANIZATION}]


def test_a_worker_takes_the_run_variables_from_its_request_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 20's lead: the worker set GATE_RUN_STARTED_NS/GATE_JUDGED_PATHS only when its request had
    them, so an inherited value stood for a request without (a run start of 0 turns the check of files
    other recordings wrote off; a far future one too)."""
    from gate import _worker
    from gate.environ import JUDGED_PATHS, RUN_STARTED

    monkeypatch.setenv(RUN_STARTED, INTERNAL[RUN_STARTED])
    monkeypatch.setenv(JUDGED_PATHS, INTERNAL[JUDGED_PATHS])
    _worker.run_variables({})
    assert RUN_STARTED not in os.environ and JUDGED_PATHS not in os.environ
    _worker.run_variables({"run_started_ns": 5, "judged_paths": ["/a", "/b"]})
    assert os.environ[RUN_STARTED] == "5" and os.environ[JUDGED_PATHS] == os.pathsep.join(["/a", "/b"])
