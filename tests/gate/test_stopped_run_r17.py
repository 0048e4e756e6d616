"""Engine round 17: a gate stopped halfway (docs/gate-red-team.md, round 17).

Each test starts `gate preview` / `gate analyze` / `evidence export` as a subprocess, stops it (a signal to
the gate, or SIGKILL of one of its children, found through the process tree of the gate it started) and
checks that (a) the exit code is the documented one for an interrupted run (2; a child's death is never a
pass), (b) no process of the gate's tree outlives it, (c) `--out` holds nothing a later `gate merge`,
`evidence export --gate-dir` or the stack cache would take as a finished run, and (d) a second run into
the same `--out` equals a run in a fresh directory. Every test kills whatever it started in a `finally`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import Tree, cmdline, untimed

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

# The `hang` stack's preview says where it hangs (`hanging.<pid>` in its directory, the pid of the worker
# recording it) before it sleeps: a test stops the run there, not after a fixed sleep (round 19). Its update
# writes nothing (beside its preview it may not, round 41: it would be held and recorded after the preview).
PROGRAM = """\
import os
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("logs")
if pulumi.Config().get_bool("hang"):
    if pulumi.runtime.is_dry_run():   # an update beside its preview may not write (round 41)
        Path(f"hanging.{os.getpid()}").write_text("hanging")
    time.sleep(600)
