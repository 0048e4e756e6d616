"""checkov's results mapped back to Pulumi URNs: violations (with waivers) and per-check runs per stack."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

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

    stack: str
    urns: dict[tuple[str, str], str]
    types: dict[str, str]


@dataclass
class StackScan:
    """checkov's verdict on one stack: its findings, and per check id how often it ran and failed."""

    violations: list[Violation] = field(default_factory=list)
    runs: list[PolicyRun] = field(default_factory=list)


def _mapped(reports: list[dict[str, Any]], exports: dict[str, Export],
            keys: tuple[str, ...]) -> Iterator[tuple[Export, str, bool, dict[str, Any]]]:
    """(export, urn, failed, result) for each result of `keys` on an exported resource."""
    where: dict[str, tuple[Export | None, str]] = {}   # file_path -> (its stack's export, file name)
    for report in reports:
        results = report.get("results", {})
        for key in keys:
            failed = key == "failed_checks"
            for check in results.get(key, []) or []:
                file_path = str(check.get("file_path", ""))
                place = where.get(file_path)
                if place is None:
                    path = Path(file_path)
                    place = where[file_path] = (exports.get(path.parent.name), path.name)
                export, name = place
                urn = export.urns.get((name, str(check.get("resource", "")))) if export else None
                if export is not None and urn is not None:
                    yield export, urn, failed, check


def violations(reports: list[dict[str, Any]], exports: dict[str, Export], mandatory: set[str],
               waivers: dict[str, dict[tuple[str, str], dict[str, Any]]]) -> dict[str, list[Violation]]:
    """Failed checks per stack, once per (check, URN); a waived one advisory with the waiver."""
    curated = mandatory_checks()
    found: dict[str, list[Violation]] = {s: [] for s in exports}
    seen: set[tuple[str, str, str]] = set()
    for export, urn, _, check in _mapped(reports, exports, ("failed_checks",)):
        stack, ckv = export.stack, str(check.get("check_id", ""))
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


def runs(reports: list[dict[str, Any]], exports: dict[str, Export],
         mandatory: set[str]) -> dict[str, list[PolicyRun]]:
    """PolicyRuns per stack and check id: passes count as evidence that a control was verified."""
    curated = mandatory_checks()
    outcome: dict[str, dict[str, dict[str, bool]]] = {s: {} for s in exports}   # stack > ckv > urn > failed
    names: dict[str, str] = {}
    for export, urn, failed, check in _mapped(reports, exports, ("passed_checks", "failed_checks")):
        ckv = str(check.get("check_id", ""))
        if ckv not in names:
            names[ckv] = str(check.get("check_name", ckv))
        per_urn = outcome[export.stack].setdefault(ckv, {})
        per_urn[urn] = per_urn.get(urn, False) or failed
    return {
        stack: [PolicyRun(pack=PACK, policy=ckv, level="mandatory" if ckv in mandatory else "advisory",
                          severity=curated[ckv].severity if ckv in curated else "", description=names[ckv],
                          resources_checked=len(per_urn), violations=sum(per_urn.values()))
                for ckv, per_urn in sorted(checks.items())]
        for stack, checks in outcome.items()
    }
