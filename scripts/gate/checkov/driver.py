"""checkov as a library, run by checkov's own tool environment: ``python driver.py DIR FRAMEWORK...|-``.

The same scan as ``checkov -d DIR --framework ... --skip-download`` (checkov's ``Checkov`` entry point
with those arguments, replayed by slim.py without importing the other frameworks' runners; checkov's
own entry point when a config file or variable changes the run), minus costs that do not change a
result: checkov keeps every debug message in memory (15 % of a 10k-resource scan) and prints a JSON
report with every resource's code (20 %), it reads the gate's one-line JSON files through a YAML loader
(a third; see fastparse.py), and the interpreter's teardown after the answer (a third of a small scan).
The replay also leaves out of the import what it never runs (lean.py: a third of the import).
Prints one JSON list of ``{"check_type", "results": {"failed_checks", "passed_checks"}}`` holding only
the fields the gate reads. Runs in checkov's environment: imports nothing of the gate.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import sys

FIELDS = ("check_id", "check_name", "resource", "file_path")
_SCRIPT = os.path.abspath(__file__)


def _record(record: object) -> dict[str, object]:
    out = {k: getattr(record, k, None) for k in FIELDS}
    severity = getattr(record, "severity", None)
    out["severity"] = getattr(severity, "name", None) if severity is not None else None
    return out


def arguments(directory: str, frameworks: list[str]) -> list[str]:
    """What the gate's scan is, as `checkov` command-line arguments."""
    return ["-d", directory, "--framework", *frameworks, "-o", "json", "--compact", "--skip-download",
            "--no-fail-on-crash", "--soft-fail", "--quiet"]


def _full(argv: list[str]) -> list[object]:
    """checkov's own entry point (`slim` declined: a config file, a variable, a key changes the run)."""
    from checkov.main import Checkov

    Checkov.print_results = lambda self, *a, **k: 0   # type: ignore[method-assign]  # results read below
    ckv = Checkov(argv=argv)
    if ckv.run() is None and not ckv.scan_reports:   # it caught an error (or was asked for no scan)
        raise RuntimeError("checkov ran no scan")
    return list(ckv.scan_reports)


def _fresh(directory: str, frameworks: list[str]) -> None:
    """This scan in a new interpreter running checkov's own entry point: the configuration changes the
    run, so the replay's stand-ins (lean.py) do not apply. Same stdout, stderr and working directory;
    the exit code is this process's."""
    sys.__stdout__.flush()
    sys.__stderr__.flush()
    os.execve(sys.executable, [sys.executable, _SCRIPT, directory, *frameworks],
              {**os.environ, "GATE_CHECKOV_DRIVER": "checkov"})


def _prepare() -> None:
    # CKV_SKIP_PACKAGE_UPDATE_CHECK: checkov's import asks PyPI for its latest release and caches the answer
    # in ~/.cache/checkov (round 25): a file outside the gate's --out and caches, a request outside an
    # offline gate
    os.environ.update({"LOG_LEVEL": "ERROR", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
                       "BC_SKIP_MAPPING": "TRUE", "CKV_NO_TELEMETRY": "1",
                       "CKV_SKIP_PACKAGE_UPDATE_CHECK": "1"})
    os.environ.pop("BC_API_KEY", None)
    logging.disable(logging.INFO)   # checkov formats and buffers every debug message otherwise
    # the collector would walk the ~3,500 modules' objects again and again while they load (a fifth of
    # the imports); after them, frozen, it never looks at them again
    gc.disable()
    import fastparse  # beside this file (the script's directory is on sys.path)
    import lean
    import slim

    replay = os.environ.get("GATE_CHECKOV_DRIVER") != "checkov"
    if replay:   # what the replay never runs is stood in (a scan that does not replay: `_fresh`)
        lean.install()
    slim.preload()
    # checkov's own entry point too (round 25): it is also what a scan whose configuration changes the
    # run re-executes (`_fresh`), and its registry skips a check it cannot parse all the same
    lean.preload_graph_checks()
    fastparse.install()
    gc.freeze()
    gc.enable()


def scan(directory: str, frameworks: list[str]) -> int:
    """One scan of `directory`: its report on stdout (see the module docstring)."""
    import lean
    import slim

    if not os.path.isdir(directory):   # checkov would skip it with a log line and answer nothing
        raise SystemExit(f"checkov driver: {directory} is not a directory")
    args = arguments(directory, frameworks)
    # GATE_CHECKOV_DRIVER=checkov: always checkov's own entry point (tests compare both ways)
    config = slim.pristine(args) if os.environ.get("GATE_CHECKOV_DRIVER") != "checkov" else None
    if config is None and lean.installed():
        _fresh(directory, frameworks)
    found = slim.scan(config) if config is not None else _full(args)
    # every runner answers a report, empty or not; checkov's worker pool drops one whose process died
    missing = set(frameworks) - {r.check_type for r in found}
    if missing:
        raise RuntimeError(f"checkov answered no report for {sorted(missing)} (a worker process ended?)")
    reports = [{"check_type": r.check_type,
                "results": {"failed_checks": [_record(c) for c in r.failed_checks],
                            "passed_checks": [_record(c) for c in r.passed_checks]}}
               for r in found]
    # one write to the real stdout: checkov wraps sys.stdout in colorama, and json.dump streams through
    # the pure-Python encoder in small pieces (together a seventh of a large scan)
    sys.__stdout__.write(json.dumps(reports, separators=(",", ":")) + "\n")
    return 0


