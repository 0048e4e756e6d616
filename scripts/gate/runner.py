"""Run stacks in isolated worker processes, ordered by their StackReferences, and write their checkpoints.

Ordering (`--all`): a stack whose config mentions another stack of the project (a value equal to that
stack's name or ending in "/<name>") runs after it. References the config does not reveal (names
hard-coded in the program) are found at run time: the worker reports every StackReference it made; if
one named a project stack that had not finished in this run when the worker started, the stack is
recorded again once that stack is done. Cycles are broken by running the rest with what is available
(unresolvable references give unknown outputs, not a crash). The references each stack made are kept in
`<out>/.stack-references.json`, so the next run orders such stacks right away instead of re-recording
(that file, the config's order and the zygote's preload hint: gate.run_hints).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from gate.environ import program_environ
from gate.errors import GateError, limit_note
from gate.jsonio import write_json_atomic
from gate.preview_changes import next_tick_ns, now_ns, refuse_protected
from gate.project import Project, load_stack_config
from gate.publish import UPDATES_DIR
from gate.run_hints import (
    config_dependencies,
    preload_groups,
    read_hint,
    remember_references,
    remembered_references,
    write_hint,
)
from gate.write_fence import warn_unfenced

AFTER = "update after its preview"   # a stack's update recorded again once its preview has ended
Reuse = Callable[[str, set[str]], bool]   # (stack, stacks decided) -> answered without recording
Recorded = Callable[[str, "StackRun"], None]   # (stack, its final run)


@dataclass
class StackRun:
    """The recorded result of one stack (checkpoint already redacted)."""

    stack: str
    project: str
    checkpoint: dict[str, Any]
    config: dict[str, str]
    stack_references: dict[str, bool] = field(default_factory=dict)
    diagnostics: list[dict[str, str]] = field(default_factory=list)   # the program's warnings
    update_checkpoint: dict[str, Any] | None = None   # the update's graph, when recorded (gate.dual)
    differences: list[dict[str, Any]] = field(default_factory=list)
    update_error: str = ""        # the update recording failed (the preview stands; reported as a warning)
    env_reads: list[dict[str, Any]] = field(default_factory=list)   # gate.env_reads
    seconds: float = 0.0          # program run inside the worker
    wall_seconds: float = 0.0     # including the worker's interpreter start and imports
    inputs: list[str] = field(default_factory=list)   # files the worker read (gate.stackcache)
    states: list[str] = field(default_factory=list)   # other stacks' states it read the outputs of
    env: list[str] = field(default_factory=list)      # environment variables it read
    modules: list[str] = field(default_factory=list)  # SDK modules it loaded (gate.zygote's hint)
    wrote: list[str] = field(default_factory=list)    # files the preview wrote (its update may read them)


def state_path(out: Path, stack: str) -> Path:
    return out / f"{stack}.state.json"


def _interpreter(options: dict[str, Any] | None) -> tuple[str, dict[str, str] | None]:
    """The gate's Python, or the program's own with the recording modules on PYTHONPATH (gate.program_env)."""
    if not options or not options.get("python"):
        return sys.executable, program_environ()
    return options["python"], {**program_environ(), "PYTHONPATH": options["worker_path"]}


def _spawn(program: Path, stack: str, state_dirs: list[Path], deadline: float | None,
           options: dict[str, Any] | None, mode: str, zygote: Any = None) -> dict[str, Any]:
    """One recording worker: forked from the run's zygote (gate.zygote) when it runs the gate's own
    Python, else a `python -m gate._worker` process. Each is its own process group, killed with whatever
    it started once it is done or past its deadline; `options` go into its request. Returns its result."""
    from gate.deadlines import DEFAULTS
    from gate.procs import run_bounded

    deadline = DEFAULTS["program"] if deadline is None else deadline
    options = options or {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gate-") as tmp:
        request, result = Path(tmp) / "request.json", Path(tmp) / "result.json"
        request.write_text(json.dumps({
            **options, "mode": mode,
            "program": str(program), "stack": stack, "state_dirs": [str(d) for d in state_dirs],
        }), encoding="utf-8")
        try:
            if zygote is not None:
                code = zygote.run(request, result, Path(tmp), deadline, stack)
            else:
                python, env = _interpreter(options)
                # the program's Python runs its own code at start (`sitecustomize`, `.pth`), before any
                # prologue could adopt what it leaves: the gate's Python adopts it (round 33), and fences
                # its writes first (round 46: that code ran before the worker's own fence)
                trees = os.pathsep.join((str(program.resolve()), str(Path(tmp).resolve())))
                code, _, _ = run_bounded("gate._fenced", "", trees, python, "-m", "gate._worker",
                                         str(request), str(result), python=sys.executable,
                                         timeout=deadline, out_dir=Path(tmp), env=env)
        except subprocess.TimeoutExpired:
            raise GateError(f"stack {stack}: program did not finish within {deadline:g} s "
                            f"(program deadline; recording the {mode})") from None
        if not result.is_file():
            _stopped_by_filter(stack, mode, code)
            err = Path(tmp) / "stderr"
            stderr = err.read_text(encoding="utf-8", errors="replace") if err.is_file() else ""
            lines = [ln for ln in stderr.splitlines() if ln.strip()]
            detail = lines[-1] if lines else f"exit code {code}"
            raise GateError(f"stack {stack}: recording worker ({mode}) failed: {detail}{limit_note()}")
        data = json.loads(result.read_text(encoding="utf-8"))
        warn_unfenced(data.get("unfenced"))   # round 44: the kernel could not fence its writes
        if not data.get("ok"):
            raise GateError(data.get("error") or f"stack {stack}: recording the {mode} failed")
        if data.get("held"):   # it would have written a file beside its preview: recorded again after it
            return data
        if options.get("recorder") == "process":   # round 8: the record is the recorder process's
            from gate.relay_result import merge

            data = merge(data, Path(tmp), mode, stack)
    data["wall_seconds"] = time.perf_counter() - started
    return data


def _stopped_by_filter(stack: str, mode: str, code: int) -> None:
    """A worker the system-call filter ended (gate.syscall_filter): the program tried to start a process."""
    from gate.syscall_filter import KILLED

    if code == KILLED:
        raise GateError(f"stack {stack}: recording worker ({mode}): the program tries to start a process the "
                        "gate could not refuse (a fork or exec past every seam, e.g. a re-imported "
                        "_posixsubprocess): stopped by the recording's system-call filter before it started; "
                        "what a program does outside the engine cannot be judged: do it with resources (or "
                        "invokes answered by fixtures)")


def run_worker(program: Path, stack: str, state_dirs: list[Path], deadline: float | None = None,
               options: dict[str, Any] | None = None, zygote: Any = None) -> StackRun:
    """Record one stack's preview in a worker process (forked from `zygote`, a gate.zygote.Zygote)."""
    data = _spawn(program, stack, state_dirs, deadline, options, "preview", zygote)
    return StackRun(
        stack=stack, project=data["project"], checkpoint=data["checkpoint"], config=data["config"],
        stack_references=data.get("stack_references") or {}, seconds=data.get("seconds", 0.0),
        diagnostics=data.get("diagnostics") or [], env_reads=data.get("env_reads") or [],
        wall_seconds=data["wall_seconds"], inputs=data.get("inputs") or [], env=data.get("env") or [],
        states=data.get("states") or [],
        modules=data.get("modules") or [], wrote=data.get("wrote") or [],
    )


