"""Attempts of a program told by their arguments, not by a path it changes (gate.side_effects).

A SQLite database in a file (round 42): SQLite reads and writes it in C code no hook hears. A signal sent
(round 47): `os.kill`, `os.killpg` and `signal.pthread_kill` reach the gate's own processes (the zygote,
the gate, a sibling recording, checkov's scans) and the machine's: a program that stops, interrupts or
kills one fails or stalls the run for a cause no one named, or tells a process of the deploying machine
something. Only asking whether its own process lives (signal 0 to itself or one of its threads) is let
through; a signal the program raises in itself (`signal.raise_signal`) is heard by no hook and is its own.
"""

from __future__ import annotations

import contextlib
import os
import signal
from typing import Any

SIGNALS = ("os.kill", "os.killpg", "signal.pthread_kill")
_WHOM = {"os.kill": "process", "os.killpg": "process group", "signal.pthread_kill": "thread"}


def database(database: Any) -> str | None:
    """What opening a SQLite database is, or None for one in memory."""
    with contextlib.suppress(TypeError):
        database = os.fsdecode(database)
    if database in ("", ":memory:") or str(database).startswith("file::memory:"):
        return None
    return (f"open the SQLite database {database} (read and written by C code no hook hears: keep what the "
            "program reads in a JSON or YAML file)")


def signal_sent(event: str, args: tuple[Any, ...]) -> str | None:
    """What sending a signal is (`args`: the process, group or thread, then the signal), or None for
    asking whether the program's own process or one of its threads lives (signal 0)."""
    target, number = (*args, None, None)[:2]
    if number == 0 and (event == "signal.pthread_kill" or (event == "os.kill" and target == os.getpid())):
        return None
    try:
        name = signal.Signals(number).name
    except (ValueError, TypeError):
        name = repr(number)
    return (f"send the signal {name} to {_WHOM.get(event, 'process')} {target!r} ({event}): the gate's own "
            "processes and the machine's are no program's to signal")
