"""Performance round 32 (docs/gate-performance.md): the Azure party pre-check of a resource's second view tests
only the top-level items the first view (answering False) did not hold the same (policies/core/party_keep.py).
Its answer must be the fresh pre-check's for every view.

`python tests/gate/test_party_keep_r32.py STATE.json` runs the equality check over the gate's evaluation of a
state file (the benchmark's 10k realistic and stress states, round 32)."""

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

from policies.core import bare_parties as bp
from policies.core import party_keep
from policies.core.view import ProviderView, ResourceView

ROOMY = Deadlines(policy=1800.0, pack_start=600.0, configure=600.0)
OWN = "11111111-2222-3333-4444-555555555555"
OTHER = "99999999-8888-7777-6666-555555555555"
VAULT = "azure-native:keyvault:Vault"
SIG = "4dabf18193072939515e22adb298388d"
SECRET = {SIG: "1b47061264138c4ac30d75fd1eb44270", "value": {"tenantId": OTHER}}


def checked_evaluation(state: dict[str, Any], monkeypatch: Any) -> Counter[str]:
    """Both packs over `state` in one process; every pre-check answer through the kept views is compared with
    the fresh pre-check of the same inputs (`differ`: must stay 0)."""
    from bench_states import REAL_PACKS, project_pack_config

    counts: Counter[str] = Counter()
    real = party_keep.may_name_parties

    def checked(urn: Any, raw: Any, check: Any) -> bool:
        kept = bool(urn) and party_keep.KEPT.find(urn) is not None
        got = real(urn, raw, check)
        counts["checks"] += 1
        counts["kept"] += kept
        counts["differ"] += got != check(raw)
        return got

    monkeypatch.setattr(bp, "may_name_parties", checked)
    monkeypatch.setenv("GATE_EVAL_WORKERS", "1")
    evaluate(state, stack="test", project="proj", packs=list(REAL_PACKS),
             pack_config=project_pack_config(list(REAL_PACKS)), deadlines=ROOMY)
    return counts


def _resource(inputs: dict[str, Any], outputs: dict[str, Any], urn: str) -> StateResource:
    state = {"deployment": {"resources": [{"urn": urn, "type": VAULT, "custom": True, "inputs": inputs,
                                           "outputs": {**inputs, **outputs}}]}}
    return index_state(state)[0]


def _views(r: StateResource) -> tuple[ResourceView, ResourceView]:
    provider = ProviderView("pulumi:providers:azure-native", {"tenantId": OWN})
    merged = proxied(stack_props(r))
    return (ResourceView(type=r.type, raw=inputs_view(r, merged), urn=r.urn, provider=provider),
            ResourceView(type=r.type, raw=merged, urn=r.urn, provider=provider))


INPUTS = {"location": "westeurope", "properties": {"sku": {"name": "standard"}, "enabledForDeployment": True},
          "tags": {"env": "prod"}, "accessPolicies": ["a", "b"], "count": 3}


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    asked: list[Any] = []
    real = bp._may_name_parties

    def check(raw: Any) -> bool:
        asked.append(raw)
        return real(raw)

    monkeypatch.setattr(bp, "_may_name_parties", check)
    return asked


