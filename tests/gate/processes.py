"""Process checks shared by the engine's tests, and what they normalise before comparing runs."""

from __future__ import annotations

import signal
import time
from pathlib import Path


def blocked(*signals: int):
    """A `preexec_fn` that starts the child with `signals` blocked (a mask exec keeps)."""
    return lambda: signal.pthread_sigmask(signal.SIG_BLOCK, signals)


def gone(pid: int, wait: float = 5.0) -> bool:
    """Not running (a zombie awaiting its reaper counts as gone); SIGKILL delivery may take a moment."""
    end = time.monotonic() + wait
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.1)


def untimed(value):
    """A recorded JSON value without its `time` fields: two runs of one program differ only there."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k != "time"}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value