pulumi.export("bucket", bucket.bucket)
"""
# While its flag file exists, the pack's policy sleeps once in each process that runs it (and says so in
# a `busy.<pid>` file): the flag is not one of the pack's files, so a run stopped while judging and the run
# after it have the same judge (the same stack-cache key).
PACK = '''\
"""Test pack: names every bucket (mandatory); sleeps while the flag file exists."""
import os
import time
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

FLAG = Path(__file__).parent.with_name("slow.flag")


def _seen(args, report_violation):
    busy = FLAG.with_name(f"busy.{os.getpid()}")
    if FLAG.exists() and not busy.exists():
        busy.write_text("judging")
        time.sleep(20)
    if args.resource_type == "aws:s3/bucket:Bucket":
        report_violation("bucket seen")


PolicyPack(name="stopped", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="bucket-seen", description="d", validate=_seen)])
'''
# While its flag file exists, each fork of checkov's driver (a scan) sleeps first and says so in a
# `scanning.<pid>` file: a `sitecustomize` on PYTHONPATH, which every interpreter of the gate's tree imports
# and only the driver acts on. A run stopped "while checkov runs" is stopped there, not a second after the
# driver appeared: the early driver starts with the run, and a small run ends 1.2 s later (CI, 2026-12-04).
SCAN_HOOK = '''\
import os
import sys
import time
from pathlib import Path

if sys.argv and sys.argv[0].endswith("checkov/driver.py"):
    def _slow_scan():
        flag = Path(__file__).with_name("scan.flag")
        if flag.exists():
            flag.with_name(f"scanning.{os.getpid()}").write_text("scanning")
            time.sleep(20)

    os.register_at_fork(after_in_child=_slow_scan)
'''
# What a later `gate merge`, `evidence export --gate-dir` or the stack cache takes as a finished run.
FINISHED = ("run.json", "run.dsse.json", "seal", "gate.sarif", "gate.junit.xml")


def _analyzer_host(pid: int) -> bool:
    return "pulumi.policy 127.0.0.1:0" in cmdline(pid)


def _checkov(pid: int) -> bool:
    return "checkov/driver.py" in cmdline(pid)


# ------------------------------------------------------------------------------------ running the gate
@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("r17")
    program, pack = root / "program", root / "pack" / "stopped"
    program.mkdir()
    pack.mkdir(parents=True)
    (program / "Pulumi.yaml").write_text("name: stopped\nruntime: python\n")
    (program / "__main__.py").write_text(PROGRAM)
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "Pulumi.hang.yaml").write_text("config:\n  aws:region: eu-west-1\n  stopped:hang: true\n")
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\ndescription: round 17 test pack\n")
    (pack / "__main__.py").write_text(PACK)
    hook = root / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SCAN_HOOK)
    return {"root": root, "program": program, "pack": pack, "flag": pack.parent / "slow.flag", "hook": hook}


def _start(module: str, *args, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", module, *map(str, args)], cwd=REPO,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _preview(world, stack: str, out: Path, *extra) -> list[str]:
    return ["preview", "--program", world["program"], "--stack", stack, "--out", out,
            "--policy-pack", world["pack"], "--format", "json", *extra]


def _finished(world, args: list, out: Path) -> tuple[int, object, str]:
    """One run to the end: exit code, the JSON report on stdout (paths normalised), stderr."""
    proc = _start("gate", *args)
    tree = Tree(proc.pid)
    try:
        stdout, stderr = proc.communicate(timeout=240)
    finally:
        tree.kill_all()
    text = stdout.replace(str(out), "OUT")
    report = untimed(json.loads(text)) if text.strip() else None
    return proc.returncode, report, stderr.replace(str(out), "OUT")


def _published(out: Path) -> dict[str, object]:
    """The reports a finished run left in `--out`, paths normalised."""
    return {p.name: untimed(json.loads(p.read_text().replace(str(out), "OUT")))
            for p in sorted(out.glob("*.report.json"))}


def _leftovers(out: Path) -> list[str]:
    """What in `--out` reads as (part of) a finished run: a report, a state, a seal, run.json, a cache
    entry."""
    if not out.exists():
        return []
    bad = []
    for path in out.rglob("*"):
        rel = path.relative_to(out)
        if not path.is_file() or rel.parts[0] == ".runs":
            continue
        if rel.name in FINISHED or rel.name.endswith((".report.json", ".state.json")) or rel.parts[0] in (
                "cache", "checkov", ".updates"):
            bad.append(str(rel))
    return sorted(bad)


@pytest.fixture(scope="module")
def fresh(world) -> dict[str, tuple]:
    """The `dev` stack judged in fresh directories: with checkov, without, and analyzed from its state."""
    runs = {}
    for name, extra in (("preview", ("--no-checkov", "--recorder", "process")), ("checkov", ())):
        out = world["root"] / f"fresh-{name}"
        code, report, _ = _finished(world, _preview(world, "dev", out, *extra), out)
        assert code == 1, report            # the pack blocks the bucket: a verdict that is not a pass
        runs[name] = (code, report, _published(out))
    state = world["root"] / "fresh-preview" / "dev.state.json"
    out = world["root"] / "fresh-analyze"
    code, report, _ = _finished(world, ["analyze", "--state", state, "--out", out, "--policy-pack",
                                        world["pack"], "--no-checkov", "--format", "json"], out)
    runs["analyze"] = (code, report, _published(out))
    runs["state"] = state
    return runs


def _stop(world, args: list, out: Path, point, action, env: dict | None = None, slow: bool = False):
    """Start the gate, wait for `point` (a predicate on a pid of its tree), then `action(gate, pid)`."""
    if slow:
        world["flag"].write_text("slow\n")
    proc = _start(args[0], *args[1:], env=env)
    tree = Tree(proc.pid)
    try:
        mode_worker = (env or {}).get("GATE_EVAL_WORKERS") is not None
        if point == "judging":      # the pack's policy is sleeping
            end = time.monotonic() + 90
            while not (busy := list(world["flag"].parent.glob("busy.*"))):
                assert time.monotonic() < end and proc.poll() is None, tree.describe()
                time.sleep(0.05)
            pid = int(busy[0].suffix[1:])     # the process the policy sleeps in
            if mode_worker and pid == proc.pid:     # wait for a forked evaluation worker's
                while not (busy := [b for b in world["flag"].parent.glob("busy.*") if b.suffix != f".{pid}"]):
                    assert time.monotonic() < end and proc.poll() is None, tree.describe()
                    time.sleep(0.05)
                pid = int(busy[0].suffix[1:])
        elif point == "hanging":
            pid = _hanging(world, proc, tree)
        elif point == "scanning":
            pid = _scanning(world, proc, tree)
        else:
            pid = tree.wait_for(point, "process to stop at")
            time.sleep(1.0)
        action(proc, pid)
        _, stderr = proc.communicate(timeout=60)
        return proc.returncode, stderr, tree.survivors(), tree
    finally:
        world["flag"].unlink(missing_ok=True)
        (world["hook"] / "scan.flag").unlink(missing_ok=True)
        for busy in [*world["flag"].parent.glob("busy.*"), *world["program"].glob("hanging.*"),
                     *world["hook"].glob("scanning.*")]:
            busy.unlink()
        tree.kill_all()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _hanging(world, proc: subprocess.Popen, tree: Tree) -> int:
    """The pid of the preview's recording worker once both recordings of the `hang` stack hang: the preview
    says so in its mark, the update (a sibling fork of the same zygote, which may write nothing beside its
    preview) by sleeping, seen on /proc; events, not a sleep a loaded host may outrun (round 19). The bound
    only ends a run that never gets there."""
    end = time.monotonic() + 240
    while not (marks := sorted(world["program"].glob("hanging.*"))):
        assert time.monotonic() < end and proc.poll() is None, tree.describe()
        time.sleep(0.05)
    preview = int(marks[0].suffix[1:])
    asleep = 0
    while asleep < 10:      # half a second asleep in a row: not a poll's short sleep
        assert time.monotonic() < end and proc.poll() is None, tree.describe()
        time.sleep(0.05)
        parent = tree.seen.get(preview, ("", 0))[1]
        siblings = [p for p, (_, up) in list(tree.seen.items()) if up == parent and p != preview]
        asleep = asleep + 1 if any(_sleeping(p) for p in siblings) else 0
    return preview


def _sleeping(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/wchan").read_text() == "hrtimer_nanosleep"
    except OSError:
        return False


def _scanning(world, proc: subprocess.Popen, tree: Tree) -> int:
    """The pid of a checkov scan (a fork of the driver) sleeping in the scan hook."""
    end = time.monotonic() + 240
    while not (marks := sorted(world["hook"].glob("scanning.*"))):
        assert time.monotonic() < end and proc.poll() is None, tree.describe()
        time.sleep(0.05)
    return int(marks[0].suffix[1:])


def _scan_hooked(world) -> dict[str, str]:
    """The environment that makes the run's checkov scans wait in the hook (its flag set)."""
    (world["hook"] / "scan.flag").write_text("slow\n")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(world["hook"]), os.environ.get("PYTHONPATH")]))}


