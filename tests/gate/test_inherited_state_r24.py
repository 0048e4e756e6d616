"""Engine round 24: the process state the gate inherits (docs/gate-red-team.md, round 24).

Round 20 gave the gate hostile environment variables; this round gives it what else a CI runner or a parent
hands a process through exec: signal dispositions and the signal mask, closed or broken standard streams,
resource limits, the umask, a deleted working directory, extra descriptors. Each check starts `python -m
gate preview` with that state (set in `preexec_fn`) and asks for the correct verdict, or exit 2 with one line
and nothing published — never exit 0 on something not judged, a hang (each run is bounded), a traceback or a
`--out` whose `run.json` says something other than the exit code did.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from processes import blocked

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PROGRAM = REPO / "tests/gate/programs/multi"
PACK = REPO / "tests/gate/programs/packs/no-us-east"
FAILING = REPO / "tests/gate/programs/failing"
VERDICT = {"base": 1, "azure": 0}      # the pack blocks base's us-east-1 provider; azure is compliant
CHECKOV_BLOCKS = "CKV_AZURE_44"        # with checkov, azure is blocked by it alone: a lost scan passes
RUN_LIMIT = 180                        # seconds: a run past it is a hang (a normal run takes ~6-20 s)


@dataclass
class Run:
    code: int | None       # None: killed at RUN_LIMIT
    stdout: str
    stderr: str
    out: Path


def _env(tmp_path: Path) -> dict[str, str]:
    """Absolute PYTHONPATH (a check changes the working directory) and a HOME of the test's own, where the
    gate makes its signing key."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("GATE_SIGNING_KEY", "GATE_SIGNING_KEY_PEM")}
    return {**env, "HOME": str(home), "PYTHONPATH": f"{REPO / 'scripts'}{os.pathsep}{REPO}",
            "PYTHONDONTWRITEBYTECODE": "1"}


def _gate(tmp_path: Path, *args: str | Path, stack: str = "azure", checkov: bool = False, preexec=None,
          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd: Path = REPO,
          pass_fds=(), program: Path = PROGRAM, pack: Path = PACK, out: Path | None = None) -> Run:
    out = out or tmp_path / "out"
    argv = [sys.executable, "-m", "gate", "preview", "--program", program, "--stack", stack, "--out", out,
            "--policy-pack", pack, "--format", "json", *([] if checkov else ["--no-checkov"]), *args]
    proc = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=_env(tmp_path), stdin=stdin,
                            stdout=stdout, stderr=stderr, text=True, preexec_fn=preexec, pass_fds=pass_fds,
                            start_new_session=True)
    try:
        got, err = proc.communicate(timeout=RUN_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        got, err = proc.communicate()
        return Run(None, got or "", err or "", out)
    return Run(proc.returncode, got or "", err or "", out)


def _published(out: Path) -> dict | None:
    index = out / "run.json"
    return json.loads(index.read_text()) if index.exists() else None


def _judged(run: Run, expected: int, *, stdout: bool = True, stderr: bool = True, strict: bool = False,
            names: str = "") -> None:
    """The correct verdict (its report on stdout, naming `names`; its run.json saying so), or — unless
    `strict` (a state the gate can undo for itself) — exit 2: one line, nothing published. The first word
    of a failure names its class (the round's figures count them)."""
    assert run.code is not None, f"HANG: killed after {RUN_LIMIT} s; stderr: {run.stderr[-2000:]}"
    assert "Traceback" not in run.stderr and run.code in (0, 1, 2, 3), \
        f"TRACEBACK: exit {run.code}; stderr: {run.stderr[-2000:]}"
    index = _published(run.out)
    if run.code == 2 and not (strict and expected != 2):
        lines = run.stderr.strip().splitlines()
        one_line = len(lines) == 1 and lines[0].startswith("gate: ")
        assert one_line or not stderr, f"WRONG: exit 2 said {lines}"
        assert index is None, f"HALF-WRITTEN: exit 2, but run.json says exit {index['exit']}"
        return
    assert run.code != 0 or expected == 0, f"THROUGH: exit 0, expected {expected}; stderr: {run.stderr}"
    assert run.code == expected, f"WRONG: exit {run.code}, expected {expected}; stderr: {run.stderr[-2000:]}"
    assert index is not None and index["exit"] == run.code, f"HALF-WRITTEN: exit {run.code}, run.json {index}"
    if stdout:
        report = json.loads(run.stdout)
        assert report["blocked"] == bool(expected), f"WRONG: the report says blocked={report['blocked']}"
        assert names in run.stdout, f"THROUGH: the report does not name {names}"


# ------------------------------------------------------------------------- signal dispositions and masks
def _ignored(*signals: int):
    return lambda: [signal.signal(s, signal.SIG_IGN) for s in signals]


EVERY_SIGNAL = set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP}


