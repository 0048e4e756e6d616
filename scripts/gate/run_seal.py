"""What a gate run says it judged, in its run index (`run.json`), so `evidence export --gate-dir` can refuse
the verdicts of another program or judge.

Round 7 (docs/gate-red-team.md): a gate dir of another project that has a stack of the same name, of an
older commit, or of a run judged with a lenient pack config, other records or another day exported as
this project's evidence. `preview` writes `seal`: the program digest, the judge digest and the evaluation
date, computed as the shard seal computes them (`gate.shard_seal`); the export computes the same for the
project it exports and refuses a difference. A checksum, not a signature (as the shard seal).

Round 39: the program digest stands for code and declared inputs; a file the program reads as data
(`settings/region.txt`) decides a verdict as much, so the seal holds `reads` too: each file of the
program's tree a recording opened (or looked for and did not find), with the digest the read tracker
gave it, which the export computes again and `gate merge` compares between shards.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

HASH_DEADLINE = 120.0


def of_run(args: argparse.Namespace, project: Any) -> dict[str, str]:
    """The seal of this run: which program, which judge, which day."""
    from gate.asof import resolve_as_of
    from gate.shard_seal import judge_digest, program_digest

    as_of = resolve_as_of(getattr(args, "as_of", None))
    return {"program": program_digest(project.root),
            "judge": judge_digest(args.settings, as_of, args.policy_mode), "as_of": as_of}


def started(args: argparse.Namespace, project: Any) -> Callable[[int], dict[str, Any]]:
    """The preview's run index entries, its seal computed in a thread (about 0.5 s of hashing for this
    project, mostly waiting on files) while the programs are recorded; the returned call (given the exit
    code) waits for it, or computes it if the thread failed."""
    import threading

    box: dict[str, dict[str, str]] = {}

    def compute() -> None:
        from gate.read_tracker import ReadTracker

        with contextlib.suppress(Exception), ReadTracker.not_an_input():   # on failure: computed again
            box["seal"] = of_run(args, project)                             # (and reported) by the caller

    thread = threading.Thread(target=compute, daemon=True, name="gate-run-seal")
    thread.start()

    def entries(code: int, reads: dict[str, str]) -> dict[str, Any]:
        thread.join(timeout=HASH_DEADLINE)
        if thread.is_alive():   # a FIFO or device named like a source file blocks its read
            from gate.errors import GateError

            raise GateError(f"run.json: hashing the project's files and the judge's (packs, pack configs, "
                            f"records) did not finish within {HASH_DEADLINE:g} s: is one of them a FIFO or "
                            "a device?")
        seal = box["seal"] if "seal" in box else of_run(args, project)
        return {"command": "preview", "exit": code, "settings": args.settings.to_json(),
                "seal": {**seal, "reads": reads}}

    return entries


def reads(project: Any, runs: dict[str, Any], cache: Any, run: Any) -> dict[str, str]:
    """Relative path -> digest of each file of the project's tree the recordings opened or looked for
    (`runs`, and the stacks the stack cache answered: their entries' inputs held this run), not under the
    `run`'s output or private directory (states other stacks read there are published with the run). A
    stat or a listing is left out (a mode, or the output directory's arrival in a listing, differ from one
    checkout to the next)."""
    from gate.stack_inputs import input_files

    found: dict[str, str] = {}
    for recorded in runs.values():
        found |= input_files(recorded.inputs)
    for inputs in (cache.answered.values() if cache is not None else ()):
        found |= inputs
    here = os.path.abspath(project.root) + os.sep
    skipped = tuple(os.path.abspath(s) + os.sep for s in (run.out, run.path) if s is not None)
    return {p[len(here):]: d for p, d in sorted(found.items())
            if p.startswith(here) and not p.startswith(skipped) and not d.startswith(("probe:", "listing:"))}


def changed_reads(root: Path, reads: Any) -> list[str]:
    """The files of `reads` (a seal's) that are no longer what the recordings read under `root`; a path
    that is not one `reads` writes (absolute, `..`) or a value that is no digest counts as one."""
    if not isinstance(reads, dict):
        return ["(no reads in the seal)"]
    return [rel for rel, recorded in reads.items()
            if not isinstance(rel, str) or not isinstance(recorded, str) or os.path.isabs(rel)
            or ".." in Path(rel).parts or _now(Path(root) / rel, recorded) != recorded]


def _now(path: Path, recorded: str) -> str:
    """The digest of `path` of `recorded`'s kind; a FIFO, a device or a file past 1 GiB there now is no
    file the recording read (its hash would block or run long)."""
    from gate.errors import GateError
    from gate.stack_inputs import input_digest

    try:
        return input_digest(path, recorded)
    except GateError:
        return "unreadable"


def of_merge(dirs: list[Path], reports: list[Any]) -> dict[str, str]:
    """A merged run's seal: the shards' program and judge (`gate merge` checked they agree), the reports'
    evaluation date, the reads of every shard (merge checked those of one file agree). Empty values when a
    shard's seal cannot be read (the export then refuses the run)."""
    import json

    from gate.shard_seal import SEAL

    seals = []
    for d in dirs:
        for path in sorted(Path(d).glob(f"*{SEAL}")):
            try:
                seal = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(seal, dict):
                seals.append(seal)
    if not seals:
        return {"program": "", "judge": "", "as_of": ""}
    dates = sorted({str(getattr(r, "as_of", "")) for r in reports})
    reads: dict[str, Any] = {}
    for seal in seals:
        reads |= seal.get("reads") if isinstance(seal.get("reads"), dict) else {}
    return {"program": str(seals[0].get("program", "")), "judge": str(seals[0].get("judge", "")),
            "as_of": dates[0] if len(dates) == 1 else "", "reads": reads}