def _signal_gate(sig):
    return lambda proc, _pid: proc.send_signal(sig)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _kill_child(proc, pid):
    os.kill(pid, signal.SIGKILL)


def _check_stopped(code: int, stderr: str, survivors: list, out: Path, *, gate_killed: bool) -> None:
    if gate_killed:
        assert code == -signal.SIGKILL
    else:
        assert code == 2, stderr
        assert "Traceback" not in stderr, stderr
        assert stderr.strip().splitlines()[-1].startswith("gate: "), stderr
    assert survivors == []
    assert _leftovers(out) == []


def _check_rerun(world, fresh, name: str, args: list, out: Path) -> None:
    """(d): the same run into the `--out` the stopped one used equals the fresh one."""
    code, report, _ = _finished(world, args, out)
    assert (code, report, _published(out)) == fresh[name]
    assert not (out / ".runs").exists() or not any((out / ".runs").iterdir())


SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_gate_stopped_while_recording(world, fresh, tmp_path, sig) -> None:
    out = tmp_path / "out"
    args = _preview(world, "hang", out, "--no-checkov", "--recorder", "process")
    code, stderr, survivors, _ = _stop(world, ["gate", *args], out, "hanging", _signal_gate(sig))
    _check_stopped(code, stderr, survivors, out, gate_killed=sig == signal.SIGKILL)
    _check_rerun(world, fresh, "preview",
                 _preview(world, "dev", out, "--no-checkov", "--recorder", "process"), out)


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
@pytest.mark.parametrize("mode", ["inprocess", "forked", "grpc"])
def test_gate_stopped_while_judging(world, fresh, tmp_path, sig, mode) -> None:
    """Stopped while a policy runs on the `dev` stack; the rerun of the same stack and judge must not
    take anything the stopped run left (a cache entry of the recording is fine, of the verdict is not)."""
    out = tmp_path / "out"
    args = _preview(world, "dev", out, "--no-checkov", "--recorder", "process", "--policy-mode",
                    "grpc" if mode == "grpc" else "inprocess", "--policy-timeout", "300")
    env = {"GATE_EVAL_WORKERS": "2"} if mode == "forked" else None    # the evaluation in forked workers
    code, stderr, survivors, _ = _stop(world, ["gate", *args], out, "judging", _signal_gate(sig), env=env,
                                       slow=True)
    _check_stopped(code, stderr, survivors, out, gate_killed=sig == signal.SIGKILL)
    rerun = _preview(world, "dev", out, "--no-checkov", "--recorder", "process")
    _check_rerun(world, fresh, "preview", rerun, out)


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_gate_stopped_while_checkov_runs(world, fresh, tmp_path, sig) -> None:
    out = tmp_path / "out"
    code, stderr, survivors, _ = _stop(world, ["gate", *_preview(world, "dev", out)], out, "scanning",
                                       _signal_gate(sig), env=_scan_hooked(world))
    _check_stopped(code, stderr, survivors, out, gate_killed=sig == signal.SIGKILL)
    _check_rerun(world, fresh, "checkov", _preview(world, "dev", out), out)


