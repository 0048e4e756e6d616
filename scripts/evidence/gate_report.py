"""What a reused gate run's files must say of themselves before the export takes its word (round 28,
docs/gate-red-team.md).

The signature (evidence.gate_run) says who wrote run.json, and judging again (evidence.rejudge) that each
report holds every finding its state makes. Neither looked at the rest of a report: one without
`violations` read as one with none, another stack's report stood for this one, a report of another day
for the run's, `blocked: false` over blocking findings and a run index saying exit 0 over them were
exported as they were; `resources: 1e400` was a traceback. A run index that is a link out of the gate dir,
a FIFO (the export waited forever) or a huge file (read whole into memory) is refused before it is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gate.errors import GateError
from gate.inputs import open_regular

from evidence.errors import EvidenceError

MAX_INDEX_BYTES = 64 * 1024 * 1024   # run.json and its signature list digests: a few KiB a stack
_AGAIN = "run `gate preview --out DIR` of this checkout again, then export"
REQUIRED = ("stack", "blocked", "resources", "violations", "policies", "as_of")


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path`, a regular file the gate wrote (gate.inputs.open_regular: never through a
    symbolic link, never waiting on a FIFO or device), at most `limit` bytes (None: any size).
    FileNotFoundError passes: the caller says what a missing file means (no run, a file left out)."""
    try:
        with open_regular(path, "evidence reads only what the gate wrote", limit) as f:
            return f.read()
    except GateError as exc:
        raise EvidenceError(str(exc)) from None


def check_report(data: Any, path: Path, stack: str, as_of: object) -> None:
    """EvidenceError naming `path` and the key unless the report is `stack`'s, of the run's day, and its
    verdict is what its findings say."""
    if not isinstance(data, dict):
        raise EvidenceError(f"{path}: not a gate report (not a JSON object)")
    for key in REQUIRED:
        if key not in data:
            raise EvidenceError(f"{path}: {key}: missing (not a report the gate wrote): {_AGAIN}")
    if data["stack"] != stack:
        raise EvidenceError(f"{path}: stack: {data['stack']!r} is not {stack} (another stack's report)")
    if isinstance(as_of, str) and data["as_of"] != as_of:
        raise EvidenceError(f"{path}: as_of: {data['as_of']} is not the run's {as_of} (a report of another "
                            f"day): {_AGAIN}")
    count = data["resources"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise EvidenceError(f"{path}: resources: {str(count)[:40]!r} is not a count of resources")
    if not isinstance(data["violations"], list) or not all(isinstance(v, dict) for v in data["violations"]):
        raise EvidenceError(f"{path}: violations: not a list of findings")
    blocks = any(v.get("level") in ("mandatory", "remediate") and v.get("waiver") is None
                 for v in data["violations"])   # gate.model.Violation.blocking
    if data["blocked"] is not blocks:
        said = "false" if data["blocked"] is False else repr(data["blocked"])
        raise EvidenceError(f"{path}: blocked: {said}, but its findings {'block' if blocks else 'do not'} "
                            f"(an edited verdict): {_AGAIN}")


def check_exit(index: dict[str, Any], where: Path, blocked: list[str]) -> None:
    """EvidenceError unless run.json's exit code is a verdict (0, 1) and is no pass over a blocking report
    (`blocked`: the file names of the exported stacks' reports that block)."""
    code = index.get("exit")
    if isinstance(code, bool) or code not in (0, 1):
        raise EvidenceError(f"{where}: exit: {str(code)[:40]!r} is not a gate run's verdict (0 or 1)")
    if code == 0 and blocked:
        raise EvidenceError(f"{where}: exit: 0 (a pass), but {blocked[0]} blocks (an edited run index): "
                            + _AGAIN)
