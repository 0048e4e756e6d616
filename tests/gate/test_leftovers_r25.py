"""Engine round 25: what outlives or escapes the gate (docs/gate-red-team.md, round 25).

Round 24 left leads: checkov's driver outlived a SIGKILLed gate while it prepared;
`GATE_CHECKOV_DRIVER=checkov` loaded graph checks without the strict parse; checkov wrote into `$HOME`;
`RLIMIT_NPROC` was never tried (root is exempt). Each check here asks for what the contract says
(docs/gate.md): nothing of a gate's tree outlives it, nothing is written outside `--out` and its caches, and
a fork that fails is exit 2 with one line (or a verdict), never exit 0 on something not judged, never a
traceback.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest
from processes import Tree, gone

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PROGRAM = REPO / "tests/gate/programs/multi"
PACK = REPO / "tests/gate/programs/packs/no-us-east"
RUN_LIMIT = 240          # seconds: a run or a wait past it is a hang
AFTER_KILL = 20          # seconds a killed gate's tree has to be gone (a leash reacts at once)

# Every interpreter of the gate's tree imports this `sitecustomize` (on PYTHONPATH); only checkov's driver
# started to serve scans (`driver.py -`) acts on it: while the flag exists, the first import of checkov
# says so in `preparing.<pid>` and waits — the driver held after its own start, before checkov is imported.
PREPARE_HOOK = '''\
import os
import sys
import time
from pathlib import Path

if sys.argv[:1] and sys.argv[0].endswith("checkov/driver.py") and sys.argv[1:] == ["-"]:
    class _Held:
        def find_spec(self, name, path=None, target=None):
            flag = Path(__file__).with_name("prepare.flag")
            if name == "checkov" and flag.exists():
                flag.unlink()
                flag.with_name(f"preparing.{os.getpid()}").write_text("preparing")
                time.sleep(300)
            return None

    sys.meta_path.insert(0, _Held())
'''


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GATE_SIGNING_KEY", "GATE_SIGNING_KEY_PEM") and not k.startswith("XDG_")}
    return {**env, "HOME": str(home), "PYTHONPATH": f"{REPO / 'scripts'}{os.pathsep}{REPO}",
            "PYTHONDONTWRITEBYTECODE": "1", **extra}


def _preview(out: Path, *extra: str, stack: str = "azure") -> list[str]:
    return [sys.executable, "-m", "gate", "preview", "--program", str(PROGRAM), "--stack", stack, "--out",
            str(out), "--policy-pack", str(PACK), "--format", "json", *extra]


def _wait_for(pattern: str, where: Path, proc: subprocess.Popen, tree: Tree) -> int:
    end = time.monotonic() + RUN_LIMIT
    while not (marks := sorted(where.glob(pattern))):
        assert time.monotonic() < end and proc.poll() is None, f"HANG: never reached: {tree.describe()}"
        time.sleep(0.05)
    return int(marks[0].suffix[1:])


# ------------------------------------------------------------------------------- 1. what outlives the gate
def test_checkov_driver_preparing_ends_with_a_sigkilled_gate(tmp_path) -> None:
    """The driver imports checkov and parses its graph checks (~1-2 s; minutes under a low RLIMIT_AS) before
    it reads its input, whose end was its only tie to the gate."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(PREPARE_HOOK)
    (hook / "prepare.flag").write_text("hold\n")
    env = _env(tmp_path, PYTHONPATH=f"{hook}{os.pathsep}{REPO / 'scripts'}{os.pathsep}{REPO}")
    _killed_parent_leaves_nothing(_preview(tmp_path / "out"), env, "preparing.*", hook)


FORKED_EVALUATION = """
import os, sys, time
from gate.parallel_eval import run_forked

def judging():
    open(os.path.join(sys.argv[1], f"judging.{os.getpid()}"), "w").write("judging")
    time.sleep(300)
    return []

run_forked([judging])
"""

HANGING_PROGRAM = """\
import os
import time
from pathlib import Path

import pulumi_aws as aws

aws.s3.Bucket("logs")
Path(f"hanging.{os.getpid()}").write_text("hanging")
time.sleep(300)
"""