def test_a_killed_recording_worker_is_not_a_pass(world, tmp_path) -> None:
    """Killed while its program hangs (and its sibling's does). The program deadline is far past the
    test's own bounds (round 19: at 40 s, counted from the request, a loaded host's slow zygote could let
    the deadline end the worker first, and the test killed a pid the gate had already ended)."""
    out = tmp_path / "out"
    args = _preview(world, "hang", out, "--no-checkov", "--recorder", "process", "--program-timeout", "300")
    code, stderr, survivors, _ = _stop(world, ["gate", *args], out, "hanging", _kill_child)
    _check_stopped(code, stderr, survivors, out, gate_killed=False)
    assert "recording worker" in stderr and "program did not finish" not in stderr, stderr


def test_a_killed_analyzer_host_is_not_a_pass(world, fresh, tmp_path) -> None:
    """The pack server dies mid-call: the gate starts another and runs the policy there (the verdict of a
    fresh run), and the servers it starts die with the run."""
    out = tmp_path / "out"
    args = ["analyze", "--state", fresh["state"], "--out", out, "--policy-pack", world["pack"],
            "--no-checkov", "--format", "json", "--policy-mode", "grpc", "--policy-timeout", "300"]
    code, stderr, survivors, _ = _stop(world, ["gate", *args], out, "judging", _kill_child, slow=True)
    assert code == 1, stderr
    assert _published(out) == fresh["analyze"][2]      # the policy was run again on a new server
    assert survivors == []


