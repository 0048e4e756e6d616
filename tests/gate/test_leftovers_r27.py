"""Engine round 27: round 26's leads and a short blind probe of the gate's own inputs
(docs/gate-red-team.md, round 27).

Round 26 left leads: the `pulumi` version probe of a program's own environment ran as a plain child of the
gate (a hostile `sitecustomize` there held it past a SIGKILLed gate, or forever); the forks of the parallel
evaluation and of the split state reader were never tried under a low `RLIMIT_NPROC`. Each check asks what
the contract says (docs/gate.md): nothing of a gate's tree outlives it, nothing waits unbounded, a limit the
run hit or an input the gate cannot use is exit 2 with one line that names it, nothing half written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fence_marks import hook_side, marks
from test_bad_input import assert_bad_input
from test_leftovers_r25 import (
    PACK,
    REPO,
    RUN_LIMIT,
    _env,
    _killed_parent_leaves_nothing,
    _preview,
    _users_dir,
    run_as,
)

pytestmark = pytest.mark.slow

# The program environment's `sitecustomize`: it acts only in the version probe (`python -c CODE`, no other
# argument), and only while `probe.flag` beside the environment exists. HOLD marks `probing.<pid>` and
# waits on a child of its own; FAIL says why on stderr and exits 7 before the probe's code runs. The probe
# runs under the write fence (round 46): the mark goes through `fence_marks` (a test listening), not a file.
PROBE_HOOK = """\
import os
import subprocess
import sys
import time
from pathlib import Path

flag = Path({flag!r})
if sys.argv == ["-c"] and flag.exists():
    if {mode!r} == "fail":
        sys.stderr.write("hostile: this interpreter refuses to start\\n")
        sys.stderr.flush()
        os._exit(7)
    subprocess.Popen(["sleep", "300"])
    mark(f"probing.{{os.getpid()}}")
    time.sleep(300)
"""


def _own_venv_program(tmp_path: Path, mode: str) -> Path:
    """A program whose `virtualenv` the user made (no requirements: used as it is, only probed)."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: own-venv\nruntime:\n  name: python\n  options:\n"
                                         "    virtualenv: venv\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text('import pulumi_aws as aws\n\naws.s3.Bucket("logs")\n')
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(program / "venv")], check=True,
                   timeout=RUN_LIMIT)
    site = next((program / "venv" / "lib").glob("python3*/site-packages"))
    (site / "sitecustomize.py").write_text(hook_side(tmp_path) + PROBE_HOOK.format(
        flag=str(tmp_path / "probe.flag"), mode=mode))
    (tmp_path / "probe.flag").write_text(mode)
    return program


def _gate(program: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "dev", "--out",
            str(out), "--no-checkov", "--format", "json", *extra]


# ------------------------------------------------------------------ 1. the program environment's probe
def test_the_version_probe_ends_with_a_sigkilled_gate(tmp_path) -> None:
    """`program_env._pulumi_version` ran the environment's Python with `subprocess.run`: a gate killed
    outright left it (and what it started) running, reparented to init."""
    program = _own_venv_program(tmp_path, "hold")
    with marks(tmp_path):
        _killed_parent_leaves_nothing(_gate(program, tmp_path / "out"), _env(tmp_path), "probing.*", tmp_path)


def test_a_version_probe_that_never_answers_is_one_line(tmp_path) -> None:
    """The probe had no bound: a `sitecustomize` that waits held the gate (and its CI job) forever. It is
    part of running the program, so the program's deadline bounds it (here 5 s)."""
    program = _own_venv_program(tmp_path, "hold")
    out = tmp_path / "out"
    with marks(tmp_path):
        proc = subprocess.Popen(_gate(program, out, "--program-timeout", "5"), cwd=REPO, env=_env(tmp_path),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=RUN_LIMIT / 4)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise AssertionError("HANG: the version probe held the gate") from None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    assert list(tmp_path.glob("probing.*")), "the hook never held the probe"
    assert_bad_input(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), "Pulumi.yaml",
                     "pulumi version")
    assert not (out / "run.json").exists()


def test_a_version_probe_that_fails_says_why_not_that_pulumi_is_missing(tmp_path, run_gate) -> None:
    """An interpreter that cannot start was reported as `has no pulumi SDK: add pulumi to its
    requirements` — the wrong fix; the line must carry what the interpreter said."""
    program = _own_venv_program(tmp_path, "fail")
    proc = run_gate(*_gate(program, tmp_path / "out")[3:])
    assert_bad_input(proc, "Pulumi.yaml", "hostile: this interpreter refuses to start")
    assert "no pulumi SDK" not in proc.stderr


