"""Recording workers forked from one process that has imported the SDK once (a zygote): the gate's side.

A worker spends more time loading the provider SDKs' modules (~1.5 s for a stack of this project) than
running the program; a gate run starts a preview and an update worker per stack. The zygote
(`python -m gate._zygote`) imports the gate's recording modules and the SDK modules the previous run's
workers loaded (the hint gate.runner keeps in `<out>/.sdk-modules.json`; it only affects speed), then
forks one child per recording. Each child is a fresh copy of that process: its own session and process
group, stdio to files, the program's modules imported by the child alone, so programs share no state, as
with a new interpreter.

Protocol (JSON lines): the gate writes the preload groups, then `{"id", "request", "result", "dir",
"preload"}` per recording (`preload`: the modules that stack loaded last time, loaded before the fork
where the groups did not have them); the zygote answers `{"id", "pid"}` when it forked (`{"id", "pid":
0, "error", "limit"}` when the fork failed: round 26, it ended unheard) and `{"pid", "code"}` when it
reaped the child. If the zygote dies, every waiting recording fails
(GateError), never a silent pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from gate.errors import GateError, limit_line, limit_note

HINT_FILE = ".sdk-modules.json"
# a module, or `module:Class` (a class whose property types the SDK resolved: see typed_classes)
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
SDK_MODULE = re.compile(rf"pulumi[a-z0-9_]*(\.[A-Za-z0-9_]+)*(:{_NAME}(\.{_NAME})*)?")
HINT_LIMIT = 20_000


def _installed(module: Any) -> bool:
    return "site-packages" in Path(getattr(module, "__file__", None) or "").parts


def sdk_modules(already: Collection[str] = ()) -> list[str]:
    """Installed Pulumi SDK modules this process has loaded, but not those `already` loaded when it
    started (what a zygote preloaded for it): a stack's hint names what its own program needed."""
    return sorted(
        name for name, module in list(sys.modules.items())
        if name not in already and SDK_MODULE.fullmatch(name) and _installed(module)
    )


def typed_classes() -> set[type]:
    """The classes whose property types the SDK has resolved in this process: the keys of
    `pulumi._types._types_from_py_properties`'s cache, read (nothing is called); empty where it is not
    found. That resolution (`typing.get_type_hints` of every property, ~10 % of recording a stack) is the
    same in the preview's and the update's worker; the zygote does it once for both (`warm`)."""
    import gc

    cached = getattr(sys.modules.get("pulumi._types"), "_types_from_py_properties", None)
    for referent in gc.get_referents(cached) if cached is not None else ():
        if isinstance(referent, dict) and all(isinstance(k, tuple) for k in referent):
            return {k[0] for k in list(referent) if len(k) == 1 and isinstance(k[0], type)}
    return set()


def sdk_types(already: Collection[type] = ()) -> list[str]:
    """`module:Class` of the installed SDK's classes in typed_classes but not `already` (the hint)."""
    names = (f"{c.__module__}:{c.__qualname__}" for c in typed_classes() if c not in already)
    return sorted(n for n in names if SDK_MODULE.fullmatch(n)
                  and _installed(sys.modules.get(n.partition(":")[0])))


def warm(name: str) -> None:
    """`module:Class` (a loaded module): the SDK's property types of the class resolved now, in the zygote
    (functools.cache: a child inherits the result, equal to what it would compute). Never raises."""
    module, _, qualname = name.partition(":")
    with contextlib.suppress(Exception):
        value: Any = sys.modules[module]
        for part in qualname.split("."):
            value = getattr(value, part)
        if isinstance(value, type):
            sys.modules["pulumi._types"]._types_from_py_properties(value)


class Zygote:
    """The gate's side: start the zygote, run recordings in its children, end it."""

    def __init__(self, preload: list[list[str]] | None = None,
                 on_demand: dict[str, list[str]] | None = None) -> None:
        """Start the zygote: it imports the recording modules, then waits for `begin` (given `preload`,
        begun now). Started before the gate knows what to record, its imports overlap the gate's own."""
        from gate.environ import program_environ
        from gate.procs import register_child

        self.proc = subprocess.Popen(    # the programs' environment: no signing key, no pack settings
            [sys.executable, "-m", "gate._zygote", str(os.getpid())], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True, env=program_environ())
        register_child(self.proc)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.pids: dict[int, int] = {}       # request id -> child pid
        self.codes: dict[int, int] = {}      # child pid -> exit code
        self.refused: dict[int, tuple[str, bool]] = {}   # request id -> why its fork failed, a limit's?
        self.dead = False
        self.next_id = 0
        self.on_demand: dict[str, list[str]] | None = None
        threading.Thread(target=self._read, name="gate-zygote", daemon=True).start()
        if preload is not None:
            self.begin(preload, on_demand)

    def begin(self, preload: list[list[str]], on_demand: dict[str, list[str]] | None = None) -> None:
        """`preload`: groups of SDK modules, in the order recordings will need them; `on_demand`: per
        stack, the modules to load (if not yet) before forking its recording. Once, before `run`."""
        with self.lock:
            assert self.on_demand is None and self.proc.stdin is not None, "a zygote begins once"
            self.on_demand = on_demand or {}
            try:
                self.proc.stdin.write((json.dumps(preload) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                self.dead = True

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:     # not the protocol's (the zygote keeps it on its own descriptor)
                continue
            with self.changed:
                if "id" in message:
                    self.pids[message["id"]] = message["pid"]
                    if message.get("error"):
                        self.refused[message["id"]] = (str(message["error"]), bool(message.get("limit")))
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

    def run(self, request: Path, result: Path, out_dir: Path, timeout: float, stack: str = "") -> int:
        """Run `gate._worker REQUEST RESULT` in a forked child (for `stack`); its exit code. TimeoutExpired
        after `timeout` seconds; the child's process group is killed either way once it is done."""
        from gate.procs import forget_group, kill_pgid, register_group

        if self.on_demand is None:
            self.begin([])
        with self.lock:
            rid, self.next_id = self.next_id, self.next_id + 1
            assert self.proc.stdin is not None
            try:
                line = {"id": rid, "request": str(request), "result": str(result), "dir": str(out_dir),
                        "preload": (self.on_demand or {}).get(stack, [])}
                self.proc.stdin.write((json.dumps(line) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                self.dead = True
        end = time.monotonic() + timeout     # one deadline for waiting to start and for running
        if not self._wait(lambda: rid in self.pids, timeout):
            if self.dead:
                raise GateError(f"the recording zygote ended before it started the worker{limit_note()}")
            raise subprocess.TimeoutExpired(["gate._worker"], timeout)
        if rid in self.refused:
            reason, limit = self.refused.pop(rid)
            raise GateError(limit_line("the recording zygote", reason) if limit
                            else f"the recording zygote could not fork the worker: {reason}")
        pid = self.pids[rid]
        register_group(pid)
        try:
            if not self._wait(lambda: pid in self.codes, max(0.0, end - time.monotonic())):
                if self.dead:
                    raise GateError(f"the recording zygote ended while a worker ran{limit_note()}")
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


_EARLY: list[Zygote] = []    # at most one, started by the CLI (start_early), taken by gate.runner


def start_early() -> None:
    """Start a zygote now, before the gate loads its packs and looks up its cache (its imports overlap
    them); the next recording takes it (take_early), end_early closes it if none did."""
    if not _EARLY:
        _EARLY.append(Zygote())


def take_early() -> Zygote | None:
    return _EARLY.pop() if _EARLY else None


def end_early() -> None:
    while _EARLY:
        _EARLY.pop().close()
