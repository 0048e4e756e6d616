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

import asyncio
import contextvars
import gc
from collections import Counter
from dataclasses import dataclass, field
from inspect import isawaitable
from operator import itemgetter
from pathlib import Path
from typing import Any

from gate.deadlines import DeadlineExceeded, Deadlines, Watchdog, no_hard_exit, watchdog
from gate.errors import UsageError
from gate.findings import deadline_detail, join_message, raised_message, unknown_message, violation
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
    policy_infos,
    policy_types,
    read_policy_yaml,
    require_pack_dir,
    runtime_options,
    struct_round_trip,
)
from gate.parallel_eval import workers
from gate.policy_config import PolicyConfig, load_pack_config, normalize_initial_config, reconcile
from gate.policy_views import views_of
from gate.state_view import (
    StateResource,
    index_state,
    inputs_view,
    proxied,
    summarize,
)

__all__ = ["POLICY_FILE", "LoadedPack", "cli_environment", "config_for", "discover_packs", "evaluate",
           "load_pack", "load_pack_config", "read_policy_yaml", "require_pack_dir", "runtime_options"]

PACK_VERSION = "0.0.1"  # what a Python pack reports in its diagnostics (pulumi_policy hard-codes it)


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


@dataclass
class _Bound:
    """A policy with its effective level and config, and the findings it collects."""

    pack: str
    pack_index: int
    index: int
    policy: Any
    level: str
    config: dict[str, Any] | None
    run: PolicyRun
    types: frozenset[str] | None
    found: list[tuple[int, Violation]] = field(default_factory=list)   # (resource index, finding)
    resource: StateResource | None = None
    stack_lookup: dict[str, StateResource] | None = None
    validate: Any = None
    reporter: Any = None
    severity_of: tuple[Any, str] = (None, "")

    def __post_init__(self) -> None:
        self.validate = self.policy.validate  # bound once: the hot loop calls these per resource
        self.reporter = self.report

    def add(self, level: str, severity: str, urn: str, type_: str, message: str, res_index: int) -> None:
        self.found.append((res_index, violation(self.pack, self.policy.name, level, severity, urn, type_,
                                                message)))
        self.run.violations += 1

    def report(self, message: str, urn: str | None = None) -> None:
        """The report_violation callback, with the servicer's argument checks (hot: 100k's of findings)."""
        if message and type(message) is not str and not isinstance(message, str):
            raise TypeError("Expected message to be a string")
        if urn is not None and type(urn) is not str and not isinstance(urn, str):
            raise TypeError("Expected urn to be a string")
        policy = self.policy
        text = join_message(policy.description, message)
        severity = policy.severity
        if severity is not self.severity_of[0]:   # the enum's value, read once per severity object
            self.severity_of = (severity, getattr(severity, "value", "") or "")
        r = self.resource
        if r is None:
            r = (self.stack_lookup or {}).get(urn or "")
            if r is None:
                self.found.append((-1, violation(self.pack, policy.name, self.level, self.severity_of[1],
                                                 urn or "", "", text)))
                self.run.violations += 1
                return
            urn = urn or ""
        else:
            urn = r.urn
        self.found.append((r.index, violation(self.pack, policy.name, self.level, self.severity_of[1], urn,
                                              r.type, text)))
        self.run.violations += 1


def _bind(packs: list[LoadedPack], pack_config: dict[str, dict[str, Any]] | None) -> list[_Bound]:
    import pulumi_policy

    bound: list[_Bound] = []
    for pi, pack in enumerate(packs):
        given, source = config_for(pack.name, pack.directory, pack_config)
        infos = policy_infos(pack)
        configs = reconcile(pack.name, infos, normalize_initial_config(pack.initial_config), given, source)
        for i, (p, info) in enumerate(zip(pack.policies, infos, strict=True)):
            cfg = configs.get(p.name) or PolicyConfig(level=info.level)
            level = cfg.level or info.level
            run = PolicyRun(pack=pack.name, policy=p.name, level=level, severity=info.severity,  # type: ignore[arg-type]
                            description=p.description)
            types = policy_types(p)
            b = _Bound(pack.name, pi, i, p, "mandatory" if level == "remediate" else level,
                       struct_round_trip(cfg.properties), run, types)
            if isinstance(p, pulumi_policy.ResourceValidationPolicy) and not p.has_validation():
                b.level = "disabled"  # remediation-only: not applicable to analysis
            bound.append(b)
    return bound


