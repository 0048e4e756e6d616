"""gate.state_load.load_state(checked=...): the loader tells validation which resources are within the value
limits, so their values are not walked again; the verdict and the error are those of load_state followed by
validate_checkpoint, for states within the limits and for each limit passed (docs/gate-performance.md,
round 9)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from gate import checkpoint_schema, state_compact, state_load
from gate.checkpoint_schema import MAX_INT, validate_checkpoint
from gate.errors import GateError
from gate.inputs import MAX_DEPTH

P = "urn:pulumi:dev::p::"
PROVIDER = {"urn": P + "pulumi:providers:aws::default", "custom": True, "id": "pid",
            "type": "pulumi:providers:aws", "inputs": {"region": "eu-west-1"}}


def _bucket(i: int, inputs: dict, **extra: object) -> dict:
    return {"urn": P + f"aws:s3/bucket:Bucket::b{i}", "custom": True, "id": f"b{i}",
            "type": "aws:s3/bucket:Bucket",
            "inputs": inputs, "outputs": {**copy.deepcopy(inputs), "arn": f"arn:aws:s3:::b{i}"},
            "provider": PROVIDER["urn"] + "::pid", **extra}


def _nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def _verdict(load, path: Path) -> str:
    try:
        load(path)
    except GateError as exc:
        return str(exc)
    return "ok"


def _reference(path: Path) -> None:
    validate_checkpoint(state_load.load_state(path), str(path))


def _fast(path: Path) -> None:
    checked: list[bool] = []
    state = state_load.load_state(path, checked=checked)
    validate_checkpoint(state, str(path), checked)


BEYOND = {
    "deep inputs": {"deep": _nested(MAX_DEPTH // 2)},
    "deep, just within": {"deep": _nested(MAX_DEPTH // 2 - 1)},
    "big integer": {"size": MAX_INT + 1},
    "negative big integer": {"size": -MAX_INT - 1},
    "largest integer": {"size": MAX_INT},
    "big float": {"ratio": 1.5e300},
}


@pytest.mark.parametrize("case", sorted(BEYOND))
@pytest.mark.parametrize("where", ["inputs", "outputs", "other"])
def test_same_verdict_and_error_as_the_whole_walk(tmp_path: Path, case: str, where: str) -> None:
    value = BEYOND[case]
    extra = {"inputs": value} if where == "inputs" else {}
    r = _bucket(1, {"region": "eu-west-1", **extra.get("inputs", {})})
    if where == "outputs":
        r["outputs"].update(value)
    if where == "other":
        r["sourcePosition"] = value
    state = {"version": 3, "deployment": {"resources": [PROVIDER, _bucket(0, {"region": "eu-west-1"}), r]}}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(state))
    verdict = _verdict(_fast, path)
    assert verdict == _verdict(_reference, path)
    assert (verdict == "ok") == (case in ("deep, just within", "largest integer", "big float")), verdict


@pytest.mark.parametrize("text", ["1e400", "-1e400", "123456789012345678901234567890"])
def test_numbers_json_cannot_hold_as_a_float64_are_refused_as_before(tmp_path: Path, text: str) -> None:
    state = {"version": 3, "deployment": {"resources": [PROVIDER, _bucket(0, {"region": "eu-west-1"})]}}
    path = tmp_path / "s.json"
    text = json.dumps(state).replace('"region": "eu-west-1"}, "outputs"', f'"n": {text}}}, "outputs"')
    path.write_text(text)
    verdict = _verdict(_fast, path)
    assert verdict != "ok" and verdict == _verdict(_reference, path)


def test_long_strings_are_refused_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint_schema, "MAX_STRING", 64)
    monkeypatch.setattr(state_compact, "MAX_STRING", 64)
    for inputs in ({"policy": "x" * 65}, {"k" * 65: "v"}, {"policy": "x" * 40, "note": "y" * 40}):
        state = {"version": 3, "deployment": {"resources": [PROVIDER, _bucket(0, inputs)]}}
        path = tmp_path / "s.json"
        path.write_text(json.dumps(state))
        assert _verdict(_fast, path) == _verdict(_reference, path)


def test_resources_within_the_limits_are_marked_and_only_they(tmp_path: Path) -> None:
    resources = [PROVIDER, _bucket(0, {"region": "eu-west-1", "tags": {"a": [1, 2.5, True, None]}}),
                 _bucket(1, {"deep": _nested(MAX_DEPTH // 2)}), _bucket(2, {"n": MAX_INT * 2})]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
    state, checked = state_load._load(path, "state file")
    assert checked == [True, True, False, False]
    assert state == json.loads(path.read_text())


def test_a_state_the_strict_path_reads_is_walked_whole(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def unusual(self: object) -> None:
        raise state_load._Fallback

    monkeypatch.setattr(state_load._Reader, "document", unusual)
    state = {"version": 3, "deployment": {"resources": [PROVIDER, _bucket(0, {"n": MAX_INT * 2})]}}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(state))
    assert state_load._load(path, "state file") == (state, None)
    checked: list[bool] = []
    assert state_load.load_state(path, checked=checked) == state and checked == []
    with pytest.raises(GateError, match="integer out of range"):
        _fast(path)


def test_flags_of_another_length_are_not_used() -> None:
    state = {"version": 3, "deployment": {"resources": [PROVIDER, _bucket(0, {"n": MAX_INT * 2})]}}
    with pytest.raises(GateError, match="integer out of range"):
        validate_checkpoint(state, "s.json", values_checked=[True])
