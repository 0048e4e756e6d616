"""Memory round 23 (docs/gate-performance.md): disallow-public-data-access walks every Azure view's inputs
over one unwrapped copy it does not keep (`ResourceView.unwrapped`, `private_link_targets.foreign_parties`),
and a trace's de-duplication key is the reference's own value where lower-casing changes nothing. Each is
held to the direct computation: `inputs`, the two walks one after the other, `value.lower()`."""

from __future__ import annotations

import json
from typing import Any

from gate.policy_views import views_of
from gate.state_view import index_state
from gate.wire import SECRET_SIG, SIG_KEY
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi_policy.policy import StackValidationArgs

from policies.core import network_rule_subnets as subnets
from policies.core import private_link_targets as links
from policies.core import references
from policies.core.args_view import graph_from_args
from policies.core.view import StackGraph, plain
from tests.policies.test_eval_fast_paths_r22 import _VALUES, SUBNET, UNKNOWN, VNET
from tests.policies.test_references_ascii import _documents

P = "urn:pulumi:s::p::"
EP = "azure-native:network:PrivateEndpoint"
FIXED = [
    {"subnet": {"id": SUBNET}, "privateLinkServiceConnections": [
        {"privateLinkServiceId": "/subscriptions/other/resourceGroups/r/providers/Microsoft.Storage/"
                                 "storageAccounts/sa", "groupIds": ["blob"]}]},
    {"networkRuleSet": {"virtualNetworkRules": [{"id": VNET}, {"id": UNKNOWN}], "defaultAction": "Deny"}},
    {"properties": {"subnets": [{"id": SUBNET, "n": 3}]}, "secret": {SIG_KEY: SECRET_SIG, "value": SUBNET}},
    {"privateLinkServiceId": UNKNOWN, "count": 2, "list": [1, [SUBNET, {"id": VNET}]]},
    {},
]


def _graph(inputs: list[Any], type_: str = EP) -> StackGraph:
    """The stack views as the gate builds them (proxies: numbers as floats, secrets unwrapped)."""
    resources = [{"urn": f"{P}{type_}::r{i}", "type": type_, "custom": True,
                  "inputs": value if isinstance(value, dict) else {"value": value}}
                 for i, value in enumerate(inputs)]
    resources.append({"urn": f"{P}aws:s3/bucket:Bucket::b", "type": "aws:s3/bucket:Bucket", "custom": True,
                      "inputs": {"bucket": "b"}})
    indexed = index_state({"version": 3, "deployment": {"resources": resources}})
    views = views_of(indexed, {r.urn: r for r in indexed}, True)[2]
    return graph_from_args(StackValidationArgs(views, None, {}))


def _check(inputs: list[Any]) -> None:
    walked, direct = _graph(inputs), _graph(inputs)
    recorded = {"other"}
    for r, d in zip(walked.resources, direct.resources, strict=True):
        expected = subnets.foreign_subnets(d, direct, recorded) + links.foreign_targets(d, direct, recorded)
        assert links.foreign_parties(r, walked, recorded) == expected
        assert "_inputs" not in r.memo            # the copy was not kept on the view


def test_the_walks_over_one_unkept_copy_say_what_the_two_walks_say() -> None:
    _check(FIXED)


@settings(max_examples=150, deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=4))
def test_the_walks_over_one_unkept_copy_say_what_the_two_walks_say_on_generated_inputs(values: Any) -> None:
    _check(json.loads(json.dumps(values)))      # a checkpoint's keys are strings


def test_unwrapped_is_inputs_without_keeping_it() -> None:
    for r in _graph(FIXED).resources:
        copy = r.unwrapped()
        assert copy == plain(r.raw) or (copy == {} and not isinstance(plain(r.raw), dict))
        assert "_inputs" not in r.memo and r.unwrapped() is not copy
        kept = r.inputs                          # once made, the kept copy is what it returns
        assert kept == copy and r.unwrapped() is kept


def _keys(value: Any) -> list[tuple[tuple[str, str], references.Ref]]:
    trace = references._traced(references._Recorder.walk, value, "", "", True, False)
    return [item for group in trace for items in group for item in items]


VALUES = ["https://x.blob.core.windows.net/c", "HTTPS://X.Blob.Core.Windows.NET/c", "arn:aws:s3:::Bucket-A",
          "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/sa",
          "\u0130.azure.com", "h.x.amazonaws.co\u212a", "eu-west-1", "EU-WEST-1", UNKNOWN]


def test_a_trace_key_is_the_lowered_value_and_the_value_itself_when_already_lower() -> None:
    items = [item for doc in [{"k": v} for v in VALUES] + _documents() for item in _keys(doc)]
    assert len(items) > 1000
    shared = 0
    for (kind, key), ref in items:
        if kind in references._OPAQUE:
            assert key == ref.path
            continue
        assert key == ref.value.lower()
        if key == ref.value:
            assert key is ref.value               # not a copy
            shared += 1
    assert shared


def test_the_string_traces_keep_two_generations_and_answer_as_a_fresh_scan(monkeypatch: Any) -> None:
    """The newest traces and the generation before: bounded to twice the limit, a string seen within the
    limit is not scanned again, and every answer is what scanning the string afresh gives."""
    monkeypatch.setattr(references, "_STR_TRACES_MAX", 64)
    monkeypatch.setattr(references, "_STR_TRACES", references._Recent())
    scans = []
    real = references._traced

    def counted(*args: Any) -> Any:
        scans.append(args[1])
        return real(*args)

    monkeypatch.setattr(references, "_traced", counted)
    values = [f"https://h{i}.example.com/{'X' if i % 3 else 'y'}" for i in range(400)]
    for i, v in enumerate(values):
        for again in (v, values[max(0, i - 63)]):   # each value again 63 values later: within the limit
            assert references._top_trace("url", again) == real(references._Recorder.text, again, "url", "url",
                                                                False)
            cache = references._STR_TRACES
            assert len(cache) + len(cache.old) <= 128
    assert len(scans) == len(values)             # the repeats were all hits
    references._STR_TRACES.clear()
    assert not references._STR_TRACES and not references._STR_TRACES.old


def test_a_proxy_trace_is_taken_by_its_second_reader_and_every_scan_answers_as_a_fresh_one() -> None:
    """A resource's two views share its top-level proxies: the second scan takes the trace the first left
    (nothing kept for the run), a third scans again; all give what scanning the plain inputs gives."""
    inputs = {"policy": {"Statement": [{"Resource": "arn:aws:sqs:eu-west-1:1:q"}]},
              "hosts": ["x.blob.core.windows.net", "X.BLOB.CORE.WINDOWS.NET"], "n": 3}
    resources = [{"urn": f"{P}aws:sqs/queue:Queue::q", "type": "aws:sqs/queue:Queue", "custom": True,
                  "inputs": inputs, "outputs": {**inputs, "id": "q"}}]
    indexed = index_state({"version": 3, "deployment": {"resources": resources}})
    props = views_of(indexed, {r.urn: r for r in indexed}, True)[2][0].props
    fresh = [(r.path, r.kind, r.value) for r in references.scan(inputs)]
    top = [v for k, v in props._DictProxy__target.items() if k in ("policy", "hosts")]
    for n in range(4):
        assert [(r.path, r.kind, r.value) for r in references.scan(props) if r.path != "id"] == fresh
        held = [getattr(v, references._TRACE_ATTR, None) for v in top]
        assert held == [None, None] if n % 2 else all(held)
