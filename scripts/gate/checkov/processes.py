"""checkov driver processes (``driver.py`` in checkov's environment), each in its own process group.

Importing checkov is most of a small scan (~1.2 s of CPU, whatever the input). A `Driver` is started
with ``-`` before the gate knows what to scan: it imports checkov while the gate exports and cuts the
views, then scans each directory it is given in a fork of itself (shards side by side, stacks as they are
recorded), so a run imports checkov once. A run that needs no scan kills it unused. `gate analyze` starts one
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
from gate.errors import GateError, limit_line
from gate.procs import kill_group, register_child

DRIVER = Path(__file__).with_name("driver.py")
LOGS = ".drivers"   # in a run's `checkov/`: the driver's messages (`driver/`) and each scan's (`job-N/`)
_DRIVER_LOGS, _JOB, _OUTPUTS = "driver", "job-", ("stdout", "stderr")
_SUFFIXES = {"terraform_plan": ".tfplan.json", "arm": ".arm.json"}


def frameworks_in(directory: Path, frameworks: tuple[str, ...]) -> list[str]:
    """The frameworks with a file to scan under `directory` (a framework without files finds nothing)."""
    found = [f for f in frameworks if f not in _SUFFIXES or any(directory.rglob(f"*{_SUFFIXES[f]}"))]
    return found or list(frameworks)


_SET = {"LOG_LEVEL": "ERROR", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "BC_SKIP_MAPPING": "TRUE",
        "CKV_NO_TELEMETRY": "1", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"}
_DROPPED = ("BC_API_KEY",)
# checkov's own variables (its argument parser's env_var names and its os.getenv reads, 3.3.30)
_CHECKOV_PREFIXES = ("CKV_", "CHECKOV_", "BC_", "PRISMA_")
_CHECKOV_NAMES = ("EXTERNAL_MODULES_DIR", "DOWNLOAD_EXTERNAL_MODULES")


def checkov_env() -> dict[str, str]:
    """The environment checkov runs in: what the gate sets for it, and without what it drops (its driver;
    the project's secret scan, round 26: checkov's update check wrote into HOME)."""
    env = {**os.environ, **_SET}
    for name in _DROPPED:
        env.pop(name, None)
    return env


def refuse_configuring_variables() -> None:
    """Round 20: checkov honours its variables (CKV_SKIP_CHECK, CKV_FRAMEWORK, CHECKOV_MAX_IAC_FILE_SIZE,
    CKV_IGNORED_DIRECTORIES, ...: the driver hands them to `checkov.main`), so one a CI job inherited
    skipped checks the gate judges by, silently; so did ~/.checkov.yaml. The gate's skips are waivers on
    record: GateError (exit 2) naming them. What the gate sets or drops for its driver is no configuration."""
    names = sorted(n for n in os.environ if (n.startswith(_CHECKOV_PREFIXES) or n in _CHECKOV_NAMES)
                   and n not in _SET and n not in _DROPPED)
    # checkov's config files: the scanned directory and the driver's working directory are the gate's
    # own; the home directory's is the user's (`config_utils.get_default_config_paths`)
    names += [str(f) for f in (Path.home() / ".checkov.yaml", Path.home() / ".checkov.yml") if f.exists()]
    if names:
        raise GateError(f"{', '.join(names)}: would configure checkov's scan (skip checks, frameworks, "
                        "files or directories); unset the variable or remove the file: the gate's checkov "
                        "scan is fixed, and a finding is waived in stacks/records/waivers")


class Driver:
    """One driver process, started now; it scans the directories given later (`submit`, `wait`; or `run`:
    one scan, then it ends), each in a fork of itself, or is killed unused (`cancel`)."""

    def __init__(self, logs: Path | None) -> None:
        """Its own messages in `logs/stderr`, each scan's stdout and stderr in `logs/job-N/`; `None`: in
        unnamed temporary files (an early driver, started before the run has a directory: no exit,
        however abrupt, leaves files behind), its scans' files where `submit` is told."""
        if logs is None:
            self._err: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
            cwd = Path(tempfile.gettempdir())
        else:
            logs.mkdir(parents=True, exist_ok=True)
            self._err = (logs / "stderr").open("w+b")
            cwd = logs
        self.logs = logs
        self._lock = threading.Lock()
        self._jobs: dict[int, _Job] = {}
        self._ended = False
        # its answers on a pipe, each scan's output to files: a grandchild that keeps a file open
        # cannot hang the gate
        self.proc = subprocess.Popen([str(checkov_python()), str(DRIVER), "-"], cwd=cwd, env=checkov_env(),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err,
                                     start_new_session=True)
        register_child(self.proc)
        threading.Thread(target=self._answers, name="gate-checkov-driver", daemon=True).start()

    def submit(self, directory: Path, frameworks: list[str], logs: Path | None = None) -> _Job:
        """Ask for a scan of `directory` (its files in `logs`, by default this driver's `job-N`)."""
        with self._lock:
            number = len(self._jobs) + 1
            where = logs or self.logs
            if where is None:
                raise GateError("checkov: a scan of an early driver needs a directory for its output")
            job = self._jobs[number] = _Job(directory, where / f"{_JOB}{number}")
            job.files.mkdir(parents=True, exist_ok=True)
            line = {"id": number, "directory": str(directory), "frameworks": frameworks,
                    **{name: str(job.files / name) for name in _OUTPUTS}}
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps(line).encode() + b"\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):   # it ended: `wait` words why
                pass
            if self._ended:
                job.done.set()
        return job

    def files(self) -> set[str]:
        """The files this driver and its scans write (the scans' registered before they are asked for):
        the only files checkov's processes leave empty in a run's directory when they said nothing."""
        with self._lock:
            jobs = [job.files / name for job in self._jobs.values() for name in _OUTPUTS]
        return {str(f) for f in [*jobs, *([self.logs / "stderr"] if self.logs else [])]}

    def wait(self, job: _Job, timeout: float) -> list[dict[str, Any]]:
        """checkov's reports (one per framework, the fields the gate reads) of a submitted scan."""
        if not job.done.wait(timeout):
            self.cancel()
            raise GateError(f"checkov: did not finish within {timeout:g} s (checkov deadline; "
                            "--checkov-timeout)")
        if job.code is None:     # the driver ended before it answered: its own messages say why
            try:
                code = self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                code = -1
            return _reports(code, "", self._read(self._err), job.directory)
        if job.limit:   # the driver could not fork the scan (round 27: read as checkov's failure)
            raise GateError(limit_line(f"checkov (a scan of {job.directory})", job.limit))
        return _reports(job.code, *job.output(), job.directory)

    def run(self, directory: Path, frameworks: list[str], timeout: float) -> list[dict[str, Any]]:
        """One scan of `directory`; then the driver (and what checkov left running) is ended."""
        try:
            return self.wait(self.submit(directory, frameworks), timeout)
        finally:
            self.cancel()

    def cancel(self) -> None:
        """End the driver, its scans and whatever they started."""
        kill_group(self.proc)
        with self._lock:
            self._ended = True
            for job in self._jobs.values():
                job.done.set()
        self._err.close()

    def _answers(self) -> None:
        """Mark each scan done as the driver says it ended; all of them when the driver ends."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                answer = json.loads(line)
                job = self._jobs[int(answer["id"])]
                job.code = int(answer["code"])
                job.limit = str(answer.get("limit") or "")
            except (ValueError, KeyError, TypeError):
                continue      # not an answer of ours: the job it should have ended fails unanswered
            job.done.set()
        with self._lock:
            self._ended = True
            for job in self._jobs.values():
                job.done.set()

    @staticmethod
    def _read(fh: IO[bytes]) -> str:
        if fh.closed:
            return ""
        fh.seek(0)
        return fh.read().decode("utf-8", errors="replace")


class _Job:
    """One scan asked of a driver."""

    def __init__(self, directory: Path, files: Path) -> None:
        self.directory, self.files = directory, files
        self.done = threading.Event()
        self.code: int | None = None
        self.limit = ""        # why the driver could not fork the scan (a limit), if it could not

    def output(self) -> tuple[str, str]:
        return tuple((self.files / name).read_text(encoding="utf-8", errors="replace")  # type: ignore
                     if (self.files / name).is_file() else "" for name in ("stdout", "stderr"))


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
    """The driver of a run's scans (every shard of every stack is a fork of it): the early one if it was
    started, else one started on first use (`prestart` starts it before there is anything to scan)."""

    def __init__(self, logs: Path, frameworks: tuple[str, ...], timeout: float) -> None:
        self.logs, self.frameworks, self.timeout = logs, frameworks, timeout
        self._driver: Driver | None = None
        self._used: list[Driver] = []     # kept after `close`: their files are still the run's
        self._closed = False
        self._lock = threading.Lock()

    def prestart(self) -> Driver:
        with self._lock:
            if self._closed:    # the run ended (an error elsewhere): no driver is started after it
                raise GateError("checkov: the scan was ended before it ran")
            if self._driver is None:
                self._driver = _take_early() or Driver(self.logs / _DRIVER_LOGS)
                self._used.append(self._driver)
            return self._driver

    def run(self, directory: Path) -> list[dict[str, Any]]:
        """Scan `directory` (several may run at once, each in its own fork of the driver)."""
        driver = self.prestart()
        job = driver.submit(directory, frameworks_in(directory, self.frameworks), self.logs)
        return driver.wait(job, self.timeout)

    def files(self) -> set[str]:
        """The files its driver and scans write (`Driver.files`), before or after `close`."""
        with self._lock:
            used = list(self._used)
        return {f for driver in used for f in driver.files()}

    def close(self) -> None:
        """End the driver and what its scans left running (and an early driver no scan took)."""
        with self._lock:
            driver, self._driver, self._closed = self._driver, None, True
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