def run_update(program: Path, stack: str, state_dirs: list[Path], deadline: float | None = None,
               options: dict[str, Any] | None = None, zygote: Any = None) -> dict[str, Any]:
    """Record one stack as an update (`is_dry_run()` false) in a worker process, beside its preview or,
    when either wrote a file, after it (round 41)."""
    return _spawn(program, stack, state_dirs, deadline, options, "update", zygote)


def with_update(run: StackRun, update: dict[str, Any]) -> StackRun:
    """The preview run completed with its update recording: differences, the update's graph (judged in
    full, round 10: a value unknown in preview is known there), the environment reads and file reads of
    both."""
    from gate.dual import differences

    run.update_error = update.get("update_error") or ""
    checkpoint = update.get("update_checkpoint")
    if checkpoint is not None:
        run.differences = differences(run.checkpoint, checkpoint)
        run.update_checkpoint = checkpoint
    # one entry per variable; what it reached in either recording (the update's `$NAME` placeholders
    # make its list exact where a preview value matched nothing)
    reads = {r["name"]: r for r in run.env_reads}
    for r in update.get("env_reads") or []:
        if r["name"] not in reads:
            run.env_reads.append(r)
        else:
            entry = reads[r["name"]]
            entry["reached"] = sorted(set(entry.get("reached") or []) | set(r.get("reached") or []))
    run.inputs = sorted(set(run.inputs) | set(update.get("inputs") or []))
    run.states = sorted(set(run.states) | set(update.get("states") or []))
    run.env = sorted(set(run.env) | set(update.get("env") or []))
    run.modules = sorted(set(run.modules) | set(update.get("modules") or []))
    run.seconds += update.get("seconds", 0.0)
    run.wall_seconds = max(run.wall_seconds, update.get("wall_seconds", 0.0))
    return run


