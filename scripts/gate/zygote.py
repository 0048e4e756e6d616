"""Recording workers forked from one process that has imported the SDK once (a zygote).

A worker spends more time loading the provider SDKs' modules (~1.5 s for a stack of this project) than
running the program; a gate run starts a preview and an update worker per stack. The zygote
(`python -m gate.zygote`) imports the gate's recording modules and the SDK modules the previous run's
workers loaded (`<out>/.sdk-modules.json`, a hint that only affects speed), then forks one child per
recording. Each child is a fresh copy of that process: its own session and process group, stdio to files,
the program's modules imported by the child alone, so programs share no state, as with a new interpreter.

Protocol (JSON lines): the gate writes `{"id", "request", "result", "dir"}`; the zygote answers
`{"id", "pid"}` when it forked and `{"pid", "code"}` when it reaped the child. If the zygote dies, every
waiting recording fails (GateError), never a silent pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from gate.errors import GateError

HINT_FILE = ".sdk-modules.json"
_SDK_MODULE = re.compile(r"pulumi[a-z0-9_]*(\.[A-Za-z0-9_]+)*")
_LIMIT = 20_000


def sdk_modules() -> list[str]:
    """Installed Pulumi SDK modules this process has loaded (what a zygote should preload)."""
    return sorted(
        name for name, module in list(sys.modules.items())
        if _SDK_MODULE.fullmatch(name)
        and "site-packages" in Path(getattr(module, "__file__", None) or "").parts
    )


def read_hint(directory: Path) -> list[str]:
    try:
        names = json.loads((directory / HINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(names, list):
        return []
    return [n for n in names[:_LIMIT] if isinstance(n, str) and _SDK_MODULE.fullmatch(n)]


def write_hint(directory: Path, names: set[str]) -> None:
    from gate.runner import write_json_atomic

    with contextlib.suppress(OSError):
        write_json_atomic(directory / HINT_FILE, sorted(names)[:_LIMIT])


class Zygote:
    """The gate's side: start the zygote, run recordings in its children, end it."""

    def __init__(self, preload: list[str]) -> None:
        from gate.procs import register_child

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gate.zygote"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True)
        register_child(self.proc)
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(preload) + "\n").encode())
        self.proc.stdin.flush()
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.pids: dict[int, int] = {}       # request id -> child pid
        self.codes: dict[int, int] = {}      # child pid -> exit code
        self.dead = False
        self.next_id = 0
        threading.Thread(target=self._read, name="gate-zygote", daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self.changed:
                if "id" in message:
                    self.pids[message["id"]] = message["pid"]
                else:
                    self.codes[message["pid"]] = message["code"]
                self.changed.notify_all()
        with self.changed:
            self.dead = True
            self.changed.notify_all()

    def _wait(self, ready: Any, timeout: float | None) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: ready() or self.dead, timeout=timeout) and not (
                self.dead and not ready())

    def run(self, request: Path, result: Path, out_dir: Path, timeout: float) -> int:
        """Run `gate._worker REQUEST RESULT` in a forked child; its exit code. TimeoutExpired after
        `timeout` seconds; the child's process group is killed either way once it is done."""
        from gate.procs import forget_group, kill_pgid, register_group

        with self.lock:
            rid, self.next_id = self.next_id, self.next_id + 1
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write((json.dumps({"id": rid, "request": str(request), "result": str(result),
                                                   "dir": str(out_dir)}) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                self.dead = True
        if not self._wait(lambda: rid in self.pids, timeout):
            raise GateError("the recording zygote ended before it started the worker")
        pid = self.pids[rid]
        register_group(pid)
        try:
            if not self._wait(lambda: pid in self.codes, timeout):
                if self.dead:
                    raise GateError("the recording zygote ended while a worker ran")
                raise subprocess.TimeoutExpired(["gate._worker"], timeout)
            return self.codes[pid]
        finally:
            kill_pgid(pid)      # also what the program left running
            forget_group(pid)

    def close(self) -> None:
        from gate.procs import kill_group

        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        kill_group(self.proc)


# ------------------------------------------------------------------ the zygote process


def _child(request: dict[str, str]) -> None:
    """In the forked child: own session, stdio to files, the worker; never returns."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            target = os.open(os.path.join(request["dir"], name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        os.close(null)
        from gate import _worker

        code = _worker.main([request["request"], request["result"]])
    except BaseException:   # the parent reads the missing result and the stderr file
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _load(name: str) -> None:
    """Load an SDK module the way a program reaches it, by attribute from its package: the SDKs' service
    modules are lazy (pulumi._utils.lazy_import) and load on first attribute access; importing their
    submodules directly, out of that order, can leave a package half initialised."""
    import importlib

    top, *parts = name.split(".")
    module = importlib.import_module(top)
    for part in parts:
        module = getattr(module, part)
    getattr(module, "__name__")    # noqa: B009 - the attribute access is what loads a lazy module


def _send(message: dict[str, int]) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def serve() -> None:
    """Preload, then fork a child per request line until stdin closes and every child is reaped."""
    import importlib

    from gate.stackcache import ReadTracker

    ReadTracker.start()     # reads made while preloading are inherited by each child's record
    stdin = os.fdopen(0, "rb", buffering=0)
    reader = _Lines(stdin)
    importlib.import_module("gate._worker")
    importlib.import_module("gate.recording")
    for name in sorted(json.loads(reader.next_line() or "[]"), key=lambda n: n.count(".")):
        with contextlib.suppress(Exception):   # a hint only: the child imports what is missing itself
            _load(name)
    children: set[int] = set()
    open_ = True
    while open_ or children:
        if open_ and (reader.has_line() or select.select([stdin], [], [], 0.02)[0]):
            requests = reader.read_available()
            if requests is None:
                open_ = False
            for request in requests or []:
                pid = os.fork()
                if pid == 0:
                    _child(request)
                children.add(pid)
                _send({"id": request["id"], "pid": pid})
        elif not open_:
            select.select([], [], [], 0.02)
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                _send({"pid": pid, "code": os.waitstatus_to_exitcode(status)})


class _Lines:
    """Line reader over an unbuffered pipe (select-friendly: no hidden buffer in the way)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.buffer = b""

    def next_line(self) -> str | None:
        while b"\n" not in self.buffer:
            chunk = self.stream.read(65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()

    def has_line(self) -> bool:
        return b"\n" in self.buffer

    def read_available(self) -> list[dict[str, str]] | None:
        """The complete request lines buffered or now readable; None at end of input."""
        if not self.has_line():
            chunk = self.stream.read(65536)
            if not chunk:
                return None
            self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(x) for x in lines if x.strip()]


if __name__ == "__main__":
    serve()
