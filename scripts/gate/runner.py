"""Run stacks in isolated worker processes, ordered by their StackReferences, and write their checkpoints.

Ordering (`--all`): a stack whose config mentions another stack of the project (a value equal to that
stack's name or ending in "/<name>") runs after it. References the config does not reveal (names
hard-coded in the program) are found at run time: the worker reports every StackReference it made; if
one named a project stack that had not finished in this run when the worker started, the stack is
recorded again once that stack is done. Cycles are broken by running the rest with what is available
(unresolvable references give unknown outputs, not a crash). The references each stack made are kept in
`<out>/.stack-references.json`, so the next run orders such stacks right away instead of re-recording.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import GateError
from gate.project import Project, load_stack_config


@dataclass
class StackRun:
    """The recorded result of one stack (checkpoint already redacted)."""

    stack: str
    project: str
    checkpoint: dict[str, Any]
    config: dict[str, str]
    stack_references: dict[str, bool] = field(default_factory=dict)
    diagnostics: list[dict[str, str]] = field(default_factory=list)   # the program's warnings
    update_checkpoint: dict[str, Any] | None = None   # the update's graph, when it differs (gate.dual)
    differences: list[dict[str, Any]] = field(default_factory=list)
    update_error: str = ""        # the update recording failed (the preview stands; reported as a warning)
    env_reads: list[dict[str, Any]] = field(default_factory=list)   # gate.env_reads
    seconds: float = 0.0          # program run inside the worker
    wall_seconds: float = 0.0     # including the worker's interpreter start and imports
    inputs: list[str] = field(default_factory=list)   # files the worker read (gate.stackcache)
    env: list[str] = field(default_factory=list)      # environment variables it read


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON via a temp file in the same directory and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def state_path(out: Path, stack: str) -> Path:
    return out / f"{stack}.state.json"


def _interpreter(options: dict[str, Any] | None) -> tuple[str, dict[str, str] | None]:
    """The gate's Python, or the program's own with the recording modules on PYTHONPATH (gate.program_env)."""
    if not options or not options.get("python"):
        return sys.executable, None
    return options["python"], {**os.environ, "PYTHONPATH": options["worker_path"]}


def run_worker(program: Path, stack: str, state_dirs: list[Path], deadline: float | None = None,
               options: dict[str, Any] | None = None) -> StackRun:
    """Record one stack in a fresh `python -m gate._worker` process (its own process group, killed with
    whatever it started once it is done or past its deadline); `options` go into its request."""
    from gate.deadlines import DEFAULTS
    from gate.procs import run_bounded

    deadline = DEFAULTS["program"] if deadline is None else deadline
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gate-") as tmp:
        request, result = Path(tmp) / "request.json", Path(tmp) / "result.json"
        request.write_text(json.dumps({
            **(options or {}),
            "program": str(program), "stack": stack, "state_dirs": [str(d) for d in state_dirs],
        }), encoding="utf-8")
        try:
            python, env = _interpreter(options)
            code, _, stderr = run_bounded([python, "-m", "gate._worker", str(request), str(result)],
                                          timeout=deadline, out_dir=Path(tmp), env=env)
        except subprocess.TimeoutExpired:
            raise GateError(f"stack {stack}: program did not finish within {deadline:g} s "
                            "(program deadline)") from None
        if not result.is_file():
            lines = [ln for ln in stderr.splitlines() if ln.strip()]
            detail = lines[-1] if lines else f"exit code {code}"
            raise GateError(f"stack {stack}: recording worker failed: {detail}")
        data = json.loads(result.read_text(encoding="utf-8"))
    if not data.get("ok"):
        raise GateError(data.get("error") or f"stack {stack}: recording failed")
    return StackRun(
        stack=stack, project=data["project"], checkpoint=data["checkpoint"], config=data["config"],
        stack_references=data.get("stack_references") or {}, seconds=data.get("seconds", 0.0),
        diagnostics=data.get("diagnostics") or [], update_checkpoint=data.get("update_checkpoint"),
        differences=data.get("differences") or [], env_reads=data.get("env_reads") or [],
        update_error=data.get("update_error") or "",
        wall_seconds=time.perf_counter() - started,
        inputs=data.get("inputs") or [], env=data.get("env") or [],
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def config_dependencies(project: Project, stacks: list[str]) -> dict[str, set[str]]:
    """Stacks each stack's config refers to (by name or "<org>/<project>/<name>")."""
    deps: dict[str, set[str]] = {}
    for stack in stacks:
        values = _strings(load_stack_config(project, stack))
        deps[stack] = {
            other for other in stacks
            if other != stack and any(v == other or v.endswith("/" + other) for v in values)
        }
    return deps


REFERENCES_FILE = ".stack-references.json"


def remembered_references(out: Path, stacks: list[str]) -> dict[str, set[str]]:
    """References recorded by an earlier run (`<out>/.stack-references.json`); empty if none or unreadable."""
    try:
        data = json.loads((out / REFERENCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        s: {t for t in refs if t in stacks and t != s}
        for s, refs in data.items() if s in stacks and isinstance(refs, list)
    }


def _remember_references(previous: Path, out: Path, runs: dict[str, StackRun]) -> None:
    known: dict[str, Any] = {}
    try:
        loaded = json.loads((previous / REFERENCES_FILE).read_text(encoding="utf-8"))
        known = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        pass
    for stack, run in runs.items():
        known[stack] = sorted({t.split("/")[-1] for t in run.stack_references})
    write_json_atomic(out / REFERENCES_FILE, known)


def record_stacks(program: Path, project: Project, stacks: list[str], out: Path,
                  jobs: int = 2, previous: Path | None = None, deadline: float | None = None,
                  options: dict[str, Any] | None = None) -> dict[str, StackRun]:
    """Record `stacks` (one worker each, up to `jobs` at once) and write `<out>/<stack>.state.json`.

    Returns the runs keyed by stack in the order given. Any worker's GateError aborts the whole run.
    """
    for stack in stacks:   # validate every config file up front: bad input fails before any work
        load_stack_config(project, stack)
    deps = config_dependencies(project, stacks) if len(stacks) > 1 else {s: set() for s in stacks}
    previous = previous or out     # earlier runs' states and references (a run writes into `out`)
    for stack, refs in remembered_references(previous, stacks).items():
        deps[stack] |= refs
    done: dict[str, StackRun] = {}
    rerun_once: set[str] = set()
    pending = list(stacks)
    running: dict[Future[StackRun], tuple[str, set[str]]] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while pending or running:
            busy = {s for s, _ in running.values()}
            ready = [s for s in pending if not (deps[s] - set(done)) and s not in busy]
            if not ready and not running and pending:
                ready = [pending[0]]            # a reference cycle: run with what is available
            for stack in ready[: max(0, jobs - len(running))]:
                pending.remove(stack)
                job = pool.submit(run_worker, program, stack, [out, previous], deadline, options)
                running[job] = (stack, set(done))
            if not running:
                continue
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in finished:
                stack, done_at_start = running.pop(fut)
                run = fut.result()   # GateError propagates
                late = {
                    t.split("/")[-1] for t in run.stack_references
                } & set(stacks) - done_at_start - {stack}
                if late and stack not in rerun_once:
                    rerun_once.add(stack)
                    deps[stack] |= late
                    pending.append(stack)       # record again once the referenced stacks are done
                    continue
                write_json_atomic(state_path(out, stack), run.checkpoint)
                done[stack] = run
    _remember_references(previous, out, done)
    return {s: done[s] for s in stacks}
