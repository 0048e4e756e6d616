"""Round 7 of the engine red team (docs/gate-red-team.md): each closure has a test that fails without it.

The recording side: a bound on the bytes a program's resources hold (not only their count); the run index
saying which program and judge a run judged (checked by `evidence export --gate-dir`, whose own tests are
in tests/evidence/test_evidence_red_team_r7.py and test_evidence_gate_dir.py).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest
from gate.errors import ProgramError
from gate.recording import record_callable

EU = {"aws:region": "eu-west-1"}
BYTES = ("the program's resources hold more than 200000 bytes of resource inputs in one stack (record size "
         "limit, GATE_MAX_RECORD_BYTES): split the stack, keep large content in files (pulumi.FileAsset), "
         "or raise the limit for it")


def test_the_bytes_of_resource_inputs_are_bounded_not_only_their_count(monkeypatch):
    monkeypatch.setenv("GATE_MAX_RECORD_BYTES", "200000")

    def program():
        for i in range(5):
            aws.s3.BucketObjectv2(f"page{i}", bucket="site", key=f"{i}.html", content="x" * 100_000)

    with pytest.raises(ProgramError) as err:
        record_callable(program, config=EU)
    assert BYTES in str(err.value), str(err.value)


def test_the_byte_limit_holds_when_the_program_catches_the_error(monkeypatch):
    monkeypatch.setenv("GATE_MAX_RECORD_BYTES", "200000")

    def program():
        for i in range(5):
            with contextlib.suppress(ProgramError):
                aws.s3.BucketObjectv2(f"page{i}", bucket="site", key=f"{i}.html", content="x" * 100_000)

    with pytest.raises(ProgramError) as err:
        record_callable(program, config=EU)
    assert BYTES in str(err.value), str(err.value)


def test_stack_outputs_count_towards_the_byte_limit(monkeypatch):
    monkeypatch.setenv("GATE_MAX_RECORD_BYTES", "200000")

    def program():
        aws.s3.Bucket("eu")
        pulumi.export("blob", "x" * 300_000)

    with pytest.raises(ProgramError) as err:
        record_callable(program, config=EU)
    assert BYTES in str(err.value), str(err.value)


def test_content_under_the_byte_limit_is_recorded(monkeypatch):
    monkeypatch.setenv("GATE_MAX_RECORD_BYTES", "200000")

    def program():
        aws.s3.BucketObjectv2("page", bucket="site", key="index.html", content="x" * 50_000)

    graph = record_callable(program, config=EU)
    assert [len(r.inputs["content"]) for r in graph.resources if r.name == "page"] == [50_000]


def test_the_seal_of_a_run_names_its_program_judge_and_date(tmp_path: Path):
    from evidence.rejudge import expected

    project = Path(__file__).resolve().parents[2]
    seal = expected(project, "2027-01-15")
    assert seal["as_of"] == "2027-01-15" and len(seal["program"]) == len(seal["judge"]) == 64
    assert expected(project, "2027-01-16")["judge"] != seal["judge"]     # another day, another judge
    assert expected(project, "2027-01-16")["program"] == seal["program"]


def test_a_merged_run_carries_its_shards_seal(tmp_path: Path):
    from gate.run_seal import of_merge

    shard = tmp_path / "s1"
    shard.mkdir()
    (shard / "a.shard.json").write_text(json.dumps({"stack": "a", "program": "p" * 64, "judge": "j" * 64,
                                                    "reads": {"d.txt": "x"}}))
    report = type("R", (), {"as_of": "2027-01-15"})()
    assert of_merge([shard], [report]) == {"program": "p" * 64, "judge": "j" * 64, "as_of": "2027-01-15",
                                           "reads": {"d.txt": "x"}}
    assert of_merge([tmp_path / "none"], [report]) == {"program": "", "judge": "", "as_of": ""}


def test_a_process_started_past_every_seam_never_runs_in_a_filtered_worker(tmp_path: Path):
    """Round 6 left this a limit (noticed after it ran); the recording worker's system-call filter ends the
    worker at the fork: the command (here: create a file) never runs. Threads still start."""
    import os
    import sys

    from gate import syscall_filter

    marker = tmp_path / "ran"
    pid = os.fork()
    if pid == 0:   # pragma: no cover - the child
        code = 3
        try:
            if syscall_filter.install():
                import threading

                thread = threading.Thread(target=lambda: None)
                thread.start()
                thread.join()
                sys.modules.pop("_posixsubprocess", None)
                import _posixsubprocess

                r, w = os.pipe()
                _posixsubprocess.fork_exec(
                    [b"/bin/sh", b"-c", f"touch {marker}".encode()], [b"/bin/sh"], True, (w,), None, None,
                    -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None, None, None, -1, None, False)
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == syscall_filter.KILLED
    assert not marker.exists()


def test_a_worker_ended_by_the_filter_names_the_cause():
    from gate.errors import GateError
    from gate.runner import _stopped_by_filter
    from gate.syscall_filter import KILLED

    _stopped_by_filter("s", "preview", 1)     # another failure: reported as before
    with pytest.raises(GateError) as err:
        _stopped_by_filter("s", "update", KILLED)
    assert str(err.value) == (
        "stack s: recording worker (update): the program tries to start a process the gate could not refuse "
        "(a fork or exec past every seam, e.g. a re-imported _posixsubprocess): stopped by the recording's "
        "system-call filter before it started; what a program does outside the engine cannot be judged: do "
        "it with resources (or invokes answered by fixtures)")


def test_the_run_seal_is_hashed_in_a_thread_and_a_blocked_read_fails_closed(monkeypatch):
    """The seal is hashed beside the recordings; a read that never ends (a FIFO named like a source file)
    becomes a named error, not a hang."""
    import argparse
    import threading

    from gate import run_seal
    from gate.errors import GateError

    release = threading.Event()
    monkeypatch.setattr(run_seal, "HASH_DEADLINE", 0.2)
    monkeypatch.setattr(run_seal, "of_run", lambda args, project: release.wait() and {"program": "p"})
    settings = type("S", (), {"to_json": lambda self: {}})()
    entries = run_seal.started(argparse.Namespace(settings=settings), None)
    with pytest.raises(GateError) as err:
        entries(1, {})
    release.set()
    assert str(err.value) == ("run.json: hashing the project's files and the judge's (packs, pack configs, "
                              "records) did not finish within 0.2 s: is one of them a FIFO or a device?")
    assert run_seal.started(argparse.Namespace(settings=settings), None)(1, {"d.txt": "x"}) == {
        "command": "preview", "exit": 1, "settings": {}, "seal": {"program": "p", "reads": {"d.txt": "x"}}}



SEAL_READS = """
import argparse, sys
from pathlib import Path
from gate import run_seal
from gate.read_tracker import ReadTracker

