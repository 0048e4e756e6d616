"""The zygote process (`python -m gate._zygote`, started by gate.zygote.Zygote): preload, then fork one
recording worker (gate._worker) per request line."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import sys
from typing import Any

from gate.procs import die_with_parent


def _child(request: dict[str, str], protocol: int, zygote: int) -> None:
    """In the forked child: dies with the zygote, own session, stdio to files, the worker; never returns."""
    code = 1
    try:
        die_with_parent(zygote)
        gc.enable()           # the program runs with the collector on, as in a fresh interpreter
        os.close(protocol)    # the program cannot write into the gate's protocol
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            target = os.open(os.path.join(request["dir"], name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        os.close(null)
        from gate import _worker, syscall_filter

        # round 7: no process starts in a recording, not even past every seam (installed by main: round 8)
        code = _worker.main([request["request"], request["result"]], syscall_filter.install)
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

    path, _, qualname = name.partition(":")
    top, *parts = path.split(".")
    with contextlib.suppress(Exception):   # a hint only: the child imports what is missing itself
        module = importlib.import_module(top)
        for part in parts:
            module = getattr(module, part)
        getattr(module, "__name__")    # noqa: B009 - the attribute access is what loads a lazy module
    if qualname:   # `module:Class`: its property types resolved once here rather than in each child
        from gate.zygote import warm

        warm(name)


def _send(protocol: int, message: dict[str, Any]) -> None:
    os.write(protocol, (json.dumps(message) + "\n").encode())


def serve() -> None:
    """Preload, then fork a child per request line until stdin closes and every child is reaped.

    The preload comes as groups, in the order the gate will ask for recordings (the first stacks'
    modules first). After the first group, requests are served between modules: the first stacks'
    workers start while the zygote goes on loading what the later stacks need.
    """
    import importlib

    from gate.read_tracker import ReadTracker

    # The SDK modules are millions of objects that live as long as the process: collecting while they
    # load only walks them again and again (a third of the preload), and in the children every full
    # collection would walk them once more and copy their pages. So: no collector here, and each fork
    # happens with all of it frozen (gc.freeze), which children never scan.
    gc.disable()
    die_with_parent(int(sys.argv[1]))   # the gate's pid, given before the fork
    ReadTracker.start(probing=True)   # reads made while preloading are inherited by each child's record
    protocol = os.dup(1)    # the answers; fd 1 itself goes to /dev/null, so what a module prints is lost
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)
    stdin = os.fdopen(0, "rb", buffering=0)
    reader = _Lines(stdin)
    worker = importlib.import_module("gate._worker")
    for name in worker.PRELOAD:
        importlib.import_module(name)
    groups = json.loads(reader.next_line() or "[]")
    first, *rest = groups or [[]]
    for name in _ordered(first):
        _load(name)
    server = _Server(stdin, reader, protocol)
    for name in _ordered([n for group in rest for n in group]):
        server.step(wait=0)
        _load(name)
    while server.step(wait=0.02):
        pass


def _ordered(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: (n.count("."), ":" in n))   # a package before its modules, classes


class _Server:
    """Forks a child per request, reaps them, says so (one step at a time)."""

    def __init__(self, stdin: Any, reader: _Lines, protocol: int) -> None:
        self.stdin, self.reader, self.protocol = stdin, reader, protocol
        self.children: set[int] = set()
        self.open = True

    def step(self, wait: float) -> bool:
        """Serve what is pending (waiting up to `wait` s for a request); False once stdin is closed and
        every child reaped."""
        if self.open and (self.reader.has_line() or select.select([self.stdin], [], [], wait)[0]):
            requests = self.reader.read_available()
            if requests is None:
                self.open = False
            for request in requests or []:
                for name in _ordered(request.get("preload") or []):   # loaded ones: a lookup each
                    _load(name)
                gc.freeze()
                zygote = os.getpid()
                try:
                    pid = os.fork()
                except OSError as exc:   # the gate says why, and the zygote serves on (round 26: it ended)
                    why = f"{type(exc).__name__}: {exc}"
                    _send(self.protocol, {"id": request["id"], "pid": 0, "error": why,
                                          "limit": isinstance(exc, BlockingIOError)})   # fork's EAGAIN
                    continue
                if pid == 0:
                    _child(request, self.protocol, zygote)
                self.children.add(pid)
                _send(self.protocol, {"id": request["id"], "pid": pid})
        elif not self.open and wait:
            select.select([], [], [], wait)
        for pid in list(self.children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.children.discard(pid)
                _send(self.protocol, {"pid": pid, "code": os.waitstatus_to_exitcode(status)})
        return self.open or bool(self.children)


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
