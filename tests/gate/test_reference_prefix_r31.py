"""Performance round 31 (docs/gate-performance.md): a resource's stack view takes the resource view's scan of
the top-level inputs both views share (the stack view's first keys: inputs its outputs did not replace) and
scans only what follows (its outputs). The shared scan must equal a fresh scan of every view.

`python tests/gate/test_reference_prefix_r31.py STATE.json` runs the equality check of the gate's
evaluation over a state file (the benchmark's 10k and 100k states, round 31)."""

from __future__ import annotations

import copy
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from gate.deadlines import Deadlines
from gate.policyhost import evaluate
from gate.state_view import StateResource, index_state, inputs_view, proxied, stack_props
from pulumi_policy.proxy import _DictProxy, _ListProxy

from policies.core import reference_text
from policies.core import references as R
from policies.core.proxy_attrs import TRACE
from policies.core.references import references
from policies.core.view import ResourceView, plain

ROOMY = Deadlines(policy=1800.0, pack_start=600.0, configure=600.0)
SIG = "4dabf18193072939515e22adb298388d"
SECRET = {SIG: "1b47061264138c4ac30d75fd1eb44270", "value": "https://eu.example.org/hook"}
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ASSET = {SIG: "c44067f5952c0a294b673a41bacd8c17", "text": "curl https://x.example.com/y"}


def _fresh(value: Any, prefix: str, own: frozenset[str]) -> list[Any]:
    """`_scan` of the view's plain inputs with every cache empty: nothing shared, nothing remembered."""
    saved, quiet = R._STR_TRACES, R.QUIET
    R._STR_TRACES, R.QUIET = R._Recent(), set()
    reference_text.QUIET = R.QUIET
    try:
        return R._scan(plain(value), prefix, own)
    finally:
        R._STR_TRACES, R.QUIET = saved, quiet
        reference_text.QUIET = quiet


def checked_evaluation(state: dict[str, Any], monkeypatch: Any) -> Counter[str]:
    """Both packs over `state` in one process; every `_scan` the references of a view make is compared with
    a fresh one. Counts the scans and the mismatches (`differ`: must stay 0)."""
    from bench_states import REAL_PACKS, project_pack_config

    counts: Counter[str] = Counter()
    real = R._scan

    def scan(value: Any, prefix: str, own: frozenset[str], *rest: Any) -> list[Any]:
        got = real(value, prefix, own, *rest)
        counts["scans"] += 1
        if got != _fresh(value, prefix, own):
            counts["differ"] += 1
        return got

    monkeypatch.setattr(R, "_scan", scan)
    monkeypatch.setenv("GATE_EVAL_WORKERS", "1")
    evaluate(state, stack="test", project="proj", packs=list(REAL_PACKS),
             pack_config=project_pack_config(list(REAL_PACKS)), deadlines=ROOMY)
    return counts


def _with_outputs(state: dict[str, Any]) -> dict[str, Any]:
    """The stress state with what a preview records: outputs adding ids and ARNs (and a secret, an unknown, a
    command) after the inputs, every fifth replacing an input; inputs holding secrets, assets, unknowns and
    command lines."""
    state = copy.deepcopy(state)
    for i, r in enumerate(state["deployment"]["resources"]):
        inputs = r["inputs"] = dict(r.get("inputs") or {})
        if not r.get("custom", True) or r["type"].startswith("pulumi:"):
            r["outputs"] = inputs
            continue
        if i % 7 == 0:
            inputs |= {"endpoint": SECRET, "code": ASSET, "target": UNKNOWN,
                       "command": ["sh", "-c", "curl https://us.example.com/a"]}
        out = {**inputs, "id": f"id-{i}", "arn": f"arn:aws:sqs:us-east-1:123456789012:q{i}",
               "hook": SECRET, "later": UNKNOWN, "entryPoint": ["bash", "-c", "wget http://api.example.net"]}
        if i % 5 == 0 and inputs:
            first = next(iter(inputs))
            out[first] = "https://replaced.example.com/x"
        r["outputs"] = out
    return state


@pytest.fixture(scope="module")
def stress() -> dict[str, Any]:
    from bench_states import generate_state

    return _with_outputs(generate_state(300, seed=31))


