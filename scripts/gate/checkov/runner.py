"""checkov over the stacks' exported views (one driver per gate run, every scan a fork of it), results
mapped back to Pulumi URNs."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gate.checkov.arm as arm
import gate.checkov.findings as findings
import gate.checkov.terraform as terraform
import gate.checkov.views as views
from gate.checkov.cache import ResultCache, fast_digest
from gate.checkov.findings import StackScan, mandatory_checks
from gate.checkov.parallel import FRAMEWORKS, Document, scan_components
from gate.checkov.processes import LOGS, Drivers
from gate.errors import GateError
from gate.jsonio import write_bytes_atomic
from gate.model import Violation

_CKV_ID = re.compile(r"^CKV2?_[A-Z0-9]+_[0-9]+$")
_STACK = re.compile(r"^[A-Za-z0-9_.-]+$")
TIMEOUT: float = 900   # seconds; the gate CLI sets it from --checkov-timeout


@dataclass
class StackExport:
    """Where one stack's views went and how to map findings back."""

    stack: str
    urns: dict[tuple[str, str], str] = field(default_factory=dict)    # (file name, checkov resource) -> urn
    types: dict[str, str] = field(default_factory=dict)               # urn -> pulumi token
    unmapped: dict[str, int] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)          # what checkov scans
    files: dict[str, str] = field(default_factory=dict)              # file name -> text written
    memo: dict[str, Any] = field(default_factory=dict)               # file name -> its view's memo


def export_stack(stack: str, state: dict[str, Any], directory: Path,
                 memo: dict[str, Any] | None = None) -> StackExport:
    """Write ``<stack>.tfplan.json`` and ``<stack>.arm.json`` (secrets redacted) into ``directory``,
    reusing what `memo` (the previous run's `StackExport.memo`) holds for unchanged resources."""
    directory.mkdir(parents=True, exist_ok=True)
    result = StackExport(stack)
    for res in state.get("deployment", {}).get("resources", []) or []:
        result.types[res.get("urn", "")] = res.get("type", "")
    tf, tf_units = terraform.layout(state)
    az, az_units = arm.layout(state)
    memo = memo if isinstance(memo, dict) else {}
    todo: list[tuple[str, Any, list[Any], Any]] = [
        (f"{stack}.tfplan.json", tf, tf_units, views.terraform_view),
        (f"{stack}.arm.json", az, az_units, views.arm_view)]
    for name, part, units, view in todo:
        if not part.urns:
            continue
        text, document, result.memo[name] = view(stack, name, units, memo.get(name))
        result.files[name] = text
        write_bytes_atomic(directory / name, text.encode("utf-8"))   # never empty where the run is walked
        result.documents.append(document)
        result.urns.update({(name, address): urn for address, urn in part.urns.items()})
        result.unmapped.update(part.unmapped)
    return result


def run_checkov(directory: Path) -> list[dict[str, Any]]:
    """checkov over ``directory`` (terraform_plan + arm, offline); its reports, one per framework.

    Through ``driver.py`` in checkov's environment: checkov's own entry point, without its debug log and
    its printed report (a third of a large scan), answering only the fields the gate reads.
    """
    logs = directory.parent / f".{directory.name}-checkov-logs"
    return Drivers(logs, FRAMEWORKS, TIMEOUT).run(directory)


