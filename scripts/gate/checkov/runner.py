"""One checkov run per gate run over every stack's exported views, results mapped back to Pulumi URNs."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import gate.checkov.arm as arm
import gate.checkov.terraform as terraform
import gate.checkov.toolenv as toolenv
from gate.checkov.cache import ResultCache
from gate.checkov.parallel import FRAMEWORKS, Document, scan_documents
from gate.errors import GateError
from gate.model import PolicyRun, Violation
from gate.procs import run_bounded

DATA = Path(__file__).with_name("data")
PACK = "checkov"
_CKV_ID = re.compile(r"^CKV2?_[A-Z0-9]+_[0-9]+$")
_STACK = re.compile(r"^[A-Za-z0-9_.-]+$")
TIMEOUT: float = 900   # seconds; the gate CLI sets it from --checkov-timeout


@dataclass(frozen=True)
class Mandatory:
    """A checkov id that blocks, with our severity and the one-line reason."""

    id: str
    severity: str
    reason: str


@functools.cache
def mandatory_checks() -> dict[str, Mandatory]:
    """The curated blocking list (``data/mandatory.yaml``)."""
    raw = yaml.safe_load((DATA / "mandatory.yaml").read_text()) or {}
    return {k: Mandatory(k, str(v.get("severity", "high")), str(v["reason"])) for k, v in raw.items()}


@dataclass
class StackExport:
    """Where one stack's views went and how to map findings back."""

    stack: str
    urns: dict[tuple[str, str], str] = field(default_factory=dict)    # (file name, checkov resource) -> urn
    types: dict[str, str] = field(default_factory=dict)               # urn -> pulumi token
    unmapped: dict[str, int] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)          # what checkov scans


def export_stack(stack: str, state: dict[str, Any], directory: Path) -> StackExport:
    """Write ``<stack>.tfplan.json`` and ``<stack>.arm.json`` (secrets redacted) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    result = StackExport(stack)
    for res in state.get("deployment", {}).get("resources", []) or []:
        result.types[res.get("urn", "")] = res.get("type", "")
    tf = terraform.export(state)
    az = arm.export(state)
    for name, doc, urns, unmapped in ((f"{stack}.tfplan.json", tf.plan, tf.urns, tf.unmapped),
                                      (f"{stack}.arm.json", az.template, az.urns, az.unmapped)):
        if not urns:
            continue
        # compact: an indented dump takes the pure-Python encoder (seconds on a large view)
        (directory / name).write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n")
        result.documents.append(Document(stack, name, "terraform_plan" if name.endswith(".tfplan.json")
                                         else "arm", doc))
        result.urns.update({(name, address): urn for address, urn in urns.items()})
        result.unmapped.update(unmapped)
    return result


def run_checkov(directory: Path) -> list[dict[str, Any]]:
    """checkov over ``directory`` (terraform_plan + arm, offline); its reports, one per framework.

    Through ``driver.py`` in checkov's environment: checkov's own entry point, without its debug log and
    its printed report (a third of a large scan), answering only the fields the gate reads.
    """
    python = toolenv.ensure()
    cmd = [str(python), str(Path(__file__).with_name("driver.py")), str(directory), *FRAMEWORKS]
    env = {**os.environ, "LOG_LEVEL": "ERROR", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
           "BC_SKIP_MAPPING": "TRUE", "CKV_NO_TELEMETRY": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("BC_API_KEY", None)
    logs = directory.parent / f".{directory.name}-checkov-logs"
    logs.mkdir(exist_ok=True)
    try:   # its own process group, killed with everything it started on the deadline
        code, stdout, stderr = run_bounded(cmd, timeout=TIMEOUT, cwd=directory, env=env, out_dir=logs)
    except subprocess.TimeoutExpired:
        raise GateError(f"checkov: did not finish within {TIMEOUT:g} s (checkov deadline; --checkov-timeout)"
                        ) from None
    out = stdout.strip()
    start = min((i for i in (out.find("["), out.find("{")) if i >= 0), default=-1)
    if code != 0 or start < 0:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        raise GateError(f"checkov: failed on {directory} (exit {code}): {tail}")
    data = json.loads(out[start:])
    reports = data if isinstance(data, list) else [data]
    return [r for r in reports if isinstance(r, dict) and "results" in r]


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


def _hook(hook: str, hook_dir: Path | None) -> Any:
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
        raise GateError(f"[tool.gate] checkov-waivers: cannot load {hook!r} ({exc})") from None


def _violations(reports: list[dict[str, Any]], exports: dict[str, StackExport], mandatory: set[str],
                waivers: dict[str, dict[tuple[str, str], dict[str, Any]]]) -> dict[str, list[Violation]]:
    curated = mandatory_checks()
    found: dict[str, list[Violation]] = {s: [] for s in exports}
    seen: set[tuple[str, str, str]] = set()
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []) or []:
            path = Path(str(check.get("file_path", "")))
            stack = path.parent.name
            export = exports.get(stack)
            urn = export.urns.get((path.name, str(check.get("resource", "")))) if export else None
            if export is None or urn is None:
                continue
            ckv = str(check.get("check_id", ""))
            if (stack, ckv, urn) in seen:
                continue
            seen.add((stack, ckv, urn))
            waiver = waivers.get(stack, {}).get((ckv, urn))
            level = "mandatory" if ckv in mandatory else "advisory"
            severity = curated[ckv].severity if ckv in curated else str(check.get("severity") or "").lower()
            message = str(check.get("check_name", ckv))
            if waiver:
                message = f"[waived: {ckv} until {waiver['expires']}, owner {waiver['owner']}] {message}"
                level = "advisory"
            found[stack].append(Violation(pack=PACK, policy=ckv, level=level, severity=severity, urn=urn,
                                          type=export.types.get(urn, ""), message=message, waiver=waiver))
    return found


@dataclass
class StackScan:
    """checkov's verdict on one stack: its findings, and per check id how often it ran and failed."""

    violations: list[Violation] = field(default_factory=list)
    runs: list[PolicyRun] = field(default_factory=list)


