"""Performance round 29 (docs/gate-performance.md): the stack views' proxies hold the state's own containers
below a view's top level and convert what is read (integers as floats, containers as proxies, a secret as
its value) instead of copying every container that holds a container or an integer. A policy reads exactly
what pulumi_policy's proxy over a plain copy gives (unknown values raise naming their path), the pack's one
accessor (`proxy_attrs.proxy_target`) reads what a copying proxy held, and nothing writes the state."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from gate.deadlines import Deadlines
from gate.policy_views import views_of
from gate.policyhost import evaluate
from gate.state_view import index_state, inputs_view, plain, proxied, stack_props
from gate.wire import SECRET_SIG, SIG_KEY
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi_policy.proxy import (
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    _DictProxy,
    _ListProxy,
    unknown_checking_proxy,
)

from policies.core.documents import unproxied
from policies.core.flat_targets import flat_target
from policies.core.proxy_attrs import PROXIES, proxy_target
from policies.core.view import plain as view_plain

ROOMY = Deadlines(policy=120.0, pack_start=120.0, configure=120.0)


def _secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


LEAVES = st.one_of(st.integers(-3, 2**40), st.floats(allow_nan=False), st.booleans(), st.none(),
                   st.sampled_from(["a", "eu-west-1", "", UNKNOWN_STRING_VALUE, UNKNOWN_NUMBER_VALUE]))
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["a", "b", "tags", "0", "value"]), inner, max_size=4),
    inner.map(_secret)), max_leaves=25)
INPUTS = st.dictionaries(st.sampled_from(["x", "tags", "rules", "n", "deep"]), VALUES, max_size=5)


def _read(value: Any) -> Any:
    """Everything a policy can read through the proxies' public interface, types included; an unknown
    value as the error it raises (sentinel and path)."""
    if isinstance(value, _DictProxy):
        out: dict[str, Any] = {"len": len(value), "keys": list(value)}
        for k in value:
            try:
                out[k] = _read(value[k])
            except UnknownValueError as exc:
                out[k] = ("unknown", exc.unknown_type_sentinel, exc.props)
        return ("dict", out)
    if isinstance(value, _ListProxy):
        items = []
        for i in (*range(len(value)), -1, -len(value)) if len(value) else ():
            try:
                items.append(_read(value[i]))
            except UnknownValueError as exc:
                items.append(("unknown", exc.unknown_type_sentinel, exc.props))
        try:
            sliced = [_read(v) for v in value[1:]]   # a slice is a list of what the items read as, unchecked
        except UnknownValueError as exc:
            sliced = [("unknown", exc.props)]
        return ("list", len(value), items, sliced)
    return (type(value).__name__, value)


def _held(value: Any) -> Any:
    """What the accessor reads, all the way down (no unknown check), types included."""
    held = proxy_target(value) if isinstance(value, PROXIES) else value
    if type(held) is dict:
        return ("dict", {k: _held(v) for k, v in held.items()})
    if type(held) is list:
        return ("list", [_held(v) for v in held])
    return (type(held).__name__, held)


@settings(max_examples=300, deadline=None)
@given(INPUTS)
def test_a_view_reads_as_pulumi_policy_s_proxy_over_a_plain_copy(inputs: dict[str, Any]) -> None:
    """What the servicer hands a policy (`unknown_checking_proxy(plain(...))`), read every way a rule can."""
    before = copy.deepcopy(inputs)
    expected = unknown_checking_proxy(plain(inputs))
    assert _read(proxied(inputs)) == _read(expected)
    assert _held(proxied(inputs)) == _held(expected)
    assert view_plain(proxied(inputs)) == plain(inputs)
    assert inputs == before


@settings(max_examples=200, deadline=None)
@given(INPUTS)
def test_the_pack_s_readers_see_what_a_copy_held(inputs: dict[str, Any]) -> None:
    """`unproxied`, `flat_target` and `view.plain` on every top-level input: equal to a copy's answers."""
    expected = unknown_checking_proxy(plain(inputs))
    view = proxied(inputs)
    for k in inputs:
        got, want = proxy_target(view)[k], expected._DictProxy__target[k]
        assert _held(unproxied(got)) == _held(unproxied(want))
        assert view_plain(got) == view_plain(want)
        flat = flat_target(got)
        assert (flat is None) == (flat_target(want) is None)
        if flat is not None:
            assert flat == view_plain(want) and [type(v) for v in _values(flat)] == [
                type(v) for v in _values(view_plain(want))]


