"""The signal handler's KeyboardInterrupt raised where Python cannot propagate it — a weakref callback, as
importlib's module-lock callback was in CI (session 43) — prints no traceback: the run still ends as
interrupted, with its one line (gate.cli._unraisable)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import os, signal, sys, weakref
from gate import cli
signal.signal(signal.SIGTERM, cli._interrupted)
if {hooked}:
    sys.unraisablehook = cli._unraisable(sys.unraisablehook)
class Held: pass
held = Held()
ref = weakref.ref(held, lambda r: os.kill(os.getpid(), signal.SIGTERM))
del held            # the callback runs, the handler raises inside it: an unraisable KeyboardInterrupt
print("signalled", cli._SIGNALLED)
raise ValueError("after")   # any other unraisable or error is still shown
"""


@pytest.mark.parametrize("hooked", [True, False])
def test_an_unraisable_interrupt_prints_no_traceback(hooked) -> None:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'scripts'}{os.pathsep}{REPO}"}
    run = subprocess.run([sys.executable, "-c", SCRIPT.format(hooked=hooked)], env=env, capture_output=True,
                         text=True, timeout=60)
    assert "signalled [15]" in run.stdout and "ValueError: after" in run.stderr
    assert ("KeyboardInterrupt" in run.stderr) is not hooked   # unhooked: Python's "Exception ignored"
