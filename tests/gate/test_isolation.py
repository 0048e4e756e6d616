"""Runs are isolated: concurrent runs on one --out keep their own verdicts; signals and deadlines leave
no process, temp dir or half-written output behind."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from processes import blocked, gone

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def _gate(*args, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gate", *map(str, args)], cwd=REPO,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def _preview(gate_programs: Path, stack: str, out: Path) -> int:
    proc = _gate("preview", "--program", gate_programs / "multi", "--stack", stack, "--out", out,
                 "--no-checkov", "--policy-pack", gate_programs / "packs" / "no-us-east", "--format", "json")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode in (0, 1), stderr
    report = json.loads(stdout)
    assert report["stack"] == stack
    return proc.returncode


def test_four_concurrent_runs_on_one_out_keep_their_solo_verdicts(gate_programs, tmp_path) -> None:
    solo = {s: _preview(gate_programs, s, tmp_path / f"solo-{s}") for s in ("base", "azure")}
    assert solo == {"base": 1, "azure": 0}          # mixed: one blocked, one compliant
    out = tmp_path / "shared"
    for _ in range(2):
        stacks = ["base", "azure", "azure", "base"]
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(lambda s: _preview(gate_programs, s, out), stacks))
        assert codes == [solo[s] for s in stacks]
        index = json.loads((out / "run.json").read_text())
        assert len(index["stacks"]) == 1
        for rel, digest in next(iter(index["stacks"].values())).items():
            assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest
        assert not (out / ".runs").exists()
        for stack in ("base", "azure"):
            report = json.loads((out / f"{stack}.report.json").read_text())
            assert report["blocked"] == bool(solo[stack])


# The program starts a child and writes a marker outside its directory: refused by the gate unless allowed.
UNSAFE = {"GATE_UNSAFE_PROGRAM_SIDE_EFFECTS": "1"}
SLOW_PROGRAM = """
import os, subprocess, sys, time
import pulumi
if pulumi.runtime.is_dry_run():   # the update run sees placeholders for these variables (gate.env_reads)
    marker = os.environ["GATE_TEST_MARKER"]
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    open(marker, "w").write(f"{os.getpid()} {child.pid}")
    if os.environ.get("GATE_TEST_HANG"):
        time.sleep(600)
pulumi.export("done", True)
"""


def _wait_for(path: Path, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while not path.exists() or not path.read_text().strip():
        assert time.monotonic() < end, "program never started"
        time.sleep(0.1)


def _signal_masks(pid: int) -> str:
    """The kernel's view of a process's signals (blocked, pending, ignored, caught), for a failure message."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "(gone)"
    return "; ".join(line for line in status if line.startswith(("SigBlk", "SigPnd", "SigIgn", "SigCgt")))


@pytest.mark.parametrize("inherited", [None, "blocked"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_kills_children_removes_temp_dirs_and_writes_nothing(make_program, tmp_path, sig,
                                                                      inherited) -> None:
    """`blocked`: the gate started with SIGINT/SIGTERM blocked (exec keeps a mask: a runner's shell or a
    test worker that blocked them) still stops on them — it unblocks what it handles."""
    program = make_program(SLOW_PROGRAM)
    out, marker, tmp = tmp_path / "out", tmp_path / "marker", tmp_path / "tmp"
    tmp.mkdir()
    proc = _gate("preview", "--program", program, "--stack", "dev", "--out", out, "--no-checkov",
                 env={**UNSAFE, "GATE_TEST_MARKER": str(marker), "GATE_TEST_HANG": "1", "TMPDIR": str(tmp)},
                 preexec_fn=blocked(signal.SIGINT, signal.SIGTERM) if inherited else None)
    _wait_for(marker)
    proc.send_signal(sig)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired as exc:
        masks = _signal_masks(proc.pid)
        proc.kill()
        proc.communicate()
        raise AssertionError(f"the gate did not stop on {sig.name}: {masks}; the test's: "
                             f"{_signal_masks(os.getpid())}") from exc
    assert proc.returncode == 2 and "interrupted" in stderr and "Traceback" not in stderr
    worker, child = map(int, marker.read_text().split())
    time.sleep(0.5)
    assert gone(worker) and gone(child)
    assert list(tmp.iterdir()) == []
    assert not list(out.glob("*.json")) and not (out / ".runs").exists()


def test_program_deadline_and_a_leftover_child(make_program, tmp_path) -> None:
    program = make_program(SLOW_PROGRAM)
    marker = tmp_path / "marker"
    started = time.monotonic()
    proc = _gate("preview", "--program", program, "--stack", "dev", "--out", tmp_path / "out", "--no-checkov",
                 "--program-timeout", "20",
                 env={**UNSAFE, "GATE_TEST_MARKER": str(marker), "GATE_TEST_HANG": "1"})
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "program deadline" in stderr and len(stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 60
    worker, child = map(int, marker.read_text().split())
    assert gone(worker) and gone(child)
    # A program that finishes but leaves a child holding stdout: the gate does not wait for it.
    marker.unlink()
    proc = _gate("preview", "--program", program, "--stack", "dev", "--out", tmp_path / "out", "--no-checkov",
                 env={**UNSAFE, "GATE_TEST_MARKER": str(marker)})
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "no verdict" in stderr   # round 20: with the refusals off, no pass
    assert gone(int(marker.read_text().split()[1]))


def test_run_directories_survive_runs_finishing_around_them(tmp_path) -> None:
    """A finishing run removes `<out>/.runs` when it looks empty; a run starting at that moment still gets
    its private directory (this raced: 'No such file or directory' under load)."""
    from gate.publish import RunDir

    errors: list[BaseException] = []

    def churn() -> None:
        for _ in range(200):
            try:
                with RunDir(tmp_path) as run:
                    assert run.path.is_dir()
            except BaseException as exc:  # every failure is the finding
                errors.append(exc)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda _: churn(), range(6)))
    assert errors == []
    assert not (tmp_path / ".runs").exists()


def test_a_published_stack_set_replaces_the_old_one_with_its_update_graph(tmp_path) -> None:
    """A run that publishes a stack without an update graph (its update was not recorded) removes the
    earlier run's: a later run of a stack referencing it must not read a stale deploy-time output."""
    from gate.publish import UPDATES_DIR, RunDir

    def publish(update: str | None) -> dict:
        with RunDir(tmp_path) as run:
            (run.path / "app.state.json").write_text("{}")
            if update is not None:
                (run.path / UPDATES_DIR).mkdir()
                (run.path / UPDATES_DIR / "app.state.json").write_text(update)
            run.publish(["app"])
        return json.loads((tmp_path / "run.json").read_text())["stacks"]["app"]

    assert f"{UPDATES_DIR}/app.state.json" in publish('{"v": 1}')
    assert (tmp_path / UPDATES_DIR / "app.state.json").read_text() == '{"v": 1}'
    assert set(publish(None)) == {"app.state.json"}
    assert not (tmp_path / UPDATES_DIR / "app.state.json").exists()
