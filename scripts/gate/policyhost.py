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
import contextlib
import contextvars
import gc
import json
import os
import runpy
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from inspect import isawaitable
from pathlib import Path
from typing import Any

import yaml

from gate.errors import UsageError
from gate.findings import join_message, raised_message, unknown_message, violation
from gate.model import PolicyRun, StackReport, Violation
from gate.policy_config import (
    PackConfigFile,
    PolicyConfig,
    PolicyInfo,
    load_pack_config,
    normalize_initial_config,
    parse_config_object,
    reconcile,
)
from gate.state_view import (
    StateResource,
    aliases,
    custom_timeouts,
    index_state,
    proxied,
    resource_option,
    stack_props,
    summarize,
)

__all__ = ["LoadedPack", "discover_packs", "evaluate", "load_pack", "load_pack_config", "require_pack_dir"]

PACK_VERSION = "0.0.1"  # what a Python pack reports in its diagnostics (pulumi_policy hard-codes it)
POLICY_FILE = "PulumiPolicy.yaml"


# --------------------------------------------------------------------------------------------- packs


def discover_packs(root: Path) -> list[Path]:
    """Pack directories under `root` (a directory holding PulumiPolicy.yaml is itself a pack)."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root}: policy pack directory does not exist")
    if (root / POLICY_FILE).is_file():
        return [root]
    found = []
    for f in sorted(root.rglob(POLICY_FILE)):
        rel = f.parent.relative_to(root)
        if any(part.startswith(".") or part in ("__pycache__", "node_modules") for part in rel.parts):
            continue
        found.append(f.parent)
    return found


def require_pack_dir(directory: Path) -> Path:
    """A directory given explicitly as a pack must be one."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"{directory}: policy pack directory does not exist")
    if not (directory / POLICY_FILE).is_file():
        raise UsageError(f"{directory}: not a policy pack (no {POLICY_FILE})")
    return directory


def read_policy_yaml(directory: Path) -> dict[str, Any]:
    """PulumiPolicy.yaml: the runtime must be python; runtime options become `-key=value` arguments."""
    path = require_pack_dir(directory) / POLICY_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise UsageError(f"{path}: invalid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping")
    runtime = data.get("runtime")
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise UsageError(f"{path}: runtime: only python packs are supported, got {name!r}")
    return data


def runtime_options(data: dict[str, Any]) -> dict[str, Any]:
    runtime = data.get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    return options if isinstance(options, dict) else {}


@dataclass
class LoadedPack:
    """A pack as its `__main__.py` built it, captured in-process."""

    name: str
    directory: Path
    enforcement_level: str
    policies: list[Any]
    initial_config: dict[str, Any] | None = None


class _Captured(BaseException):
    """Stops the pack's `__main__` right after PolicyPack(...) (the real one would serve forever).

    A BaseException, so a pack's own `except Exception` cannot swallow it.
    """


def load_pack(directory: Path) -> LoadedPack:
    """Execute the pack's `__main__.py` with a capturing PolicyPack stub (call inside `cli_environment`)."""
    directory = require_pack_dir(directory).resolve()
    read_policy_yaml(directory)
    main = directory / "__main__.py"
    if not main.is_file():
        raise UsageError(f"{main}: policy pack has no __main__.py")
    import pulumi_policy
    import pulumi_policy.policy as policy_module

    captured: list[LoadedPack] = []
    real = pulumi_policy.PolicyPack

    class CapturingPolicyPack(real):  # type: ignore[misc, valid-type]
        def __init__(self, name: str, policies: list[Any], enforcement_level: Any = None,
                     initial_config: dict[str, Any] | None = None, **_: Any) -> None:
            if not name or not isinstance(name, str) or not policies or not isinstance(policies, list):
                raise TypeError("PolicyPack needs a name and a non-empty list of policies")
            for p in policies:
                if not isinstance(p, pulumi_policy.Policy):
                    raise TypeError("Expected each policy in policies to be a Policy")
            level = getattr(enforcement_level, "value", None) or "advisory"
            captured.append(LoadedPack(name, directory, level, list(policies or []), initial_config))
            raise _Captured

    saved_path, saved_cwd = list(sys.path), os.getcwd()
    pulumi_policy.PolicyPack = CapturingPolicyPack  # type: ignore[misc]
    policy_module.PolicyPack = CapturingPolicyPack  # type: ignore[misc]
    try:
        sys.path.insert(0, str(directory))
        os.chdir(directory)
        runpy.run_path(str(main), run_name="__main__")
    except _Captured:
        pass
    except SystemExit as e:
        raise UsageError(f"{main}: pack exited with {e.code!r} before building its PolicyPack") from None
    except Exception as e:
        raise UsageError(f"{main}: pack failed to load: {type(e).__name__}: {e}") from None
    finally:
        pulumi_policy.PolicyPack = real  # type: ignore[misc]
        policy_module.PolicyPack = real  # type: ignore[misc]
        sys.path[:] = saved_path
        os.chdir(saved_cwd)
    if not captured:
        raise UsageError(f"{main}: the pack never constructed a pulumi_policy.PolicyPack")
    return captured[0]


