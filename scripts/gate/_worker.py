"""One recording in its own process: `python -m gate._worker REQUEST.json RESULT.json`.

Isolation keeps programs from sharing module state (the SDK's runtime settings, the program's own
imports) and lets recordings run in parallel: a stack's preview (`mode` "preview") and its update
(`mode` "update", `is_dry_run()` false; gate.dual) are two workers, so one stack uses both CPUs; the
update may not write beside its preview (`held`), and is recorded again once the preview has ended when
either wrote (round 41: `pulumi up` runs it on the checkout its preview left; the preview's files are its
`wrote`). The result is the redacted checkpoint, so secrets never leave this process in clear.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

# What a recording imports on its way besides gate.recording (lazily, in gate.driver and here): the zygote
# imports them before it forks (gate._zygote), so each of a run's workers does not import them again.
PRELOAD = ("gate.recording", "gate.mocks", "gate.monitor", "gate.project", "gate.read_tracker", "gate.zygote",
           "google.protobuf.json_format", "resource")


def _preview(request: dict, kwargs: dict) -> dict[str, Any]:
    from gate.recording import record_program
    from gate.side_effects import written

    graph = record_program(request["program"], request["stack"], **kwargs)
    return {
        "ok": True,
        "wrote": written(),
        "project": graph.project,
        "stack": graph.stack,
        "config": graph.config,
        "stack_references": graph.stack_references,
        "diagnostics": graph.diagnostics,
        "checkpoint": graph.to_checkpoint(redact_secrets=True),
        "env_reads": graph.env_reads,
    }


def _update(request: dict, kwargs: dict) -> dict[str, Any]:
    """The update's checkpoint; a program the mocks' outputs cannot carry through is `update_error`
    (the preview stands, reported as a warning)."""
    from gate.errors import ProgramError
    from gate.recording import record_program

    try:
        graph = record_program(request["program"], request["stack"], dry_run=False, **kwargs)
    except ProgramError as exc:
        return {"ok": True, "update_error": str(exc)}
    return {"ok": True, "update_checkpoint": graph.to_checkpoint(redact_secrets=True),
            "env_reads": graph.env_reads}


def run_variables(request: dict) -> None:
    """The run's start, judged paths and output directory for gate.side_effects, from the request alone:
    absent there, unset (round 21: an inherited value stood for a request without them)."""
    from gate.environ import JUDGED_PATHS, RUN_OUT, RUN_STARTED

    values = {RUN_STARTED: str(request.get("run_started_ns") or ""),
              JUDGED_PATHS: os.pathsep.join(request.get("judged_paths") or []),
              RUN_OUT: str(request.get("out") or "")}
    for name, value in values.items():
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)


def _inputs(read: set[str], worker_path: str | None, already: set[str]) -> list[str]:
    """What the stack cache keys this recording by: what it read once the tracker started; in a program's
    own environment (`worker_path`: the gate's copy of its code, keyed by the gate's version, in a new
    temporary directory each run: round 34, no entry ever answered such a program) also what its Python
    ran before — the files of the modules loaded then (a `sitecustomize` and what it imported), every
    `.pth` file on the path (an `import` line there runs at start), the listing of each directory on the
    path (one added there runs at the next start) and its `pyvenv.cfg` (the interpreter it is made of)."""
    from gate.read_probes import LISTING, split

    if not worker_path:
        return sorted(read)
    started = {getattr(sys.modules.get(name), "__file__", None) for name in already}
    places = [d for d in sys.path if d and os.path.isdir(d)]
    started |= {str(p) for d in places for p in Path(d).glob("*.pth")}
    started.add(os.path.join(sys.prefix, "pyvenv.cfg"))   # the interpreter the environment is made of
    mine = os.path.abspath(worker_path) + os.sep
    found = {*read, *(f for f in started if isinstance(f, str)), *(LISTING + d for d in places)}
    return sorted(p for p in found if not (split(p)[1] + os.sep).startswith(mine))


def _fence(request: dict, result_file: str) -> str:
    """The kernel's write fence (gate.write_fence, round 44), at once, before the recorder process is forked
    (it inherits it) and while this is the process's only thread (threads made before are not fenced): from
    then on the worker writes only in its program's directory and its own (the result's). "" or why not."""
    import tempfile

    from gate import write_fence

    try:
        tempfile.gettempdir()   # found once while it may write its probe (dill, the SDK's, asks on import)
    except FileNotFoundError:   # already fenced by gate._fenced (round 46): its own directory
        tempfile.tempdir = str(Path(result_file).resolve().parent)
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    trees = [str(Path(request["program"]).resolve()), str(Path(result_file).resolve().parent)]
    why = write_fence.install(trees)
    if not why and threads > 1:   # the startup code of a program's own environment (round 35) started one
        why = f"{threads - 1} thread(s) started before the gate's write fence are not fenced"
    return why


def _early(unfenced: str, stack: Any) -> None:
    """Round 45: a thread the startup code of the program's own environment started before the fence
    writes unfenced while the program runs (it was a warning): the recording fails, before the program."""
    from gate.errors import GateError

    if "started before the gate's write fence" in unfenced:
        raise GateError(f"stack {stack}: {unfenced}: the startup code of the program's own environment "
                        "(sitecustomize, usercustomize, a .pth import line) started them, and the kernel "
                        "fences only the thread that installs the fence and those it starts after; start no "
                        "thread at the interpreter's startup (docs/gate-red-team.md, round 45)")


def main(argv: list[str], install_filter: Any = None) -> int:
    """`install_filter` (gate.syscall_filter.install) is installed before the program runs: at once, or
    with `recorder: process` once the recorder process is forked (gate.relay)."""
    from gate.zygote import typed_classes

    already, typed = set(sys.modules), typed_classes()    # forked from a zygote: what it preloaded
    request_file, result_file = argv
    request = json.loads(Path(request_file).read_text(encoding="utf-8"))
    started = time.perf_counter()
    unfenced = ""
    if install_filter is not None:
        unfenced = _fence(request, result_file)
        if request.get("recorder") == "process":
            from gate.relay import PENDING_FILTER

            PENDING_FILTER.append(install_filter)
        else:
            install_filter()
    try:
        from gate.errors import GateError
        from gate.read_tracker import ReadTracker

        ReadTracker.start(probing=True)   # what the program reads (opens, stats, lists) is its entry's input
        run_variables(request)
        if request.get("mode") == "update":
            from gate.side_effects import hold_writes, preview_left

            hold_writes(bool(request.get("beside_preview")))
            preview_left(request.get("preview_left") or {})
        try:
            _early(unfenced, request.get("stack"))
            fixtures = request.get("invoke_fixtures")
            kwargs = {
                "state_dir": [Path(d) for d in request.get("state_dirs") or []],
                "invoke_fixtures": Path(fixtures) if fixtures else None,
            }
            if request.get("recorder") == "process":   # round 8: the record is kept out of this process
                from gate.relay_result import RESULT

                kwargs["relay_result"] = Path(result_file).parent / RESULT
            result = (_update if request.get("mode") == "update" else _preview)(request, kwargs)
            result["seconds"] = time.perf_counter() - started
            result["inputs"] = _inputs(ReadTracker.paths, request.get("worker_path"), already)
            result["env"] = sorted(ReadTracker.env)
            result["states"] = sorted(ReadTracker.states)
            from gate.zygote import sdk_modules, sdk_types

            result["modules"] = sdk_modules(already) + sdk_types(typed)
        except GateError as exc:
            result = {"ok": False, "error": str(exc)}
    except BaseException as exc:  # the worker must always answer; the parent prints one line
        from gate.errors import limit_line, refused_by_limit

        where = f"stack {request.get('stack')}"
        result = {"ok": False, "error": limit_line(where, exc) if refused_by_limit(exc)
                  else f"{where}: {type(exc).__name__}: {exc}"}
    from gate.side_effects import held

    if held():   # whatever came of it: the runner records the update again after its preview
        result = {"ok": True, "held": True}
    if unfenced:   # the kernel could not fence the writes: the gate warns (round 44)
        result["unfenced"] = unfenced
    tmp = Path(result_file + ".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(result_file)
    return 0


if __name__ == "__main__":
    from gate import syscall_filter

    # round 7: no process starts in a recording, not even past every seam (installed by main: round 8)
    sys.exit(main(sys.argv[1:], syscall_filter.install))