def record_stacks(program: Path, project: Project, stacks: list[str], out: Path,
                  jobs: int = 2, previous: Path | None = None, deadline: float | None = None,
                  options: dict[str, Any] | None = None, fork: bool = True,
                  reuse: Reuse | None = None, maybe: Collection[str] = (),
                  recorded: Recorded | None = None,
                  started: Callable[[], None] | None = None,
                  gate_dirs: Collection[Path] = (),
                  gate_files: Callable[[], Collection[str]] = frozenset) -> dict[str, StackRun]:
    """Record `stacks` (a preview and an update worker each, up to `jobs` workers at once) and write
    `<out>/<stack>.state.json`. With `fork`, workers of the gate's own Python are forked from a zygote.
    `reuse(stack, decided)` is asked when a stack is ready (the stacks it reads are `decided`); True: it
    wrote the stack's state itself (a cache hit), so it is not recorded. `maybe`: the stacks it may answer.
    `recorded(stack, run)` is told each stack's final run once the stacks waiting for it have started;
    `started()` once the first workers are asked for (in the main thread, while the zygote preloads).
    `gate_dirs`: directories the gate itself writes while the stacks are recorded (`--out`, the cache);
    `gate_files()`: the files its checkov drivers wrote in the run's directory `out` (asked after its walk).

    Returns the runs of the recorded stacks keyed by stack in the order given. Any worker's GateError
    aborts the whole run.
    """
    from gate import zygote

    for stack in stacks:   # validate every config file up front: bad input fails before any work
        load_stack_config(project, stack)
    previous = previous or out     # earlier runs' states, references, SDK modules (a run writes into `out`)
    own_python = not (options or {}).get("python")
    deps = config_dependencies(project, stacks) if len(stacks) > 1 else {s: set() for s in stacks}
    for stack, refs in remembered_references(previous, stacks).items():
        deps[stack] |= refs
    hint = read_hint(previous)
    early = zygote.take_early()        # started by the CLI before it loaded packs and looked up its cache
    forker = (early or zygote.Zygote()) if fork and own_python and stacks else None
    if early is not None and forker is None:
        early.close()
    if forker is not None:
        forker.begin(preload_groups(hint, deps, maybe), on_demand=hint)
    since = next_tick_ns()
    try:
        done = _record(program, stacks, out, jobs, previous, deadline, deps, options or {}, forker, reuse,
                       recorded, started)
    finally:
        if forker is not None:
            forker.close()
    # round 45: what the program may not write, made in its directory past the watch (the fence allows it)
    refuse_protected(program, since, (options or {}).get("judged_paths") or (), [out, *gate_dirs], out,
                     gate_files)
    remember_references(previous, out, {s: run.stack_references for s, run in done.items()})
    if own_python and done:
        # what a stack loaded itself, and what was preloaded for it last time (it did not load that again)
        write_hint(out, {**hint, **{stack: sorted(set(hint.get(stack, [])) | set(run.modules))
                                    for stack, run in done.items()}})
    return {s: done[s] for s in stacks if s in done}


