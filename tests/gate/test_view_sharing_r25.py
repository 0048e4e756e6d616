"""Performance round 25 (docs/gate-performance.md), the gate's side: equal dependency lists and
property-dependency dicts are one object in the loaded state, the gate's stack views and the rules' graph,
plain resource options one object, and every resource still gets what building them afresh gives."""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from gate import state_load
from gate.policy_views import views_of
from gate.state_view import index_state

from policies.core.args_view import graph_from_args

P = "urn:pulumi:test::proj::aws:s3/bucket:Bucket::"


def _state(rng: random.Random, n: int) -> dict[str, Any]:
    urns = [f"{P}b{i}" for i in range(n)]
    pool = [*urns, f"{P}gone"]                     # a URN the stack does not have
    lists = [sorted(rng.sample(pool, rng.randint(0, min(3, len(pool))))) for _ in range(6)]
    resources = []
    for urn in urns:
        r: dict[str, Any] = {"urn": urn, "type": "aws:s3/bucket:Bucket", "custom": True, "inputs": {"b": urn}}
        if rng.random() < 0.8:
            r["dependencies"] = list(rng.choice(lists))
        if rng.random() < 0.8:
            keys = rng.sample(["bucket", "tags", "policy", "acl"], rng.randint(0, 3))
            r["propertyDependencies"] = {k: list(rng.choice(lists)) for k in keys}
        resources.append(r)
    return {"version": 3, "deployment": {"resources": resources}}


def _loaded(tmp_path: Path, state: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    return state_load.load_state(path)


def test_equal_dependency_lists_are_one_list(tmp_path: Path) -> None:
    rng = random.Random(25)
    for _ in range(20):
        state = _state(rng, 12)
        loaded = _loaded(tmp_path, state)
        assert json.dumps(loaded) == json.dumps(state)          # same values, key order and types
        seen: dict[tuple[str, ...], list[str]] = {}
        for r in loaded["deployment"]["resources"]:
            if "dependencies" in r:
                assert seen.setdefault(tuple(r["dependencies"]), r["dependencies"]) is r["dependencies"]


def test_stack_views_and_the_graph_equal_a_fresh_build_and_share_equal_dicts(tmp_path: Path) -> None:
    rng = random.Random(2025)
    shared_dicts = shared_tuples = 0
    for _ in range(40):
        resources = index_state(_loaded(tmp_path, _state(rng, rng.randint(1, 14))))
        views = views_of(resources, {r.urn: r for r in resources}, True)[2]
        by_urn = {v.urn: v for v in views}
        graph = graph_from_args(SimpleNamespace(resources=views))
        made: dict[Any, Any] = {}
        for r, pr in zip(resources, views, strict=True):
            deps = [by_urn[u] for u in r.dependencies if u in by_urn]
            pdeps = {k: [by_urn[u] for u in v if u in by_urn]
                     for k, v in r.property_dependencies.items() if v}
            assert pr.dependencies == deps and pr.property_dependencies == pdeps
            view = graph.get(r.urn)
            assert view.dependencies == tuple(d.urn for d in deps)
            assert view.property_dependencies == {k: tuple(d.urn for d in v) for k, v in pdeps.items()}
            # equal property dependencies (the same URN lists) are one dict in both; equal dependencies one
            # tuple (not only equal views: a URN the stack lacks is left out of the views, not of the key)
            key = json.dumps({k: v for k, v in r.property_dependencies.items() if v})
            mine = (pr.property_dependencies, view.property_dependencies)
            if pdeps:
                shared_dicts += key in made
                first = made.setdefault(key, mine)
                assert first[0] is mine[0] and first[1] is mine[1], r.urn
            if deps:
                key = ("d", *r.dependencies)
                shared_tuples += key in made
                assert made.setdefault(key, view.dependencies) is view.dependencies, r.urn
    assert shared_dicts and shared_tuples


def test_the_graph_of_unshared_args_answers_the_same() -> None:
    """The CLI's PolicyResources share nothing: every view still gets its own dependencies' URNs."""
    a, b = SimpleNamespace(urn="urn:a"), SimpleNamespace(urn="urn:b")

    def resource(urn: str, deps: list[Any], pdeps: dict[str, list[Any]]) -> Any:
        return SimpleNamespace(urn=urn, name=urn, resource_type="aws:s3/bucket:Bucket", props={},
                               provider=None, opts=None, parent=None, dependencies=deps,
                               property_dependencies=pdeps)

    graph = graph_from_args(SimpleNamespace(resources=[
        resource("urn:x", [a, b], {"bucket": [a]}), resource("urn:y", [a, b], {"bucket": [b]}),
        resource("urn:z", [], {})]))
    assert graph.get("urn:x").dependencies == graph.get("urn:y").dependencies == ("urn:a", "urn:b")
    assert graph.get("urn:x").property_dependencies == {"bucket": ("urn:a",)}
    assert graph.get("urn:y").property_dependencies == {"bucket": ("urn:b",)}
    assert graph.get("urn:z").dependencies == () and graph.get("urn:z").property_dependencies == {}


def _options_fields(o: Any) -> tuple[Any, ...]:
    t = o.custom_timeouts
    return (o.protect, list(o.ignore_changes), o.delete_before_replace, list(o.aliases),
            (t.create_seconds, t.update_seconds, t.delete_seconds), list(o.additional_secret_outputs),
            o.parent)


def test_options_equal_a_fresh_build_and_plain_ones_are_shared() -> None:
    from gate.state_view import aliases, custom_timeouts, resource_option

    rng = random.Random(52)
    shared = 0
    for _ in range(30):
        resources = []
        for i in range(rng.randint(1, 20)):
            r: dict[str, Any] = {"urn": f"{P}o{i}", "type": "aws:s3/bucket:Bucket", "custom": True}
            for key, values in (("protect", [True, False, 1, None]),
                                ("deleteBeforeReplace", [True, False, "x"]),
                                ("parent", [f"{P}p", f"{P}q", ""]), ("ignoreChanges", [[], ["tags"], "ab"]),
                                ("aliases", [[], ["urn:old"], [3]]), ("additionalSecretOutputs", [[], ["k"]]),
                                ("customTimeouts", [{}, {"create": 60}, {"delete": 0}, None])):
                if rng.random() < 0.3 and (v := rng.choice(values)) is not None:
                    r[key] = v
            resources.append(r)
        state = index_state({"version": 3, "deployment": {"resources": resources}})
        options_of = views_of(state, {r.urn: r for r in state}, True)[1]
        made: dict[Any, Any] = {}
        for r in state:
            opts = options_of(r)
            ct = custom_timeouts(r)     # what the options were before round 25, field by field
            dbr = r.raw.get("deleteBeforeReplace")
            want = (bool(r.raw.get("protect", False)), list(resource_option(r, "ignoreChanges", [])),
                    dbr if isinstance(dbr, bool) else None, aliases(r), ct,
                    list(resource_option(r, "additionalSecretOutputs", [])), r.parent or None)
            assert _options_fields(opts) == want, r.raw
            if not (want[1] or want[3] or want[5] or any(ct)):
                key = (want[0], want[2], want[6])
                shared += key in made
                assert made.setdefault(key, opts) is opts, r.raw
    assert shared
