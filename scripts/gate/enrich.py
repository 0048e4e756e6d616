"""Finishing a stack's findings for people and tools: where in the program, which stack, in a fixed order.

- A finding on a resource gets `source` ("file:line" relative to the program) from the resource's
  recorded `sourcePosition` (the engine's `project:///<path>#<line>[,<col>]` form), and `source_chain`
  from the gate's `sourceChain` (the program frames that led to it, outermost first).
- A stack-level finding carries the stack's URN and type (not an empty URN), and the stack's source.
- Findings are ordered by pack (in evaluation order), policy, URN and message, so two runs read the same.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from gate.model import StackReport

STACK_TYPE = "pulumi:pulumi:Stack"
PROJECT_URI = "project:///"


def source_of(position: Any) -> str:
    """`project:///stacks/portal.py#42,5` -> `stacks/portal.py:42`; "" for anything else."""
    if not isinstance(position, str) or not position.startswith(PROJECT_URI):
        return ""
    path, _, fragment = position[len(PROJECT_URI):].partition("#")
    line = fragment.split(",")[0]
    return f"{path}:{line}" if path and line.isdigit() else ""


def finish(report: StackReport, state: dict[str, Any]) -> StackReport:
    """Attach sources and the stack URN to every finding and sort them (in place; returns the report)."""
    resources = state.get("deployment", {}).get("resources") or []
    by_urn = {r.get("urn"): r for r in resources if isinstance(r, dict)}
    stack = next((r for r in resources if isinstance(r, dict) and r.get("type") == STACK_TYPE), None)
    packs: dict[str, int] = {}
    for p in report.policies:
        packs.setdefault(p.pack, len(packs))
    for v in report.violations:
        packs.setdefault(v.pack, len(packs))
    finished = []
    sources: dict[str, tuple[str, tuple[str, ...]] | None] = {}   # per resource: findings share one
    for v in report.violations:
        if not v.urn and stack is not None:
            v = dataclasses.replace(v, urn=stack["urn"], type=STACK_TYPE)
        if not v.source:
            if v.urn not in sources:
                resource = by_urn.get(v.urn)
                sources[v.urn] = None if resource is None else (
                    source_of(resource.get("sourcePosition")),
                    tuple(s for s in (source_of(p) for p in resource.get("sourceChain") or []) if s))
            found = sources[v.urn]
            if found is not None and found != (v.source, v.source_chain):
                v = dataclasses.replace(v, source=found[0], source_chain=found[1])
        finished.append(v)
    finished.sort(key=lambda v: (packs[v.pack], v.policy, v.urn, v.message))
    report.violations = finished
    return report
