"""Round 6 of the engine red team (docs/gate-red-team.md): each closure has a test that fails without it.

The program runtime: threading's exit code, work left in a thread pool, a thread waiting for the main
thread, profile/trace hooks, process starts past `subprocess`, file changes other than writes, bytecode
another recording wrote, and a resource limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import gate
import pulumi_aws as aws
import pytest
from gate import side_effects
from gate.errors import ProgramError
from gate.recording import record_callable
from gate.side_effects import _children, _left_by_another, _Watch, _what

EU = {"aws:region": "eu-west-1"}
LATE = "what it does while a real deploy is still running cannot be recorded"
REFUSED = ("what a program does outside the engine cannot be judged: do it with resources (or invokes "
           "answered by fixtures)")


def _fails(program, message: str) -> None:
    with pytest.raises(ProgramError) as err:
        record_callable(program, config=EU)
    assert message in str(err.value), str(err.value)


def _regions(graph) -> dict[str, object]:
    return {r.name: r.inputs.get("region") for r in graph.resources if r.type == "aws:s3/bucket:Bucket"}


def test_code_for_threadings_shutdown_runs_inside_the_recording():
    def program():
        aws.s3.Bucket("eu")
        threading._register_atexit(lambda: aws.s3.Bucket("us", region="us-east-1"))

    assert _regions(record_callable(program, config=EU))["us"] == "us-east-1"


def test_program_work_left_in_a_thread_pool_is_waited_for():
    def program():
        loop = asyncio.get_event_loop()

        def late():
            time.sleep(0.3)
            loop.call_soon_threadsafe(lambda: aws.s3.Bucket("us", region="us-east-1"))

        aws.s3.Bucket("eu")
        loop.run_in_executor(None, late)

    assert _regions(record_callable(program, config=EU))["us"] == "us-east-1"


def test_a_thread_waiting_for_the_main_thread_fails_the_recording():
    def after_main():
        threading.main_thread().join()

    def program():
        threading.Thread(target=after_main).start()

    line = after_main.__code__.co_firstlineno
    _fails(program, "a thread the program started (test_a_thread_waiting_for_the_main_thread_fails_the_"
                    f"recording.<locals>.after_main at test_engine_red_team_r6.py:{line}) waits for the main "
                    "thread to end, so what it does then runs only at interpreter exit; "
                    f"{LATE}: join it from the main code instead")


def test_profile_and_trace_hooks_are_refused_clearing_one_is_not():
    def hook(frame, event, arg):
        return None

    def clears():
        sys.setprofile(None)
        sys.settrace(None)
        aws.s3.Bucket("eu")

    record_callable(clears, config=EU)
    _fails(lambda: sys.setprofile(hook),
           f"the program tries to install a profile hook (sys.setprofile); {REFUSED}")
    _fails(lambda: sys.settrace(hook), f"the program tries to install a trace hook (sys.settrace); {REFUSED}")
    try:
        _fails(lambda: threading.setprofile(hook),
               "the program installs a profile or trace hook (sys.setprofile/settrace, threading.setprofile/"
               "settrace) that would run inside the gate's own code after it returns; remove it")
    finally:
        threading.setprofile(None)


def test_a_process_started_through_posixsubprocess_is_refused():
    import _posixsubprocess

    assert _what("gate.fork_exec", ([b"/usr/bin/env", b"pulumi", b"up"],)) == \
        "start the process /usr/bin/env pulumi up"

    def program():
        r, w = os.pipe()
        _posixsubprocess.fork_exec([b"/bin/true"], [b"/bin/true"], True, (w,), None, None, -1, -1, -1, -1,
                                   -1, -1, r, w, True, False, -1, None, None, None, -1, None, False)

    _fails(program, f"the program tries to start the process /bin/true; {REFUSED}")


def test_a_child_process_past_every_seam_is_noticed():
    before = _children()
    subprocess.run(["true"], check=True)
    assert _children() != before


def test_renames_links_and_modes_outside_the_program_are_refused(tmp_path):
    inside, outside = tmp_path / "prog", tmp_path / "out"
    inside.mkdir()
    _Watch.root = inside
    try:
        assert _what("os.rename", (str(inside / "a"), str(outside / "r.json"), -1, -1)) == \
            f"rename {outside / 'r.json'}"
        assert _what("os.rename", (str(inside / "a"), str(inside / "b"), -1, -1)) is None
        assert _what("os.link", (str(outside / "r.json"), str(inside / "l"), -1, -1, True)) == \
            f"link {outside / 'r.json'}"
        assert _what("os.symlink", (str(inside / "a"), str(outside / "l"), -1)) == \
            f"make a symbolic link {outside / 'l'}"
        assert _what("os.chmod", (str(outside), 0o555, -1)) == f"change the mode of {outside}"
        assert _what("os.mkdir", (str(outside / "d"), 0o777, -1)) == f"make the directory {outside / 'd'}"
        assert _what("os.utime", (str(outside), None, None, -1)) == f"change the time of {outside}"
        assert _what("os.chmod", (str(inside / "x"), 0o755, -1)) is None
    finally:
        _Watch.root = None


def test_bytecode_another_recording_wrote_is_not_read(tmp_path):
    cache = tmp_path / "components" / "__pycache__"
    cache.mkdir(parents=True)
    pyc = cache / "storage.cpython-311.pyc"
    pyc.write_bytes(b"x")
    _Watch.root, _Watch.since, _Watch.own = tmp_path, 2, set()
    try:
        assert _left_by_another(str(pyc)) == (
            "read components/__pycache__/storage.cpython-311.pyc, which another recording of this run wrote "
            "(a deploy of this stack from a clean checkout does not have it): generate it in every run "
            "before reading it, or commit it")
    finally:
        _Watch.root, _Watch.since = None, 0
    seen = []
    record_callable(lambda: seen.append(sys.dont_write_bytecode), config=EU)
    assert seen == [True] and side_effects.UNSAFE


def test_a_program_past_the_resource_limit_fails_the_recording(monkeypatch):
    monkeypatch.setenv("GATE_MAX_RESOURCES", "3")
    too_many = ("the program creates more than 3 resources in one stack (resource limit, "
                "GATE_MAX_RESOURCES): split the stack, or raise the limit for it")

    def program():
        for i in range(5):
            aws.sqs.Queue(f"q{i}")

    def catches():
        for i in range(5):
            with contextlib.suppress(ProgramError):
                aws.sqs.Queue(f"q{i}")

    def raises_its_own_limit():   # the limit is the one read before the program ran
        os.environ["GATE_MAX_RESOURCES"] = "100"
        program()

    _fails(program, too_many)
    _fails(catches, too_many)
    _fails(raises_its_own_limit, too_many)
    monkeypatch.setenv("GATE_MAX_RESOURCES", "5")
    record_callable(program, config=EU)


def test_line_separators_and_bidi_controls_are_escaped_in_the_text_output():
    from gate.report_parts import printable

    shown = printable("x\u2028gate: allowed\u2029\u202e\x85\x00")
    assert shown == "x\\u2028gate: allowed\\u2029\\u202e\\x85\\x00"
    assert shown.splitlines() == [shown]


def test_a_program_may_not_write_what_the_gate_judges_by_even_in_its_own_directory(make_program, run_gate):
    """This project keeps its records and packs beside its program (`stacks/records`, `policies/`): a
    program that writes a waiver there while it is recorded would be judged by a record nobody reviewed
    (and, since stacks are judged as they are recorded, the stack before it too). A file of its own
    directory that the gate does not judge by stays writable."""
    writes = "import pulumi\nopen('records/waivers/dev.yaml', 'w').write('waivers: []\\n')\n"
    program = make_program(writes)
    (program / "records" / "waivers").mkdir(parents=True)
    (program / "build" / "notes").mkdir(parents=True)
    proc = run_gate("preview", "--program", program, "--stack", "dev", "--no-checkov", "--no-cache",
                    "--records", program / "records", "--out", program.parent / "out", cwd=program)
    assert proc.returncode == 2, proc.stderr
    assert "__main__.py:2: the program tries to " in proc.stderr and "records/waivers/dev.yaml" in proc.stderr
    from gate.options import judged_paths, settings_for  # nor the gate's own code and environments

    judged = judged_paths(settings_for(argparse.Namespace(
        policy_pack=[], policy_pack_config=[], profile="", no_checkov=False, jobs=None, records=None,
        invoke_fixtures=None), None))
    assert {str(Path(gate.__file__).resolve().parent), str(Path(sys.prefix).resolve())} <= set(judged)
    (program / "__main__.py").write_text(writes.replace("records/waivers", "build/notes"))
    proc = run_gate("preview", "--program", program, "--stack", "dev", "--no-checkov", "--no-cache",
                    "--records", program / "records", "--out", program.parent / "out2", cwd=program)
    assert proc.returncode == 1 and "tries to" not in proc.stderr, proc.stderr   # recorded and judged
