"""Performance round 30 (docs/gate-performance.md): the Azure party pre-check (`_may_name_parties`)
writes the state's own containers below a view's top level to JSON, not the converted copies round 29's
proxies hand out through `["__target"]`, wherever the answer cannot differ: no secret, asset or archive inside
(their signature key is in the text) and nothing orjson refuses (an integer beyond 64 bits). Otherwise the
answer is the copies' as before, an asset a `TypeError` (walked) as before. Every answer is compared with
the pre-check's answer over pulumi_policy's own proxy over `plain`'s copy, the way round 28 wrote it."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from gate.state_view import StateDict, proxied
from gate.state_view import plain as gate_plain
from gate.wire import SECRET_SIG, SIG_KEY
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi_policy.deserialize import SPECIAL_ARCHIVE_SIG, SPECIAL_ASSET_SIG
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies.core import bare_parties


def _secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def _asset(text: Any) -> dict[str, Any]:
    return {SIG_KEY: SPECIAL_ASSET_SIG, "text": text}


def _archive(assets: Any) -> dict[str, Any]:
    return {SIG_KEY: SPECIAL_ARCHIVE_SIG, "assets": {"a": _asset("x")} if assets else {}}


def _copies_answer(value: Any) -> bool:
    """Round 28's pre-check over a proxy of plain's copy: orjson over what every proxy hands out (`_json_of`,
    unchanged by round 30), a value orjson refuses answering True."""
    try:
        text = orjson.dumps(value, default=bare_parties._json_of).lower()
    except TypeError:
        return True
    return any(word in text for word in (b'issuer":', b'"authority":', b'"tenantid":', b'"principaltype":'))


KEYS = st.sampled_from(["issuer", "openIdIssuer", "authority", "tenantId", "TENANTID", "principalType",
                        "name", "value", "tags", "x"])
LEAVES = st.one_of(
    st.integers(-3, 2**40), st.sampled_from([2**70, -(2**64)]), st.floats(allow_nan=False), st.booleans(),
    st.none(),
    st.sampled_from(["a", "eu", "", UNKNOWN_STRING_VALUE, 'issuer":', '"authority":x', SIG_KEY,
                     SIG_KEY.upper(), "\ud800"]))
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(KEYS, inner, max_size=4),
    inner.map(_secret), st.sampled_from(["x", 'issuer":']).map(_asset), st.booleans().map(_archive)),
    max_leaves=25)
INPUTS = st.dictionaries(KEYS, VALUES, max_size=5)


@settings(max_examples=400, deadline=None)
@given(INPUTS)
def test_pre_check_answers_as_over_the_copy(inputs: dict[str, Any]) -> None:
    """Guard (passes before the change too): the same answer as over pulumi_policy's proxy of plain's copy,
    with secrets, assets, archives, integers beyond 64 bits, lone surrogates and signature-like strings."""
    copy = unknown_checking_proxy(gate_plain(inputs))
    assert bare_parties._may_name_parties(proxied(inputs)) is _copies_answer(copy)


@pytest.mark.parametrize("inputs", [
    {"code": {"inline": _asset("issuer")}},          # an asset inside a container: a TypeError, walked
    {"code": [_asset("x")]},
    {"archive": {"a": _archive(True)}},
    {"deep": {"n": 2**70}},                           # beyond orjson's integers: the copy's float
    {"deep": {"s": _secret({"tenantId": "t"})}},      # a secret's keys are judged
    {"deep": {"s": _secret({"other": "t"})}},
])
def test_pre_check_where_the_state_differs_from_the_copy(inputs: dict[str, Any]) -> None:
    copy = unknown_checking_proxy(gate_plain(inputs))
    assert bare_parties._may_name_parties(proxied(inputs)) is _copies_answer(copy)


def test_pre_check_copies_nothing_where_nothing_converts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The state's containers (integers and containers inside them) are written as they are: no `__target`
    copy is asked for. Fails before round 30 (one copy per container holding a container or an integer)."""
    asked: list[Any] = []
    original = StateDict.__getitem__

    def counting(self: StateDict, key: Any) -> Any:
        if key == "__target":
            asked.append(key)
        return original(self, key)

    monkeypatch.setattr(StateDict, "__getitem__", counting)
    inputs = {"properties": {"siteConfig": {"appSettings": [{"name": "A", "value": "b"}], "n": 3},
                             "identity": {"type": "SystemAssigned"}},
              "location": "westeurope", "tags": {"env": "prod"}}
    view = proxied(inputs)
    assert bare_parties._may_name_parties(view) is False
    inputs["properties"]["identity"]["tenantId"] = "t"
    assert bare_parties._may_name_parties(proxied(inputs)) is True
    assert asked == []
