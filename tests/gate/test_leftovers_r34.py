"""Engine round 34: what round 33 left of the program's own environment (docs/gate-red-team.md, round 34).

Round 33 found that a program environment's Python runs the program's code at its start — a
`sitecustomize`, an `import` line of a `.pth` file — before any gate code. What the stack cache keys an
entry by is what the recording worker read once its read tracker started: the startup code is not among
it. An environment whose startup code changed (what `pulumi up` would run first, on every deploy) must not
be answered by a verdict recorded without it. The contract (docs/gate-performance.md, the stack cache): an
entry answers only when nothing the verdict depends on has changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fence_marks import mark_line, marks
from test_leftovers_r25 import REPO, RUN_LIMIT, _env
from test_leftovers_r33 import _program

pytestmark = pytest.mark.slow


def _startup(tmp_path: Path) -> str:
    """Marks `ran.<pid>` in `tmp_path` in every interpreter of the environment but the version probe's;
    through `fence_marks` (round 46: the environment's startup code runs under the write fence)."""
    return mark_line(tmp_path, "ran", skip_probe=True)


def _environment(tmp_path: Path) -> tuple[Path, Path]:
    """Round 33's program (its own `.venv`, the gate's packages through a `.pth`), its hook inert; the
    environment's site-packages."""
    program = _program(tmp_path, in_probe=True)
    (tmp_path / "hook.flag").unlink()   # round 33's hook does nothing without its flag
    return program, next((program / ".venv" / "lib").glob("python3*/site-packages"))


def _preview(program: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "dev", "--out",
            str(tmp_path / "out"), "--no-checkov", "--format", "json"]
    with marks(tmp_path):
        proc = subprocess.run(argv, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True,
                              timeout=RUN_LIMIT)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return proc


def _ran(tmp_path: Path) -> int:
    return len(list(tmp_path.glob("ran.*")))


CHANGES = {
    "sitecustomize-added": lambda site, line: (site / "sitecustomize.py").write_text(line + "\n"),
    "pth-import-added": lambda site, line: (site / "zz-hook.pth").write_text(line + "\n"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_startup_code_added_to_the_environment_is_recorded_again(tmp_path, change) -> None:
    """A second run after code was added to the environment's start: the stack cache answered with the
    first run's verdict, and the code `pulumi up` would run first never ran under the gate."""
    program, site = _environment(tmp_path)
    _preview(program, tmp_path)
    assert _ran(tmp_path) == 0
    CHANGES[change](site, _startup(tmp_path))
    _preview(program, tmp_path)
    assert _ran(tmp_path) > 0, "the cache answered for an environment whose startup code changed"


def test_startup_code_changed_in_the_environment_is_recorded_again(tmp_path) -> None:
    """The hook there from the start, then edited: its change must be seen as well as its arrival."""
    program, site = _environment(tmp_path)
    hook = site / "sitecustomize.py"
    hook.write_text(_startup(tmp_path) + "\n")
    _preview(program, tmp_path)
    first = _ran(tmp_path)
    hook.write_text(_startup(tmp_path) + "\n# edited\n")
    _preview(program, tmp_path)
    assert _ran(tmp_path) > first, "the cache answered for an environment whose startup code changed"


def test_an_unchanged_environment_is_answered_by_the_cache(tmp_path) -> None:
    """Compliant: nothing changed, the second run is the cache's (no worker starts)."""
    program, site = _environment(tmp_path)
    (site / "sitecustomize.py").write_text(_startup(tmp_path) + "\n")
    _preview(program, tmp_path)
    first = _ran(tmp_path)
    assert first > 0
    _preview(program, tmp_path)
    assert _ran(tmp_path) == first, "an unchanged environment was recorded again"


def test_an_environment_made_of_another_interpreter_is_recorded_again(tmp_path) -> None:
    """Written after the first fix (the cache then answered an own environment at all): `pyvenv.cfg`,
    read by the interpreter before any Python code (the base Python, its version), changed — the stdlib
    modules the first run loaded are still there, unchanged."""
    program, site = _environment(tmp_path)
    (site / "sitecustomize.py").write_text(_startup(tmp_path) + "\n")
    _preview(program, tmp_path)
    first = _ran(tmp_path)
    cfg = program / ".venv" / "pyvenv.cfg"
    cfg.write_text(cfg.read_text() + "prompt = another\n")
    _preview(program, tmp_path)
    assert _ran(tmp_path) > first, "the cache answered for an environment made of another interpreter"
