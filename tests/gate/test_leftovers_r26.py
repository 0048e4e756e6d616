"""Engine round 26: the installs the gate runs, and the limits it meets (docs/gate-red-team.md, round 26).

Round 25 left leads: the installs of checkov's tool environment and of a program's own environment ran on
after a gate killed outright; `RLIMIT_NPROC` between 5 and 12 ended the run with a line naming a worker or
blaming the program, not the limit; the project's own secret scan let checkov check for updates into
`$HOME`. Each check asks what the contract says (docs/gate.md): nothing of a gate's tree outlives it, an
environment is trusted only once complete, a limit the run hit is exit 2 with one line that names it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from processes import Tree
from test_leftovers_r25 import (
    REPO,
    _env,
    _killed_parent_leaves_nothing,
    _preview,
    _users_dir,
    _wait_for,
    run_limited,
)

pytestmark = pytest.mark.slow

# A `uv` found first on PATH (toolenv and program_env take uv from PATH): it notes each call, and with
# FAKE_UV_HOLD set it marks `installing.<pid>` and waits on a child of its own (an installer's workers);
# otherwise `venv DIR` makes DIR/bin/python, a Python that reports a current pulumi.
FAKE_UV = """\
#!/bin/sh
echo "$*" >> "$FAKE_UV_MARKS/calls"
if [ -n "$FAKE_UV_HOLD" ]; then
    sleep 300 &
    echo installing > "$FAKE_UV_MARKS/installing.$$"
    wait
fi
if [ "$1" = venv ]; then
    for last; do :; done
    mkdir -p "$last/bin"
    printf '#!/bin/sh\\necho 3.272.0\\n' > "$last/bin/python"
    chmod +x "$last/bin/python"
fi
exit 0
"""


def _fake_uv(tmp_path: Path, hold: bool) -> dict[str, str]:
    """The variables that put the fake `uv` first on PATH (marks in `tmp_path/marks`)."""
    bin_dir, marks = tmp_path / "fake-bin", tmp_path / "marks"
    bin_dir.mkdir(exist_ok=True)
    marks.mkdir(exist_ok=True)
    (bin_dir / "uv").write_text(FAKE_UV)
    (bin_dir / "uv").chmod(0o755)
    extra = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_UV_MARKS": str(marks)}
    return {**extra, "FAKE_UV_HOLD": "1"} if hold else extra


def _own_env_program(tmp_path: Path) -> Path:
    """A program with an environment of its own, made by uv from requirements.txt."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: own-env\nruntime:\n  name: python\n  options:\n"
                                         "    toolchain: uv\n    virtualenv: venv\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "requirements.txt").write_text("pulumi>=3.100,<4\npulumi-aws>=6,<8\n")
    (program / "__main__.py").write_text('import pulumi_aws as aws\n\naws.s3.Bucket("logs")\n')
    return program


# ------------------------------------------------------------------ 1. installs that outlive the gate
def test_the_install_of_a_programs_environment_ends_with_a_sigkilled_gate(tmp_path) -> None:
    """`gate preview` makes a program's own environment (`runtime.options.virtualenv`) before recording:
    `uv venv` and `uv pip install` ran to their end, with their own children, after a gate killed
    outright."""
    program = _own_env_program(tmp_path)
    argv = [sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "dev", "--out",
            str(tmp_path / "out"), "--no-checkov", "--format", "json"]
    env = _env(tmp_path, **_fake_uv(tmp_path, hold=True))
    _killed_parent_leaves_nothing(argv, env, "installing.*", tmp_path / "marks")


def test_the_install_of_checkovs_environment_ends_with_a_sigkilled_gate(tmp_path) -> None:
    """The first run with checkov makes its tool environment (`GATE_CHECKOV_ENV`, else `.tools/checkov`)."""
    env = _env(tmp_path, GATE_CHECKOV_ENV=str(tmp_path / "checkov-env"), **_fake_uv(tmp_path, hold=True))
    _killed_parent_leaves_nothing(_preview(tmp_path / "out"), env, "installing.*", tmp_path / "marks")


