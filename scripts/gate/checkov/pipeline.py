"""checkov over a run's stacks as they come: each stack scanned once it is recorded, while the later
stacks of the chain are still being recorded, rather than all of them after the last one.

The scans run one after another in one thread, all forks of one checkov driver (imported once), so a
stack's outcome is the one a scan of all stacks gives it (checkov judges each connected component of a
view on its own, and a stack's views hold only its resources). The blocking list, the waivers and the
project's triage are applied when the verdict is made (`result`), as `scan_stacks` applies them: their
hooks read the records the gate points the packs to while it judges.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from gate.checkov.findings import StackScan
from gate.checkov.parallel import FRAMEWORKS
from gate.checkov.processes import LOGS, Drivers
from gate.checkov.runner import judged, scan_outcomes


class StackScans:
    """`add(stack, state)` starts a stack's scan; `result()` waits for all of them (re-raising the first
    error, in the order the stacks were added) and judges them; `close()` ends the driver and what it
    still runs."""

    def __init__(self, work: Path, deadline: float, *, waivers: str = "", triage: str = "",
                 hook_dir: Path | None = None, cache_dir: Path | None = None, check: Any = None) -> None:
        """`check(stack, state)` runs in the scan's thread before the export (the gate validates a
        recorded checkpoint there: checkov reads nothing the gate has not checked)."""
        self.work, self.waivers, self.hook_dir, self.cache_dir = work, waivers, hook_dir, cache_dir
        self.triage = triage
        self.check = check
        self.drivers = Drivers(work / "checkov" / LOGS, FRAMEWORKS, deadline)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate-checkov")
        self._scans: dict[str, Future[dict[str, Any]]] = {}
        self._began: float | None = None
        self._ended = 0.0

    def add(self, stack: str, state: dict[str, Any]) -> None:
        if self._began is None:
            self._began = time.perf_counter()
        self._scans[stack] = self._pool.submit(self._scan, stack, state)

    def _scan(self, stack: str, state: dict[str, Any]) -> dict[str, Any]:
        try:
            if self.check is not None:
                self.check(stack, state)
            return scan_outcomes({stack: state}, self.work, cache_dir=self.cache_dir,
                                 drivers=self.drivers)[stack]
        finally:
            self._ended = time.perf_counter()

    def result(self) -> dict[str, StackScan]:
        """Every added stack's findings and runs; the driver is ended once all scans are in."""
        try:
            kept = {stack: scan.result() for stack, scan in self._scans.items()}
        finally:
            self.close()
        return judged(kept, waivers=self.waivers, triage=self.triage, hook_dir=self.hook_dir)

    def seconds(self) -> float:
        """Wall time from the first scan's start to the last one's end (it overlaps the recording)."""
        return max(0.0, self._ended - self._began) if self._began is not None else 0.0

    def close(self) -> None:
        """Scans not started are dropped, the driver ended (a running scan fails at once), its thread
        joined: nothing writes into the run's directory after the gate leaves it."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.drivers.close()
        self._pool.shutdown(wait=True)