def _values(c: Any) -> list[Any]:
    return list(c.values()) if isinstance(c, dict) else list(c)


def _containers(value: Any) -> list[Any]:
    """Every dict and list inside a plain value that is not a secret's wrapper."""
    if isinstance(value, dict):
        if SIG_KEY in value:
            return []
        return [value, *[c for v in value.values() for c in _containers(v)]]
    if isinstance(value, list):
        return [value, *[c for v in value for c in _containers(v)]]
    return []


def _proxies(value: Any) -> list[Any]:
    if isinstance(value, PROXIES):
        held = proxy_target(value)
        return [value, *[p for v in _values(held) for p in _proxies(v)]]
    return []


STATE_INPUTS = {"tags": {"env": "prod"}, "rules": [{"days": 30, "ids": ["a"]}, {"days": 7}],
                "nested": {"deep": {"ports": [443, 80], "on": True}, "n": 1}, "secret": _secret({"k": 1})}


def test_no_container_below_a_view_s_top_is_copied() -> None:
    """Fails before round 29: `rules`, `nested`, `deep` and `ports` hold a container or an integer and were
    copied for every view. Now each proxy below the top level holds the state's own container (a secret's
    value, unwrapped, is the one copy), and the resource view shares the stack view's sub-proxies."""
    state = {"version": 3, "deployment": {"resources": [
        {"urn": "urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b", "type": "aws:s3/bucketV2:BucketV2",
         "custom": True, "inputs": STATE_INPUTS, "outputs": {**STATE_INPUTS, "arn": "arn:aws:s3:::b"}}]}}
    r = index_state(state)[0]
    view = proxied(stack_props(r))
    own = {id(c) for c in _containers(STATE_INPUTS)}
    below = [p for v in proxy_target(view).values() for p in _proxies(v)]
    held = [p._DictProxy__target if isinstance(p, _DictProxy) else p._ListProxy__target for p in below]
    assert len(below) == 9 and sum(id(h) in own for h in held) == 8   # all but the secret's unwrapped dict
    resource = inputs_view(r, view)
    assert all(proxy_target(resource)[k] is proxy_target(view)[k] for k in STATE_INPUTS)


def test_a_policy_cannot_write_the_state_through_a_proxy() -> None:
    """Fails before round 29: a proxy's `__setitem__` wrote its target, the state's own dict where the
    proxy shared it (tags). Every dict proxy below the top refuses; the state is as it was."""
    inputs = copy.deepcopy(STATE_INPUTS)
    before = copy.deepcopy(inputs)
    view = proxied(inputs)
    for target in (view["tags"], view["nested"], view["nested"]["deep"], view["rules"][0], view["secret"]):
        with pytest.raises(TypeError, match="the state is read-only: a policy cannot set an input"):
            target["env"] = "changed"
    assert inputs == before


def test_the_packs_leave_the_state_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both packs over a generated state (every rule, one process): the state equals its copy after."""
    from bench_states import REAL_PACKS, generate_state, project_pack_config

    monkeypatch.setenv("GATE_EVAL_WORKERS", "1")
    state = generate_state(300)
    before = json.dumps(state, sort_keys=True)
    report = evaluate(state, stack="test", project="proj", packs=list(REAL_PACKS),
                      pack_config=project_pack_config(list(REAL_PACKS)), deadlines=ROOMY)
    assert report.violations and json.dumps(state, sort_keys=True) == before


def test_the_stack_views_hold_the_state_s_containers() -> None:
    """The gate's stack views of a generated state: no container below a view's top level is a copy."""
    from bench_states import generate_state

    state = generate_state(200)
    resources = index_state(state)
    own = {id(c) for r in resources for c in (*_containers(r.inputs), *_containers(r.outputs))}
    views = views_of(resources, {r.urn: r for r in resources}, True)[2]
    below = [p for v in views for x in proxy_target(v.props).values() for p in _proxies(x)]
    held = [p._DictProxy__target if isinstance(p, _DictProxy) else p._ListProxy__target for p in below]
    assert len(held) > 200 and all(id(h) in own for h in held)