PREPARE = """
import sys
from pathlib import Path
from gate import program_env

program_env.prepare(Path(sys.argv[1]), Path(sys.argv[1]) / "Pulumi.yaml")
"""


def test_an_environment_whose_sync_was_killed_is_not_trusted(tmp_path, monkeypatch) -> None:
    """The marker names the requirements of the last complete sync: a sync to other requirements killed
    halfway left the old marker, so going back to the old requirements trusted a half-synced environment."""
    from gate import program_env

    program = _own_env_program(tmp_path)
    for name, value in _fake_uv(tmp_path, hold=False).items():
        monkeypatch.setenv(name, value)
    assert program_env.prepare(program, program / "Pulumi.yaml").created
    requirements = (program / "requirements.txt").read_text()
    (program / "requirements.txt").write_text(requirements + "boto3==1.35.0\n")
    held = subprocess.Popen([sys.executable, "-c", PREPARE, str(program)], cwd=REPO,
                            env=_env(tmp_path, **_fake_uv(tmp_path, hold=True)), start_new_session=True)
    tree = Tree(held.pid)
    try:
        _wait_for("installing.*", tmp_path / "marks", held, tree)
    finally:
        os.killpg(held.pid, signal.SIGKILL)
        held.wait(timeout=30)
        tree.kill_all()
    (program / "requirements.txt").write_text(requirements)
    assert program_env.prepare(program, program / "Pulumi.yaml").created, \
        "TRUSTED: an environment whose sync was killed halfway"


# ------------------------------------------------------------------------- 2. RLIMIT_NPROC's one line
@pytest.mark.skipif(not hasattr(__import__("resource"), "RLIMIT_NPROC"), reason="no RLIMIT_NPROC here")
@pytest.mark.parametrize("recorder", ["inprocess", "process"])
@pytest.mark.parametrize("nproc", [3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 20])
def test_a_process_limit_is_named_not_blamed_on_the_program(nproc, recorder) -> None:
    """Round 25 made these runs exit 2 with one line; the line named the zygote or worker left unstarted,
    or read `program failed: RuntimeError: can't start new thread` (the program's fault, to a reader)."""
    uid = 61300 + nproc + (100 if recorder == "process" else 0)
    where = _users_dir(uid)
    try:
        proc, _, stderr = run_limited(nproc, uid, recorder, where)
        if proc.returncode == 0:
            return      # the verdict (the pack passes azure): the limit was not met
        lines = stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1, f"WRONG: exit {proc.returncode}: {lines}"
        assert "RLIMIT_NPROC" in lines[0] and "program failed" not in lines[0], f"UNNAMED: {lines[0]}"
    finally:
        shutil.rmtree(where, ignore_errors=True)


# ------------------------------------------------------------------------ 3. the secret scan and HOME
def test_the_secret_scan_runs_checkov_without_its_update_check(tmp_path, monkeypatch) -> None:
    """checkov's import asks PyPI for its latest release and caches it in `~/.cache/checkov` unless told
    not to (round 25 told the gate's driver, not the project's secret scan); an inherited value is not
    the scan's to take."""
    from gate.checkov import secret_scan

    seen: dict[str, str] = {}

    def run(cmd, env, **_):
        seen.update(env)
        return subprocess.CompletedProcess(cmd, 0, stdout="[]", stderr="")

    monkeypatch.setenv("CKV_SKIP_PACKAGE_UPDATE_CHECK", "0")
    monkeypatch.setattr(secret_scan.toolenv, "ensure", lambda: tmp_path / "bin" / "python")
    monkeypatch.setattr(secret_scan.subprocess, "run", run)
    assert secret_scan.findings(tmp_path) == []
    assert seen.get("CKV_SKIP_PACKAGE_UPDATE_CHECK") == "1", "UPDATE CHECK left on"
