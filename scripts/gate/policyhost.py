"""The policy host: judges a checkpoint with real CrossGuard packs, with the Pulumi CLI's semantics.

Two modes give the same verdicts (a test holds them to it):
- "grpc": the real way. Each pack runs as `python -u -m pulumi.policy <addr> .` in its directory and
  is spoken to over the Analyzer gRPC protocol, exactly as the CLI does (see gate.analyzer_grpc).
- "inprocess" (default, fast): the pack's `__main__.py` is executed with `pulumi_policy.PolicyPack`
  replaced by a capturing stub, and each policy's `validate` is called with ResourceValidationArgs /
  StackValidationArgs built with pulumi_policy's own classes, so `args.props` behaves as in the CLI
  (unknown values raise UnknownValueError, numbers are floats, secrets are unwrapped).

CLI semantics applied in both: config reconciliation and schema validation (gate.policy_config),
disabled policies skipped, remediate reported as mandatory, violation message = description + "\\n" +
message, the resource URN on resource findings, the reported URN on stack findings, an advisory
"can't run policy … during preview" note for a policy that touches an unknown value. One deliberate
difference: a policy that raises is a MANDATORY violation naming the policy and the error (fail closed),
where the CLI would abort the whole preview.
"""

from __future__ import annotations

import contextvars
import gc
from collections import Counter
from operator import itemgetter
from pathlib import Path
from typing import Any

from gate.deadlines import Deadlines, Watchdog, no_hard_exit, watchdog
from gate.errors import UsageError
from gate.model import PolicyRun, StackReport, Violation
from gate.packs import (
    POLICY_FILE,
    LoadedPack,
    applicable_count,
    check_config_names,
    cli_environment,
    config_for,
    configure_runtime,
    discover_packs,
    load_pack,
    read_policy_yaml,
    require_pack_dir,
    runtime_options,
)
from gate.parallel_eval import workers
from gate.policy_bound import Bound, bind
from gate.policy_config import load_pack_config
from gate.policy_loop import Loop
from gate.policy_views import views_of
from gate.state_view import StateResource, index_state, summarize

__all__ = ["POLICY_FILE", "LoadedPack", "cli_environment", "config_for", "discover_packs", "evaluate",
           "load_pack", "load_pack_config", "read_policy_yaml", "require_pack_dir", "runtime_options"]



# -------------------------------------------------------------------------------------- evaluation


def evaluate(state: dict[str, Any], *, stack: str, project: str, stack_config: dict[str, Any] | None = None,
             packs: list[Path], pack_config: dict[str, dict[str, Any]] | None = None,
             mode: str = "inprocess", dry_run: bool = True, source: str = "state",
             deadlines: Deadlines | None = None, jobs: int = 1) -> StackReport:
    """Judge one stack's checkpoint with the given packs; returns the stack's report.

    `jobs` > 1: a large state is judged in up to that many forked processes (gate.parallel_eval).

    `pack_config` maps a pack (name or directory name) to the JSON object of its --policy-pack-config
    file (see load_pack_config). Bad packs or config raise gate.errors.UsageError (exit 2).
    """
    # The views of a large state are millions of small container objects that all stay alive until the
    # end: the cyclic GC would rescan them again and again (super-linear time), so it pauses meanwhile.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(state, stack=stack, project=project, stack_config=stack_config, packs=packs,
                         pack_config=pack_config, mode=mode, dry_run=dry_run, source=source,
                         deadlines=deadlines or Deadlines.from_env(), jobs=jobs)
    finally:
        if paused:
            gc.enable()


def _evaluate(state: dict[str, Any], *, stack: str, project: str, stack_config: dict[str, Any] | None,
              packs: list[Path], pack_config: dict[str, dict[str, Any]] | None, mode: str, dry_run: bool,
              source: str, deadlines: Deadlines, jobs: int = 1) -> StackReport:
    resources = index_state(state, source)
    types, regions = summarize(resources)
    report = StackReport(stack=stack, resources=len(resources), resource_types=types, regions=regions)
    if mode == "grpc":
        from gate.analyzer_grpc import evaluate_grpc

        violations, runs = evaluate_grpc(resources, stack=stack, project=project,
                                         stack_config=stack_config or {}, packs=packs,
                                         pack_config=pack_config, dry_run=dry_run, deadlines=deadlines)
    elif mode == "inprocess":
        with cli_environment(project=project, stack=stack, stack_config=stack_config or {}, dry_run=dry_run):
            ctx = contextvars.copy_context()
            violations, runs = ctx.run(_evaluate_inprocess, resources, packs, pack_config, project, stack,
                                       dry_run, deadlines, jobs)
    else:
        raise UsageError(f"unknown evaluation mode {mode!r} (inprocess or grpc)")
    report.violations = violations
    report.policies = runs
    return report

def _evaluate_inprocess(resources: list[StateResource], pack_dirs: list[Path],
                        pack_config: dict[str, dict[str, Any]] | None, project: str, stack: str,
                        dry_run: bool, deadlines: Deadlines, jobs: int = 1,
                        ) -> tuple[list[Violation], list[PolicyRun]]:
    """Load the packs, then run every active policy under the watchdog (see gate.deadlines)."""
    configure_runtime(project, stack, dry_run)
    packs = [load_pack(d, deadlines.pack_start) for d in pack_dirs]
    bound = bind(packs, pack_config)
    check_config_names(pack_config, packs)
    with watchdog(deadlines.policy) as dog, no_hard_exit():
        _run_policies(resources, bound, dog or _NoDog(), deadlines.policy, workers(jobs, len(resources)))
    # bound is in pack and policy order, a policy's findings in the order reported: a stable sort of each
    # policy's by resource gives the report's order (linear for a resource policy's, already in order)
    found = [v for b in bound for _, v in sorted(b.found, key=itemgetter(0))]
    for b in bound:   # a Bound is a cycle (its bound methods): what it holds is freed now, not collected
        b.found, b.resource, b.stack_lookup, b.validate, b.reporter = [], None, None, None, None
    return found, [b.run for b in bound]


class _NoDog:
    """Stand-in when not on the main thread (no deadline can be enforced there)."""

    seq = 0
    busy = False


def _run_policies(resources: list[StateResource], bound: list[Bound], dog: Any, seconds: float,
                  workers: int = 1) -> None:
    """Every active policy: the resource policies per resource, then the stack policies; with
    `workers` > 1, in forked processes (gate.parallel_eval) with the same findings in the same order."""
    import pulumi_policy

    active = [b for b in bound if b.level != "disabled"]
    resource_policies = [b for b in active if isinstance(b.policy, pulumi_policy.ResourceValidationPolicy)]
    stack_policies = [b for b in active if isinstance(b.policy, pulumi_policy.StackValidationPolicy)]
    by_urn = {r.urn: r for r in resources}
    provider_of, options_of, stack_views = views_of(resources, by_urn, bool(stack_policies))
    type_counts = Counter(r.type for r in resources)
    for b in resource_policies:
        b.run.resources_checked = applicable_count(b.types, type_counts)
    for b in stack_policies:
        b.run.resources_checked = len(resources)
        b.stack_lookup = by_urn
    loop = Loop(resources, resource_policies, stack_policies, stack_views, provider_of, options_of, seconds)
    if workers > 1 and isinstance(dog, Watchdog):
        from gate.parallel_eval import run_parallel

        loop.ranged = [b for b in stack_policies if callable(getattr(b.policy, "validate_resources", None))]
        run_parallel(loop, bound, workers, dog)
        return
    dog.busy = True
    loop.resource_range(dog, 0, len(resources))
    loop.stack(dog, stack_policies)
    dog.busy = False