def _evaluate_inprocess(resources: list[StateResource], pack_dirs: list[Path],
                        pack_config: dict[str, dict[str, Any]] | None, project: str, stack: str,
                        dry_run: bool, deadlines: Deadlines, jobs: int = 1,
                        ) -> tuple[list[Violation], list[PolicyRun]]:
    """Load the packs, then run every active policy under the watchdog (see gate.deadlines)."""
    configure_runtime(project, stack, dry_run)
    packs = [load_pack(d, deadlines.pack_start) for d in pack_dirs]
    bound = _bind(packs, pack_config)
    check_config_names(pack_config, packs)
    with watchdog(deadlines.policy) as dog, no_hard_exit():
        _run_policies(resources, bound, dog or _NoDog(), deadlines.policy, workers(jobs, len(resources)))
    # bound is in pack and policy order, a policy's findings in the order reported: a stable sort of each
    # policy's by resource gives the report's order (linear for a resource policy's, already in order)
    found = [v for b in bound for _, v in sorted(b.found, key=itemgetter(0))]
    for b in bound:   # a _Bound is a cycle (its bound methods): what it holds is freed now, not collected
        b.found, b.resource, b.stack_lookup, b.validate, b.reporter = [], None, None, None, None
    return found, [b.run for b in bound]


class _NoDog:
    """Stand-in when not on the main thread (no deadline can be enforced there)."""

    seq = 0
    busy = False