def config_for(pack_name: str, directory: Path, pack_config: dict[str, dict[str, Any]] | None,
               ) -> tuple[dict[str, PolicyConfig] | None, str]:
    """The user's config for a pack, matched by pack name or directory name, and its source file."""
    for key in (pack_name, directory.name, str(directory)):
        raw = (pack_config or {}).get(key)
        if raw is not None:
            source = getattr(raw, "source", None) if isinstance(raw, PackConfigFile) else None
            source = source or f"policy pack config for {key}"
            return parse_config_object(dict(raw), source), source
    return None, f"policy pack {pack_name}"


def policy_infos(pack: LoadedPack) -> list[PolicyInfo]:
    """What GetAnalyzerInfo would report for each captured policy."""
    import pulumi_policy

    infos = []
    for p in pack.policies:
        schema = None
        if p.config_schema is not None:
            schema = {"properties": dict(p.config_schema.properties or {}),
                      "required": list(p.config_schema.required or [])}
        level = getattr(p.enforcement_level, "value", None) or pack.enforcement_level
        kind = "stack" if isinstance(p, pulumi_policy.StackValidationPolicy) else "resource"
        infos.append(PolicyInfo(name=p.name, level=level, schema=schema, description=p.description,
                                severity=getattr(p.severity, "value", "") or "", kind=kind))
    return infos


def struct_round_trip(props: dict[str, Any] | None) -> dict[str, Any] | None:
    """Config reaches a pack through a protobuf Struct (numbers become floats); mirror that."""
    if not props:
        return None
    from google.protobuf import json_format, struct_pb2

    s = struct_pb2.Struct()
    s.update(props)
    return json_format.MessageToDict(s)


# ------------------------------------------------------------------------------------- environment


@contextlib.contextmanager
def cli_environment(*, project: str, stack: str, stack_config: dict[str, Any], dry_run: bool,
                    ) -> Iterator[dict[str, str]]:
    """The environment the CLI gives a pack: PULUMI_PROJECT/STACK/CONFIG/DRY_RUN (restored afterwards)."""
    env = {
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true" if dry_run else "false",
        "PULUMI_CONFIG": json.dumps({k: v if isinstance(v, str) else json.dumps(v)
                                     for k, v in (stack_config or {}).items()}),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield env
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _configure_runtime(project: str, stack: str, dry_run: bool) -> None:
    """What the servicer does before each call; run inside a copied context so nothing leaks."""
    import pulumi.runtime

    for k, v in pulumi.runtime.get_config_env().items():
        pulumi.runtime.set_config(k, v)
    pulumi.runtime.configure(pulumi.runtime.Settings(project=project, stack=stack, dry_run=dry_run,
                                                     organization=os.environ.get("PULUMI_ORGANIZATION",
                                                                                 "organization")))


# -------------------------------------------------------------------------------------- evaluation


def evaluate(state: dict[str, Any], *, stack: str, project: str, stack_config: dict[str, Any] | None = None,
             packs: list[Path], pack_config: dict[str, dict[str, Any]] | None = None,
             mode: str = "inprocess", dry_run: bool = True, source: str = "state") -> StackReport:
    """Judge one stack's checkpoint with the given packs; returns the stack's report.

    `pack_config` maps a pack (name or directory name) to the JSON object of its --policy-pack-config
    file (see load_pack_config). Bad packs or config raise gate.errors.UsageError (exit 2).
    """
    # The views of a large state are millions of small container objects that all stay alive until the
    # end: the cyclic GC would rescan them again and again (super-linear time), so it pauses meanwhile.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(state, stack=stack, project=project, stack_config=stack_config, packs=packs,
                         pack_config=pack_config, mode=mode, dry_run=dry_run, source=source)
    finally:
        if paused:
            gc.enable()


