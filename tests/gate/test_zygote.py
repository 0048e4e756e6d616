"""Recording workers forked from the zygote record exactly what a fresh interpreter records, and fail
closed when the zygote or a child dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gate import zygote
from gate.errors import GateError
from gate.project import load_project
from gate.run_hints import preload_groups, read_hint
from gate.runner import record_stacks
from processes import gone


def _record(program: Path, out: Path, *, fork: bool) -> dict[str, str]:
    project = load_project(program)
    runs = record_stacks(program, project, project.stacks(), out, jobs=2, fork=fork)
    for run in runs.values():
        for checkpoint in (run.checkpoint, run.update_checkpoint or {"deployment": {}}):
            checkpoint["deployment"].get("manifest", {}).pop("time", None)   # when it was recorded
            # registration order follows when outputs resolve, in any interpreter
            checkpoint["deployment"].get("resources", []).sort(key=lambda r: r["urn"])
    return {s: json.dumps([r.checkpoint, r.differences, r.update_checkpoint, r.env_reads], sort_keys=True)
            for s, r in runs.items()}


def test_forked_recordings_equal_fresh_interpreters_with_and_without_a_preload_hint(gate_programs, tmp_path):
    program = gate_programs / "multi"
    fresh = _record(program, tmp_path / "fresh", fork=False)
    forked = _record(program, tmp_path / "forked", fork=True)     # no hint yet: nothing preloaded
    hint = read_hint(tmp_path / "forked")
    assert any(name.startswith("pulumi_aws.") for names in hint.values() for name in names)   # loaded
    assert any(name.startswith("pulumi_aws.") and ":" in name for names in hint.values() for name in names)
    (tmp_path / "preloaded").mkdir()
    (tmp_path / "preloaded" / zygote.HINT_FILE).write_text(json.dumps(hint))
    preloaded = _record(program, tmp_path / "preloaded", fork=True)  # the hint is preloaded now
    assert fresh == forked == preloaded


def test_the_hint_only_names_installed_sdk_modules(tmp_path):
    (tmp_path / zygote.HINT_FILE).write_text(json.dumps({
        "base": ["pulumi_aws.s3", "os", "stacks.dosis", "pulumi_aws.s3; import os", 7, "pulumi_nope.missing",
                 "pulumi_aws.s3.bucket:Bucket", "stacks.dosis:Main", "pulumi_aws.s3:Bucket.__init__()"],
        "other": "not a list"}))
    assert read_hint(tmp_path) == {
        "base": ["pulumi_aws.s3", "pulumi_nope.missing", "pulumi_aws.s3.bucket:Bucket"]}
    for garbage in ("{not json", '["pulumi_aws.s3"]'):
        (tmp_path / zygote.HINT_FILE).write_text(garbage)
        assert read_hint(tmp_path) == {}


def test_the_hint_names_the_sdk_classes_whose_types_were_resolved_and_the_zygote_resolves_them_alike():
    """A worker reports the SDK classes whose property types it resolved (`module:Class`, not the
    program's own classes); the zygote resolves them before forking: the same types a child computes."""
    import pulumi._types as sdk_types
    import pulumi_random
    from gate._zygote import _load

    class Own:   # a program's class: never in the hint
        pass

    cls = pulumi_random.RandomPet
    name = f"{cls.__module__}:{cls.__qualname__}"
    sdk_types._types_from_py_properties.cache_clear()
    expected = dict(sdk_types._types_from_py_properties(cls))
    sdk_types._types_from_py_properties(Own)
    assert cls in zygote.typed_classes() and zygote.sdk_types() == [name]
    assert zygote.sdk_types({cls}) == [] and zygote.SDK_MODULE.fullmatch(name)
    sdk_types._types_from_py_properties.cache_clear()
    for bogus in ("pulumi_nope.missing:X", f"{cls.__module__}:NotThere", "pulumi_random:random_pet"):
        _load(bogus)    # skipped, never raised
    assert zygote.typed_classes() == set()
    _load(name)
    assert zygote.typed_classes() == {cls} and sdk_types._types_from_py_properties(cls) == expected


def test_the_first_stacks_modules_are_preloaded_first():
    """The zygote serves the stacks that start at once after their own modules, then loads the rest."""
    hint = {"base": ["pulumi_aws", "pulumi_aws.s3"], "consumer": ["pulumi_aws.s3", "pulumi_azure_native"]}
    assert preload_groups(hint, {"base": set(), "consumer": {"base"}, "new": set()}) == [
        ["pulumi_aws", "pulumi_aws.s3"], ["pulumi_azure_native"]]


def test_a_missing_module_in_the_hint_does_not_change_the_recording(gate_programs, tmp_path):
    program = gate_programs / "multi"
    out = tmp_path / "out"
    out.mkdir()
    missing = ["pulumi_nope.missing", "pulumi_aws.no_such_service"]
    (out / zygote.HINT_FILE).write_text(json.dumps({"base": missing}))
    assert _record(program, out, fork=True) == _record(program, tmp_path / "fresh", fork=False)


def _request(tmp_path: Path) -> tuple[Path, Path]:
    request, result = tmp_path / "request.json", tmp_path / "result.json"
    request.write_text(json.dumps({"program": str(tmp_path / "nowhere"), "stack": "dev"}))
    return request, result


def test_a_dead_zygote_fails_the_recording(tmp_path):
    forker = zygote.Zygote([])
    try:
        os.killpg(forker.proc.pid, signal.SIGKILL)
        forker.proc.wait(timeout=10)
        with pytest.raises(GateError, match="zygote ended"):
            forker.run(*_request(tmp_path), tmp_path, timeout=30)
    finally:
        forker.close()


def test_a_child_past_its_deadline_is_killed_with_its_group(tmp_path, monkeypatch):
    monkeypatch.setenv("GATE_UNSAFE_PROGRAM_SIDE_EFFECTS", "1")   # the program starts a process on purpose
    marker = tmp_path / "pids"
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: scratch\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config: {}\n")
    (program / "__main__.py").write_text(
        "import os, subprocess, time\n"
        "child = subprocess.Popen(['sleep', '600'])\n"
        f"open({str(marker)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "time.sleep(600)\n")
    request, result = tmp_path / "request.json", tmp_path / "result.json"
    request.write_text(json.dumps({"program": str(program), "stack": "dev", "mode": "preview"}))
    forker = zygote.Zygote([])
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            forker.run(request, result, tmp_path, timeout=15)
    finally:
        forker.close()
    assert all(gone(pid) for pid in map(int, marker.read_text().split()))


def test_a_forked_program_runs_with_the_collector_on_and_the_preloaded_sdk_frozen(tmp_path):
    """The zygote loads the SDK without the collector and freezes it before forking (a third less CPU
    per recording); the program itself must still run with the collector on, as in a fresh interpreter."""
    program = tmp_path / "program"
    (program / "config").mkdir(parents=True)
    (program / "Pulumi.yaml").write_text("name: gcprobe\nruntime: python\nstackConfigDir: config\n")
    (program / "config" / "Pulumi.dev.yaml").write_text("config: {}\n")
    (program / "__main__.py").write_text(
        "import gc\nimport pulumi\n"
        "pulumi.export('collector', gc.isenabled())\n"
        "pulumi.export('frozen', gc.get_freeze_count())\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / zygote.HINT_FILE).write_text(json.dumps({"dev": ["pulumi_random"]}))

    def outputs(fork: bool) -> dict[str, object]:
        runs = record_stacks(program, load_project(program), ["dev"], out, jobs=1, fork=fork)
        stack = next(r for r in runs["dev"].checkpoint["deployment"]["resources"]
                     if r["type"] == "pulumi:pulumi:Stack")
        return stack["outputs"]

    forked, fresh = outputs(fork=True), outputs(fork=False)
    assert forked["collector"] is True and fresh["collector"] is True
    assert forked["frozen"] > 10_000 and fresh["frozen"] == 0   # the zygote's imports, never scanned


def test_a_stacks_hint_names_what_its_program_loaded_not_what_was_preloaded(gate_programs, tmp_path):
    """The zygote preloads every stack's modules; a child reports only what it loaded itself, and the
    hint keeps what was preloaded for that stack, so one stack's hint does not grow into the union."""
    program = gate_programs / "multi"
    project = load_project(program)
    record_stacks(program, project, project.stacks(), tmp_path, jobs=2, fork=True)   # cold: exact
    cold = read_hint(tmp_path)
    assert any(n.startswith("pulumi_azure_native") for n in cold["azure"])
    assert not any(n.startswith("pulumi_azure_native") for n in cold["base"])
    record_stacks(program, project, project.stacks(), tmp_path, jobs=2, fork=True)   # everything preloaded
    assert read_hint(tmp_path) == cold


def test_a_gate_killed_outright_leaves_no_zygote_and_no_recording_running(tmp_path):
    """SIGKILL to the gate (a CI job's timeout) runs none of its exit paths: the zygote dies with the
    gate and a recording with the zygote (PR_SET_PDEATHSIG), whatever the program is doing."""
    program = tmp_path / "program"
    marker = program / "pid"     # in its own directory: a program may write there
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: scratch\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config: {}\n")
    (program / "__main__.py").write_text(
        f"import os, time\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)\n")
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"program": str(program), "stack": "dev", "mode": "preview"}))
    gate = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, threading; from pathlib import Path; from gate import zygote\n"
         "z = zygote.Zygote([]); print(z.proc.pid, flush=True)\n"
         "a = sys.argv[1:]; z.run(Path(a[0]), Path(a[1]), Path(a[2]), timeout=600)\n",
         str(request), str(tmp_path / "result.json"), str(tmp_path)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        zygote_pid = int(gate.stdout.readline())
        deadline = time.monotonic() + 60
        while not marker.is_file() or not marker.read_text():
            assert time.monotonic() < deadline and gate.poll() is None
            time.sleep(0.1)
        worker = int(marker.read_text())
    finally:
        gate.kill()
        gate.wait()
    assert gone(zygote_pid) and gone(worker)