def _record(program: Path, stacks: list[str], out: Path, jobs: int, previous: Path, deadline: float | None,
            deps: dict[str, set[str]], options: dict[str, Any], forker: Any,
            reuse: Reuse | None, recorded: Recorded | None,
            started: Callable[[], None] | None = None) -> dict[str, StackRun]:
    kinds = ("preview", "update") if options.get("record_update", True) else ("preview",)
    work = {"preview": run_worker, "update": run_update, AFTER: run_update}
    done: dict[str, StackRun] = {}
    reused: set[str] = set()
    rerun_once: set[str] = set()
    pending = list(stacks)
    fresh: list[str] = []          # recorded, `recorded` not told yet
    queue: list[tuple[str, str, frozenset[str]]] = []      # (stack, kind, stacks done when it started)
    parts: dict[str, dict[str, Any]] = {}
    left: dict[str, dict[str, list[int]]] = {}      # what each stack's ended preview wrote, to its update
    began: dict[str, int] = {}     # when each stack's preview was asked for (gate.preview_changes)
    after: set[str] = set()        # stacks whose update is recorded again once their preview has ended
    running: dict[Future[Any], tuple[str, str, frozenset[str]]] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while pending or queue or running:
            decided = set(done) | reused
            ready = [s for s in pending if not (deps[s] - decided)]
            if not ready and not running and not queue and pending:
                ready = [pending[0]]            # a reference cycle: run with what is available
            for stack in ready:
                pending.remove(stack)
                if reuse is not None and stack not in rerun_once and reuse(stack, decided):
                    reused.add(stack)
                    continue
                parts[stack] = {}
                after.discard(stack)
                queue.extend((stack, kind, frozenset(decided)) for kind in kinds)
            while queue and len(running) < max(1, jobs):
                task = queue.pop(0)
                stack, kind = task[:2]
                if kind == "preview":
                    began[stack] = now_ns()
                # an update reads the updates of the stacks it references: their deploy-time outputs
                dirs = ([out / UPDATES_DIR, out, previous / UPDATES_DIR, previous] if kind != "preview"
                        else [out, previous])
                given = {**options, "preview_left": left.pop(stack)} if kind == AFTER \
                    else {**options, "beside_preview": True} if kind == "update" else options
                running[pool.submit(work[kind], program, stack, dirs, deadline, given, forker)] = task
            if started is not None and running:
                started()
                started = None
            _tell(recorded, fresh, done)    # once the stacks waiting for them are recording
            if not running:
                continue
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in finished:
                stack, kind, at_start = running.pop(fut)
                parts[stack]["update" if kind == AFTER else kind] = _result(fut)   # GateError propagates
                if len(parts[stack]) < len(kinds):
                    continue
                if _again(parts[stack], stack in after, partial(_changed, program, began[stack], options)):
                    after.add(stack)
                    del parts[stack]["update"]
                    left[stack] = _left(parts[stack]["preview"].wrote)
                    queue.insert(0, (stack, AFTER, at_start))
                    continue
                got = parts.pop(stack)
                run = got["preview"]
                late = {t.split("/")[-1] for t in run.stack_references} & set(stacks) - at_start - {stack}
                if late and stack not in rerun_once:
                    rerun_once.add(stack)
                    deps[stack] |= late
                    pending.append(stack)       # record again once the referenced stacks are done
                    continue
                if "update" in got:
                    update = got["update"]
                    if update.get("update_checkpoint") is not None:
                        write_json_atomic(state_path(out / UPDATES_DIR, stack), update["update_checkpoint"])
                    run = with_update(run, update)
                write_json_atomic(state_path(out, stack), run.checkpoint)
                done[stack] = run
                fresh.append(stack)
    _tell(recorded, fresh, done)
    return done


def _again(got: dict[str, Any], again: bool, changed: Callable[[], bool] = lambda: False) -> bool:
    """Whether a stack's update, recorded beside its preview, is recorded again once the preview has
    ended (round 41): `pulumi up` runs it on the checkout the preview left, so the two recordings stand
    together only when neither wrote a file (the update beside the preview may not: `held`), by their
    word and by what the gate sees changed in the program's directory meanwhile (`changed`, round 42)."""
    if "update" not in got or again:
        return False
    return bool(got["preview"].wrote or got["update"].get("held")) or changed()


def _changed(program: Path, began: int, options: dict[str, Any]) -> bool:
    """Whether a file of the program's directory changed since its preview began, but where the gate
    judges or writes (gate.preview_changes)."""
    from gate.preview_changes import changed_since

    return changed_since(str(program.resolve()), began, options.get("judged_paths") or ()) is not None


def _left(wrote: list[str]) -> dict[str, list[int]]:
    """The files a preview wrote as it left them (taken by the gate, not by the program's process): its
    stack's update may read them unchanged (gate.side_effects.preview_left, round 41), and look at a node
    it made (a UNIX socket's path: round 46 refuses a stat of another recording's); not directories."""
    from gate.left_behind import fingerprint

    found: dict[str, list[int]] = {}
    for path in wrote:
        with suppress(OSError):
            st = os.lstat(path)
            if not stat.S_ISDIR(st.st_mode):
                found[path] = fingerprint(st)
    return found


def _result(fut: Future[Any]) -> Any:
    """A recording's result; a failed one first kills the run's other recordings (and checkov, pack
    servers): round 18, the pool's exit waited for them, up to their program deadline."""
    from gate.procs import kill_all

    try:
        return fut.result()
    except BaseException:
        kill_all()
        raise


def _tell(recorded: Recorded | None, fresh: list[str], done: dict[str, StackRun]) -> None:
    """`recorded` told of the stacks recorded since it was last told (in the gate's main thread: the
    packs judge them there, under their deadlines, while the next stacks record)."""
    while fresh:
        stack = fresh.pop(0)
        if recorded is not None:
            recorded(stack, done[stack])