# ----------------------------------------------------- 3. the flaky stop test: a signal just after a fork
# What a `SIGTERM` handled right after `os.fork` returned in the gate does (the handler, as the gate's
# `_interrupted`, raises KeyboardInterrupt): `os.fork` is wrapped so that the gate signals itself there.
SIGNALLED_AFTER_FORK = """
import os, signal, time
from gate import parallel_eval

real = os.fork

def fork_then_signalled():
    pid = real()
    if pid:   # the gate: interrupted before it noted the child
        os.kill(os.getpid(), signal.SIGTERM)
    return pid

def interrupted(signum, frame):
    raise KeyboardInterrupt

def judging():
    time.sleep(300)
    return []

signal.signal(signal.SIGTERM, interrupted)
os.fork = fork_then_signalled
try:
    parallel_eval.run_forked([judging])
except KeyboardInterrupt:
    pass
os.fork = real
try:
    print("LEFT" if os.waitpid(-1, os.WNOHANG) == (0, 0) else "REAPED")
except ChildProcessError:
    print("NONE")
"""


def test_a_signal_just_after_the_fork_leaves_no_evaluation_worker() -> None:
    """`forked` kills and reaps the workers it noted; one whose fork returned just before the interrupt
    was handled was not noted yet, and ran on until the gate's exit killed it (its tie): a window in
    which it held the gate's stderr and could write after the gate's last line (read for
    `test_gate_stopped_while_judging[forked-SIGTERM]`)."""
    done = subprocess.run([sys.executable, "-c", SIGNALLED_AFTER_FORK], cwd=REPO, env=_env(REPO),
                          capture_output=True, text=True, timeout=RUN_LIMIT / 4, check=False)
    assert done.stdout.strip() == "NONE", f"LEFT: a worker the interrupted gate did not end: {done}"


# ------------------------------------------------------------------- 2. the gate's forks and RLIMIT_NPROC
def _state(path: Path, buckets: int = 40) -> Path:
    """A small checkpoint the `no-us-east` pack passes: what a fork's failure, not a finding, would stop."""
    urn = "urn:pulumi:dev::proj::"
    resources = [{"urn": STACK, "type": "pulumi:pulumi:Stack", "custom": False}]
    resources += [{"urn": f"{urn}aws:s3/bucket:Bucket::b{i}", "type": "aws:s3/bucket:Bucket", "custom": True,
                   "inputs": {"region": "eu-west-1"}, "outputs": {"region": "eu-west-1"}}
                  for i in range(buckets)]
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}, indent=1))
    return path


STACK = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"
# `gate analyze` with the split reader's size threshold at 0: a small state is read by two processes, as a
# 16 MiB one would be (gate.state_split.SPLIT_MIN).
SPLIT_ANALYZE = """
import sys
from gate import state_split
from gate.cli import main

state_split.SPLIT_MIN = 0
sys.exit(main(sys.argv[1:]))
"""


def _limit_named_or_verdict(code: int, stderr: str, out: Path) -> None:
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr, f"TRACEBACK: exit {code}: {stderr[-2000:]}"
    if code == 0:
        assert (out / "run.json").exists(), "a pass without its run index"
        return
    assert code == 2 and len(lines) == 1, f"WRONG: exit {code}: {lines}"
    assert "RLIMIT_NPROC" in lines[0], f"UNNAMED: {lines[0]}"
    assert not (out / "run.json").exists(), "HALF-WRITTEN"


@pytest.mark.skipif(not hasattr(__import__("resource"), "RLIMIT_NPROC"), reason="no RLIMIT_NPROC here")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the split reader forks only with two CPUs")
@pytest.mark.parametrize("reader", ["parallel-eval", "state-split"])
@pytest.mark.parametrize("nproc", [2, 3, 4, 5])
def test_a_refused_fork_of_the_evaluation_or_the_reader_names_the_limit(nproc, reader) -> None:
    """`gate.parallel_eval` forks evaluation workers (GATE_EVAL_WORKERS=2 here), `gate.state_split` the
    reader of a state's second half: their `os.fork` raised `BlockingIOError`, which no handler said was a
    limit (round 26 taught `subprocess`'s forks, not these)."""
    uid = 62700 + nproc + (100 if reader == "state-split" else 0)
    where = _users_dir(uid)
    try:
        state = _state(where / "state.json")
        os.chown(state, uid, uid) if os.getuid() == 0 else None
        args = ["analyze", "--state", str(state), "--no-checkov", "--policy-pack", str(PACK), "--format",
                "json", "--out", str(where / "out")]
        argv = ["-m", "gate", *args] if reader == "parallel-eval" else ["-c", SPLIT_ANALYZE, *args]
        extra = {"GATE_EVAL_WORKERS": "2"} if reader == "parallel-eval" else {}
        proc, _, stderr = run_as(nproc, uid, argv, where, **extra)
        _limit_named_or_verdict(proc.returncode, stderr, where / "out")
    finally:
        shutil.rmtree(where, ignore_errors=True)


# checkov's driver forks a scan per job; its interpreter (checkov's environment, under /root here) is out
# of another user's reach, so the refusal is made by a `sitecustomize` that only the serving driver acts on:
# its `os.fork` raises what the kernel's EAGAIN raises (written after the checks above, round 27).
FORK_REFUSED_HOOK = """\
import os
import sys

if sys.argv[:1] and sys.argv[0].endswith("checkov/driver.py") and sys.argv[1:] == ["-"]:
    def _refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    os.fork = _refused
"""


