"""checkov's results mapped back to Pulumi URNs: violations (with waivers) and per-check runs per stack."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from gate.findings import triaged_message
from gate.model import PolicyRun, Violation

DATA = Path(__file__).with_name("data")
PACK = "checkov"


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


class Export(Protocol):
    """What mapping needs of a stack's export (gate.checkov.runner.StackExport)."""

    urns: dict[tuple[str, str], str]
    types: dict[str, str]


@dataclass
class StackScan:
    """checkov's verdict on one stack: its findings, and per check id how often it ran and failed."""

    violations: list[Violation] = field(default_factory=list)
    runs: list[PolicyRun] = field(default_factory=list)


def outcome(found: Iterable[tuple[str, list[dict[str, Any]]]], export: Export) -> dict[str, Any]:
    """What checkov's results on one stack's views come to, before mandatory ids and waivers apply.

    `found`: (file name, results) per component (`parallel.scan_components`), in any order.
    ``failed``: [check id, urn, type, check name, checkov's severity] once per (check, urn), sorted;
    ``runs``: check id -> [check name, resources checked, resources failed].
    Small and JSON-shaped: the stack-state cache keeps it."""
    failed: dict[tuple[str, str], list[Any]] = {}
    checked: dict[str, dict[str, bool]] = {}   # ckv > urn > failed
    names: dict[str, str] = {}
    urns = export.urns
    for name, results in found:
        for check in results:
            urn = urns.get((name, str(check.get("resource", ""))))
            if urn is None:
                continue
            bad = check.get("result") == "FAILED"
            ckv = str(check.get("check_id", ""))
            if ckv not in names:
                names[ckv] = str(check.get("check_name", ckv))
            per_urn = checked.setdefault(ckv, {})
            per_urn[urn] = per_urn.get(urn, False) or bad
            if bad and (ckv, urn) not in failed:
                failed[(ckv, urn)] = [ckv, urn, export.types.get(urn, ""), str(check.get("check_name", ckv)),
                                      str(check.get("severity") or "")]
    runs = {ckv: [names[ckv], len(per_urn), sum(per_urn.values())]
            for ckv, per_urn in sorted(checked.items())}
    return {"failed": [failed[k] for k in sorted(failed)], "runs": runs}


def stack_scan(found: dict[str, Any], mandatory: set[str],
               waivers: dict[tuple[str, str], dict[str, Any]], triage: tuple[Any, ...] = ()) -> StackScan:
    """A stack's `outcome` judged: mandatory or advisory, waived findings advisory with their waiver, an
    advisory one the project decided (`triage`: objects with `covers(check, type, name)`, `decision` and
    `reason`) with its decision. Sorted (checkov reports in a varying order) so every run reads the same."""
    curated = mandatory_checks()
    violations = []
    for ckv, urn, token, name, severity in found["failed"]:
        waiver = waivers.get((ckv, urn))
        level = "mandatory" if ckv in mandatory else "advisory"
        message = name
        if waiver:
            message = f"[waived: {ckv} until {waiver['expires']}, owner {waiver['owner']}] {message}"
            level = "advisory"
        elif level == "advisory":
            decided = next((d for d in triage if d.covers(ckv, token, urn.rsplit("::", 1)[-1])), None)
            message = triaged_message(decided.decision, decided.reason, message) if decided else message
        violations.append(Violation(pack=PACK, policy=ckv, level=level, urn=urn, type=token, message=message,
                                    severity=curated[ckv].severity if ckv in curated else severity.lower(),
                                    waiver=waiver))
    runs = [PolicyRun(pack=PACK, policy=ckv, level="mandatory" if ckv in mandatory else "advisory",
                      severity=curated[ckv].severity if ckv in curated else "", description=name,
                      resources_checked=checked, violations=bad)
            for ckv, (name, checked, bad) in sorted(found["runs"].items())]
    return StackScan(sorted(violations, key=lambda v: (v.policy, v.urn)), runs)
