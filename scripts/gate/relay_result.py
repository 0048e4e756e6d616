"""Round 8: the gate's side of the out-of-process recorder (gate.relay): the record it left is the one
taken, whatever the worker's own result says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.errors import GateError

RESULT = "recorder.json"    # in the recording's temporary directory, written by the recorder process


def merge(data: dict[str, Any], directory: Path, mode: str, stack: str) -> dict[str, Any]:
    """The worker's result with the recorder's record in place of the worker's (gate.runner)."""
    path = directory / RESULT
    if not path.is_file():
        raise GateError(f"stack {stack}: the recorder process left no record (recording the {mode}): it was "
                        "ended from outside, or failed (its stderr is the worker's)")
    got = json.loads(path.read_text(encoding="utf-8"))
    if got.get("error"):
        raise GateError(f"stack {stack}: {got['error']}")
    if got.get("program_error") and not (mode == "update" and data.get("update_error")):
        if mode != "update":   # the worker said otherwise: it is not to be trusted
            raise GateError(f"stack {stack}: {got['program_error']}")
        data["update_error"] = f"stack {stack}: {got['program_error']}"
    data["inputs"] = sorted(set(data.get("inputs") or []) | set(got["inputs"]))
    data["states"] = sorted(set(data.get("states") or []) | set(got["states"]))
    if mode == "update":
        if not data.get("update_error"):
            data["update_checkpoint"], data["env_reads"] = got["checkpoint"], got["env_reads"]
        return data
    for key in ("project", "stack", "config", "stack_references", "diagnostics", "checkpoint", "env_reads"):
        data[key] = got[key]
    return data