def test_a_refused_fork_of_checkovs_driver_names_the_limit(tmp_path) -> None:
    """`driver.serve` forked each scan with no handler: the driver ended with a traceback, the gate said
    `checkov: failed on … BlockingIOError`, a scanner's failure to a reader."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FORK_REFUSED_HOOK)
    env = _env(tmp_path, PYTHONPATH=f"{hook}{os.pathsep}{REPO / 'scripts'}{os.pathsep}{REPO}")
    out = tmp_path / "out"
    done = subprocess.run(_preview(out, "--cache-dir", str(tmp_path / "cache")), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=RUN_LIMIT, check=False)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, f"WRONG: exit {done.returncode}: {lines[-3:]}"
    assert "RLIMIT_NPROC" in lines[0] and "Traceback" not in done.stderr, f"UNNAMED: {lines[0]}"
    assert not (out / "run.json").exists(), "HALF-WRITTEN"


# --------------------------------------------------------- 4. blind: the gate's own inputs, hostile again
WAIVER_CASE = REPO / "tests" / "corpus" / "engine" / "good" / "records-waiver-quoted-dates"
JUDGE = ("--no-checkov", "--no-cache", "--format", "json", "--policy-pack", "policies/eu_residency",
         "--as-of", "2026-11-30")


def test_a_waiver_with_a_lone_surrogate_is_refused_naming_its_key(run_gate, tmp_path) -> None:
    """YAML's `\\ud800` escape makes a string no UTF-8 can hold: the waiver's reason goes into the report,
    the SARIF and the evidence; it must be refused where it is read, not met by the writers."""
    program = tmp_path / "program"
    shutil.copytree(WAIVER_CASE, program)
    waivers = program / "records" / "waivers" / "corpus.yaml"
    waivers.write_text(waivers.read_text().replace("reason: the state", 'reason: "\\ud800 the state'))
    waivers.write_text(waivers.read_text().replace("(issue 23)", '(issue 23)"'))
    out = tmp_path / "out"
    proc = run_gate("preview", "--program", program, "--stack", "corpus", "--records", program / "records",
                    "--policy-pack-config", "eu-residency=policies/config/eu-residency.json", *JUDGE,
                    "--out", out)
    assert_bad_input(proc, "corpus.yaml", "reason")
    assert not (out / "run.json").exists()


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "eu-residency.json"
    path.write_text(text)
    return path


PACK_CONFIGS = {
    # a JSON `\ud800` escape in a value the pack reads (a project directory)
    "surrogate": ('{"require-eea-state-backend": {"allowedRegions": ["eu-west-1"], '
                  '"projectDirs": {"corpus": "\\ud800"}}}', "require-eea-state-backend.projectDirs.corpus"),
    # the same policy configured twice under names that are one policy's (a name and its NFKC twin)
    "twin-name": ('{"require-eea-location": {"allowedRegions": ["eu-west-1"]}, '
                  '"require\\uff0deea\\uff0dlocation": {"allowedRegions": ["us-east-1"]}}',
                  "require\uff0deea\uff0dlocation"),
}


@pytest.mark.parametrize("case", sorted(PACK_CONFIGS))
def test_a_hostile_pack_config_is_refused_naming_its_key(run_gate, tmp_path, case) -> None:
    text, needle = PACK_CONFIGS[case]
    config = _config(tmp_path, text)
    program = REPO / "tests" / "corpus" / "engine" / "good" / "records-waiver-quoted-dates"
    out = tmp_path / "out"
    proc = run_gate("preview", "--program", program, "--stack", "corpus", "--records", program / "records",
                    "--policy-pack-config", f"eu-residency={config}", *JUDGE, "--out", out)
    assert_bad_input(proc, "eu-residency.json")
    assert needle in proc.stderr or repr(needle)[1:-1] in proc.stderr, proc.stderr   # the key
    assert not (out / "run.json").exists()


def test_a_state_whose_parents_form_a_cycle_is_refused_naming_the_key(run_gate, tmp_path) -> None:
    """No engine writes a parent cycle; a hand-edited checkpoint can. What walks the parents (inherited
    locations, source chains, components) must not loop or place a resource by a made-up ancestry."""
    urn = "urn:pulumi:dev::proj::"
    a, b = f"{urn}pkg:index:Component::a", f"{urn}pkg:index:Component$pkg:index:Component::b"
    resources = [{"urn": STACK, "type": "pulumi:pulumi:Stack", "custom": False},
                 {"urn": a, "type": "pkg:index:Component", "custom": False, "parent": b},
                 {"urn": b, "type": "pkg:index:Component", "custom": False, "parent": a},
                 {"urn": f"{urn}pkg:index:Component$aws:s3/bucket:Bucket::data",
                  "type": "aws:s3/bucket:Bucket", "custom": True, "parent": b, "inputs": {}, "outputs": {}}]
    state = tmp_path / "cycle.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
    out = tmp_path / "out"
    proc = run_gate("analyze", "--state", state, "--no-checkov", "--format", "json", "--policy-pack",
                    "policies/eu_residency", "--policy-pack-config",
                    "eu-residency=policies/config/eu-residency.json", "--out", out, timeout=RUN_LIMIT / 2)
    assert_bad_input(proc, "cycle.json", "parent")
    assert not (out / "run.json").exists()
