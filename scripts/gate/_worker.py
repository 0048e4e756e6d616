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


def main(argv: list[str]) -> int:
    request_file, result_file = argv
    request = json.loads(Path(request_file).read_text(encoding="utf-8"))
    started = time.perf_counter()
    try:
        from gate.errors import GateError
        from gate.recording import record_program

        try:
            graph = record_program(
                request["program"], request["stack"],
                state_dir=Path(request["state_dir"]) if request.get("state_dir") else None,
                invoke_fixtures=Path(request["invoke_fixtures"]) if request.get("invoke_fixtures") else None,
            )
            result = {
                "ok": True,
                "project": graph.project,
                "stack": graph.stack,
                "config": graph.config,
                "stack_references": graph.stack_references,
                "diagnostics": graph.diagnostics,
                "checkpoint": graph.to_checkpoint(redact_secrets=True),
                "seconds": time.perf_counter() - started,
            }
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