@pytest.mark.parametrize("preexec", [
    pytest.param(_ignored(signal.SIGCHLD), id="sigchld-ignored"),
    pytest.param(_ignored(signal.SIGPIPE), id="sigpipe-ignored"),
    pytest.param(blocked(signal.SIGCHLD), id="sigchld-blocked"),
    pytest.param(blocked(*EVERY_SIGNAL), id="every-signal-blocked"),
    pytest.param(lambda: os.nice(19), id="nice-19"),
])
@pytest.mark.parametrize("stack", ["base", "azure"])
def test_inherited_signal_state_keeps_the_verdict(tmp_path, preexec, stack) -> None:
    """A disposition or mask is the gate's to set: the verdict, never exit 2 over an inherited one."""
    _judged(_gate(tmp_path, stack=stack, preexec=preexec), VERDICT[stack], strict=True)


@pytest.mark.parametrize("preexec", [_ignored(signal.SIGCHLD), blocked(*EVERY_SIGNAL)],
                         ids=["sigchld-ignored", "every-signal-blocked"])
def test_checkov_keeps_its_finding_whatever_the_signal_state(tmp_path, preexec) -> None:
    """SIGCHLD ignored: the kernel reaps children itself and `waitpid` finds no status (Python's
    subprocess then reads exit 0 for a child it never saw end; checkov's driver waits for its scans)."""
    run = _gate(tmp_path, checkov=True, preexec=preexec)
    _judged(run, 1, strict=True, names=CHECKOV_BLOCKS)


@pytest.mark.parametrize("preexec", [_ignored(signal.SIGCHLD), blocked(*EVERY_SIGNAL)],
                         ids=["sigchld-ignored", "every-signal-blocked"])
def test_a_failing_program_fails_whatever_the_signal_state(tmp_path, preexec) -> None:
    run = _gate(tmp_path, stack="raise", program=FAILING, preexec=preexec)
    _judged(run, 2)
    assert "boom" in run.stderr, f"WRONG: not the program's error: {run.stderr}"


SLEEPY_PACK = '''\
"""Test pack: its one policy sleeps past any deadline on the first resource it sees (mandatory)."""
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

_slept = []


def _sleepy(args, report_violation):
    if not _slept:
        _slept.append(1)
        time.sleep(600)


PolicyPack(name="sleepy", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="sleepy", description="d", validate=_sleepy)])
'''


@pytest.mark.parametrize("preexec", [blocked(signal.SIGUSR2), _ignored(signal.SIGUSR2)],
                         ids=["sigusr2-blocked", "sigusr2-ignored"])
def test_a_policy_past_its_deadline_is_a_violation_whatever_the_signal_state(tmp_path, preexec) -> None:
    """The in-process watchdog interrupts a stuck policy with SIGUSR2: a mask inherited with it blocked
    must not turn the policy's violation into an internal error (or a hang)."""
    pack = tmp_path / "sleepy"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\ndescription: sleeps\n")
    (pack / "__main__.py").write_text(SLEEPY_PACK)
    run = _gate(tmp_path, "--policy-timeout", "2", pack=pack, preexec=preexec)
    _judged(run, 1)
    assert "sleepy" in run.stdout


