"""The memoisation that makes rule evaluation fast must not change what rules see or say."""

from __future__ import annotations

import dataclasses

from pulumi_policy.policy import (
    PolicyProviderResource,
    PolicyResource,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy

from policies.core.args_view import graph_from_args, view_from_args
from policies.core.crossguard import run_stack_rule
from policies.core.location import effective_location
from policies.core.references import references, scan
from policies.core.rule import Rule, RuleContext
from policies.core.stack_findings import stack_findings
from policies.core.view import SECRET_SIG_KEY, ResourceView, StackGraph

PROVIDER = PolicyProviderResource("pulumi:providers:aws", {"region": "eu-west-1"}, "urn:prov", "default")
INPUTS = {"name": "q", "redrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"}',
          "tags": {"classification": "vertrouwelijk"}, "maybe": None}


def _args(props: object, type_: str = "aws:sqs/queue:Queue") -> ResourceValidationArgs:
    return ResourceValidationArgs(type_, props, "urn:q", "q", None, PROVIDER, {}, {})


def test_view_from_args_sets_every_field_like_the_constructor() -> None:
    view = view_from_args(_args(unknown_checking_proxy(dict(INPUTS))))
    fields = {f.name for f in dataclasses.fields(ResourceView)}
    assert all(hasattr(view, f) for f in fields)     # slotted: an unset field would raise here
    assert not hasattr(view, "__dict__")
    again = ResourceView(**{f: getattr(view, f) for f in fields})
    assert again == view


def test_graph_views_share_one_urn_tuple_per_dependency_list_and_equal_fresh_views() -> None:
    props = unknown_checking_proxy(dict(INPUTS))
    rg = PolicyResource("aws:s3/bucket:Bucket", props, "urn:b", "b", None, PROVIDER, None, [], {})
    one = [rg]   # the gate gives the views of one URN list one list (gate.policy_views)
    stack = [PolicyResource("aws:sqs/queue:Queue", props, f"urn:q{i}", "q", None, PROVIDER, None, [rg],
                            {"a": one, "b": [rg], "c": []}) for i in range(2)]
    graph = graph_from_args(StackValidationArgs([rg, *stack], None, {}))
    views = [graph.get(f"urn:q{i}") for i in range(2)]
    assert views[0].property_dependencies["a"] is views[1].property_dependencies["a"]
    for pr, view in zip(stack, views, strict=True):
        fresh = view_from_args(_copy(pr))
        assert view.property_dependencies == fresh.property_dependencies == {"a": ("urn:b",), "b": ("urn:b",),
                                                                             "c": ()}


def _copy(pr: PolicyResource) -> PolicyResource:
    return PolicyResource(pr.resource_type, pr.props, pr.urn, pr.name, pr.opts, pr.provider, pr.parent,
                          pr.dependencies, pr.property_dependencies)


def test_resource_and_stack_views_of_one_inputs_object_share_their_memo() -> None:
    props = unknown_checking_proxy(dict(INPUTS))
    args = _args(props)
    stack = PolicyResource("aws:sqs/queue:Queue", props, "urn:q", "q", None, PROVIDER, None, [], {})
    view, stack_view = view_from_args(args), view_from_args(stack)
    assert view is not stack_view and view.memo is stack_view.memo
    assert references(view) is references(stack_view)
    assert effective_location(view) is effective_location(stack_view)
    other = view_from_args(_args(props, "aws:sqs/queuePolicy:QueuePolicy"))
    assert other.memo is not view.memo  # another type: computed on its own


def test_cached_inputs_answer_like_the_uncached_ones() -> None:
    proxied = view_from_args(_args(unknown_checking_proxy(dict(INPUTS))))
    plain = ResourceView(type="aws:sqs/queue:Queue", raw=dict(INPUTS))
    for _ in range(2):  # the second round reads the memo
        assert proxied.input("maybe", "default") == "default"
        assert proxied.input("tags") == plain.input("tags") == {"classification": "vertrouwelijk"}
        assert proxied.get("tags.classification") == "vertrouwelijk"
        assert proxied.get("tags.missing") is None and proxied.input("absent", 3) == 3
    # (an unpinned provider's ARNs are judged by account at stack scope: references adds `foreign` ones)
    found = [r.value for r in references(proxied) if r.kind != "foreign"]
    assert found == [r.value for r in scan(dict(INPUTS))]


def test_scanned_strings_replay_the_order_dependent_dedupe() -> None:
    arn = "arn:aws:sqs:eu-west-1:123456789012:q"
    for _ in range(2):  # the second scan replays memoised strings
        refs = scan({"a": arn, "b": f"{arn} in us-east-1"})
        assert [(r.path, r.kind, r.value) for r in refs] == [
            ("a", "arn", arn), ("b", "region", "eu-west-1"), ("b", "region", "us-east-1")]
        assert [(r.kind, r.value) for r in scan({"b": f"{arn} in us-east-1"})] == [("arn", arn)]


def _counting_rule(reads: str) -> tuple[Rule, list[int]]:
    calls: list[int] = []

    def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
        calls.append(1)
        value = ctx.config.get("a") if reads == "a" else sorted(ctx.config.items())
        return [("", f"saw {value}")]

    rule = Rule(id="require-memo-probe", title="The memo probe sees the config it was given.", severity="low",
                remediation="Nothing to change here, it is a test.", controls=("LOC-01",), check=check,
                module="tests.require_memo_probe", scope="stack")
    return rule, calls


