"""The CI flake of sessions 36/37: a raw `_thread` thread the kernel had not yet run when the recording
ended was in no list the gate read, so a program on a loaded host passed with it (gate.thread_states).
The window is caught by pinning the starting thread to one CPU, where a new thread mostly waits its turn."""

from __future__ import annotations

import _thread
import contextlib
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from gate import deferred, thread_states
from gate.errors import ProgramError


@contextlib.contextmanager
def _one_cpu() -> Iterator[None]:
    mask = os.sched_getaffinity(0)   # pid 0: this thread only (Linux); threads it starts inherit it
    os.sched_setaffinity(0, {min(mask)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, mask)


def _start_unseen(release: threading.Event) -> None:
    """Start raw threads until one is caught before `sys._current_exceptions` shows it (the caller goes on
    pinned, so mostly before the thread runs)."""
    for _ in range(500):
        if _thread.start_new_thread(release.wait, ()) not in sys._current_exceptions():
            return
    pytest.fail("no raw thread was caught before it ran (500 tries on one CPU)")


def test_a_thread_not_yet_run_is_counted_and_one_running_is_not():
    release = threading.Event()
    try:
        assert thread_states.unborn() == 0
        with _one_cpu():
            # The caught thread may be run between the catch and the count (CI, session 49: 0 once in
            # 13,000 tests); a working count sees one of these tries, a broken one none.
            for _ in range(50):
                _start_unseen(release)
                if (seen := thread_states.unborn()) >= 1:
                    break
        assert seen >= 1
    finally:
        release.set()
    waiting = threading.Thread(target=threading.Event().wait, args=(0.5,))
    waiting.start()
    assert thread_states.unborn() == 0   # a running thread is shown under its own ident
    waiting.join()


def _caught_and_refused() -> str | None:
    """One try: None when the thread caught before it ran is refused, else what the check saw."""
    release = threading.Event()
    settling = deferred.Settling(lambda: None)
    settling.states = deferred._settled_states()
    try:
        with _one_cpu():
            _start_unseen(release)
            try:
                settling._check_unlisted()
            except ProgramError as exc:
                assert re.search(r"started with _thread.start_new_thread \(\S*wait at ", str(exc)), exc
                return None
            return f"unborn {thread_states.unborn()}, unlisted {deferred._unlisted(settling.states)}"
    finally:
        release.set()


def test_a_raw_thread_caught_before_it_runs_is_refused():
    """Three tries, one miss allowed: code that does not wait for such a thread misses some 19 tries in 20
    (a thread caught unborn mostly still is when the check runs). Session 44: CI once missed the one try
    this test had; the walk that counted the states could stop short where a thread ended meanwhile."""
    misses = [missed for missed in (_caught_and_refused() for _ in range(3)) if missed is not None]
    assert len(misses) <= 1, misses


def test_nothing_left_running_is_not_refused():
    settling = deferred.Settling(lambda: None)
    settling.states = deferred._settled_states()
    settling._check_unlisted()


CHURN = """import threading, time
from gate import thread_states

stop = threading.Event()


def churn():
    while not stop.is_set():
        started = [threading.Thread(target=time.sleep, args=(0.001,)) for _ in range(20)]
        for thread in started:
            thread.start()
        for thread in started:
            thread.join()


for _ in range(2):
    threading.Thread(target=churn, daemon=True).start()
end = time.monotonic() + {seconds}
while time.monotonic() < end:
    thread_states.states()
    thread_states.unborn()
stop.set()
print("read")
"""


def test_threads_ending_while_they_are_read_are_no_crash():
    """Session 44: the kernel id was read in the C library's thread struct (`pthread_getcpuclockid`) and the
    states counted one call each; a thread ending between two calls took the struct with it (segfault within
    a second here). In a child process, so a crash fails this test instead of its pytest worker."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "PYTHONFAULTHANDLER": "1"}
    proc = subprocess.run([sys.executable, "-c", CHURN.format(seconds=3)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout == "read\n", proc.stderr[-3000:]