def load_waivers(stack: str, on: dt.date | None = None, hook: str = "",
                 hook_dir: Path | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """Valid checkov waivers of a stack: (CKV id, URN) -> waiver dict.

    The project says how its waivers are read (`[tool.gate] checkov-waivers = "module:function"`, called
    as `function(stack, on)` and returning an object whose `.waivers` have rule, resource, reason, owner
    and expires), so the packs and checkov share one waiver file and one validity check. No hook, no
    checkov waivers.
    """
    if not hook:
        return {}
    loader = _hook(hook, hook_dir)
    return {
        (w.rule, w.resource): {"rule": w.rule, "resource": w.resource, "reason": w.reason, "owner": w.owner,
                               "expires": w.expires.isoformat()}
        for w in loader(stack, on).waivers
        if _CKV_ID.match(w.rule)
    }


def _hook(hook: str, hook_dir: Path | None, setting: str = "checkov-waivers") -> Any:
    """Import `module:function`, from the settings' directory if it is not importable as installed."""
    module, _, name = hook.partition(":")
    try:
        try:
            loaded = importlib.import_module(module)
        except ImportError:
            if hook_dir is None or str(hook_dir) in sys.path:
                raise
            sys.path.insert(0, str(hook_dir))
            loaded = importlib.import_module(module)
        return getattr(loaded, name)
    except (ImportError, AttributeError) as exc:
        raise GateError(f"[tool.gate] {setting}: cannot load {hook!r} ({exc})") from None


def scan(states: dict[str, dict[str, Any]], workdir: Path, *,
         mandatory: set[str] | None = None) -> dict[str, list[Violation]]:
    """checkov findings per stack (see `scan_stacks`, which also returns the runs)."""
    found = scan_stacks(states, workdir, mandatory=mandatory)
    return {stack: result.violations for stack, result in found.items()}


def scan_stacks(states: dict[str, dict[str, Any]], workdir: Path, *,
                mandatory: set[str] | None = None, waivers: str = "", triage: str = "",
                hook_dir: Path | None = None, cache_dir: Path | None = None, jobs: int | None = None,
                shards: int | None = None,
                run: Callable[[Path], list[dict[str, Any]]] | None = None) -> dict[str, StackScan]:
    """checkov findings and runs per stack for the given checkpoints (``pulumi stack export`` v3 documents).

    Exports every stack into ``workdir/checkov/<stack>/`` (Terraform plan for pulumi-aws, ARM template for
    azure-native, secrets redacted) and runs checkov once over all of them. ``mandatory`` overrides the
    curated blocking list (``data/mandatory.yaml``); everything else is advisory. A waived finding is
    reported advisory with its waiver and the ``[waived: ...]`` message prefix the packs use.
    Components already judged are answered from ``cache_dir`` (if given); the rest run in up to
    ``jobs`` checkov processes (gate.checkov.parallel), forks of one driver started before the export;
    ``run`` replaces them (tests).
    """
    kept = scan_outcomes(states, workdir, cache_dir=cache_dir, jobs=jobs, shards=shards, run=run)
    return judged(kept, mandatory=mandatory, waivers=waivers, triage=triage, hook_dir=hook_dir)


def judged(kept: dict[str, dict[str, Any]], *, mandatory: set[str] | None = None, waivers: str = "",
           hook_dir: Path | None = None, triage: str = "") -> dict[str, StackScan]:
    """The stacks' scan outcomes (`scan_outcomes`) with the blocking list, the waivers and the project's
    triage applied: read when the run's verdict is made (the hooks read the records the gate points the
    packs to)."""
    if not any(k["files"] for k in kept.values()):   # nothing checkov could scan
        return {s: StackScan() for s in kept}
    blocking = set(mandatory_checks()) if mandatory is None else set(mandatory)
    return {s: findings.stack_scan(kept[s]["outcome"], blocking,
                                   load_waivers(s, hook=waivers, hook_dir=hook_dir),
                                   load_triage(s, blocking, hook=triage, hook_dir=hook_dir)) for s in kept}


def load_triage(stack: str, blocking: set[str], hook: str = "", hook_dir: Path | None = None,
                ) -> tuple[Any, ...]:
    """The project's decisions on advisory checkov findings (`[tool.gate] checkov-triage = "module:function"`,
    called as `function(stack)`, returning objects with `check`, `covers(check, type, name)`, `decision`
    and `reason`). A record the hook cannot read, or a decision on a mandatory check (whose findings are
    waived, with an owner and an expiry, not triaged), is bad input naming it. No hook, no triage."""
    if not hook:
        return ()
    loader = _hook(hook, hook_dir, "checkov-triage")
    try:
        decisions = tuple(loader(stack))
    except (ValueError, OSError) as exc:   # RecordsError is a ValueError
        raise GateError(f"[tool.gate] checkov-triage: {exc}") from None
    for d in decisions:
        if d.check in blocking:
            raise GateError(f"[tool.gate] checkov-triage: {d.check} is a mandatory check: a finding of it is "
                            "waived (owner, reason, expiry), not triaged")
    return decisions


def scan_outcomes(states: dict[str, dict[str, Any]], workdir: Path, *, cache_dir: Path | None = None,
                  jobs: int | None = None, shards: int | None = None,
                  run: Callable[[Path], list[dict[str, Any]]] | None = None,
                  drivers: Drivers | None = None) -> dict[str, dict[str, Any]]:
    """Per stack, in the order of `states`: its exported views' text and checkov's outcome on them
    (`scan_stacks`); `drivers`: a run's driver that outlives this scan (gate.checkov.pipeline)."""
    root = Path(workdir) / "checkov"
    cache = ResultCache(cache_dir, FRAMEWORKS) if cache_dir is not None else None
    kept: dict[str, dict[str, Any]] = {}   # stack -> {"files": its views, "outcome": findings.outcome}
    digests: dict[str, str] = {}
    for stack, state in states.items():
        if not _STACK.match(stack):
            raise GateError(f"checkov: {stack!r}: not a stack name")
        target = root / stack
        for old in target.glob("*.json") if target.is_dir() else []:
            old.unlink()
        if cache is not None:
            digests[stack] = fast_digest(state)
            hit = _kept(cache, stack, digests[stack], target)
            if hit is not None:   # an unchanged state: its views and results as the last run left them
                kept[stack] = hit
    own = drivers is None
    drivers = Drivers(root / LOGS, FRAMEWORKS, TIMEOUT) if drivers is None else drivers
    try:
        if run is None and any(_exportable(state) for s, state in states.items() if s not in kept):
            drivers.prestart()    # checkov imports itself while the states are exported
        exports = {s: export_stack(s, state, root / s, cache.stack_memo(s) if cache is not None else None)
                   for s, state in states.items() if s not in kept}
        todo = [d for e in exports.values() for d in e.documents]
        scanned = scan_components(todo, root, run or drivers.run, jobs=jobs, cache=cache,
                                  shards=shards) if todo else []
    finally:
        if own:
            drivers.close()
    for stack, export in exports.items():
        found = ((doc.name, results) for doc, parts in scanned if doc.stack == stack for _, results in parts)
        kept[stack] = {"files": export.files, "outcome": findings.outcome(found, export)}
        if cache is not None:
            cache.keep_stack_result(stack, digests[stack], kept[stack], exports[stack].memo)
    return {s: kept[s] for s in states}


def _exportable(state: dict[str, Any]) -> bool:
    """Whether the export of `state` will hold a resource for checkov (a cheap look at the types)."""
    tf, az = terraform.type_table(), arm.type_table()
    return any(r.get("custom") and (r.get("type") in tf or r.get("type") in az)
               for r in state.get("deployment", {}).get("resources", []) or [])


def _kept(cache: ResultCache, stack: str, state_digest: str, target: Path) -> dict[str, Any] | None:
    """An unchanged stack's cached views (written again into `target`) and outcome, or None."""
    hit = cache.stack_result(stack, state_digest)
    try:
        if hit is None or set(hit["outcome"]) != {"failed", "runs"}:
            return None
        target.mkdir(parents=True, exist_ok=True)
        for name, text in hit["files"].items():
            write_bytes_atomic(target / name, text.encode("utf-8"))
        return hit
    except (KeyError, TypeError, AttributeError, ValueError):   # not what this version writes: a miss
        for old in target.glob("*.json"):
            old.unlink()
        return None
