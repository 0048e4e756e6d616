"""The verdict on a run's stacks: the packs on each recorded graph (the preview's and, in full, the
update's), checkov's findings, the gate's own warnings; put together in one order whatever the timing.

`gate preview` judges a stack as soon as it is recorded (`StackJudge`, told by `record_stacks` once the
stacks waiting for it are started), so the packs' evaluation of one stack and checkov's scan of it
overlap the recording of the stacks that read it; `gate analyze` judges its one state after reading it.
Both end in `verdicts`, which adds checkov's findings and then the update graph's, as a judgement after
every recording did.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from gate import options
from gate.enrich import finish
from gate.environ import environ
from gate.errors import needed
from gate.model import StackReport
from gate.stack_graphs import ENV

Policy = tuple[list[Path], dict[str, Any]]


def pack_report(state: dict[str, Any], stack: str, meta: dict[str, Any], args: Any, policy: Policy,
                source: str, deadlines: Any = None, jobs: int = 1) -> StackReport:
    """The packs' findings on one recorded graph (`meta`: its project and stack config)."""
    evaluate = needed("gate.policyhost", f"stack {stack}: the policy packs").evaluate
    extra = {"deadlines": deadlines} if deadlines is not None else {}
    return evaluate(state, stack=stack, project=meta["project"], stack_config=meta["config"],
                    packs=policy[0], pack_config=policy[1], mode=args.policy_mode, source=source,
                    jobs=jobs, **extra)


def update_report(stack: str, run: Any, args: Any, policy: Policy) -> StackReport | None:
    """The packs' findings on a stack's update graph (None when no update was recorded): every finding
    counts, not only those on a value the preview knew (round 10, docs/gate-red-team.md)."""
    if run.update_checkpoint is None:
        return None
    return pack_report(run.update_checkpoint, stack, {"project": run.project, "config": run.config}, args,
                       policy, f"stack {stack} (update)")


def verdicts(reports: list[StackReport], states: dict[str, dict[str, Any]], args: Any, found: Any,
             runs: dict[str, Any] | None = None, updates: dict[str, StackReport | None] | None = None,
             ) -> list[StackReport]:
    """Each report completed: as-of date, checkov's findings and runs (`found`: stack -> StackScan, or
    None), sources and order (gate.enrich), then its update graph's findings and the gate's warnings
    about the recording (`runs`, `updates`: `gate preview`)."""
    from gate import dual  # the SDK's wire format: imported when judged, not before the zygote starts

    for report in reports:
        report.as_of = args.as_of
        if found is not None and report.stack in found:
            report.violations.extend(found[report.stack].violations)
            report.policies.extend(found[report.stack].runs)
        finish(report, states[report.stack])
        if runs is not None:
            run, update = runs[report.stack], (updates or {}).get(report.stack)
            resources = run.checkpoint["deployment"]["resources"]
            stack_urn = next((r["urn"] for r in resources if r.get("type") == "pulumi:pulumi:Stack"), "")
            dual.merge(report, update, run.differences, run.env_reads, stack_urn, run.update_error,
                       run.stack_references, resources)
            finish(report, run.checkpoint if update is None else run.update_checkpoint)
    return reports