# ------------------------------------------------------------------------------- the standard streams
def _closed(*fds: int):
    return lambda: [os.close(fd) for fd in fds]


@pytest.mark.parametrize("fds", [(0,), (1,), (2,), (0, 1, 2)], ids=["stdin", "stdout", "stderr", "all"])
@pytest.mark.parametrize("stack", ["base", "azure"])
def test_closed_standard_streams_keep_the_verdict(tmp_path, fds, stack) -> None:
    """A stream closed at exec: the descriptors the gate opens next take its number (a pipe on fd 1, a
    lock file on fd 2) and a child inherits them as its stdio. The exit code stays the verdict."""
    run = _gate(tmp_path, stack=stack, preexec=_closed(*fds))
    _judged(run, VERDICT[stack], stdout=1 not in fds, stderr=2 not in fds)
    if 1 not in fds:
        assert run.stdout.lstrip().startswith("{"), f"WRONG: stdout {run.stdout[:200]!r}"
    for path in run.out.rglob("*.json"):   # nothing of the gate's stdio ended up in what it published
        json.loads(path.read_text())


def test_stdin_a_pipe_that_never_ends(tmp_path) -> None:
    """A runner's stdin left open and silent: nothing of the gate's tree waits for it."""
    read, write = os.pipe()
    try:
        run = _gate(tmp_path, checkov=True, stdin=read)
    finally:
        os.close(read)
        os.close(write)
    _judged(run, 1, names=CHECKOV_BLOCKS)


def test_a_bad_stack_with_stderr_closed_is_still_exit_2(tmp_path) -> None:
    run = _gate(tmp_path, stack="no-such-stack", preexec=_closed(2))
    _judged(run, 2, stderr=False)


@pytest.mark.parametrize("stack", ["base", "azure"])
def test_stdout_a_pipe_nobody_reads(tmp_path, stack) -> None:
    """The reader of stdout went away (a CI step piping into `head`, a killed log shipper): EPIPE when
    the report is written. The exit code is the verdict or exit 2 with nothing published, not a
    traceback, and not exit 2 over a run.json that says it passed."""
    read, write = os.pipe()
    os.close(read)
    try:
        run = _gate(tmp_path, stack=stack, stdout=write)
    finally:
        os.close(write)
    _judged(run, VERDICT[stack], stdout=False)


@pytest.mark.parametrize("stack", ["base", "azure"])
def test_stdout_dev_full(tmp_path, stack) -> None:
    with open("/dev/full", "w") as full:
        run = _gate(tmp_path, stack=stack, stdout=full)
    _judged(run, VERDICT[stack], stdout=False)


# --------------------------------------------------------------------------------------- resource limits
def _limit(kind: int, value: int):
    return lambda: resource.setrlimit(kind, (value, value))


@pytest.mark.parametrize(("kind", "value"), [
    (resource.RLIMIT_NOFILE, 24), (resource.RLIMIT_NOFILE, 64), (resource.RLIMIT_NOFILE, 256),
    (resource.RLIMIT_AS, 256 << 20), (resource.RLIMIT_AS, 1 << 30),
    (resource.RLIMIT_FSIZE, 16 << 10), (resource.RLIMIT_FSIZE, 1 << 20),
], ids=["nofile-24", "nofile-64", "nofile-256", "as-256m", "as-1g", "fsize-16k", "fsize-1m"])
def test_low_resource_limits_end_in_the_verdict_or_exit_2(tmp_path, kind, value) -> None:
    """With checkov: the azure stack is blocked by checkov's finding alone (a scan lost to a limit and
    taken as clean would pass it)."""
    _judged(_gate(tmp_path, checkov=True, preexec=_limit(kind, value)), 1, names=CHECKOV_BLOCKS)


# ------------------------------------------------------------------------------------------------ umask
def _writable_by_others(root: Path) -> list[str]:
    return [str(p) for p in [root, *root.rglob("*")] if not p.is_symlink() and p.stat().st_mode & 0o022]