def _evaluate(state: dict[str, Any], *, stack: str, project: str, stack_config: dict[str, Any] | None,
              packs: list[Path], pack_config: dict[str, dict[str, Any]] | None, mode: str, dry_run: bool,
              source: str) -> StackReport:
    resources = index_state(state, source)
    types, regions = summarize(resources)
    report = StackReport(stack=stack, resources=len(resources), resource_types=types, regions=regions)
    if mode == "grpc":
        from gate.analyzer_grpc import evaluate_grpc

        violations, runs = evaluate_grpc(resources, stack=stack, project=project,
                                         stack_config=stack_config or {}, packs=packs,
                                         pack_config=pack_config, dry_run=dry_run)
    elif mode == "inprocess":
        with cli_environment(project=project, stack=stack, stack_config=stack_config or {}, dry_run=dry_run):
            ctx = contextvars.copy_context()
            violations, runs = ctx.run(_evaluate_inprocess, resources, packs, pack_config, project, stack,
                                       dry_run)
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
    found: list[tuple[tuple[int, int, int, int], Violation]] = field(default_factory=list)
    resource: StateResource | None = None
    stack_lookup: dict[str, StateResource] | None = None
    validate: Any = None
    reporter: Any = None

    def __post_init__(self) -> None:
        self.validate = self.policy.validate  # bound once: the hot loop calls these per resource
        self.reporter = self.report

    def add(self, level: str, severity: str, urn: str, type_: str, message: str, res_index: int) -> None:
        v = violation(self.pack, self.policy.name, level, severity, urn, type_, message)
        self.found.append(((self.pack_index, self.index, res_index, len(self.found)), v))
        self.run.violations += 1

    def report(self, message: str, urn: str | None = None) -> None:
        """The report_violation callback, with the servicer's argument checks."""
        if message and not isinstance(message, str):
            raise TypeError("Expected message to be a string")
        if urn is not None and not isinstance(urn, str):
            raise TypeError("Expected urn to be a string")
        text = join_message(self.policy.description, message)
        severity = getattr(self.policy.severity, "value", "") or ""
        if self.resource is not None:
            r = self.resource
            self.add(self.level, severity, r.urn, r.type, text, r.index)
        else:
            target = (self.stack_lookup or {}).get(urn or "")
            self.add(self.level, severity, urn or "", target.type if target else "", text,
                     target.index if target else -1)


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
            types = getattr(p, "resource_types", None)
            types = frozenset(types) if isinstance(types, set | frozenset | list | tuple) else None
            b = _Bound(pack.name, pi, i, p, "mandatory" if level == "remediate" else level,
                       struct_round_trip(cfg.properties), run, types)
            if isinstance(p, pulumi_policy.ResourceValidationPolicy) and not p.has_validation():
                b.level = "disabled"  # remediation-only: not applicable to analysis
            bound.append(b)
    return bound


