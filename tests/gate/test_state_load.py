"""gate.state_load reads a checkpoint in chunks, compacted: the same values (and the same errors) as the
strict whole-file path, whatever the chunk boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate import state_load
from gate.errors import GateError
from gate.inputs import parse_json, read_text

URN = "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b{}"


def _state(n: int) -> dict:
    resources = [{"urn": "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", "type": "pulumi:pulumi:Stack",
                  "custom": False}]
    for i in range(n):
        inputs = {"bucket": f"b{i}", "tags": {"classification": "vertrouwelijk", "note": "é€😀 \u00a7"},
                  "size": 12345678901234 + i, "ratio": 0.1 + i, "rules": [{"days": i}], "empty": {}}
        resources.append({"urn": URN.format(i), "type": "aws:s3/bucket:Bucket", "custom": True,
                          "inputs": inputs, "outputs": {**json.loads(json.dumps(inputs)), "id": f"b{i}"},
                          "dependencies": [URN.format(i - 1)] if i else [], "parent": resources[0]["urn"]})
    return {"version": 3, "deployment": {"manifest": {"time": "t"}, "resources": resources, "z": [1, 2]}}


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_same_values_at_any_chunk_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    path = tmp_path / "s.json"
    for text in (json.dumps(_state(30)), json.dumps(_state(30), indent=2, ensure_ascii=False)):
        path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(state_load, "CHUNK", chunk)
        loaded = state_load.load_state(path)
        assert loaded == json.loads(text)
        assert json.dumps(loaded) == json.dumps(json.loads(text))   # key order and types too


def test_outputs_share_equal_inputs_and_strings_are_shared(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_state(3)), encoding="utf-8")
    resources = state_load.load_state(path)["deployment"]["resources"]
    r = resources[2]
    assert r["outputs"]["tags"] is r["inputs"]["tags"]
    assert r["outputs"]["rules"] is r["inputs"]["rules"]
    assert r["dependencies"][0] is resources[1]["urn"]


def test_equal_urn_lists_are_one_list(tmp_path: Path) -> None:
    state = _state(4)
    first, *rest = state["deployment"]["resources"][1:]
    for r in (first, *rest):
        r["sourceChain"] = ["project:///stacks/__main__.py#3", "project:///stacks/app.py#9"]
        r["propertyDependencies"] = {"bucket": [], "tags": []}
    rest[0]["propertyDependencies"] = {"bucket": [first["urn"]], "tags": [first["urn"]]}
    rest[1]["propertyDependencies"] = {"bucket": [first["urn"]], "tags": [1], "size": [1.0]}   # not URNs
    rest[1]["sourceChain"] = [{"not": "a string"}]        # bad input, left for validation to word
    path = tmp_path / "s.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    loaded = state_load.load_state(path)
    assert json.dumps(loaded) == json.dumps(state)                   # same values, key order and types
    a, b, c, d = loaded["deployment"]["resources"][1:]
    assert a["sourceChain"] is b["sourceChain"] is d["sourceChain"]
    assert a["propertyDependencies"]["bucket"] is d["propertyDependencies"]["tags"] == []
    assert b["propertyDependencies"]["bucket"] is b["propertyDependencies"]["tags"]
    assert c["propertyDependencies"]["tags"] is not c["propertyDependencies"]["size"]


def test_equal_but_differently_typed_outputs_stay_apart(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"deployment": {"resources": [
        {"urn": URN.format(1), "inputs": {"a": {"x": True}, "b": [1], "c": 2},
         "outputs": {"a": {"x": 1}, "b": [1.0], "c": 2.0}}]}}), encoding="utf-8")
    r = state_load.load_state(path)["deployment"]["resources"][0]
    assert r["outputs"] == {"a": {"x": 1}, "b": [1.0], "c": 2.0}
    assert [type(r["outputs"][k]) for k in "abc"] == [dict, list, float]
    assert type(r["outputs"]["a"]["x"]) is int and type(r["outputs"]["b"][0]) is float


@pytest.mark.parametrize("text", [
    '{"deployment": {"resources": [{"a": NaN}]}}',
    '{"deployment": {"resources": [{"a": "\\ud800"}]}}',
    '\ufeff{"deployment": {"resources": []}}',
    '{"deployment": {"resources": [{"a": 1},]}}',
    '{"deployment": {"resources": [{"a": 1}]}} extra',
    '{"deployment": {"resources": [{"a": 1}',
    '{"deployment": {"resources": {"a": 1}}}',
    '{"deployment": 3}',
    '[1, 2]',
    '{"deployment": {"resources": [' + '[' * 100 + ']' * 100 + ']}}',
    '{"deployment": {"resources": [{"a": 123456789012345678901234567890}]}}',
    '',
])
def test_anything_unusual_reads_as_the_strict_path_does(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    try:
        expected = parse_json(read_text(path, "state file"), str(path))
    except GateError as exc:
        with pytest.raises(GateError) as got:
            state_load.load_state(path)
        assert str(got.value) == str(exc)
    else:
        assert state_load.load_state(path) == expected


def test_invalid_utf8_is_reported_as_before(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(b'{"deployment": {"resources": [{"a": "\xff"}]}}')
    with pytest.raises(GateError, match="not valid UTF-8"):
        state_load.load_state(path)


def _shape(value: object) -> object:
    """A proxy tree as comparable data: type, property path and children."""
    from pulumi_policy.proxy import _DictProxy, _ListProxy

    from policies.core.proxy_attrs import proxy_target

    if isinstance(value, _DictProxy):   # the gate's proxies over the state's own containers too (round 29)
        return ("dict", value._DictProxy__props_acc, {k: _shape(v) for k, v in proxy_target(value).items()})
    if isinstance(value, _ListProxy):
        return ("list", value._ListProxy__props_acc, [_shape(v) for v in proxy_target(value)])
    return (type(value).__name__, value)


def test_resource_props_reuse_the_stack_view_exactly(tmp_path: Path) -> None:
    from gate.state_view import index_state, inputs_view, proxied, stack_props

    path = tmp_path / "s.json"
    state = _state(3)
    state["deployment"]["resources"][2]["outputs"]["rules"] = [{"days": 9}]      # an output replaced
    state["deployment"]["resources"][2]["inputs"]["secret"] = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": {"n": 1}}
    path.write_text(json.dumps(state), encoding="utf-8")
    for r in index_state(state_load.load_state(path))[1:]:
        assert _shape(inputs_view(r, proxied(stack_props(r)))) == _shape(proxied(r.inputs))