other, mine = Path(sys.argv[1]), Path(sys.argv[2])
ReadTracker.start()     # an audit hook for the life of the process: hence a process of its own
run_seal.of_run = lambda args, project: {"program": other.read_text()}
settings = type("S", (), {"to_json": lambda self: {}})()
assert run_seal.started(argparse.Namespace(settings=settings), None)(0, {})["seal"] == {"program": "x = 1\\n",
                                                                                   "reads": {}}
mine.read_text()
print(str(mine) in ReadTracker.paths, str(other) in ReadTracker.paths)
"""


def test_the_run_seals_reads_are_no_input_of_any_stack(tmp_path: Path):
    """The seal hashes every file of the project while the stacks record; counted as their reads, every
    stack depended on every other stack's program and a change to one recorded all of them again."""
    import os
    import subprocess
    import sys

    other, mine = tmp_path / "other_stack.py", tmp_path / "own_read.txt"
    other.write_text("x = 1\n")
    mine.write_text("y\n")
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", SEAL_READS, str(other), str(mine)], capture_output=True,
                          text=True, check=False, timeout=120,
                          env={**os.environ, "PYTHONPATH": f"{repo / 'scripts'}{os.pathsep}{repo}"})
    assert proc.stdout.split() == ["True", "False"], proc.stderr