def _run_policies(resources: list[StateResource], bound: list[_Bound], dog: Any, seconds: float,
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
    loop = _Loop(resources, resource_policies, stack_policies, stack_views, provider_of, options_of, seconds)
    if workers > 1 and isinstance(dog, Watchdog):
        from gate.parallel_eval import run_parallel

        loop.ranged = [b for b in stack_policies if callable(getattr(b.policy, "validate_resources", None))]
        run_parallel(loop, bound, workers, dog)
        return
    dog.busy = True
    loop.resource_range(dog, 0, len(resources))
    loop.stack(dog, stack_policies)
    dog.busy = False


@dataclass
class _Loop:
    """The evaluation of a range of resources and of some stack policies: what a worker runs."""

    resources: list[StateResource]
    resource_policies: list[_Bound]
    stack_policies: list[_Bound]
    stack_views: list[Any]
    provider_of: Any
    options_of: Any
    seconds: float
    stack_args: Any = None
    ranged: list[_Bound] = field(default_factory=list)
    """Stack policies judged range by range (`validate_resources`) when the work is split."""

    def resource_range(self, dog: Any, lo: int, hi: int) -> set[int]:
        """Run the resource policies on resources[lo:hi]; the ids of the policies that overran/exited."""
        from pulumi_policy.policy import ResourceValidationArgs

        resource_policies = list(self.resource_policies)
        stack_views, seconds = self.stack_views, self.seconds
        applicable: dict[str, list[_Bound]] = {}
        stopped: set[int] = set()
        for r in self.resources[lo:hi]:
            todo = applicable.get(r.type)
            if todo is None:
                todo = applicable[r.type] = [b for b in resource_policies
                                             if b.types is None or r.type in b.types]
            if not todo:
                continue
            if stack_views:   # the stack view's options, provider and (where inputs were not replaced) props
                view = stack_views[r.index]
                same = not r.outputs or r.outputs is r.inputs or r.outputs == r.inputs
                args = ResourceValidationArgs(r.type, view.props if same else inputs_view(r, view.props),
                                              r.urn, r.name, view.opts, view.provider, None, {})
            else:
                args = ResourceValidationArgs(r.type, proxied(r.inputs), r.urn, r.name, self.options_of(r),
                                              self.provider_of(r), None, {})
            for b in todo:  # the hot loop: _call inlined
                args._ResourceValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
                b.resource = r
                dog.seq += 1
                try:
                    result = b.validate(args, b.reporter)
                    if result is not None:
                        _await(result)
                except KeyboardInterrupt:
                    raise
                except BaseException as e:   # SystemExit and the deadline too: never a pass
                    if _failed(b, e, r.urn, r.type, r.index, seconds):
                        resource_policies.remove(b)     # hung: not run again (its finding says so)
                        stopped.add(id(b))
                        applicable.clear()
        return stopped

    def stack_range(self, dog: Any, lo: int, hi: int) -> set[int]:
        """Run the ranged stack policies on resources[lo:hi]; the ids of those that overran/exited. A
        policy's `validate_resources(args, report, lo, hi)` reports, over consecutive ranges, what its
        `validate` reports; the empty range only builds what it shares (before a fork), reporting nothing."""
        ranged, args, stopped = list(self.ranged), self._stack_args(), set()
        for b in ranged:
            args._StackValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
            b.resource = None
            dog.seq += 1
            try:
                result = b.policy.validate_resources(args, b.reporter if lo < hi else _discard, lo, hi)
                if result is not None:
                    _await(result)
            except KeyboardInterrupt:
                raise
            except BaseException as e:   # an empty range's error comes back on the ranges that judge
                r = self.resources[lo] if lo < hi else None
                if r is not None and _failed(b, e, r.urn, r.type, lo, self.seconds):
                    ranged.remove(b)
                    stopped.add(id(b))
        return stopped

    def _stack_args(self) -> Any:
        from pulumi_policy.policy import StackValidationArgs

        if self.stack_args is None:
            self.stack_args = StackValidationArgs(self.stack_views, None, {})
        return self.stack_args

    def stack(self, dog: Any, policies: list[_Bound]) -> None:
        """Run `policies` (stack policies) over every resource's view, with one arguments object for all
        (what packs cache on it, e.g. a graph of the stack, is built once)."""
        if not policies:
            return
        stack_args = self._stack_args()
        for b in policies:
            stack_args._StackValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
            b.resource = None
            dog.seq += 1
            _call(b, stack_args, self.seconds)


def _discard(message: str, urn: str | None = None) -> None:
    """The report callback of a call that must report nothing."""


def _call(b: _Bound, args: Any, seconds: float) -> None:
    """Run one stack validate the way the servicer does, failing closed on any error."""
    try:
        result = b.validate(args, b.reporter)
        if result is not None:
            _await(result)
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        _failed(b, e, "", "", -1, seconds)


def _await(result: Any) -> None:
    """An async validation runs to completion on a fresh event loop, as in the servicer."""
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


def _failed(b: _Bound, error: BaseException, urn: str, type_: str, res_index: int, seconds: float) -> bool:
    """Unknown value: the servicer's advisory note; not applicable: nothing; anything else: fail closed.

    True when the policy ran past its deadline (the caller stops running it).
    """
    from pulumi_policy.policy import _NotApplicableError
    from pulumi_policy.proxy import UnknownValueError

    if isinstance(error, UnknownValueError):
        b.add("advisory", "", urn, type_, unknown_message(b.policy.name, b.pack, PACK_VERSION, error.message),
              res_index)
    elif isinstance(error, DeadlineExceeded) or not isinstance(error, Exception):
        # Overran, or exited / raised a BaseException (over gRPC that kills its call or its server):
        # judged failed once and not run again, the same in both modes.
        detail = deadline_detail(seconds) if isinstance(error, DeadlineExceeded) else \
            f"{type(error).__name__}: {error}; not run on the remaining resources"
        b.add("mandatory", getattr(b.policy.severity, "value", "") or "", urn, type_,
              raised_message(b.policy.description, b.policy.name, detail), res_index)
        return True
    elif not isinstance(error, _NotApplicableError):
        b.add("mandatory", getattr(b.policy.severity, "value", "") or "", urn, type_,
              raised_message(b.policy.description, b.policy.name, error), res_index)
    return False
