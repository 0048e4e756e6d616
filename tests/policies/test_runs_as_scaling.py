"""`azure_runs_as.inherit` judges a role's permissions once per role and resource type, not once per resource:
persons and the resources they may run code on both grow with a stack, and judging per pair made separation
of duties quadratic (the realistic 100k state, one process: 18 s -> 71 s of evaluation after rounds 80-81).
Counted, not timed."""

from __future__ import annotations

from policies.core.iam import azure_runs_as
from policies.core.iam.azure_runs_as import RUNS_AS, inherit

PERSONS, PER_TYPE = 20, 50


class _Graph:
    def by_type(self, _t: str) -> list[object]:
        return [object() for _ in range(PER_TYPE)]


def _count(monkeypatch, runs: bool, reaches: bool) -> tuple[list[int], dict[str, set[str]]]:
    calls: list[int] = []
    monkeypatch.setattr(azure_runs_as, "_runs", lambda _perms, _ops: calls.append(1) or runs)
    monkeypatch.setattr(azure_runs_as, "reaches", lambda _g, _a, _r: reaches)
    monkeypatch.setattr(azure_runs_as, "identities", lambda _g, _r: {"identity"})
    held: dict[str, set[str]] = {}
    roles = {f"person-{i}": [([{"actions": ["*"]}], f"assignment-{i}")] for i in range(PERSONS)}
    inherit(_Graph(), roles, {"identity": {"database structure", "use"}}, held, {})
    return calls, held


def test_permissions_are_judged_once_per_role_and_type(monkeypatch) -> None:
    calls, held = _count(monkeypatch, runs=True, reaches=True)
    assert len(calls) == PERSONS * len(RUNS_AS)
    assert held == {f"person-{i}": {"database structure"} for i in range(PERSONS)}


def test_a_role_that_runs_nothing_reaches_no_resource(monkeypatch) -> None:
    calls, held = _count(monkeypatch, runs=False, reaches=True)
    assert len(calls) == PERSONS * len(RUNS_AS) and held == {}


def test_a_role_out_of_scope_holds_nothing(monkeypatch) -> None:
    _, held = _count(monkeypatch, runs=True, reaches=False)
    assert held == {}
