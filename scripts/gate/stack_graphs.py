"""The recorded graphs of the stacks a judged stack reads through StackReference (round 11).

A host, id or ARN another stack of the same run exports is placed through that stack's recorded graph: the
packs are told, per judged stack, which recorded states are the referenced stacks' (`GATE_STACK_GRAPHS`,
a JSON index: project, then stack -> its preview and update checkpoint paths), and resolve a value that is
an output of a referenced stack against the resources of the graph whose stack outputs the reference read
(policies/core/stack_graphs.py). Only graphs the gate can vouch for are listed: the stacks this run
recorded, and states of an earlier run or level in `--out` (or beside an analysed state) whose digests a
seal of the run that wrote them holds (`<stack>.shard.json`, else `run.json`). A state that a seal
contradicts was edited after that run: exit 2. One that no seal covers is not listed (its values block,
saying how to make them judgeable).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gate.environ import ORGANIZATION
from gate.errors import GateError

ENV = "GATE_STACK_GRAPHS"
UPDATES = ".updates"


def target_stack(target: str, project: str) -> str | None:
    """The stack of this project a StackReference name means ("stack", "project/stack",
    "organization/project/stack"); None for another project's or organization's stack."""
    parts = target.split("/")
    if len(parts) > 3 or not parts[-1]:
        return None
    if len(parts) >= 2 and parts[-2] != project:
        return None
    if len(parts) == 3 and parts[0] != ORGANIZATION:
        return None
    return parts[-1]


def _sha(path: Path) -> str:
    from gate.inputs import file_sha256

    return file_sha256(path, "a referenced stack's recorded state")


def _seal_files(directory: Path, stack: str) -> tuple[Path, dict[str, str]] | None:
    """The digests a seal of the run that wrote `directory`'s files of `stack` holds: its shard seal, else
    the run index; None when neither covers the stack."""
    shard = directory / f"{stack}.shard.json"
    run = directory / "run.json"
    picks = ((shard, lambda d: d.get("files")),
             (run, lambda d: (d.get("stacks") or {}).get(stack) or (d.get("referenced") or {}).get(stack)))
    for seal, pick in picks:
        if not seal.is_file():
            continue
        try:
            files = pick(json.loads(seal.read_text(encoding="utf-8")))
        except (OSError, ValueError, AttributeError):
            raise GateError(f"{seal}: unreadable seal of a gate run (it vouches for stack {stack}'s recorded "
                            "state a StackReference reads): record the referenced stack again") from None
        if isinstance(files, dict) and f"{stack}.state.json" in files:
            return seal, {str(k): str(v) for k, v in files.items()}
    return None


def vouched(directory: Path, stack: str) -> dict[str, str] | None:
    """`stack`'s recorded preview and update states in `directory` (an earlier run's or level's), when a seal
    of the run that wrote them holds their digests; GateError when they differ from it (edited since)."""
    found = _seal_files(directory, stack)
    if found is None:
        return None
    seal, files = found
    graphs: dict[str, str] = {}
    for kind, rel in (("preview", f"{stack}.state.json"), ("update", f"{UPDATES}/{stack}.state.json")):
        path = directory / rel
        if rel not in files or not path.is_file():
            continue
        if path.is_symlink() or _sha(path) != files[rel]:
            raise GateError(f"{path}: stack {stack}'s recorded state differs from the digest {seal.name} "
                            "holds for it: edited after the gate run that recorded it, so a StackReference "
                            f"to {stack} cannot be placed through it; record {stack} again (gate preview "
                            f"--stack {stack}, or --all)")
        graphs[kind] = str(path.resolve())
    return graphs if "preview" in graphs else None


def digests(directory: Path, stack: str) -> dict[str, str]:
    """The SHA-256 of `stack`'s recorded states in `directory` (carried into the next run's `run.json`)."""
    rels = (f"{stack}.state.json", f"{UPDATES}/{stack}.state.json")
    return {rel: _sha(directory / rel) for rel in rels if (directory / rel).is_file()}


def this_run(work: Path, stack: str) -> dict[str, str]:
    """The graphs this run recorded for `stack` (its private run directory)."""
    graphs = {"preview": str((work / f"{stack}.state.json").resolve())}
    if (work / UPDATES / f"{stack}.state.json").is_file():
        graphs["update"] = str((work / UPDATES / f"{stack}.state.json").resolve())
    return graphs


def referenced_stacks(targets: Iterable[str], project: str, stack: str) -> list[str]:
    """The other stacks of this project the names in `targets` refer to, each once."""
    found = (target_stack(t, project) for t in targets)
    return sorted({s for s in found if s and s != stack})


def write_index(path: Path, project: str, graphs: dict[str, dict[str, str]]) -> Path:
    """The index the packs read (`GATE_STACK_GRAPHS`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"project": project, "stacks": graphs}, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path


def reference_names(state: dict[str, Any]) -> list[str]:
    """The names of the StackReferences a checkpoint holds (`gate analyze`)."""
    names = []
    for r in state.get("deployment", {}).get("resources", []):
        if isinstance(r, dict) and r.get("type") == "pulumi:pulumi:StackReference":
            name = (r.get("inputs") or {}).get("name")
            if isinstance(name, str):
                names.append(name)
    return names


def gate_dir_of(state: Path) -> Path:
    """The gate directory an analysed state was published in (an update graph sits in its `.updates/`)."""
    parent = state.resolve().parent
    return parent.parent if parent.name == UPDATES else parent


def for_analyze(state_path: Path, state: dict[str, Any], project: str, stack: str, work: Path) -> Path | None:
    """The index of the referenced stacks' graphs beside an analysed state, vouched by that gate dir's seals
    (what `evidence export` re-judges); None when the state reads no other stack."""
    targets = reference_names(state)
    if not targets:
        return None
    names = referenced_stacks(targets, project, stack)
    where = gate_dir_of(state_path)
    graphs = {s: g for s in names if (g := vouched(where, s)) is not None}
    return write_index(work / ".stack-graphs" / f"{stack}.json", project, graphs)
