"""Nothing changed, nothing recomputed: a stack's recorded state and report, cached by everything they
depend on.

The key names what is known before the run: the gate's own sources, the project file and the stack's
config file, the lock file, the policy packs and their config, and the options that change a verdict.
What a run reads is only known after it: every file the worker opened or imported while recording (the
program's modules, the data and records it read, other stacks' states behind StackReferences) and every
file the gate process opened while judging (pack modules, records, waivers). Those files and their
digests are stored with the entry, and an entry counts only while every one of them is unchanged, so an
edit to any input — of a kind foreseen here or not — records the stack again. Files of the Python
installation and of checkov's environment are covered by the lock file and the checkov version instead.

Another stack's state read through a StackReference is an input by what the reference gives the program
and what the packs place its values through (round 11): that stack's recorded resources and outputs (in its
preview state, and in its update state for the update), not the time it was recorded. A stack that read
the state of a stack this run records again is decided once that stack is done (`PreviewCache.reuse`):
if that graph came out the same, the entry still holds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gate.cache import Store
from gate.read_tracker import ReadTracker
from gate.stack_inputs import STATE_SUFFIX, StackInputs, env_inputs, input_digest, input_files, state_inputs

NAMESPACE = "stacks"


class StackCache:
    """Entries `{"inputs": {path: digest}, "env": {name: digest}, "run": ..., "report": ...}` per key."""

    def __init__(self, root: Path) -> None:
        self.store = Store(root, NAMESPACE)

    def lookup(self, key: str, where: dict[str, Path] | None = None) -> dict[str, Any] | None:
        """The entry if every input is as it was; `where`: inputs to read at another path (a state this
        run has just recorded, not yet published where the entry names it)."""
        entry = self.store.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("inputs"), dict) \
                or not isinstance(entry.get("env"), dict) or not _whole(entry):
            return None
        where = where or {}
        for path, sha in entry["inputs"].items():
            if input_digest(where.get(path) or Path(path), sha) != sha:
                return None
        if env_inputs(list(entry["env"])) != entry["env"]:
            return None
        return entry

    def save(self, key: str, inputs: dict[str, str], env: dict[str, str], run: dict[str, Any],
             report: dict[str, Any]) -> None:
        self.store.put(key, {"inputs": inputs, "env": env, "run": run, "report": report})


def state_paths(out: Path, stack: str) -> tuple[str, str]:
    """Where `stack`'s preview and update states are published under `out`."""
    from gate.publish import UPDATES_DIR

    return (os.path.abspath(Path(out) / f"{stack}{STATE_SUFFIX}"),
            os.path.abspath(Path(out) / UPDATES_DIR / f"{stack}{STATE_SUFFIX}"))


def depends_on_state(entry: dict[str, Any], out: Path, stack: str) -> bool:
    """Whether a cached stack read `stack`'s published preview or update state (a StackReference)."""
    return any(p in entry.get("inputs", {}) for p in state_paths(out, stack))


def usable(entries: dict[str, dict[str, Any] | None], out: Path) -> dict[str, dict[str, Any]]:
    """Cached entries that stay valid this run: a stack that read the state of a stack recorded again
    is recorded again too (that state is about to change), to a fixpoint."""
    hits = {s: e for s, e in entries.items() if e is not None}
    changed = True
    while changed:
        changed = False
        for stack, entry in list(hits.items()):
            if any(depends_on_state(entry, out, other) for other in entries if other not in hits):
                del hits[stack]
                changed = True
    return hits


def report_from_json(doc: dict[str, Any]) -> Any:
    """A StackReport back from its JSON document, marked cached."""
    from dataclasses import fields

    from gate.model import PolicyRun, StackReport, Violation

    def build(cls: Any, data: dict[str, Any]) -> Any:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    report = build(StackReport, {**doc, "violations": [build(Violation, v) for v in doc["violations"]],
                                 "policies": [build(PolicyRun, p) for p in doc["policies"]]})
    report.cached = True
    return report


def _restore(stack: str, entry: dict[str, Any], work: Path) -> None:
    """A cached stack's state (and update state) where its recording would have written them: the bytes
    the recording wrote, kept as text (serialising the objects again cost a cached run a third of its
    time)."""
    from gate.jsonio import write_bytes_atomic
    from gate.publish import UPDATES_DIR

    write_bytes_atomic(Path(work) / f"{stack}{STATE_SUFFIX}", entry["run"]["state"].encode("utf-8"))
    update = entry["run"]["update_state"]
    if update is not None:   # what the updates of later stacks read
        write_bytes_atomic(Path(work) / UPDATES_DIR / f"{stack}{STATE_SUFFIX}", update.encode("utf-8"))


def _whole(entry: dict[str, Any]) -> bool:
    """An entry of this shape: the state files as text (anything else, e.g. an older gate's, is a miss)."""
    run = entry.get("run")
    return isinstance(run, dict) and isinstance(run.get("state"), str) and "update_state" in run \
        and isinstance(run["update_state"], (str, type(None))) and isinstance(entry.get("report"), dict)