OWN_PYTHON_WORKER = """
import sys
from pathlib import Path
from gate.runner import _spawn

options = {"python": sys.executable, "worker_path": sys.argv[2]}
_spawn(Path(sys.argv[1]), "dev", [], 600, options, "preview")
"""


def _killed_parent_leaves_nothing(argv: list[str], env: dict[str, str], pattern: str, where: Path) -> None:
    """Start `argv` (a gate, or the gate's code path that starts a child), wait for the child's mark in
    `where`, SIGKILL the parent (a CI job's timeout): the child, and every process of the tree, must end
    with it."""
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree = Tree(proc.pid)
    try:
        child = _wait_for(pattern, where, proc, tree)
        proc.kill()
        proc.wait(timeout=30)
        assert gone(child, AFTER_KILL), f"LEFT: {child} runs on: {tree.describe()}"
        assert tree.survivors(AFTER_KILL) == []
    finally:
        tree.kill_all()
        if proc.poll() is None:
            proc.kill()


def test_a_forked_evaluation_worker_ends_with_a_sigkilled_gate(tmp_path) -> None:
    """`gate.parallel_eval` forks the evaluation of a large state (and `gate.state_split` the reading of
    one): a policy that takes long, or a state read slowly, ran on for no one."""
    _killed_parent_leaves_nothing([sys.executable, "-c", FORKED_EVALUATION, str(tmp_path)], _env(tmp_path),
                                  "judging.*", tmp_path)


def test_a_recording_worker_of_the_programs_own_python_ends_with_a_sigkilled_gate(tmp_path) -> None:
    """A program with its own environment (`runtime.options.virtualenv`) is recorded by `python -m
    gate._worker` of that environment, not forked from the zygote (whose children die with it): a hanging
    program ran on after the gate, its deadline kept by the gate that was gone."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: hangs\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text(HANGING_PROGRAM)
    argv = [sys.executable, "-c", OWN_PYTHON_WORKER, str(program), str(REPO / "scripts")]
    _killed_parent_leaves_nothing(argv, _env(tmp_path), "hanging.*", program)


# ----------------------------------------------------------------- 2. checkov's own entry point, strictly
# tests/checkov/test_checkov_lean.py::test_a_graph_check_checkov_could_not_parse_fails_the_driver[checkov]
# (written first here, a0149f7b; moved beside its replay twin, the same script)


# ------------------------------------------------------------------------------ 3. nothing outside --out
def test_a_gate_run_with_checkov_writes_nothing_into_home(tmp_path) -> None:
    """checkov's update check wrote `~/.cache/checkov/update_checker_cache.json` (and asked PyPI for its
    latest release) on every import; the gate writes its signing key into HOME only when it makes one,
    which `GATE_SIGNING_KEY` here places elsewhere."""
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home, GATE_SIGNING_KEY=str(tmp_path / "key.pem"))
    done = subprocess.run(_preview(tmp_path / "out", "--cache-dir", str(tmp_path / "cache")), cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=RUN_LIMIT, check=False)
    assert done.returncode == 1 and "CKV_AZURE_44" in done.stdout, done.stderr[-2000:]
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"WRITTEN into HOME: {written}"


# ----------------------------------------------------------------------- 4. a fork that fails: RLIMIT_NPROC
_UIDS = 61000    # as root, each check runs as a user of its own (no account needed): its limit counts only it


def _reachable(path: Path) -> bool:
    """Whether a user other than the owner can execute `path` (every directory on the way searchable)."""
    real = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [real, *real.parents])


def _interpreter() -> tuple[str, str]:
    """(a Python the run can use, extra PYTHONPATH): root is exempt from RLIMIT_NPROC, so as root the run
    is made another user's (the test's own preexec, no setuid binary), who may not reach this interpreter
    (under /root): then the system's of the same version, with this environment's packages on the path."""
    if os.getuid() != 0 or _reachable(Path(sys.executable)):
        return sys.executable, ""
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    site = Path(sysconfig.get_paths()["purelib"])
    if not system.exists() or not _reachable(system) or not _reachable(site):
        pytest.skip("root is exempt from RLIMIT_NPROC; no other user can run a Python of this environment")
    return str(system), str(site)


def _limited(nproc: int, uid: int):
    def preexec() -> None:
        if os.getuid() == 0:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    return preexec


def _users_dir(uid: int) -> Path:
    where = Path(tempfile.mkdtemp(prefix="gate-r25-"))
    if os.getuid() == 0:
        os.chown(where, uid, uid)
    return where


def run_limited(nproc: int, uid: int, recorder: str, where: Path) -> tuple[subprocess.Popen, str, str]:
    """`gate preview --no-checkov` (out: `where/out`) as user `uid` under `RLIMIT_NPROC` `nproc`: the
    process, its stdout and stderr; a hang is a failure."""
    argv = _preview(where / "out", "--no-checkov", "--recorder", recorder, "--cache-dir",
                    str(where / "cache"))
    return run_as(nproc, uid, argv[1:], where)


def run_as(nproc: int, uid: int, argv: list[str], where: Path,
           **extra: str) -> tuple[subprocess.Popen, str, str]:
    """`python ARGV...` as user `uid` under `RLIMIT_NPROC` `nproc` (HOME `where/home`, environment `extra`
    added): the process, its stdout and stderr; a hang is a failure."""
    python, site = _interpreter()
    env = _env(where / "home", GATE_SIGNING_KEY="off", **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env["PYTHONPATH"], site]))
    proc = subprocess.Popen([python, *argv], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_limited(nproc, uid), start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=RUN_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"HANG: killed after {RUN_LIMIT} s") from None
    return proc, stdout, stderr


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_NPROC"), reason="no RLIMIT_NPROC here")
@pytest.mark.parametrize("recorder", ["inprocess", "process"])
@pytest.mark.parametrize("nproc", [1, 2, 4, 8, 16, 64])
def test_a_fork_that_fails_is_never_a_pass_nor_a_traceback(nproc, recorder) -> None:
    """Threads count: the gate's first thread (its stdout relay), the zygote, a recording worker, its
    recorder process (`--recorder process`) each meet the limit at some value. checkov is not run: its
    environment's interpreter is as unreachable for another user as this one."""
    uid = _UIDS + nproc + (100 if recorder == "process" else 0)
    where = _users_dir(uid)
    try:
        out = where / "out"
        proc, stdout, stderr = run_limited(nproc, uid, recorder, where)
        index = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else None
        assert "Traceback" not in stderr, f"TRACEBACK: exit {proc.returncode}; {stderr[-2000:]}"
        if proc.returncode == 0:      # the pack passes azure
            assert index is not None and index["exit"] == 0 and not json.loads(stdout)["blocked"], index
            return
        lines = stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("gate: error: "), \
            f"WRONG: exit {proc.returncode}: {lines}"
        assert index is None, f"HALF-WRITTEN: exit {proc.returncode}, run.json {index}"
    finally:
        shutil.rmtree(where, ignore_errors=True)


