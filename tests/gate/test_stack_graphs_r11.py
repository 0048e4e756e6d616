"""Engine round 11: which recorded graphs the gate hands the packs for a stack's StackReferences — this run's,
or an earlier run's or level's that a seal vouches for; an edited one is refused (exit 2)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from gate.errors import GateError
from gate.recorder import Recorder
from gate.stack_graphs import for_analyze, gate_dir_of, target_stack, vouched

STATE = {"deployment": {"resources": [
    {"urn": "urn:pulumi:a::p::pulumi:pulumi:Stack::p-a", "type": "pulumi:pulumi:Stack", "custom": False,
     "outputs": {"host": "dosis-uit-weu.azurewebsites.net"}}]}}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _published(out: Path, seal: str = "run") -> None:
    """Stack a's preview and update states in `out`, with the seal of the run that wrote them."""
    (out / ".updates").mkdir(parents=True)
    for rel in ("a.state.json", ".updates/a.state.json"):
        (out / rel).write_text(json.dumps(STATE))
    files = {rel: _sha(out / rel) for rel in ("a.state.json", ".updates/a.state.json")}
    if seal == "run":
        (out / "run.json").write_text(json.dumps({"run": "x", "stacks": {"a": files}}))
    elif seal == "referenced":   # a later run into the same --out placed values through a's states
        index = {"run": "y", "stacks": {"b": {}}, "referenced": {"a": files}}
        (out / "run.json").write_text(json.dumps(index))
    elif seal == "shard":
        (out / "a.shard.json").write_text(json.dumps({"stack": "a", "files": files}))


def test_a_reference_names_this_projects_stack_only():
    assert [target_stack(t, "p") for t in ("a", "p/a", "organization/p/a")] == ["a", "a", "a"]
    assert [target_stack(t, "p") for t in ("q/a", "acme/p/a", "organization/q/a", "o/p/a/b", "p/")] == [
        None] * 5


def test_the_recorder_does_not_answer_another_projects_stack_with_this_ones(tmp_path):
    (tmp_path / "a.state.json").write_text(json.dumps(STATE))
    recorder = Recorder("p", "b", {}, None)
    recorder.state_dir = tmp_path
    assert recorder.lookup_stack("organization/p/a") == {"host": "dosis-uit-weu.azurewebsites.net"}
    assert recorder.lookup_stack("organization/platform/a") is None
    assert recorder.graph.stack_references == {"organization/p/a": True, "organization/platform/a": False}


@pytest.mark.parametrize("seal", ["run", "referenced", "shard"])
def test_an_earlier_runs_state_is_vouched_for_by_its_seal(tmp_path, seal):
    _published(tmp_path, seal)
    assert vouched(tmp_path, "a") == {"preview": str((tmp_path / "a.state.json").resolve()),
                                      "update": str((tmp_path / ".updates/a.state.json").resolve())}


def test_a_state_no_seal_covers_is_not_listed(tmp_path):
    _published(tmp_path, seal="none")
    assert vouched(tmp_path, "a") is None


@pytest.mark.parametrize(("seal", "name"), [("run", "run.json"), ("shard", "a.shard.json")])
def test_an_edited_state_is_refused(tmp_path, seal, name):
    _published(tmp_path, seal)
    (tmp_path / ".updates/a.state.json").write_text(json.dumps(STATE) + " ")
    with pytest.raises(GateError) as err:
        vouched(tmp_path, "a")
    assert str(err.value) == (
        f"{tmp_path / '.updates/a.state.json'}: stack a's recorded state differs from the digest {name} "
        "holds for it: edited after the gate run that recorded it, so a StackReference to a cannot be placed "
        "through it; record a again (gate preview --stack a, or --all)")


def test_an_unreadable_seal_is_refused(tmp_path):
    _published(tmp_path, seal="none")
    (tmp_path / "a.shard.json").write_text("{")
    with pytest.raises(GateError, match=r"a\.shard\.json: unreadable seal of a gate run \(it vouches for "
                                        r"stack a's recorded state a StackReference reads\): record the "
                                        "referenced stack again"):
        vouched(tmp_path, "a")


def test_an_analysed_state_is_judged_with_the_vouched_graphs_beside_it(tmp_path):
    _published(tmp_path / "gate")
    b = {"deployment": {"resources": [
        {"urn": "urn:pulumi:b::p::pulumi:pulumi:StackReference::organization/p/a",
         "type": "pulumi:pulumi:StackReference", "custom": True, "inputs": {"name": "organization/p/a"}},
        {"urn": "urn:pulumi:b::p::pulumi:pulumi:StackReference::organization/q/c",
         "type": "pulumi:pulumi:StackReference", "custom": True, "inputs": {"name": "organization/q/c"}}]}}
    update = tmp_path / "gate" / ".updates" / "b.state.json"
    assert gate_dir_of(update) == (tmp_path / "gate").resolve()
    index = for_analyze(update, b, "p", "b", tmp_path / "work")
    assert json.loads(index.read_text()) == {"project": "p", "stacks": {"a": vouched(tmp_path / "gate", "a")}}
    assert for_analyze(update, STATE, "p", "b", tmp_path / "work") is None   # it reads no stack
