"""Round 47 (docs/gate-red-team.md): what another recording left, learnt by changing it; signals a program
sends; what would end or replace the gate's own process from a pack's thread.

Round 46 refused a stat or a listing of what another recording of the run left, but any write event in the
program's directory made the file the recording's own, whether or not another recording had left it: a
failed `os.mkdir` or `O_EXCL` open told that it was there, and an append, an `r+` open, a rename or a link
made another recording's bytes readable. `os.kill`, `os.killpg` and `signal.pthread_kill` were heard by no
hook. In the gate's own process, `os._exit` stays refused after the packs ran, but libc's `_exit` through
ctypes and `os.execv` did not. The corpus programs (`evil/leak-mkdir-*`, `leak-open-*`, `leak-append-*`,
`leak-rename-*`, `leak-link-*`, `kill-*`, `pthread-kill-*`, `pack-ctypes-*`, `pack-execv-*`) go end to end;
these check the decisions one by one.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from gate import left_behind, process_ends, side_effect_kinds


@pytest.fixture
def another(tmp_path: Path) -> tuple[Path, int]:
    """A file and a directory another recording left: both changed at or after `since`."""
    (tmp_path / "left").mkdir()
    (tmp_path / "left" / "eu-west-1").write_text("eu-west-1")
    (tmp_path / "note.txt").write_text("eu-west-1")
    since = min(left_behind.changed_ns(p.stat()) for p in tmp_path.rglob("*"))
    return tmp_path, since


def _over(event: str, target: Path, since: int, flags: int = 0) -> str | None:
    return left_behind.over(event, (str(target), None, flags), str(target), since, set(), {})


def test_a_write_that_tells_or_keeps_another_recordings_file_is_refused(another):
    root, since = another
    note = root / "note.txt"
    assert "another recording" in _over("open", note, since, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    assert "reading too" in _over("open", note, since, os.O_RDWR)
    assert _over("open", note, since, os.O_WRONLY | os.O_APPEND) == left_behind.KEPT   # still another's
    for event in ("os.rename:from", "os.link:from", "os.link:to", "os.remove", "os.chmod", "os.utime"):
        assert "another recording" in _over(event, note, since), event
    assert "another recording" in _over("os.mkdir", root / "left", since)   # bare: its failure tells


def test_a_write_that_replaces_it_or_what_is_older_or_own_stays_the_recordings(another):
    root, since = another
    note = root / "note.txt"
    assert _over("open", note, since, os.O_WRONLY | os.O_CREAT | os.O_TRUNC) is None
    assert _over("os.rename:to", note, since) is None
    assert _over("os.mkdir", root / "absent", since) is None
    assert _over("open", note, left_behind.changed_ns(note.stat()) + 1, os.O_RDWR) is None   # before the run
    assert left_behind.over("open", (str(note), "r+", os.O_RDWR), str(note), since, {str(note)}, {}) is None


def test_a_mkdir_whose_failure_exist_ok_swallows_is_let_through_unowned(another, monkeypatch):
    root, since = another
    seen: list[str | None] = []

    def heard(path, mode=0o777, **kwargs):   # where the watch hears os.mkdir: its audit event
        seen.append(_over("os.mkdir", Path(os.path.abspath(path)), since))
        raise FileExistsError(path)

    monkeypatch.setattr(os, "mkdir", heard)
    os.makedirs(root / "left", exist_ok=True)
    Path(root / "left").mkdir(exist_ok=True)
    with pytest.raises(FileExistsError):
        os.makedirs(root / "left")
    assert seen[:2] == [left_behind.KEPT, left_behind.KEPT] and "another recording" in seen[2]

    class Lying(type(Path())):   # a subclass re-raising the error (is_dir: False) tells it: refused
        def is_dir(self):
            return False

    with pytest.raises(FileExistsError):
        Lying(root / "left").mkdir(exist_ok=True)
    assert "another recording" in seen[3]


def test_the_is_dir_after_an_exist_ok_mkdir_is_let_through_for_its_path_only(tmp_path, monkeypatch):
    asked: list[bool] = []
    real_stat = os.stat

    def probed(path, *args, **kwargs):   # as the stat probes raise `gate.probe` with the absolute path
        asked.append(left_behind.in_makedirs("gate.probe", os.path.abspath(path)))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", probed)
    (tmp_path / "d").mkdir()
    Path(tmp_path / "d").mkdir(exist_ok=True)
    Path(tmp_path / "d").is_dir()
    assert asked == [True, False]


def test_signals_to_other_processes_are_refused_but_asking_whether_it_lives():
    assert side_effect_kinds.signal_sent("os.kill", (os.getpid(), 0)) is None
    assert side_effect_kinds.signal_sent("signal.pthread_kill", (threading.get_ident(), 0)) is None
    assert "SIGTERM to process" in side_effect_kinds.signal_sent("os.kill", (os.getppid(), signal.SIGTERM))
    assert "to process" in side_effect_kinds.signal_sent("os.kill", (os.getppid(), 0))   # another's: a probe
    assert "SIGUSR1 to process" in side_effect_kinds.signal_sent("os.kill", (os.getpid(), signal.SIGUSR1))
    assert "process group" in side_effect_kinds.signal_sent("os.killpg", (0, signal.SIGCONT))
    assert "SIGUSR2 to thread" in side_effect_kinds.signal_sent(
        "signal.pthread_kill", (threading.get_ident(), signal.SIGUSR2))


def test_what_ends_the_gates_process_is_refused_there_only(monkeypatch):
    monkeypatch.setattr(process_ends, "_OWNER", [os.getpid()])
    monkeypatch.setattr(process_ends, "_TRIED", [])
    for event, args in (("ctypes.dlsym", (object(), "_exit")), ("ctypes.dlsym/handle", (0, b"Py_Exit")),
                        ("os.exec", ("/bin/true", ["true"], None))):
        with pytest.raises(PermissionError):
            process_ends._hook(event, args)
    process_ends._hook("ctypes.dlsym", (object(), "getpid"))   # ends nothing
    assert len(process_ends.tried()) == 3
    monkeypatch.setattr(process_ends, "_OWNER", [os.getpid() + 1])   # a process the gate forked
    process_ends._hook("os.exec", ("/bin/true", ["true"], None))
    assert len(process_ends.tried()) == 3


DEAD_STARTER = """
import _thread, os, sys, threading, time
from gate import thread_states
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
def starter():
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)   # what it starts inherits it
    _thread.start_new_thread(time.sleep, (0.2,))
first = threading.Thread(target=starter)
first.start()
first.join()
busy = time.perf_counter() + 0.002
while time.perf_counter() < busy:
    pass
stale = first.ident in sys._current_exceptions() and thread_states.kernel_thread(first.ident) is None
print(int(stale), thread_states.unborn())
"""


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux: a thread pinned with its starter")
def test_a_thread_whose_starter_ended_before_it_began_is_unborn(tmp_path):
    """Lead 5: in 3.11 the state of a `_thread` thread not yet run holds its starter's ident; once the
    starter ended that ident was unique, so `unborn()` counted 0 (3 of 5 tries here showed such a state)."""
    import subprocess
    import sys

    seen = 0
    for _ in range(12):
        out = subprocess.run([sys.executable, "-c", DEAD_STARTER], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}).stdout.split()
        if out[0] == "1":
            seen += 1
            assert int(out[1]) >= 1, out
        if seen >= 2:
            break
    if not seen:
        pytest.skip("the kernel ran every new thread before the check (no state under an ended ident)")
