"""Golden recordings of the project's stacks: proof that a refactor of gate's recording changes nothing.

`python tests/gate/golden_states.py [FULL_DIR]` (repo root, project venv) rewrites the goldens.
Each golden holds the fingerprint of the program sources it was recorded from; when the program changes
(stacks/, components/, Pulumi.yaml) the golden is stale and the test fails until it is re-recorded;
the diff then shows whether only the fingerprint moved (the recording is byte-identical) or the state did.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = Path(__file__).with_name("golden")
STACKS = ("dosis-prod", "portal-prod", "interconnect-prod")
_SOURCES = ("Pulumi.yaml", "stacks", "components")


def program_fingerprint() -> str:
    """sha256 over every program source file (path and bytes), sorted."""
    digest = hashlib.sha256()
    for top in _SOURCES:
        base = ROOT / top
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded(stack: str) -> dict[str, Any]:
    """The stack as the gate records it (redacted checkpoint + side data), normalised.

    Normalised: the timestamp pinned, resources and diagnostics sorted (the SDK registers resources
    from executor threads, so their order varies between runs).
    """
    from gate.recording import record_program

    graph = record_program(ROOT, stack)
    checkpoint = graph.to_checkpoint(redact_secrets=True)
    checkpoint["deployment"]["manifest"]["time"] = "<time>"
    checkpoint["deployment"]["resources"].sort(key=lambda r: r["urn"])
    diagnostics = sorted(graph.diagnostics, key=lambda d: json.dumps(d, sort_keys=True))
    return {"checkpoint": checkpoint, "config": graph.config, "stack_references": graph.stack_references,
            "diagnostics": diagnostics}


def canonical(data: Any) -> str:
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def golden_path(stack: str) -> Path:
    return GOLDEN_DIR / f"{stack}.json"


def write_goldens(full_dir: Path | None = None) -> None:
    """Rewrite the goldens (digests only: the recordings are ~2 MB); `full_dir` keeps them for diffing."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    fingerprint = program_fingerprint()
    for stack in STACKS:
        body = canonical(recorded(stack))
        meta = {"program_fingerprint": fingerprint, "sha256": hashlib.sha256(body.encode()).hexdigest()}
        golden_path(stack).write_text(canonical(meta), encoding="utf-8")
        if full_dir is not None:
            full_dir.mkdir(parents=True, exist_ok=True)
            (full_dir / f"{stack}.json").write_text(body, encoding="utf-8")


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "scripts")]
    write_goldens(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
