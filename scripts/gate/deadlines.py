"""Deadlines of everything the gate waits for, and the watchdog that enforces them in-process.

A policy that never returns must become a finding, not a hung CI job. In-process, a watchdog thread
notices a policy call that made no progress past its deadline and interrupts the main thread with a
real signal (so even `time.sleep` is interrupted); the call then raises DeadlineExceeded, which the
policy host turns into a mandatory violation of that policy.
"""

from __future__ import annotations

import os
import posix
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# Defaults (seconds), overridable on the command line or with GATE_<NAME>_TIMEOUT.
DEFAULTS = {"program": 600.0, "pack_start": 60.0, "policy": 10.0, "configure": 30.0, "checkov": 900.0}


@dataclass(frozen=True)
class Deadlines:
    """Seconds allowed for: a program run (per stack), a pack to start/load, one policy call, the
    gRPC Configure/GetAnalyzerInfo calls of a pack, and the whole checkov scan."""

    program: float = DEFAULTS["program"]
    pack_start: float = DEFAULTS["pack_start"]
    policy: float = DEFAULTS["policy"]
    configure: float = DEFAULTS["configure"]
    checkov: float = DEFAULTS["checkov"]

    @classmethod
    def from_env(cls, **overrides: float | None) -> Deadlines:
        """Defaults, then GATE_<NAME>_TIMEOUT environment variables, then explicit overrides."""
        from gate.env_values import seconds

        values: dict[str, float] = {}
        for name in DEFAULTS:
            values[name] = seconds(f"GATE_{name.upper()}_TIMEOUT", DEFAULTS[name])
            if overrides.get(name) is not None:
                values[name] = float(overrides[name])  # type: ignore[arg-type]
        return cls(**values)


class DeadlineExceeded(BaseException):
    """Raised inside a guarded call that ran past its deadline (a BaseException: `except Exception`
    in a policy cannot swallow it)."""


class Watchdog:
    """Interrupts the main thread when a guarded call makes no progress for `seconds`.

    The hot loop only bumps `seq` (one attribute write per call); the thread polls it. A call that
    swallows the interruption is interrupted again each `seconds`; after three times the gate gives up
    with the internal-error exit code rather than hang.
    """

    GIVE_UP_AFTER = 3

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.seq = 0
        self.busy = False
        self.fired = 0
        self.target = -1
        self._stop = threading.Event()
        self._main = threading.main_thread().ident
        self._poll = max(0.01, min(0.1, seconds / 4))

    def _run(self) -> None:
        last, since, strikes = -1, time.monotonic(), 0
        while not self._stop.wait(self._poll):
            seq, busy = self.seq, self.busy
            now = time.monotonic()
            if seq != last or not busy:
                last, since, strikes = seq, now, 0
                continue
            if now - since >= self.seconds * (strikes + 1):
                strikes += 1
                if strikes > self.GIVE_UP_AFTER:
                    os.write(2, b"gate: internal error: a policy ignored its deadline; giving up\n")
                    _hard_exit(INTERNAL_ERROR)
                self.fired += 1
                self.target = seq
                signal.pthread_kill(self._main, _SIGNAL)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gate-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop and join: no signal may arrive once the handler is restored (SIGUSR2 would kill)."""
        self._stop.set()
        self.busy = False
        self._thread.join()


INTERNAL_ERROR = 3
_SIGNAL = signal.SIGUSR2
_hard_exit = posix._exit   # the real one, even while no_hard_exit() is active


@contextmanager
def watchdog(seconds: float) -> Iterator[Watchdog | None]:
    """A running Watchdog while in the main thread (None elsewhere: no way to interrupt it there)."""
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    dog = Watchdog(seconds)

    def interrupt(signum: int, frame: Any) -> None:
        if dog.busy and dog.seq == dog.target:   # still the call that overran, not the next one
            raise DeadlineExceeded

    previous = signal.signal(_SIGNAL, interrupt)
    dog.start()
    try:
        yield dog
    finally:
        dog.stop()
        signal.signal(_SIGNAL, previous)


_KEPT: set[int] = set()   # processes whose refusal outlives the packs' run (keep_refusing_hard_exit)


def keep_refusing_hard_exit() -> None:
    """For the gate's own process (gate.cli): a thread that pack code started can call `os._exit` after the
    packs ran (CI, session 43: `pack-thread-exit0`'s woke once the evaluation was over and ended the gate
    with exit 0), so once refused it stays refused there. Embedded use (a test's process) gets it back."""
    _KEPT.add(os.getpid())


def _refusal(owner: int | None) -> Any:
    """An `os._exit` that raises SystemExit instead: in every process (`owner` None: while packs run, the
    evaluation's forked workers included), or only in `owner` (a fork the gate makes later exits)."""
    def refuse(code: int = 0) -> None:
        if owner is not None and os.getpid() != owner:
            _hard_exit(code)
        raise SystemExit(f"os._exit({code!r}) called")
    return refuse


@contextmanager
def no_hard_exit() -> Iterator[None]:
    """`os._exit` from pack code would end the gate with the pack's chosen code (exit 0 = fail open):
    while packs run in-process it raises SystemExit instead, which the host judges as a failure (in a
    thread, SystemExit ends only that thread)."""
    real = os._exit
    os._exit = posix._exit = _refusal(None)  # type: ignore[assignment]
    try:
        yield
    finally:
        kept = os.getpid() in _KEPT
        os._exit = posix._exit = _refusal(os.getpid()) if kept else real  # type: ignore[assignment]