def _evaluate_inprocess(resources: list[StateResource], pack_dirs: list[Path],
                        pack_config: dict[str, dict[str, Any]] | None, project: str, stack: str,
                        dry_run: bool) -> tuple[list[Violation], list[PolicyRun]]:
    import pulumi_policy
    from pulumi_policy.policy import (
        PolicyCustomTimeouts,
        PolicyProviderResource,
        PolicyResource,
        PolicyResourceOptions,
        ResourceValidationArgs,
        StackValidationArgs,
    )

    _configure_runtime(project, stack, dry_run)
    packs = [load_pack(d) for d in pack_dirs]
    bound = _bind(packs, pack_config)
    active = [b for b in bound if b.level != "disabled"]
    resource_policies = [b for b in active if isinstance(b.policy, pulumi_policy.ResourceValidationPolicy)]
    stack_policies = [b for b in active if isinstance(b.policy, pulumi_policy.StackValidationPolicy)]

    by_urn = {r.urn: r for r in resources}
    providers: dict[str, Any] = {}
    no_timeouts = PolicyCustomTimeouts(0.0, 0.0, 0.0)

    def provider_of(r: StateResource) -> Any:
        if not r.provider_urn or r.provider_urn not in by_urn:
            return None
        if r.provider_urn not in providers:
            p = by_urn[r.provider_urn]
            providers[r.provider_urn] = PolicyProviderResource(p.type, proxied(p.inputs), p.urn, p.name)
        return providers[r.provider_urn]

    def options_of(r: StateResource) -> Any:
        raw = r.raw
        dbr = raw.get("deleteBeforeReplace")
        timeouts = custom_timeouts(r)
        return PolicyResourceOptions(
            bool(raw.get("protect", False)), list(resource_option(r, "ignoreChanges", [])),
            dbr if isinstance(dbr, bool) else None, aliases(r),
            PolicyCustomTimeouts(*timeouts) if any(timeouts) else no_timeouts,
            list(resource_option(r, "additionalSecretOutputs", [])), r.parent or None)

    # Stack policies see every resource at once, so those views are built first and, where a resource's
    # outputs equal its inputs (preview), shared with the resource policies: one deserialisation each.
    stack_views: list[Any] = []
    if stack_policies:
        stack_views = [PolicyResource(r.type, proxied(stack_props(r)), r.urn, r.name, options_of(r),
                                      provider_of(r), None, [], {}) for r in resources]
        views = {v.urn: v for v in stack_views}
        for r, pr in zip(resources, stack_views, strict=True):
            pr.parent = views.get(r.parent) if r.parent else None
            pr.dependencies = [views[d] for d in r.dependencies if d in views]
            pr.property_dependencies = {k: [views[d] for d in v if d in views]
                                        for k, v in r.property_dependencies.items() if v}

    applicable: dict[str, list[_Bound]] = {}
    for r in resources:
        todo = applicable.get(r.type)
        if todo is None:
            todo = applicable[r.type] = [b for b in resource_policies if b.types is None or r.type in b.types]
        if not todo:
            continue
        if stack_views and (not r.outputs or r.outputs is r.inputs or r.outputs == r.inputs):
            view = stack_views[r.index]
            args = ResourceValidationArgs(r.type, view.props, r.urn, r.name, view.opts, view.provider, None,
                                          {})
        else:
            args = ResourceValidationArgs(r.type, proxied(r.inputs), r.urn, r.name, options_of(r),
                                          provider_of(r), None, {})
        for b in todo:  # the hot loop: _call inlined
            args._ResourceValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
            b.resource = r
            b.run.resources_checked += 1
            try:
                result = b.validate(args, b.reporter)
                if result is not None:
                    _await(result)
            except Exception as e:
                _failed(b, e, r.urn, r.type, r.index)

    if stack_policies:
        stack_args = StackValidationArgs(stack_views, None, {})
        for b in stack_policies:
            stack_args._StackValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
            b.resource = None
            b.stack_lookup = by_urn
            b.run.resources_checked = len(resources)
            _call(b, stack_args, "", "", -1)

    found = sorted((item for b in bound for item in b.found), key=lambda item: item[0])
    return [v for _, v in found], [b.run for b in bound]


def _call(b: _Bound, args: Any, urn: str, type_: str, res_index: int) -> None:
    """Run one validate the way the servicer does, failing closed on any error."""
    try:
        result = b.validate(args, b.reporter)
        if result is not None:
            _await(result)
    except Exception as e:
        _failed(b, e, urn, type_, res_index)


def _await(result: Any) -> None:
    """An async validation runs to completion on a fresh event loop, as in the servicer."""
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


def _failed(b: _Bound, error: Exception, urn: str, type_: str, res_index: int) -> None:
    """Unknown value: the servicer's advisory note; not applicable: nothing; anything else: fail closed."""
    from pulumi_policy.policy import _NotApplicableError
    from pulumi_policy.proxy import UnknownValueError

    if isinstance(error, UnknownValueError):
        b.add("advisory", "", urn, type_, unknown_message(b.policy.name, b.pack, PACK_VERSION, error.message),
              res_index)
    elif not isinstance(error, _NotApplicableError):
        b.add("mandatory", getattr(b.policy.severity, "value", "") or "", urn, type_,
              raised_message(b.policy.description, b.policy.name, error), res_index)