# ----------------------------------------------------------- 5. wildcards over a multi-tenant public suffix
def _endpoint(host: str) -> dict:
    return {"id": "x", "class": "cloud-service", "hosts": [host], "jurisdiction": "EU",
            "reason": "an endpoint the stack calls, declared for the test"}


@pytest.mark.parametrize("host", ["*.herokuapp.com", "*.co.uk", "*.github.io", "*.eu.org",
                                  "*.azurewebsites.net", "*.elb.amazonaws.com", "*.web.app"])
def test_a_wildcard_over_a_public_suffix_is_refused(host) -> None:
    """Round 23 refused wildcards over a top-level domain and a few cloud domains; every domain of the
    public-suffix list (registrants' zones, and the private section: tenants of a hosting service) is
    as wide: one declared region stood for every tenant's."""
    from policies.core.endpoints import EndpointsError, parse_endpoints

    with pytest.raises(EndpointsError, match=r"endpoints\[0\]\.hosts\[0\]"):
        parse_endpoints({"endpoints": [_endpoint(host)]}, "endpoints.yaml")


@pytest.mark.parametrize("host", ["*.vlaio.co.uk", "*.vlaanderen.be", "*.hooks.herokuapp.com",
                                  "*.s3.eu-west-1.amazonaws.com", "*.eu-west-1.elb.amazonaws.com"])
def test_a_wildcard_under_one_registrant_or_a_region_stays_allowed(host) -> None:
    from policies.core.endpoints import parse_endpoints

    assert parse_endpoints({"endpoints": [_endpoint(host)]}, "endpoints.yaml")[0].hosts == (host,)