def test_the_second_view_tests_only_what_the_first_did_not_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Main gave the stack view's whole inputs to the pre-check again (an orjson text of every input); now
    only its outputs and the input an output replaced by an unequal value are tested."""
    outputs = {"id": "/subscriptions/x/vaults/v", "tags": {"env": "prod"},  # an equal copy: not tested again
               "properties": {"sku": {"name": "premium"}}}
    res, stack = _views(_resource(copy.deepcopy(INPUTS), outputs, "urn:pulumi:t::p::vault::r32-a"))
    asked = _asked(monkeypatch)
    assert bp.azure_parties(res) == [] and bp.azure_parties(stack) == []
    assert len(asked) == 2 and asked[0] is res.raw
    assert type(asked[1]) is dict and sorted(asked[1]) == ["id", "properties"]


@pytest.mark.parametrize(("outputs", "path"), [
    ({"identity": {"tenantId": OTHER}}, "identity.tenantId"),                  # an output names a party
    ({"properties": {"tenantId": OTHER}}, "properties.tenantId"),              # an input replaced by one
    ({"tags": {"env": "prod"}, "issuer": f"https://sts.windows.net/{OTHER}/"}, "issuer"),
    ({"secret": SECRET}, "secret.tenantId"),                                   # inside a secret
])
def test_a_party_the_stack_view_alone_holds_is_found(outputs: dict[str, Any], path: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    res, stack = _views(_resource(copy.deepcopy(INPUTS), outputs, f"urn:pulumi:t::p::vault::r32-{path}"))
    assert bp.azure_parties(res) == []
    assert (path, "azure-id", f"/tenants/{OTHER}") in bp.azure_parties(stack)


def test_the_stack_view_first_then_the_resource_view() -> None:
    """Either order: the second view tests what the first did not hold the same."""
    res, stack = _views(_resource({**INPUTS, "tenantId": OTHER}, {"id": "v"}, "urn:pulumi:t::p::vault::r32-b"))
    assert [f[0] for f in bp.azure_parties(stack)] == ["tenantId"]
    assert [f[0] for f in bp.azure_parties(res)] == ["tenantId"]
    res, stack = _views(_resource(copy.deepcopy(INPUTS), {"id": "v"}, "urn:pulumi:t::p::vault::r32-c"))
    assert bp.azure_parties(stack) == [] and bp.azure_parties(res) == []


def test_a_view_of_other_values_under_the_same_urn_is_tested() -> None:
    """require-resolved-references probes a destination as a view of the same URN; equal keys with other
    values, plain dicts and pulumi_policy's own proxies are tested whole."""
    urn = "urn:pulumi:t::p::vault::r32-probe"
    res, _ = _views(_resource(copy.deepcopy(INPUTS), {"id": "v"}, urn))
    assert bp.azure_parties(res) == []
    provider = ProviderView("pulumi:providers:azure-native", {"tenantId": OWN})
    for raw in ({**INPUTS, "tags": {"tenantId": OTHER}}, proxied({**INPUTS, "properties": {"tenantId": OTHER}})):
        probe = ResourceView(type=VAULT, raw=raw, urn=urn, provider=provider)
        assert [f[2] for f in bp.azure_parties(probe)] == [f"/tenants/{OTHER}"]


def test_same_compares_types_and_the_state_s_containers() -> None:
    a, b = proxied({"x": {"k": [1]}}), proxied({"x": {"k": [1]}})
    assert party_keep._same(a["x"], b["x"]) and not party_keep._same(a["x"], proxied({"x": {"k": [2]}})["x"])
    assert not party_keep._same(1.0, True) and not party_keep._same("1", 1.0)
    assert party_keep._same("v", "v") and not party_keep._same(float("nan"), float("nan"))


def _with_outputs(state: dict[str, Any]) -> dict[str, Any]:
    """The generated state with what a preview records: outputs adding ids, tenants and issuers (some of
    another tenant), every fifth replacing an input by an equal copy, every seventh by another value."""
    state = copy.deepcopy(state)
    for i, r in enumerate(state["deployment"]["resources"]):
        inputs = r["inputs"] = dict(r.get("inputs") or {})
        if not r.get("custom", True) or r["type"].startswith("pulumi:"):
            continue
        out = {**inputs, "id": f"/subscriptions/s/r{i}"}
        if i % 3 == 0:
            out["tenantId"] = OTHER if i % 2 else OWN
        if i % 11 == 0:
            out["identity"] = {"issuer": f"https://sts.windows.net/{OTHER}/", "secret": SECRET}
        first = next(iter(inputs), None)
        if first is not None and i % 5 == 0:
            out[first] = copy.deepcopy(inputs[first])
        elif first is not None and i % 7 == 0:
            out[first] = {"principalType": "ForeignGroup"}
        r["outputs"] = out
    return state


def test_every_kept_answer_equals_a_fresh_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench_states import generate_state

    counts = checked_evaluation(_with_outputs(generate_state(300, seed=32)), monkeypatch)
    assert counts["checks"] > 100 and counts["kept"] > 20 and counts["differ"] == 0


if __name__ == "__main__":   # the benchmark's states (round 32's doc): python THIS STATE.json
    state = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    found = checked_evaluation(state, pytest.MonkeyPatch())
    print(dict(found))
    sys.exit(1 if found["differ"] or not found["checks"] else 0)
