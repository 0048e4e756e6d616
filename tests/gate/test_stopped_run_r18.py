"""Engine round 18: round 17's leads on a stopped run (docs/gate-red-team.md, round 18).

A recording worker SIGKILLed while its sibling recording (the same stack's update) hangs: the gate fails
(exit 2, one line, nothing of the run in `--out`) within seconds, not once the sibling's program deadline
passes. The helpers and the test program are round 17's (tests/gate/test_stopped_run_r17.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_stopped_run_r17 import _check_stopped, _preview, _stop, world  # noqa: F401 - `world` is a fixture

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PROMPT = 60.0     # seconds from the kill to the gate's exit: far below the sibling's deadline (300 s), what
                  # the gate waited for before round 18; generous for a loaded 2-CPU host (round 19)


def test_a_killed_recording_worker_fails_the_run_promptly(world, tmp_path) -> None:  # noqa: F811
    out = tmp_path / "out"
    args = _preview(world, "hang", out, "--no-checkov", "--recorder", "process", "--program-timeout", "300")
    killed = {}

    def kill(_proc, pid):
        os.kill(pid, signal.SIGKILL)
        killed["at"] = time.monotonic()

    code, stderr, survivors, _ = _stop(world, ["gate", *args], out, "hanging", kill)
    took = time.monotonic() - killed["at"]
    _check_stopped(code, stderr, survivors, out, gate_killed=False)
    assert "recording worker" in stderr, stderr
    assert took < PROMPT, f"the gate failed {took:.0f} s after its worker was killed"


# ------------------------------------------- the window between a child's start and its tie to the parent
def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _orphan_after(parent_script: str, tmp_path: Path, window: float) -> tuple[bool, bool]:
    """Run `parent_script` (it starts a child, writes the child's pid to `pid`, and dies at once, SIGKILL:
    inside the child's `window`); (the child alive `window` + 5 s later, the child ran past its tie)."""
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{REPO / 'scripts'}:{REPO}", "R18_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", parent_script], env=env, timeout=60, check=False)
    assert proc.returncode == -signal.SIGKILL
    pid = int((tmp_path / "pid").read_text())
    try:
        time.sleep(window + 5)
        return _alive(pid), (tmp_path / "ran").exists()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


FORKED = """\
import os, signal, time
from pathlib import Path
from gate.procs import die_with_parent
d = Path(os.environ["R18_DIR"])
parent = os.getpid()
pid = os.fork()
if pid == 0:
    time.sleep(1.0)            # the window: the parent dies here
    die_with_parent(parent)
    (d / "ran").write_text("ran")
    time.sleep(60)
    os._exit(0)
(d / "pid").write_text(str(pid))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_forked_child_whose_parent_died_before_its_tie_does_not_run_on(tmp_path) -> None:
    """A zygote's recording worker, a worker's recorder (gate.procs.die_with_parent after the fork)."""
    assert _orphan_after(FORKED, tmp_path, 1.0) == (False, False)


LEASHED = """\
import os, signal
from pathlib import Path
from gate import leash
d = Path(os.environ["R18_DIR"])
proc = leash.popen("r18_sleeper", start_new_session=True)
(d / "pid").write_text(str(proc.pid))
os.kill(os.getpid(), signal.SIGKILL)
"""
SITE = "import time\ntime.sleep(2.0)   # before the leash's prologue runs: the window\n"
SLEEPER = ("from pathlib import Path\nimport os, time\n"
           "(Path(os.environ['R18_DIR']) / 'ran').write_text('x')\ntime.sleep(60)\n")


@pytest.mark.parametrize("mode", ["kill", "term"])
def test_a_leashed_child_whose_parent_died_before_its_leash_does_not_run_on(tmp_path, mode) -> None:
    """A pack server, the gate under `evidence export` (gate.leash): the parent dies while the child's
    interpreter starts (a `sitecustomize` that sleeps), before the prologue reads its leash."""
    (tmp_path / "sitecustomize.py").write_text(SITE)
    (tmp_path / "r18_sleeper.py").write_text(SLEEPER)
    script = LEASHED.replace('"r18_sleeper"', f'"r18_sleeper", mode="{mode}"')
    alive, _ = _orphan_after(script, tmp_path, 2.0)
    assert not alive
