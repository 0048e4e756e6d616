"""checkov driver processes (``driver.py`` in checkov's environment), each in its own process group.

Importing checkov is most of a small scan (~2.5 s of CPU, whatever the input). A `Driver` is started
with ``-`` before the gate knows what to scan: it imports checkov while the gate exports and cuts the
views, then takes one directory. A run that needs no scan kills it unused. `gate analyze` starts one
even earlier (`early_driver`): before it reads the state, so the import overlaps reading and judging it;
`gate preview` before it runs the programs (`start_early`).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from gate.checkov.toolenv import ensure as checkov_python
from gate.checkov.toolenv import ready as toolenv_ready
from gate.errors import GateError
from gate.procs import kill_group, register_child

DRIVER = Path(__file__).with_name("driver.py")
_SUFFIXES = {"terraform_plan": ".tfplan.json", "arm": ".arm.json"}


def frameworks_in(directory: Path, frameworks: tuple[str, ...]) -> list[str]:
    """The frameworks with a file to scan under `directory` (a framework without files finds nothing)."""
    found = [f for f in frameworks if f not in _SUFFIXES or any(directory.rglob(f"*{_SUFFIXES[f]}"))]
    return found or list(frameworks)


def _env() -> dict[str, str]:
    env = {**os.environ, "LOG_LEVEL": "ERROR", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
           "BC_SKIP_MAPPING": "TRUE", "CKV_NO_TELEMETRY": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("BC_API_KEY", None)
    return env


class Driver:
    """One driver process, started now, given its directory later (`run`) or killed unused (`cancel`)."""

    def __init__(self, logs: Path | None) -> None:
        """Logs in `logs/stdout` and `logs/stderr`; `None`: in unnamed temporary files (an early driver,
        started before the run has a directory: no exit, however abrupt, leaves files behind)."""
        if logs is None:
            self._files: list[IO[bytes]] = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]  # noqa: SIM115
            cwd = Path(tempfile.gettempdir())
        else:
            logs.mkdir(parents=True, exist_ok=True)
            self._files = [(logs / "stdout").open("w+b"), (logs / "stderr").open("w+b")]
            cwd = logs
        self.logs = logs
        # stdout/stderr to files: a grandchild that keeps them open cannot hang the gate
        self.proc = subprocess.Popen([str(checkov_python()), str(DRIVER), "-"], cwd=cwd, env=_env(),
                                     stdin=subprocess.PIPE, stdout=self._files[0], stderr=self._files[1],
                                     start_new_session=True)
        register_child(self.proc)

    def run(self, directory: Path, frameworks: list[str], timeout: float) -> list[dict[str, Any]]:
        """checkov's reports (one per framework, the fields the gate reads) over `directory`."""
        try:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"directory": str(directory),
                                                  "frameworks": frameworks}).encode() + b"\n")
                self.proc.stdin.close()
            except BrokenPipeError:   # it died while starting: its exit code and stderr say why
                pass
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GateError(f"checkov: did not finish within {timeout:g} s (checkov deadline; "
                            "--checkov-timeout)") from None
        finally:
            kill_group(self.proc)   # also what checkov left running
            stdout, stderr = (self._read(fh) for fh in self._files)
            self._close()
        return _reports(code, stdout, stderr, directory)

    def cancel(self) -> None:
        kill_group(self.proc)
        self._close()

    def _close(self) -> None:
        for fh in self._files:
            fh.close()

    @staticmethod
    def _read(fh: IO[bytes]) -> str:
        if fh.closed:
            return ""
        fh.seek(0)
        return fh.read().decode("utf-8", errors="replace")


def _reports(code: int, stdout: str, stderr: str, directory: Path) -> list[dict[str, Any]]:
    out = stdout.strip()
    start = min((i for i in (out.find("["), out.find("{")) if i >= 0), default=-1)
    if code != 0 or start < 0:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        raise GateError(f"checkov: failed on {directory} (exit {code}): {tail}")
    try:
        data = json.loads(out[start:])
    except ValueError:   # cut short or garbled: nothing of it can be trusted
        head = out[start:start + 80]
        raise GateError(f"checkov: unreadable answer on {directory} (exit {code}): {head!r}") from None
    reports = data if isinstance(data, list) else [data]
    return [r for r in reports if isinstance(r, dict) and "results" in r]


class Drivers:
    """The driver processes of one scan: the first started early (`prestart`), the rest on demand."""

    def __init__(self, logs: Path, frameworks: tuple[str, ...], timeout: float) -> None:
        self.logs, self.frameworks, self.timeout = logs, frameworks, timeout
        self._warm: Driver | None = None
        self._count = 0
        self._lock = threading.Lock()

    def _new(self) -> Driver:
        with self._lock:
            self._count += 1
            return Driver(self.logs / f"driver-{self._count}")

    def prestart(self) -> None:
        self._warm = _take_early() or self._new()

    def run(self, directory: Path) -> list[dict[str, Any]]:
        """Scan `directory` in the early driver if it is still free, else in a new one."""
        with self._lock:
            driver, self._warm = self._warm, None
        driver = driver or self._new()
        return driver.run(directory, frameworks_in(directory, self.frameworks), self.timeout)

    def close(self) -> None:
        """Kill the early driver if nothing used it (and one `early_driver` started, if not taken)."""
        with self._lock:
            driver, self._warm = self._warm, None
        if driver is not None:
            driver.cancel()
        end_early()


_EARLY: list[Driver] = []     # at most one, started by `early_driver` and taken by the scan's prestart
_EARLY_LOCK = threading.Lock()


def early_driver(command: Callable[[], int], wanted: Callable[[], bool]) -> int:
    """`command()` with a driver started first when `wanted()` (checkov will run) and checkov's
    environment exists, so that checkov's imports overlap reading and judging the state; a driver no
    scan took is killed when it returns. Creating the environment, and any problem starting the driver,
    are left to the scan (as before: after the state is read), which words any error."""
    if wanted():
        start_early()
    try:
        return command()
    finally:
        end_early()


def start_early() -> None:
    """Start the early driver now (if checkov's environment exists and none is running); `gate preview`
    calls it once it knows some stack will be recorded, so that checkov imports itself beside the
    recording. Any problem starting it is left to the scan, which words the error."""
    try:
        if toolenv_ready():
            with _EARLY_LOCK:
                if not _EARLY:
                    _EARLY.append(Driver(None))
    except Exception:
        pass


def _take_early() -> Driver | None:
    with _EARLY_LOCK:
        return _EARLY.pop() if _EARLY else None


def end_early() -> None:
    """Kill the early driver if no scan took it."""
    driver = _take_early()
    if driver is not None:
        driver.cancel()
