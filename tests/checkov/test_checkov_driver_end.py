"""A checkov driver whose gate is gone ends at once, with its scans (round 19's lead: a gate SIGKILLed
while checkov scanned left the scan, and the driver waiting for it, running for no one)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from gate.checkov import processes

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as fh:
        return [int(p) for p in fh.read().split()]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def test_a_driver_whose_input_closes_kills_its_running_scans(tmp_path: Path) -> None:
    """The scan reads a plan file that is a FIFO nobody writes: it blocks until it is killed, so only
    the driver ending its group on end of input (the gate's end) stops it."""
    stuck = tmp_path / "stuck"
    stuck.mkdir()
    os.mkfifo(stuck / "plan.json")
    driver = processes.Driver(tmp_path / "logs")
    try:
        job = driver.submit(stuck, ["terraform_plan"])
        end = time.monotonic() + 120
        while not (scans := _children(driver.proc.pid)) and time.monotonic() < end:
            time.sleep(0.05)
        assert scans, "the driver never forked the scan"
        time.sleep(1.0)      # the scan is under way (a scan of a FIFO never ends by itself)
        assert not job.done.is_set() and all(map(_running, scans))
        assert driver.proc.stdin is not None
        driver.proc.stdin.close()                       # what the gate's end does to the pipe
        driver.proc.wait(timeout=60)
        end = time.monotonic() + 30
        while any(map(_running, scans)) and time.monotonic() < end:
            time.sleep(0.05)
        assert not any(map(_running, scans)), "a scan outlived its driver"
    finally:
        driver.cancel()