def test_a_killed_evaluation_worker_is_not_a_pass(world, fresh, tmp_path) -> None:
    out = tmp_path / "out"
    args = ["analyze", "--state", fresh["state"], "--out", out, "--policy-pack", world["pack"],
            "--no-checkov", "--format", "json", "--policy-timeout", "300"]
    def worker(pid: int) -> bool:   # round 48: the gate's process is the sentinel's child, same command
        return "-m gate analyze" in cmdline(pid) and "-m gate analyze" in cmdline(_parent(_parent(pid)))

    code, stderr, survivors, _ = _stop(world, ["gate", *args], out, worker, _kill_child,
                                       env={"GATE_EVAL_WORKERS": "2"}, slow=True)
    assert code == 3 and "Traceback" not in stderr, stderr      # documented: an incomplete evaluation
    assert "evaluation worker 1 was killed by signal 9" in stderr
    assert survivors == []
    assert _leftovers(out) == []


def _frozen_checkov(pid: int) -> bool:
    """A checkov shard, stopped (SIGSTOP) the moment it is seen: a shard of a small program can finish
    within the second `_stop` waits, and a killed shard is the point of the test (CI, 2026-12-03)."""
    if not _checkov(pid):
        return False
    try:
        os.kill(pid, signal.SIGSTOP)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_checkov_shard_is_not_a_pass(world, fresh, tmp_path) -> None:
    out = tmp_path / "out"
    code, stderr, survivors, _ = _stop(world, ["gate", *_preview(world, "dev", out)], out, _frozen_checkov,
                                       _kill_child)
    _check_stopped(code, stderr, survivors, out, gate_killed=False)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_evidence_export_stopped(world, tmp_path, sig) -> None:
    out = tmp_path / "bundle"
    env = {"EVIDENCE_SIGNING_KEY": str(tmp_path / "evidence-key.pem")}
    code, stderr, survivors, _ = _stop(
        world, ["evidence", "export", "--stack", "interconnect-prod", "--out", out], out,
        lambda pid: "gate" in cmdline(pid) and "evidence" not in cmdline(pid), _signal_gate(sig), env=env)
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 2, stderr
    assert survivors == []
    assert not out.exists() or not (out / "manifest.json").exists()
    left = {p.name for p in tmp_path.iterdir()} - {"evidence-key.pem", "evidence-key.pem.pub", "bundle"}
    assert left == set()


# ------------------------------------------------------------------- what a run killed outright leaves
def test_a_dead_runs_directory_is_swept_a_live_one_kept(tmp_path) -> None:
    """A run killed outright leaves its private directory (a partial report in it); the next run removes
    it, never the directory of a run still working (it holds a lock the kernel drops with the process)."""
    from gate.publish import RunDir

    out = tmp_path / "out"
    dead = out / ".runs" / "0123456789ab-dead"
    dead.mkdir(parents=True)
    (dead / "dev.report.json").write_text('{"blocked": false}')
    with RunDir(out) as live:
        assert not dead.exists()
        with RunDir(out) as other:
            assert live.path.is_dir() and other.path.is_dir()
    assert not (out / ".runs").exists()


def test_a_publish_cut_short_leaves_no_run_index(tmp_path, monkeypatch) -> None:
    """A gate killed while it renames a run's files into `--out` (SIGKILL cannot be deferred) leaves no
    run.json: the earlier run's index goes first, so a half-moved set is no one's finished run."""
    from gate import publish, run_sign
    from gate.publish import RunDir

    out = tmp_path / "out"
    with RunDir(out) as run:
        (run.path / "dev.report.json").write_text('{"blocked": true}')
        run.publish(["dev"])
    assert (out / "run.json").is_file() and (out / run_sign.ENVELOPE).is_file()
    real = os.replace

    def killed_midway(src, dst):
        if Path(src).name == "prod.report.json":
            raise SystemExit("killed")
        real(src, dst)

    with RunDir(out) as run:
        for stack in ("dev", "prod"):
            (run.path / f"{stack}.report.json").write_text('{"blocked": false}')
        monkeypatch.setattr(publish.os, "replace", killed_midway)
        with pytest.raises(SystemExit):
            run.publish(["dev", "prod"])
    assert not (out / "run.json").exists() and not (out / run_sign.ENVELOPE).exists()

