"""`pack_findings`: both policy packs run on one component, recorded with the inputs it needs (issue 20).

A component's defaults are judged by the project's rules themselves, not by hand-picked properties: the
test records the component (plus the resources it references: keys, network, log bucket), evaluates the
eu-residency and pia-conditions packs as `gate` does for the stack the component belongs to (its config,
records and pack configs), and expects no finding on the component's own resources. Findings about the
stack as a whole (no resource: SIEM coverage, state backend, waivers of other resources) judge the stack,
not the component; tests/stacks/ covers them. So do the findings of COMPOSITION_RULES, which judge how the
stack combines the component with others (a copy's destination created by another component, the
organisation trail in a separate log-archive account) and name the component's resource while doing so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from gate.recording import Graph

REPO = Path(__file__).resolve().parents[2]
PACK_CONFIGS = ("eu-residency", "pia-conditions")
COMPOSITION_RULES = frozenset({"require-off-vendor-backups", "require-segregated-log-archive"})


def _findings(graph: Graph, stack: str, component: str) -> list[str]:
    from gate.policyhost import discover_packs, evaluate

    config = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]
    pack_config = {n: json.loads((REPO / "policies" / "config" / f"{n}.json").read_text(encoding="utf-8"))
                   for n in PACK_CONFIGS}
    report = evaluate(graph.to_checkpoint(), stack=stack, project="dosis-eloket", stack_config=config,
                      packs=discover_packs(REPO / "policies"), pack_config=pack_config)
    assert {p.pack for p in report.policies} >= set(PACK_CONFIGS), "a pack did not run"

    def mine(name: str) -> bool:
        return name == component or name.startswith(component + "-")

    assert any(r.custom and mine(r.name) for r in graph.resources), f"no resource of {component!r} recorded"
    return [f"{v.policy} on {v.urn.rsplit('::', 1)[-1]}: {v.message.splitlines()[-1]}"
            for v in report.violations
            if v.urn and mine(v.urn.rsplit("::", 1)[-1]) and v.policy not in COMPOSITION_RULES]


@pytest.fixture
def pack_findings() -> Callable[[Graph, str, str], list[str]]:
    """pack_findings(graph, stack, component): the findings of both packs on resources named `component`
    or `component-*` (the component's children), judged as part of `stack`."""
    return _findings
