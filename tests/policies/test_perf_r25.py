"""Performance round 25 (docs/gate-performance.md): the graph's name and reference indexes hold a key's only
value as itself (policies/core/one_or_many.py) and answer what a walk of every resource answers."""

from __future__ import annotations

import random
from typing import Any

from pulumi_policy.proxy import _DictProxy

from policies.core import one_or_many
from policies.core.view import _NAME_KEYS, UNKNOWN, ResourceView, StackGraph

TYPES = ["aws:s3/bucket:Bucket", "aws:cloudwatch/logGroup:LogGroup", "azure-native:sql:Server"]
VALUES = ["a", "A", "b", "x/a", "y/x/a", "y/b", "/a", "a/", "", "arn:aws:s3:::a", UNKNOWN, 3, None]


def _stack(rng: random.Random, n: int) -> list[ResourceView]:
    views = []
    for i in range(n):
        inputs: dict[str, Any] = {}
        for key in rng.sample([*_NAME_KEYS, "target", "other"], rng.randint(0, 4)):
            if (v := rng.choice(VALUES)) is not None:
                inputs[key] = v
        deps = {"target": tuple(f"urn:{j}" for j in rng.sample(range(n), rng.randint(0, min(2, n))))}
        raw = _DictProxy(inputs, []) if rng.random() < 0.5 else inputs
        name = rng.choice(["a", "b", f"r{i}"])
        views.append(ResourceView(rng.choice(TYPES), raw, urn=f"urn:{i}", name=name,
                                  property_dependencies=deps if rng.random() < 0.7 else {}))
    return views


def _named(views: list[ResourceView], name: str) -> list[ResourceView]:
    """A walk of every resource: its Pulumi name or a known string under one of the name keys."""
    out = []
    for r in views:
        src = r.raw._DictProxy__target if type(r.raw) is _DictProxy else r.raw
        names = {r.name} | {v for k in _NAME_KEYS if type(v := src.get(k)) is str and v != UNKNOWN}
        if name in names:
            out.append(r)
    return out


def _referring(views: list[ResourceView], types: tuple[str, ...], field: str, urn: str,
               names: list[str]) -> list[ResourceView]:
    """A walk of the resources of `types` (type by type, as `by_type` lists them)."""
    out = []
    for r in (r for t in types for r in views if r.type == t):
        v = r.input(field)
        by_name = isinstance(v, str) and any(v == n or (n and v.endswith("/" + n)) for n in names)
        if urn in r.property_dependencies.get(field, ()) or by_name:
            out.append(r)
    return out


def test_named_and_referring_answer_as_a_walk_of_every_resource() -> None:
    rng = random.Random(25)
    for _ in range(100):
        views = _stack(rng, rng.randint(0, 12))
        graph = StackGraph(views)
        for name in ["a", "A", "b", "x/a", "", "r1", "r2", "arn:aws:s3:::a", UNKNOWN, "zz"]:
            assert graph.named(name) == _named(views, name), name
        for _ in range(10):
            types = tuple(rng.sample(TYPES, rng.randint(1, 3)))
            field = rng.choice(["target", "name", "bucket"])
            names = rng.sample(["a", "b", "x/a", "", "A", "zz"], rng.randint(0, 3))
            urn = f"urn:{rng.randint(0, 12)}"
            assert graph.referring(types, field, urn, names) == _referring(views, types, field, urn, names)


def test_one_value_is_held_as_itself_and_several_as_a_list_in_order() -> None:
    idx: dict[str, Any] = {}
    one_or_many.add(idx, "k", 1)
    assert idx == {"k": 1} and one_or_many.values(idx, "k") == [1]
    one_or_many.add(idx, "k", 2)
    one_or_many.add(idx, "k", 0)
    assert idx == {"k": [1, 2, 0]} and one_or_many.values(idx, "k") == [1, 2, 0]
    assert one_or_many.values(idx, "missing") == []
    graph = StackGraph([ResourceView(TYPES[0], {"name": "n"}, urn="urn:0", name="p")])
    graph.named("n")
    assert graph._by_name == {"n": graph.resources[0], "p": graph.resources[0]}   # no list for one view


def _tag_info_direct(view: ResourceView) -> tuple[Any, Any]:
    """What the memoised property answered before round 25: `_tag_info` itself, asked of a fresh view."""
    return ResourceView(view.type, view.raw, urn=view.urn, provider=view.provider)._tag_info()


def test_tag_info_answers_as_before_and_keeps_no_memo_entry_for_no_tags() -> None:
    from policies.core.view import ProviderView

    rng = random.Random(250)
    tags = [None, {}, {"classification": "intern"}, {"a": UNKNOWN}, UNKNOWN, "x", 3]
    providers = [None, ProviderView("pulumi:providers:azure-native", {}),
                 ProviderView("pulumi:providers:aws", {}),
                 ProviderView("pulumi:providers:aws", {"defaultTags": {"tags": {"owner": "o"}}}),
                 ProviderView("pulumi:providers:aws", {"defaultTags": '{"tags": {"owner": "o"}}'}),
                 ProviderView("pulumi:providers:aws", {"defaultTags": '{"tags": {}}'}),
                 ProviderView("pulumi:providers:aws", {"defaultTags": {"tags": UNKNOWN}})]
    for _ in range(300):
        t = rng.choice(tags)
        inputs = {} if t is None else {"tags": t}
        raw = _DictProxy(inputs, []) if rng.random() < 0.5 else inputs
        view = ResourceView(TYPES[0], raw, urn="urn:v", provider=rng.choice(providers))
        want = _tag_info_direct(view)
        assert view.tag_info == want and view.tag_info == want     # asked twice: the memo or not
        assert ("_tag_info" in view.memo) == (want != (None, None)), (t, view.provider)