def test_stack_findings_are_reused_only_for_a_config_that_agrees_on_what_was_read() -> None:
    rule, calls = _counting_rule("a")
    graph = StackGraph([])

    def judged(config: dict[str, int], stack: str = "s", on: StackGraph = graph) -> list[tuple[str, str]]:
        return stack_findings(rule, on, RuleContext(config=config, stack=stack), run_stack_rule)

    first = judged({"a": 1})
    assert judged({"a": 1, "b": 2}) == first
    assert len(calls) == 1
    assert judged({"a": 2}) == [("", "saw 2")]
    assert judged({"a": 1}, stack="t") == first
    assert len(calls) == 3  # another value, another stack: judged again
    assert judged({"a": 1}, on=StackGraph([])) == first
    assert len(calls) == 4  # another graph


def test_stack_findings_of_a_rule_that_reads_the_whole_config_need_an_equal_config() -> None:
    rule, calls = _counting_rule("all")
    graph = StackGraph([])
    stack_findings(rule, graph, RuleContext(config={"a": 1}, stack="s"), run_stack_rule)
    assert stack_findings(rule, graph, RuleContext(config={"a": 1, "b": 2}, stack="s"),
                          run_stack_rule) == [("", "saw [('a', 1), ('b', 2)]")]
    stack_findings(rule, graph, RuleContext(config={"a": 1}, stack="s"), run_stack_rule)
    assert len(calls) == 2


def test_traces_replayed_from_the_shared_inputs_give_what_a_fresh_scan_gives() -> None:
    """Top-level inputs are scanned once (their trace cached on the proxy, or per string) and replayed at
    each scan: the order-dependent de-duplication must come out as a scan of plain data does."""
    from pulumi_policy.proxy import _DictProxy

    from policies.core import references as refs_module

    arn = "arn:aws:sqs:eu-west-1:123456789012:q"
    inputs = {
        "a": f"{arn} in us-east-1",  # the region token is dropped: the ARN is new here ...
        "policy": {"Statement": [{"Resource": arn, "Principal": {"Service": "sns.amazonaws.com"}}]},
        "b": f"{arn} in us-east-1",  # ... and kept here (the ARN was seen): order matters
        "hosts": ["x.blob.core.windows.net", "X.BLOB.CORE.WINDOWS.NET", "10.0.0.1"],
        "secretArn": {SECRET_SIG_KEY: "1b47061264138c4ac30d75fd1eb44270", "value": "[secret]"},
        "endpoint": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "description": "copies to https://evil.example.com",
    }
    expected = [(r.path, r.kind, r.value, r.principal) for r in scan(inputs)]
    assert ("b", "region", "us-east-1", False) in expected
    assert ("a", "region", "us-east-1", False) not in expected
    proxy = unknown_checking_proxy(dict(inputs))
    merged = _DictProxy({"id": "/subscriptions/0/resourceGroups/rg", **proxy._DictProxy__target}, [])
    refs_module._STR_TRACES.clear()
    for _ in range(2):  # cold, then replayed from the traces
        assert [(r.path, r.kind, r.value, r.principal) for r in scan(proxy)] == expected
        # the stack's view of the same inputs (an output added in front) reuses their traces
        assert [(r.path, r.kind, r.value, r.principal) for r in scan(merged)] == [
            (r.path, r.kind, r.value, r.principal)
            for r in scan({"id": "/subscriptions/0/resourceGroups/rg", **inputs})]
    values = proxy._DictProxy__target.values()
    traced = [v for v in values if refs_module._TRACE_ATTR in getattr(v, "__dict__", {})]
    assert refs_module._STR_TRACES and traced


def test_input_keys_list_the_inputs_without_unwrapping_them() -> None:
    proxied = view_from_args(_args(unknown_checking_proxy(dict(INPUTS))))
    assert proxied.input_keys() == list(INPUTS)
    assert "_inputs" not in proxied.memo            # no unwrapped copy made for the keys
    assert proxied.input_keys() == list(proxied.inputs)
    plain_view = view_from_args(_args(dict(INPUTS)))
    assert plain_view.input_keys() == list(INPUTS)


def test_a_value_derived_from_the_graph_is_computed_once_per_graph() -> None:
    """A per-resource check that needs a graph-wide set (the stack's vault names, say) must not rebuild it
    for every resource: that made require-customer-managed-keys quadratic in the stack's size."""
    calls: list[int] = []

    def compute() -> frozenset[str]:
        calls.append(1)
        return frozenset({"kv"})

    graph, other = StackGraph([]), StackGraph([])
    assert graph.once("names", compute) == graph.once("names", compute) == frozenset({"kv"})
    assert len(calls) == 1
    other.once("names", compute)
    assert len(calls) == 2


def test_key_owner_names_are_read_once_per_graph(monkeypatch: object) -> None:
    from policies.core import pia_key_owners

    reads: list[int] = []
    real = pia_key_owners._stack_names

    def counted(graph: StackGraph) -> tuple[set[str], set[str]]:
        reads.append(1)
        return real(graph)

    monkeypatch.setattr(pia_key_owners, "_stack_names", counted)  # type: ignore[attr-defined]
    stores = [ResourceView(type="aws:s3/bucket:Bucket", raw={"bucket": f"b{i}", "kmsKeyId": "alias/other"},
                           urn=f"urn:b{i}", name=f"b{i}") for i in range(3)]
    graph = StackGraph(stores)
    found = [pia_key_owners.foreign_key_owners(s, graph, None) for s in stores]
    assert len(reads) == 1 and all(len(f) == 1 and "alias/other" in f[0] for f in found)
