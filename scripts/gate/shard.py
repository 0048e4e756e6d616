"""Many stacks, many runners: `gate preview --all --shard K/N [--level L]` and `gate merge DIR...`.

Stacks are put in reference levels (level 0 references no stack of the project; level L only stacks of
lower levels, from their config or the references remembered by an earlier run). Within a level the
stacks, sorted by name, are dealt round-robin to N shards; a shard job runs its stacks of one level
(`--level L`) or of every level in order. A job of level L needs the states of the earlier levels in its
`--out` directory (CI artefacts), as a StackReference reads them there. `gate merge` reads the shard
output directories (`<stack>.report.json`, `<stack>.state.json`) and writes one verdict, one SARIF, one
report set, in the order a single `gate preview --all` uses. The CI system is the distributed engine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from gate.errors import GateError, UsageError
from gate.publish import UPDATES_DIR

_SHARD = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` with 1 <= K <= N."""
    m = _SHARD.match(text or "")
    if not m or int(m.group(1)) > int(m.group(2)):
        raise UsageError(f"--shard {text!r}: expected K/N with 1 <= K <= N (e.g. 2/3)")
    return int(m.group(1)), int(m.group(2))


def levels(deps: dict[str, set[str]], stacks: list[str]) -> list[list[str]]:
    """Stacks by reference level, each level sorted by name; a cycle is one level (run with what is there)."""
    placed: set[str] = set()
    out: list[list[str]] = []
    remaining = list(stacks)
    while remaining:
        ready = [s for s in remaining if not ((deps.get(s, set()) & set(stacks)) - placed - {s})]
        level = ready or list(remaining)
        out.append(sorted(level))
        placed |= set(level)
        remaining = [s for s in remaining if s not in placed]
    return out


def select(by_level: list[list[str]], shard: tuple[int, int], level: int | None) -> list[str]:
    """The stacks of shard K/N (of one level, or of all levels in order)."""
    k, n = shard
    if level is not None and not 0 <= level < max(1, len(by_level)):
        return []   # a CI matrix may hold more levels than this project has: nothing to do
    chosen = by_level if level is None else [by_level[level]]
    return [s for stacks in chosen for i, s in enumerate(stacks) if i % n == k - 1]


def stack_levels(project: Any, stacks: list[str], out: Path) -> list[list[str]]:
    from gate.run_hints import config_dependencies, remembered_references

    deps = config_dependencies(project, stacks) if len(stacks) > 1 else {s: set() for s in stacks}
    for stack, refs in remembered_references(out, stacks).items():
        deps[stack] |= refs
    return levels(deps, stacks)


def _order(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"   # `gate preview --all` orders stacks by their config file's name


def merge(dirs: list[Path], out: Path | None) -> list[Any]:
    """The reports of every shard directory, as one run's (each stack exactly once)."""
    from gate.inputs import MAX_STATE_BYTES, open_regular
    from gate.jsonio import loads
    from gate.report_shape import problem as report_shape
    from gate.stackcache import report_from_json

    found: dict[str, Path] = {}
    for d in dirs:
        if not Path(d).is_dir():
            raise UsageError(f"{d}: shard output directory not found")
        for path in sorted(Path(d).glob("*.report.json")):
            stack = path.name[: -len(".report.json")]
            if stack in found and _sha(found[stack]) != _sha(path):
                raise GateError(f"{path}: stack {stack} also in {found[stack]} with another report")
            found[stack] = path
    if not found:
        raise GateError(f"{', '.join(map(str, dirs))}: no <stack>.report.json to merge")
    from gate.shard_seal import check_shards

    check_shards(found)
    reports = []
    for stack in sorted(found, key=_order):
        try:
            with open_regular(found[stack], "a shard's report", MAX_STATE_BYTES) as f:
                doc = loads(f.read())
        except ValueError as exc:
            raise GateError(f"{found[stack]}: not a gate report ({exc})") from exc
        problem = report_shape(doc)
        if problem:
            raise GateError(f"{found[stack]}: {problem} (not a report the gate wrote): run the shard again")
        report = report_from_json(doc)
        report.cached = False
        reports.append(report)
        if out is not None:   # the stack's state and update graph beside its report
            shard = found[stack].parent
            for rel in (f"{stack}.state.json", f"{UPDATES_DIR}/{stack}.state.json"):
                if (shard / rel).is_file() and (shard / rel).resolve() != (out / rel).resolve():
                    (out / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(shard / rel, out / rel)
    return reports


def _sha(path: Path) -> str:
    from gate.inputs import file_sha256

    return file_sha256(path, "a shard's report")


def unresolved_project_references(runs: dict[str, Any], project_stacks: list[str]) -> list[str]:
    """In a shard, a reference to a project stack whose state is not in --out cannot be judged: the
    single run would have recorded that stack first. One message per such reference."""
    from gate.stack_graphs import target_stack

    problems = []
    for run in runs.values():
        for target, resolved in sorted(run.stack_references.items()):
            name = target_stack(target, run.project)
            if not resolved and name in project_stacks:
                problems.append(f"stack {run.stack}: StackReference {target!r}: stack {name} is in another "
                                f"shard or a later level and its state is not in --out; put the reference in "
                                f"the stack config, or keep <out>/.stack-references.json of an earlier run")
    return problems