class PreviewCache:
    """The stack cache as `gate preview` uses it: look up before recording, store after judging."""

    def __init__(self, root: Path, inputs: StackInputs, out: Path, project: Any) -> None:
        self.cache = StackCache(root)
        self.inputs = inputs
        self.project = project
        self.out = Path(out)
        self.root = Path(root)
        self.in_run: set[str] = set()
        self.deferred: set[str] = set()
        self.answered: dict[str, dict[str, str]] = {}   # a cached stack's inputs: what its recording read
        ReadTracker.start()

    def key(self, stack: str) -> str:
        return self.inputs.key(stack, self.project.stack_file(stack))

    def split(self, stacks: list[str], work: Path) -> tuple[dict[str, Any], list[str]]:
        """(reports of the cached stacks, stacks to record and judge), in the order given. A cached
        stack's state is written to the run directory `work`, where the recording would have written it
        (it is published with the run, and other stacks' references read it there)."""
        entries = {s: self.cache.lookup(self.key(s)) for s in stacks}
        hits = usable(entries, self.out)
        self.in_run, self.deferred = set(stacks), {s for s, e in entries.items() if e is not None} - set(hits)
        for stack, entry in hits.items():
            _restore(stack, entry, work)
            self.answered[stack] = entry["inputs"]
        return ({s: report_from_json(e["report"]) for s, e in hits.items()},
                [s for s in stacks if s not in hits])

    def reuse(self, stack: str, decided: set[str], work: Path) -> Any | None:
        """A stack `split` deferred (its entry held, but it read the state of a stack recorded again), once
        the stacks of this run it read are `decided` (their states are in `work`): its cached report if
        the entry holds with those states, the cached state written to `work` as `split` does; else None
        (record it). A state of this run not decided yet is never compared with its old one."""
        if stack not in self.deferred:
            return None
        work_prefix = os.path.abspath(work)
        out_prefix = os.path.abspath(self.out)
        where = {p: Path(work_prefix + p[len(out_prefix):])
                 for o in decided & self.in_run for p in state_paths(self.out, o)}
        undecided = {p for o in self.in_run - decided - {stack} for p in state_paths(self.out, o)}
        entry = self.cache.lookup(self.key(stack), where)
        if entry is None or undecided & set(entry["inputs"]):
            return None
        _restore(stack, entry, work)
        self.answered[stack] = entry["inputs"]
        return report_from_json(entry["report"])

    def _own(self, files: dict[str, str]) -> dict[str, str]:
        """Without the stack config files: each stack's own is in its key, the others' are not its input
        (the gate reads them all to order the stacks)."""
        config_dir = os.path.abspath(self.project.config_dir)
        return {p: d for p, d in files.items()
                if not (os.path.dirname(p) == config_dir and os.path.basename(p).startswith("Pulumi.")
                        and os.path.basename(p) not in ("Pulumi.yaml", "Pulumi.yml"))}

    def store(self, runs: dict[str, Any], reports: list[Any], work: Path) -> None:
        """One entry per recorded stack: its worker's reads plus what this process read while judging.
        Files of this run's private directory are recorded as where they are published (`--out`)."""
        from gate.publish import UPDATES_DIR

        fresh = [(r, runs[r.stack]) for r in reports if not r.cached and r.stack in runs]
        if not fresh:   # every stack answered from the cache: nothing to store, nothing to hash
            return
        # not the cache's own entries (read by lookups; a `--cache-dir` outside `--out` is not skipped as
        # part of it): an entry that listed another would miss whenever that one is saved again
        judged = self._own(input_files(ReadTracker.paths, skip=(self.out, self.root)))
        for report, run in fresh:
            read = {**state_inputs(run.states), **input_files(run.inputs, skip=(self.root,))}
            recorded = self._published(read, work)
            inputs = {**self._own(recorded), **judged}
            env = env_inputs(set(run.env) | ReadTracker.env)
            # the files the recording wrote (write_json_atomic), as text: a hit writes back these bytes
            state = Path(work) / f"{report.stack}{STATE_SUFFIX}"
            update = Path(work) / UPDATES_DIR / f"{report.stack}{STATE_SUFFIX}"
            self.cache.save(self.key(report.stack), inputs, env, {
                "project": run.project, "config": run.config, "state": state.read_text(encoding="utf-8"),
                "stack_references": run.stack_references, "diagnostics": run.diagnostics,
                "update_state": update.read_text(encoding="utf-8") if update.is_file() else None},
                report.to_json())

    def _published(self, recorded: dict[str, str], work: Path) -> dict[str, str]:
        """Files of this run's private directory as where they are published (`--out`): what other
        stacks' references read there (states, update states) is published with the run."""
        work_prefix = os.path.abspath(work) + os.sep
        inputs = {p: d for p, d in recorded.items() if not p.startswith(work_prefix)}
        for p, d in recorded.items():   # one not there yet was looked for in `--out` next, and recorded so
            if p.startswith(work_prefix) and d != "missing":
                inputs[os.path.join(str(self.out), p[len(work_prefix):])] = d
        return inputs


def open_preview_cache(args: Any, project: Any, out: Path, packs: list[Path],
                       pack_config: Any) -> PreviewCache | None:
    """The stack cache for this `gate preview`, or None (--no-cache, or packs judged out of process, whose
    reads this process cannot see)."""
    from gate.cache import resolve_dir

    root = resolve_dir(args.cache_dir, out, enabled=not args.no_cache)
    if root is None or args.policy_mode != "inprocess":
        return None
    checkov = None
    if not args.no_checkov:
        from gate.checkov.cache import scanner_identity
        from gate.checkov.parallel import FRAMEWORKS

        checkov = scanner_identity(FRAMEWORKS)
    inputs = StackInputs(project_file=project.file, lock_file=project.root / "uv.lock", packs=list(packs),
                         pack_config={k: dict(v) for k, v in (pack_config or {}).items()},
                         # the evaluation date decides which records hold: part of every key
                         options={"policy_mode": args.policy_mode, "checkov": checkov,
                                  "as_of": getattr(args, "as_of", None),
                                  # round 8: an in-process entry never answers `--recorder process`
                                  **({"recorder": "process"} if getattr(getattr(args, "settings", None),
                                                                      "recorder", "") == "process" else {})})
    return PreviewCache(root, inputs, out, project)
