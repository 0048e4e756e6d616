"""gate.state_split: a large checkpoint read by the gate and a forked child gives what one process reads
(values, key order, types, the per-resource limit flags) and, wherever the halves do not join (a cut inside
a nested list, a failing or dying child, bad input in either half), exactly what one process gives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pytest
from gate import state_load, state_split
from gate.checkpoint_schema import MAX_INT
from gate.errors import GateError

URN = "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b{}"


def _state(n: int, nested: int = 0) -> dict:
    resources = [{"urn": "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", "type": "pulumi:pulumi:Stack",
                  "custom": False}]
    for i in range(n):
        inputs = {"bucket": f"b{i}", "tags": {"classification": "vertrouwelijk", "note": "é€😀 \u00a7"},
                  "size": 12345678901234 + i, "ratio": 0.1 + i, "zero": -0.0, "flag": i % 2 == 0,
                  "one": 1 if i % 3 else 1.0, "rules": [{"days": i}], "empty": {}, "none": None}
        if nested and i == n // 2:   # the middle of the file: a list of objects that look like resources
            inputs["targets"] = [{"urn": URN.format(f"x{k}"), "type": "t"} for k in range(nested)]
        resources.append({"urn": URN.format(i), "type": "aws:s3/bucket:Bucket", "custom": True,
                          "inputs": inputs, "outputs": {**json.loads(json.dumps(inputs)), "id": f"b{i}"},
                          "dependencies": [URN.format(i - 1)] if i else [], "parent": resources[0]["urn"],
                          "propertyDependencies": {"bucket": [], "tags": [URN.format(0)]}})
    return {"version": 3, "deployment": {"manifest": {"time": "t"}, "resources": resources, "z": [1, 2]}}


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file is split (two CPUs assumed); the list counts the halves that joined."""
    monkeypatch.setattr(state_split, "SPLIT_MIN", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("GATE_EVAL_WORKERS", raising=False)
    joined: list[int] = []
    original = state_load._Reader._join

    def counted(self: state_load._Reader, out: list) -> None:
        mine = len(out)                                 # the resources this process read
        original(self, out)
        joined.append(mine)

    monkeypatch.setattr(state_load._Reader, "_join", counted)
    return joined


def _one_process(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, list[bool]]:
    with monkeypatch.context() as m:
        m.setenv("GATE_EVAL_WORKERS", "1")
        flags: list[bool] = []
        return state_load.load_state(path, checked=flags), flags


def _error(path: Path) -> str:
    with pytest.raises(GateError) as info:
        state_load.load_state(path)
    return str(info.value)


@pytest.mark.parametrize("indent", [None, 4])
@pytest.mark.parametrize("chunk", [64, 4096, 4 * 1024 * 1024])
def test_two_halves_read_what_one_process_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                split: list[int], indent: int | None, chunk: int) -> None:
    path = tmp_path / "s.json"
    state = _state(40)
    state["deployment"]["resources"][30]["inputs"]["big"] = MAX_INT + 1   # past a limit, in the second half
    path.write_text(json.dumps(state, indent=indent, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(state_load, "CHUNK", chunk)
    flags: list[bool] = []
    loaded = state_load.load_state(path, checked=flags)
    assert split and 1 < split[0] < 41                      # the child read the second half
    reference, reference_flags = _one_process(path, monkeypatch)
    assert loaded == reference == json.loads(path.read_text(encoding="utf-8"))
    assert orjson.dumps(loaded) == orjson.dumps(reference)  # key order, 1 / 1.0 / true, -0.0
    assert flags == reference_flags and flags == [i != 30 for i in range(41)]   # the big integer


def test_a_cut_inside_a_nested_list_is_not_joined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  split: list[int]) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_state(5, nested=400)), encoding="utf-8")
    loaded = state_load.load_state(path)
    assert not split                                        # the middle is inside resource 3's inputs
    assert loaded == json.loads(path.read_text(encoding="utf-8"))
    assert len(loaded["deployment"]["resources"]) == 6     # nothing of the nested list became a resource


@pytest.mark.parametrize("bad", ['"bucket": "b1", "bucket": "b2"', '"ratio": NaN', '"note": "\\ud800"'])
def test_bad_input_in_the_second_half_is_worded_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           split: list[int], bad: str) -> None:
    text = json.dumps(_state(40))
    at = text.index('"bucket": "b35"')
    path = tmp_path / "s.json"
    path.write_text(text[:at] + bad + ", " + text[at:], encoding="utf-8")
    message = _error(path)
    monkeypatch.setenv("GATE_EVAL_WORKERS", "1")
    assert message == _error(path)
    assert not split


def test_a_document_ending_at_the_cut_is_not_joined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    split: list[int]) -> None:
    state = _state(20)
    state["deployment"]["resources"][-1]["inputs"]["pad"] = "a" * 40000     # the middle of the file
    state["deployment"].pop("z")
    path = tmp_path / "s.json"                               # extra data after the document, a resource
    path.write_text(json.dumps(state) + ', {"urn": "urn:pulumi:dev::proj::t::x", "type": "t"}]}}',
                    encoding="utf-8")
    with path.open("rb") as fh:   # the first cut after the middle is the document's own end
        assert state_split.cut_of(fh, path.stat().st_size)[0] == len(json.dumps(state).encode())
    message = _error(path)
    monkeypatch.setenv("GATE_EVAL_WORKERS", "1")
    assert message == _error(path)
    assert not split


def test_a_child_that_dies_leaves_the_reading_to_the_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          split: list[int]) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_state(40)), encoding="utf-8")
    monkeypatch.setattr(state_split._Prefixed, "read", lambda self, n: os._exit(3))   # read by the child only
    flags: list[bool] = []
    loaded = state_load.load_state(path, checked=flags)
    assert not split
    assert (loaded, flags) == _one_process(path, monkeypatch)


def test_small_files_one_cpu_and_one_worker_read_in_one_process(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_state(40)), encoding="utf-8")
    size = path.stat().st_size
    with path.open("rb") as fh:
        assert state_split.cut_of(fh, size) is None                     # below SPLIT_MIN
        monkeypatch.setattr(state_split, "SPLIT_MIN", 0)
        monkeypatch.delenv("GATE_EVAL_WORKERS", raising=False)
        cut = state_split.cut_of(fh, size)
        assert cut is not None and fh.tell() == 0
        data = path.read_bytes()
        assert data[cut[0] - 1:cut[0]] == b"}" and data[cut[1]:].startswith(b'{"urn": ')
        monkeypatch.setenv("GATE_EVAL_WORKERS", "1")
        assert state_split.cut_of(fh, size) is None
        monkeypatch.delenv("GATE_EVAL_WORKERS")
        monkeypatch.setattr(os, "cpu_count", lambda: 1)
        assert state_split.cut_of(fh, size) is None