class StackJudge:
    """`gate preview`'s judgement, a stack at a time: `judge(stack, run)` as each is recorded (checkpoint
    validated, checkov's scan started, the packs run on its graphs), `reports(runs)` at the end."""

    def __init__(self, args: Any, policy: Policy, program_dir: Path, scans: Any, deadlines: Any,
                 work: Path | None = None, published: Path | None = None) -> None:
        self.args, self.policy, self.program_dir, self.scans = args, policy, program_dir, scans
        self.deadlines = deadlines
        self.work, self.published = work, published   # this run's states; an earlier run's or level's
        self.vouched: dict[str, dict[str, str]] = {}   # published states used, by the digests vouching them
        self.previews: dict[str, StackReport] = {}
        self.updates: dict[str, StackReport | None] = {}
        self.seconds = 0.0
        self.prepared = 0.0   # the packs' early load (prepare), not counted in `seconds`

    def prepare(self, project: Any, stack: str) -> None:
        """The packs loaded once while the zygote preloads, before any stack is recorded (round 14): their
        imports and the tables they build at import (~0.5 s of CPU for this project) then run on a CPU the
        single-threaded preload leaves free instead of beside the first recordings. Each evaluation still
        loads its packs itself and this load is dropped (modules imported once serve every stack, as
        before; this load sees the first stack's environment, as the first evaluation did); a load that
        fails here fails again, with its message, where the stack is judged."""
        if self.args.policy_mode != "inprocess":
            return
        from gate.packs import preload
        from gate.project import load_stack_config
        from gate.stack_config import normalize_config

        started = time.perf_counter()
        config, _ = normalize_config(project.name, load_stack_config(project, stack))   # as the stack's run
        deadline = self.deadlines.pack_start if self.deadlines is not None else None
        with options.records_env(self.args.settings, self.program_dir):
            preload(self.policy[0], project=project.name, stack=stack, stack_config=config, deadline=deadline)
        self.prepared = time.perf_counter() - started

    def judge(self, stack: str, run: Any) -> None:
        from gate.checkpoint_schema import validate_checkpoint

        validate_checkpoint(run.checkpoint, f"stack {stack} (recorded)")
        if self.scans is not None:
            self.scans.add(stack, run.checkpoint)
        started = time.perf_counter()
        graphs = self._graphs(stack, run)
        with options.records_env(self.args.settings, self.program_dir), environ({ENV: graphs or ""}):
            self.previews[stack] = pack_report(
                run.checkpoint, stack, {"project": run.project, "config": run.config}, self.args,
                self.policy, f"stack {stack}", self.deadlines, self.args.settings.jobs)
            self.updates[stack] = update_report(stack, run, self.args, self.policy)
        self.seconds += time.perf_counter() - started

    def _graphs(self, stack: str, run: Any) -> str | None:
        """The index of the recorded graphs of the stacks `stack` read through StackReference (round 11):
        this run's, else an earlier run's or level's in `--out` that its seal vouches for. A reference
        answered from a state none vouches for (no seal covers it, the stack itself) counts as unresolved
        (round 13): its outputs steered the program, and nothing says they are what pulumi up reads."""
        from gate import stack_graphs

        if self.work is None or not run.stack_references:
            return None
        names = stack_graphs.referenced_stacks(
            [t for t, resolved in run.stack_references.items() if resolved], run.project, stack)
        graphs: dict[str, dict[str, str]] = {}
        for name in names:
            if (self.work / f"{name}.state.json").is_file():
                graphs[name] = stack_graphs.this_run(self.work, name)
            elif self.published is not None and (found := stack_graphs.vouched(self.published, name)):
                graphs[name] = found
                self.vouched[name] = stack_graphs.digests(self.published, name)
        for target, resolved in run.stack_references.items():
            if resolved and stack_graphs.target_stack(target, run.project) not in graphs:
                run.stack_references[target] = False
        index = self.work / ".stack-graphs" / f"{stack}.json"
        return str(stack_graphs.write_index(index, run.project, graphs))

    def referenced_seal(self) -> dict[str, Any]:
        """`run.json`'s `referenced`: the digests of the earlier states this run placed values through, so
        that the next run into the same `--out` (or `gate analyze`) still finds them vouched for."""
        return {"referenced": self.vouched} if self.vouched else {}

    def reports(self, runs: dict[str, Any]) -> tuple[list[StackReport], float]:
        """The recorded stacks' verdicts in the order of `runs`; the seconds spent waiting for checkov."""
        waited = time.perf_counter()
        with options.records_env(self.args.settings, self.program_dir):
            found = self.scans.result() if self.scans is not None else None
            waited = time.perf_counter() - waited
            states = {s: r.checkpoint for s, r in runs.items()}
            done = verdicts([self.previews[s] for s in runs], states, self.args, found, runs, self.updates)
        return done, waited