def _unreadable_by_owner(root: Path) -> list[str]:
    return [str(p) for p in [root, *root.rglob("*")]
            if not p.is_symlink() and (p.stat().st_mode & 0o600) != 0o600]


@pytest.mark.parametrize("umask", [0o000, 0o777], ids=["umask-000", "umask-777"])
def test_the_umask_does_not_make_the_gates_files_writable_by_others_or_unreadable(tmp_path, umask) -> None:
    """What the gate writes — its signing key, the stack cache, checkov's cache, --out — is the user's
    alone whatever the umask (0o000: others could rewrite a verdict or a cache entry the next run trusts),
    and readable by the user (0o777: the next run, not root, could not read its own cache)."""
    cache = tmp_path / "cache"
    for _ in range(2):     # the second run reads what the first made
        run = _gate(tmp_path, "--cache-dir", cache, checkov=True, preexec=lambda: os.umask(umask))
        _judged(run, 1, names=CHECKOV_BLOCKS)
    made = [tmp_path / "out", cache, tmp_path / "home" / ".config"]
    assert [p for root in made if root.exists() for p in _writable_by_others(root)] == []
    assert [p for root in made if root.exists() for p in _unreadable_by_owner(root)] == []


# ------------------------------------------------------------------------------- a deleted working dir
def test_a_deleted_working_directory(tmp_path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    run = _gate(tmp_path, cwd=gone, preexec=lambda: os.rmdir(gone))
    _judged(run, 0)


def test_a_relative_out_in_a_deleted_working_directory(tmp_path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    run = _gate(tmp_path, cwd=gone, preexec=lambda: os.rmdir(gone), out=Path("rel-out"))
    _judged(run, 2)
    assert "working directory" in run.stderr, f"WRONG: the line names nothing: {run.stderr}"


# ------------------------------------------------------------------------------ inherited descriptors
LEAKY_PROGRAM = """\
# Writes to descriptor 200 if it is open: the runner's pipe the gate inherited.
import os

import pulumi

try:
    os.write(200, b"leaked-from-the-program\\n")
except OSError:
    pass
pulumi.export("done", True)
"""


def test_an_inherited_descriptor_reaches_no_program_and_outlives_no_run(tmp_path, make_program) -> None:
    """A pipe the runner left open in the gate (fd 200): no recorded program writes into it, and once the
    gate exits no process of its tree holds it (the runner reading it would wait for ever)."""
    program = make_program(LEAKY_PROGRAM)
    read, write = os.pipe()
    os.dup2(write, 200)
    os.close(write)
    try:
        run = _gate(tmp_path, stack="dev", program=program, pass_fds=(200,))
    finally:
        os.close(200)
    os.set_blocking(read, False)
    leaked = b"(still held)"
    for _ in range(50):      # a descendant the gate SIGKILLed may take a moment to let go
        try:
            leaked = os.read(read, 4096)
            break
        except BlockingIOError:
            time.sleep(0.1)
    os.close(read)
    assert leaked == b"", f"THROUGH: the inherited descriptor got {leaked!r}"
    assert run.code == 0, f"WRONG: exit {run.code}: {run.stderr[-2000:]}"


def test_evidence_export_under_umask_000_writes_a_bundle_only_its_owner_can_change(tmp_path) -> None:
    """`evidence export` makes the inherited state its own as the gate does: under umask 0o000 the bundle
    auditors receive (and its signing key) would be files anyone on the runner could rewrite."""
    out, key = tmp_path / "bundle", tmp_path / "keys" / "evidence-key.pem"
    run = subprocess.run([sys.executable, "-m", "evidence", "export", "--stack", "interconnect-prod", "--out",
                          str(out)], cwd=REPO, env={**os.environ, "EVIDENCE_SIGNING_KEY": str(key)},
                         capture_output=True, text=True, timeout=600, preexec_fn=lambda: os.umask(0o000))
    assert run.returncode == 0, run.stderr
    assert (out / "manifest.json").is_file()
    assert _writable_by_others(out) + _writable_by_others(key.parent) == []