def test_every_shared_scan_equals_a_fresh_one(stress: dict[str, Any],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    counts = checked_evaluation(stress, monkeypatch)
    assert counts["scans"] > 300 and counts["differ"] == 0


def test_the_stress_state_as_generated_scans_equal_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench_states import generate_state

    counts = checked_evaluation(generate_state(200, seed=3), monkeypatch)
    assert counts["scans"] > 100 and counts["differ"] == 0


def _views(r: StateResource) -> tuple[ResourceView, ResourceView]:
    merged = proxied(stack_props(r))
    return (ResourceView(type=r.type, raw=inputs_view(r, merged), urn=r.urn),
            ResourceView(type=r.type, raw=merged, urn=r.urn))


def _resource(outputs: dict[str, Any], urn: str) -> StateResource:
    inputs = {"name": "orders", "policy": {"Statement": [{"Resource": "arn:aws:s3:::eu-bucket/*"}]},
              "tags": {"env": "prod"}, "url": "https://eu.example.org/x", "queue": SECRET,
              "command": ["sh", "-c", "curl https://us.example.com/a"]}
    state = {"deployment": {"resources": [{"urn": urn, "type": "aws:lambda/function:Function",
                                           "custom": True, "inputs": inputs,
                                           "outputs": {**inputs, **outputs}}]}}
    return index_state(state)[0]


def _top_traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    keys: list[str] = []
    real = R._top_trace

    def traced(k: Any, v: Any, *rest: Any) -> Any:
        keys.append(k)
        return real(k, v, *rest)

    monkeypatch.setattr(R, "_top_trace", traced)
    return keys


def test_the_stack_view_scans_only_its_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Main scanned every top-level key of both views (the shared proxies' traces replayed, strings looked up
    again); the stack view now takes the resource view's scan and goes on with its outputs."""
    res, stack = _views(_resource({"arn": "arn:aws:lambda:us-east-1:123456789012:function:f", "id": "f"},
                                  "urn:pulumi:t::p::aws:lambda/function:Function::r31-a"))
    keys = _top_traced(monkeypatch)
    first = references(res)
    assert {"policy", "url", "queue", "command"} <= set(keys)
    keys.clear()
    second = references(stack)
    assert keys == ["arn", "id"]
    assert R._scan(plain(stack.raw), "", frozenset()) == _fresh(stack.raw, "", frozenset())
    assert [r for r in second if r.path not in ("arn", "id")] == first
    # nothing left on the shared proxies: the stack view's scan takes their traces as main's replay did
    held = [v for v in res.raw._DictProxy__target.values()
            if isinstance(v, (_DictProxy, _ListProxy)) and getattr(v, TRACE, None) is not None]
    assert not held


@pytest.mark.parametrize("outputs", [
    {"policy": {"Statement": [{"Resource": "arn:aws:s3:::us-bucket/*"}]}},   # an input replaced: a new scan
    {"name": "orders", "url": "https://us.example.org/y"},                  # equal, then replaced
    {},                                                                       # the same view: one memo
])
def test_a_replaced_input_scans_from_there_and_equals_fresh(outputs: dict[str, Any]) -> None:
    r = _resource(outputs, f"urn:pulumi:t::p::aws:lambda/function:Function::r31-{sorted(outputs)}")
    for view in _views(r):
        assert R._scan(view.raw, "", frozenset(), view.urn) == _fresh(view.raw, "", frozenset())


def test_a_view_of_another_value_under_the_same_urn_takes_nothing() -> None:
    """require-resolved-references probes a pinned destination as a view of the same URN: it must neither
    take the resource view's scan nor spoil it for the stack view."""
    urn = "urn:pulumi:t::p::aws:lambda/function:Function::r31-probe"
    res, stack = _views(_resource({"id": "f"}, urn))
    references(res)
    probe = ResourceView(type=res.type, raw={"destination": "https://us.example.com"}, urn=urn)
    assert [(r.path, r.value) for r in references(probe)] == [("destination", "us.example.com")]
    assert R._scan(stack.raw, "", frozenset(), urn) == _fresh(stack.raw, "", frozenset())


def test_the_stack_view_first_equals_fresh_both_ways() -> None:
    urn = "urn:pulumi:t::p::aws:lambda/function:Function::r31-reversed"
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    res, stack = _views(_resource({"id": "f", "arn": arn}, urn))
    assert R._scan(stack.raw, "", frozenset(), urn) == _fresh(stack.raw, "", frozenset())
    assert R._scan(res.raw, "", frozenset(), urn) == _fresh(res.raw, "", frozenset())


if __name__ == "__main__":   # the benchmark's states (round 31's doc): python THIS STATE.json
    state = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    found = checked_evaluation(state, pytest.MonkeyPatch())
    print(dict(found))
    sys.exit(1 if found["differ"] or not found["scans"] else 0)
