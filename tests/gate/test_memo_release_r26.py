"""Performance round 26 (docs/gate-performance.md): require-resolved-references releases each resource's
references (its `_refs` memo and its top-level inputs' traces) once it judged the resource. No rule reads
them after that in the gate's order, and a release read again gives what the scan gives."""

from __future__ import annotations

import contextlib
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from gate.deadlines import Deadlines
from gate.policy_views import views_of
from gate.policyhost import evaluate
from gate.state_view import index_state
from pulumi_policy.proxy import _DictProxy, _ListProxy

from policies.core import args_view
from policies.core.args_view import graph_from_args
from policies.core.proxy_attrs import MEMO, TRACE
from policies.core.references import references, release
from policies.core.view import ResourceView

ROOMY = Deadlines(policy=120.0, pack_start=120.0, configure=120.0)


class _Watched(dict):
    """A shared memo that counts reads of `_refs` made after its release (the pop)."""

    __slots__ = ()
    late: Counter[str] = Counter()
    released: Counter[str] = Counter()

    def pop(self, key: str, *default: Any) -> Any:
        if key == "_refs":
            _Watched.released[key] += 1
            dict.__setitem__(self, "_released", True)
        return dict.pop(self, key, *default)

    def get(self, key: str, default: Any = None) -> Any:
        if key == "_refs" and dict.get(self, "_released"):
            _Watched.late[key] += 1
        return dict.get(self, key, default)


def _watched_memo(raws: list[Any]) -> Any:
    def shared(raw: Any, type_: str, provider: Any) -> dict[str, Any]:
        entry = getattr(raw, MEMO, None)
        if entry is not None and entry[0] == type_ and entry[1] is provider:
            return entry[2]
        memo: dict[str, Any] = _Watched()
        if entry is None:
            with contextlib.suppress(AttributeError):
                setattr(raw, MEMO, (type_, provider, memo))
                raws.append(raw)
        return memo
    return shared


def test_no_rule_reads_a_released_reference_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both packs in one process (resource policies, then the stack policies in pack order): every
    resource's references are released, none is read after, no proxied input keeps a trace."""
    from bench_states import REAL_PACKS, generate_state, project_pack_config

    raws: list[Any] = []
    monkeypatch.setattr(args_view, "_shared_memo", _watched_memo(raws))
    monkeypatch.setenv("GATE_EVAL_WORKERS", "1")
    _Watched.late.clear()
    _Watched.released.clear()
    state = generate_state(400)
    evaluate(state, stack="test", project="proj", packs=list(REAL_PACKS),
             pack_config=project_pack_config(list(REAL_PACKS)), deadlines=ROOMY)
    assert raws and _Watched.released["_refs"] >= len(raws) // 2
    assert not _Watched.late                           # nothing asked for a released memo again
    held = [raw for raw in raws if "_refs" in getattr(raw, MEMO)[2]]
    assert not held                                    # nor scanned again and kept
    traced = [v for raw in raws for v in raw._DictProxy__target.values()
              if isinstance(v, (_DictProxy, _ListProxy)) and getattr(v, TRACE, None) is not None]
    assert not traced


def test_a_released_view_scans_to_the_same_references() -> None:
    """Released, then asked again: the references a fresh view of the same inputs finds, in order."""
    from bench_states import generate_state

    resources = index_state(generate_state(300))
    views = views_of(resources, {r.urn: r for r in resources}, True)[2]
    found = 0
    for view in graph_from_args(SimpleNamespace(resources=views)).resources:
        first = references(view)
        release(view)
        assert "_refs" not in view.memo
        again = references(view)
        fresh = references(ResourceView(type=view.type, raw=view.raw, urn=view.urn, name=view.name,
                                        provider=view.provider))
        assert again == first == fresh, view.urn
        release(view)
        found += bool(first)
    assert found > 50


def test_a_range_releases_what_it_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate's split (`validate_resources` over ranges, after the empty range built the indexes): each
    range releases its resources' references, the ranges not judged yet keep theirs."""
    from bench_states import generate_state
    from pulumi_policy.policy import StackValidationArgs

    from policies.core.crossguard import to_policy
    from policies.rules.require_resolved_references import RULE

    raws: list[Any] = []
    monkeypatch.setattr(args_view, "_shared_memo", _watched_memo(raws))
    _Watched.late.clear()
    resources = index_state(generate_state(300))
    args = StackValidationArgs(views_of(resources, {r.urn: r for r in resources}, True)[2], None, {})
    graph = graph_from_args(args)
    for view in graph.resources:
        references(view)                                 # as the resource rules leave them
    ranged = to_policy(RULE).validate_resources
    ranged(args, lambda *a: None, 0, 0)
    ranged(args, lambda *a: None, 0, 150)
    kept = ["_refs" in v.memo for v in graph.resources]
    assert not any(kept[:150]) and all(kept[150:])
    ranged(args, lambda *a: None, 150, 300)
    assert not any("_refs" in v.memo for v in graph.resources) and not _Watched.late


def test_the_whole_graph_check_prepares_first_and_releases_after_each() -> None:
    from policies.core.rule import Rule, RuleDefinitionError
    from policies.core.view import StackGraph
    from policies.rules.require_resolved_references import RULE

    GOOD = {k: getattr(RULE, k) for k in ("id", "title", "severity", "remediation", "controls", "module")}

    calls: list[str] = []
    rule = Rule(**{**GOOD, "scope": "stack", "check": None,
                   "each": lambda r, g, c: calls.append(f"each {r.name}") or [],
                   "prepare": lambda g, c: calls.append("prepare"),
                   "release": lambda r: calls.append(f"release {r.name}")})
    graph = StackGraph([ResourceView(type="t:m:T", raw={}, urn=f"urn:{n}", name=n) for n in ("a", "b")])
    assert rule.check(graph, None) == []
    assert calls == ["prepare", "each a", "release a", "each b", "release b"]
    with pytest.raises(RuleDefinitionError, match="`release` drops what `each` read"):
        Rule(**{**GOOD, "scope": "stack", "check": lambda g, c: [], "release": lambda r: None})