def _runs(reports: list[dict[str, Any]], exports: dict[str, StackExport],
          mandatory: set[str]) -> dict[str, list[PolicyRun]]:
    """PolicyRuns per stack and check id: passes count as evidence that a control was verified."""
    curated = mandatory_checks()
    outcome: dict[str, dict[str, dict[str, bool]]] = {s: {} for s in exports}   # stack > ckv > urn > failed
    names: dict[str, str] = {}
    for report in reports:
        results = report.get("results", {})
        for failed, key in ((False, "passed_checks"), (True, "failed_checks")):
            for check in results.get(key, []) or []:
                path = Path(str(check.get("file_path", "")))
                export = exports.get(path.parent.name)
                urn = export.urns.get((path.name, str(check.get("resource", "")))) if export else None
                if export is None or urn is None:
                    continue
                ckv = str(check.get("check_id", ""))
                names.setdefault(ckv, str(check.get("check_name", ckv)))
                per_urn = outcome[export.stack].setdefault(ckv, {})
                per_urn[urn] = per_urn.get(urn, False) or failed
    return {
        stack: [PolicyRun(pack=PACK, policy=ckv, level="mandatory" if ckv in mandatory else "advisory",
                          severity=curated[ckv].severity if ckv in curated else "", description=names[ckv],
                          resources_checked=len(per_urn), violations=sum(per_urn.values()))
                for ckv, per_urn in sorted(checks.items())]
        for stack, checks in outcome.items()
    }


def scan(states: dict[str, dict[str, Any]], workdir: Path, *,
         mandatory: set[str] | None = None) -> dict[str, list[Violation]]:
    """checkov findings per stack (see `scan_stacks`, which also returns the runs)."""
    found = scan_stacks(states, workdir, mandatory=mandatory)
    return {stack: result.violations for stack, result in found.items()}


def scan_stacks(states: dict[str, dict[str, Any]], workdir: Path, *,
                mandatory: set[str] | None = None, waivers: str = "", hook_dir: Path | None = None,
                cache_dir: Path | None = None, jobs: int | None = None,
                shards: int | None = None) -> dict[str, StackScan]:
    """checkov findings and runs per stack for the given checkpoints (``pulumi stack export`` v3 documents).

    Exports every stack into ``workdir/checkov/<stack>/`` (Terraform plan for pulumi-aws, ARM template for
    azure-native, secrets redacted) and runs checkov once over all of them. ``mandatory`` overrides the
    curated blocking list (``data/mandatory.yaml``); everything else is advisory. A waived finding is
    reported advisory with its waiver and the ``[waived: ...]`` message prefix the packs use.
    Components already judged are answered from ``cache_dir`` (if given); the rest run in up to
    ``jobs`` checkov processes (gate.checkov.parallel).
    """
    root = Path(workdir) / "checkov"
    exports: dict[str, StackExport] = {}
    for stack, state in states.items():
        if not _STACK.match(stack):
            raise GateError(f"checkov: {stack!r}: not a stack name")
        target = root / stack
        for old in target.glob("*.json") if target.is_dir() else []:
            old.unlink()
        exports[stack] = export_stack(stack, state, target)
    blocking = set(mandatory_checks()) if mandatory is None else set(mandatory)
    if not any(e.urns for e in exports.values()):
        return {s: StackScan() for s in exports}
    cache = ResultCache(cache_dir, FRAMEWORKS) if cache_dir is not None else None
    documents = [d for e in exports.values() for d in e.documents]
    reports = scan_documents(documents, root, run_checkov, jobs=jobs, cache=cache, shards=shards)
    valid = {s: load_waivers(s, hook=waivers, hook_dir=hook_dir) for s in exports}
    found = _violations(reports, exports, blocking, valid)
    runs = _runs(reports, exports, blocking)
    # checkov lists findings in its own (varying) order: sort them so every run reads the same.
    return {s: StackScan(sorted(found[s], key=lambda v: (v.policy, v.urn)), runs[s]) for s in exports}
