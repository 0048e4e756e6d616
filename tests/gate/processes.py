"""Process checks shared by the engine's tests, and what they normalise before comparing runs."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
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


# ------------------------------------------------------------------------------------ the process tree
def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Tree:
    """Every process the gate's tree held while it ran (pid, start time: a reused pid is not ours)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, tuple[str, int]] = {}     # pid -> (start time, parent)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _scan(self) -> None:
        parents: dict[int, list[int]] = {}
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _stat(int(entry))) is not None:
                stats[int(entry)] = stat
                parents.setdefault(int(stat[1]), []).append(int(entry))
        todo = [self.root, *(p for p in self.seen if p in stats)]
        while todo:
            pid = todo.pop()
            if pid in stats and (pid not in self.seen or self.seen[pid][0] == stats[pid][19]):
                if pid not in self.seen:
                    self.seen[pid] = (stats[pid][19], int(stats[pid][1]))
                todo += [c for c in parents.get(pid, []) if c not in self.seen]

    def _watch(self) -> None:
        while not self._stop.is_set():
            self._scan()
            time.sleep(0.05)

    def alive(self) -> list[int]:
        """Processes of the tree still running (a zombie counts as gone)."""
        out = []
        for pid, (start, _) in list(self.seen.items()):   # the watch thread adds while this reads
            stat = _stat(pid)
            if stat is not None and stat[19] == start and stat[0] not in ("Z", "X"):
                out.append(pid)
        return out

    def wait_for(self, test, what: str, seconds: float = 90) -> int:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for pid in list(self.seen):
                if pid != self.root and pid in self.alive() and test(pid):
                    return pid
            time.sleep(0.05)
        raise AssertionError(f"no {what} appeared in the gate's tree: {self.describe()}")

    def describe(self) -> list[str]:
        return [f"{pid} (parent {parent}): {cmdline(pid)[:100]}"
                for pid, (_, parent) in list(self.seen.items())]

    def survivors(self, grace: float = 5.0) -> list[str]:
        end = time.monotonic() + grace
        while self.alive() and time.monotonic() < end:
            time.sleep(0.1)
        return [f"{pid}: {cmdline(pid)[:100]}" for pid in self.alive()]

    def kill_all(self) -> None:
        self._stop.set()
        for pid in self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def untimed(value):
    """A recorded JSON value without its `time` fields: two runs of one program differ only there."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k != "time"}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value