def main(argv: list[str]) -> int:
    """``DIR FRAMEWORK...``: one scan. ``-``: import checkov first, then serve the scans asked on stdin
    (`serve`). The gate starts a driver that way before it knows what to scan, so checkov's imports
    (most of a small scan) overlap its export, and one import serves every scan of the run."""
    if argv == ["-"]:
        _leash()
    _prepare()
    if argv == ["-"]:
        return serve()
    return scan(argv[0], argv[1:])


def _leash() -> None:
    """End with the gate while checkov imports and parses its checks, before `serve` reads its input
    (round 25: ~1-2 s, minutes under a low RLIMIT_AS, during which a SIGKILLed gate left the driver
    running). A thread waits for the input's writers to be gone: the gate holds the only one, and a poll
    for no event but that (POLLHUP) reads nothing `serve` is to read."""
    import select
    import threading

    def watch() -> None:
        poll = select.poll()
        poll.register(sys.stdin.fileno(), 0)
        while not poll.poll():
            pass
        _end({})

    threading.Thread(target=watch, name="gate-checkov-leash", daemon=True).start()


def serve() -> int:
    """Scans asked on stdin, one JSON line each (``{"id", "directory", "frameworks", "stdout",
    "stderr"}``), each run in a fork of this process: checkov is imported once, and no scan sees what
    another left in checkov's module state. The fork writes its report and messages to the files the
    job names; ``{"id", "code"}`` goes to stdout when it ends, in the order they end (``{"id", "code",
    "limit"}`` at once when the kernel refuses its fork). End of input
    means the gate is gone (it ends a driver it is done with by killing its group, never by closing the
    pipe): the driver's group, its running scans and what they started, is killed at once rather than
    left scanning for no one (round 19: a gate SIGKILLed mid-scan left the scan running for seconds)."""
    import select

    stdin = sys.stdin.fileno()
    running: dict[int, object] = {}
    buffer = b""
    while True:
        if select.select([stdin], [], [], 0.02 if running else None)[0]:
            chunk = os.read(stdin, 65536)
            if not chunk:
                _end(running)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in filter(bytes.strip, lines):
                job = json.loads(line)
                try:
                    running[_fork(job)] = job["id"]
                except OSError as exc:   # EAGAIN, ENOMEM: the gate names the limit (round 27)
                    _answer({"id": job["id"], "code": -1, "limit": str(exc)})
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            if pid in running:
                _answer({"id": running.pop(pid), "code": os.waitstatus_to_exitcode(status)})


def _answer(answer: dict) -> None:
    sys.__stdout__.write(json.dumps(answer) + "\n")
    sys.__stdout__.flush()


def _end(running: dict[int, object]) -> None:
    """Kill the scans (as the driver's group when it leads one, as the gate starts it) and leave."""

    if os.getpgrp() == os.getpid():
        os.killpg(0, signal.SIGKILL)
    for pid in running:
        os.kill(pid, signal.SIGKILL)
    os._exit(0)


def _fork(job: dict) -> int:
    """A child that scans `job` with its stdout and stderr in the job's files; its pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, key in ((1, "stdout"), (2, "stderr")):
            os.dup2(os.open(str(job[key]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        directory = str(job["directory"])
        if os.path.isdir(directory):
            os.chdir(directory)   # where a plain run starts
        code = scan(directory, [str(f) for f in job["frameworks"]])
    except SystemExit as exc:
        print(exc.code, file=sys.__stderr__)
    except BaseException:
        import traceback

        traceback.print_exc(file=sys.__stderr__)
    _exit(code)
    return 0


def _exit(code: int) -> None:
    """Flush and leave without the interpreter's teardown: unloading ~3,500 modules and running
    checkov's exit hooks costs more CPU than a small scan (the gate waits for the exit). The one exit
    hook that matters is kept: checkov's worker processes (they sent their reports) are reaped."""
    sys.__stdout__.flush()
    sys.__stderr__.flush()
    import multiprocessing

    for child in multiprocessing.active_children():
        child.join()
    os._exit(code)


if __name__ == "__main__":
    _exit(main(sys.argv[1:]))
