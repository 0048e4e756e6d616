"""One stack's recording in its own process: `python -m gate._worker REQUEST.json RESULT.json`.

Isolation keeps programs from sharing module state (the SDK's runtime settings, the program's own
imports) and lets stacks run in parallel. The result is the redacted checkpoint, so secrets never leave
this process in clear.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _update(request: dict, kwargs: dict, preview: dict, env_reads: list) -> dict:
    """Record again as an update (`is_dry_run()` false); the graph only when it differs from the preview."""
    from gate.dual import differences, forget_program_modules
    from gate.errors import ProgramError
    from gate.recording import record_program

    forget_program_modules(Path(request["program"]))
    try:
        graph = record_program(request["program"], request["stack"], dry_run=False, **kwargs)
    except ProgramError as exc:   # the mocks' outputs were not enough for the program's deploy-time code
        return {"update_error": str(exc)}
    update = graph.to_checkpoint(redact_secrets=True)
    diffs = differences(preview, update)
    names = {r["name"] for r in env_reads}
    return {"differences": diffs, "update_checkpoint": update if diffs else None,
            "env_reads": env_reads + [r for r in graph.env_reads if r["name"] not in names]}


def main(argv: list[str]) -> int:
    request_file, result_file = argv
    request = json.loads(Path(request_file).read_text(encoding="utf-8"))
    started = time.perf_counter()
    try:
        from gate.errors import GateError
        from gate.recording import record_program
        from gate.stackcache import ReadTracker

        ReadTracker.start()   # what the program reads is what its cache entry depends on

        try:
            fixtures = request.get("invoke_fixtures")
            kwargs = {
                "state_dir": [Path(d) for d in request.get("state_dirs") or []],
                "invoke_fixtures": Path(fixtures) if fixtures else None,
            }
            graph = record_program(request["program"], request["stack"], **kwargs)
            checkpoint = graph.to_checkpoint(redact_secrets=True)
            result = {
                "ok": True,
                "project": graph.project,
                "stack": graph.stack,
                "config": graph.config,
                "stack_references": graph.stack_references,
                "diagnostics": graph.diagnostics,
                "checkpoint": checkpoint,
                "env_reads": graph.env_reads,
            }
            if request.get("record_update", True):
                result.update(_update(request, kwargs, checkpoint, graph.env_reads))
            result["seconds"] = time.perf_counter() - started
            result["inputs"], result["env"] = sorted(ReadTracker.paths), sorted(ReadTracker.env)
        except GateError as exc:
            result = {"ok": False, "error": str(exc)}
    except BaseException as exc:  # the worker must always answer; the parent prints one line
        result = {"ok": False, "error": f"stack {request.get('stack')}: {type(exc).__name__}: {exc}"}
    tmp = Path(result_file + ".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(result_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
