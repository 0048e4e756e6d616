"""Policy packs: finding them, loading one in-process (its PolicyPack captured), its config, and the
environment the Pulumi CLI gives a pack."""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.deadlines import DEFAULTS, DeadlineExceeded, no_hard_exit, watchdog
from gate.environ import ORGANIZATION, environ
from gate.errors import GateError, UsageError, limit_line, refused_by_limit
from gate.gate_seal import seal
from gate.inputs import MAX_YAML_BYTES, parse_yaml, read_text
from gate.policy_config import PackConfigFile, PolicyConfig, PolicyInfo, parse_config_object

POLICY_FILE = "PulumiPolicy.yaml"

def discover_packs(root: Path) -> list[Path]:
    """Pack directories under `root` (a directory holding PulumiPolicy.yaml is itself a pack): every one,
    whatever its folders are called (round 37: one under a hidden, `__pycache__` or `node_modules` folder
    was silently never run; a pack that is no Python pack or fails to load is named, exit 2)."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root}: policy pack directory does not exist")
    if (root / POLICY_FILE).is_file():
        return [root]
    return sorted(f.parent for f in root.rglob(POLICY_FILE))


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
        data = parse_yaml(read_text(path, POLICY_FILE, MAX_YAML_BYTES), str(path)) or {}
    except GateError as e:
        raise UsageError(str(e)) from None
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


def load_pack(directory: Path, deadline: float = DEFAULTS["pack_start"]) -> LoadedPack:
    """Execute the pack's `__main__.py` with a capturing PolicyPack stub (call inside `cli_environment`)."""
    directory = require_pack_dir(directory).resolve()
    read_policy_yaml(directory)
    seal()   # round 48: the gate's modules and classes as they are before a pack's code runs
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
        with watchdog(deadline) as dog, no_hard_exit():
            if dog is not None:
                dog.busy, dog.seq = True, dog.seq + 1
            runpy.run_path(str(main), run_name="__main__")
    except _Captured:
        pass
    except DeadlineExceeded:
        raise UsageError(f"{main}: pack did not load within {deadline:g} s (pack start deadline)") from None
    except SystemExit as e:
        raise UsageError(f"{main}: pack exited with {e.code!r} before building its PolicyPack") from None
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        if refused_by_limit(e):   # the load's watchdog thread (round 27: the pack was blamed)
            raise UsageError(limit_line(f"{main}: loading the pack", e)) from None
        raise UsageError(f"{main}: pack failed to load: {type(e).__name__}: {e}") from None
    finally:
        pulumi_policy.PolicyPack = real  # type: ignore[misc]
        policy_module.PolicyPack = real  # type: ignore[misc]
        sys.path[:] = saved_path
        os.chdir(saved_cwd)
    if not captured:
        raise UsageError(f"{main}: the pack never constructed a pulumi_policy.PolicyPack")
    return captured[0]


def preload(directories: list[Path], *, project: str, stack: str, stack_config: dict[str, Any],
            deadline: float | None = None) -> None:
    """Load the packs as an evaluation of `stack` would (its environment and runtime settings, in a copied
    context) and drop them: their modules are imported for the evaluations to come (gate.judge, round
    14). A pack that fails to load is left to the evaluation, which reports it; one that overruns its
    deadline raises at once (it would hang as long again there)."""
    import contextvars

    with cli_environment(project=project, stack=stack, stack_config=stack_config, dry_run=True):
        contextvars.copy_context().run(_preload, directories, project, stack, deadline)


def _preload(directories: list[Path], project: str, stack: str, deadline: float | None) -> None:
    configure_runtime(project, stack, True)
    for directory in directories:
        try:
            load_pack(directory, DEFAULTS["pack_start"] if deadline is None else deadline)
        except UsageError as e:
            if "pack start deadline" in str(e):
                raise
            return


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
    """The environment the CLI gives a pack: PULUMI_PROJECT/STACK/ORGANIZATION/CONFIG/DRY_RUN (restored
    afterwards); the organization the program was recorded under (round 21), whatever was inherited."""
    env = {
        "PULUMI_PROJECT": project,
        "PULUMI_ORGANIZATION": ORGANIZATION,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true" if dry_run else "false",
        "PULUMI_CONFIG": json.dumps({k: v if isinstance(v, str) else json.dumps(v)
                                     for k, v in (stack_config or {}).items()}),
    }
    with environ(env):
        yield env


def configure_runtime(project: str, stack: str, dry_run: bool) -> None:
    """What the servicer does before each call; run inside a copied context so nothing leaks. The stack's
    config is set as a new map (round 16): `set_config` writes into the map the context has, which is the
    SDK's default — one dict shared by every context — until someone sets one, so each stack's keys stayed
    for every later stack of the process."""
    import pulumi.runtime

    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env())
    pulumi.runtime.configure(pulumi.runtime.Settings(project=project, stack=stack, dry_run=dry_run,
                                                     organization=ORGANIZATION, legacy_apply_enabled=False))



def check_config_names(pack_config: dict[str, Any] | None, packs: list[Any]) -> None:
    """Every --policy-pack-config entry must name a pack being run (by pack or directory name): a typo
    would silently drop its settings (e.g. a region narrowing)."""
    known = {p.name for p in packs} | {p.directory.name for p in packs} | {str(p.directory) for p in packs}
    for key, raw in (pack_config or {}).items():
        if key not in known:
            source = getattr(raw, "source", None) or "--policy-pack-config"
            raise UsageError(f"{source}: no policy pack named {key!r} is being run "
                             f"(packs: {', '.join(sorted(p.name for p in packs))})")


def policy_types(policy: Any) -> frozenset[str] | None:
    """The resource types a policy declares it judges (rules set `resource_types`); None: all."""
    types = getattr(policy, "resource_types", None)
    return frozenset(types) if isinstance(types, set | frozenset | list | tuple) else None


def applicable_count(types: frozenset[str] | None, type_counts: dict[str, int]) -> int:
    """How many resources a policy is checked on: every resource, or those of its declared types.
    The same number in both modes (over gRPC the pack filters by itself)."""
    if types is None:
        return sum(type_counts.values())
    return sum(n for t, n in type_counts.items() if t in types)
