"""Stack ordering and file writing of the runner (no workers started here)."""

from __future__ import annotations

import json

import pytest
from gate.errors import GateError
from gate.jsonio import write_json_atomic
from gate.project import load_project, load_stack_config
from gate.run_hints import REFERENCES_FILE, config_dependencies, remembered_references
from gate.runner import StackRun, with_update


def test_config_dependencies_name_referenced_stacks(gate_programs):
    project = load_project(gate_programs / "multi")
    stacks = project.stacks()
    assert stacks == ["aaa-hidden", "azure", "base", "consumer"]
    deps = config_dependencies(project, stacks)
    assert deps == {"aaa-hidden": set(), "azure": set(), "base": set(), "consumer": {"base"}}


def test_stack_config_is_namespaced_and_keeps_structure(gate_programs):
    config = load_stack_config(load_project(gate_programs / "multi"), "base")
    assert config["aws:region"] == "eu-west-1"
    assert config["fixture:dbPassword"] == {"secure": "AAABAKu1vQ9kXoffline+ciphertext=="}
    assert config["fixture:tags"] == {"system": "fixture", "classification": "vertrouwelijk"}


def test_write_json_atomic_replaces_whole_files_only(tmp_path):
    target = tmp_path / "sub" / "x.state.json"
    write_json_atomic(target, {"version": 3})
    write_json_atomic(target, {"version": 3, "deployment": {}})
    assert json.loads(target.read_text()) == {"version": 3, "deployment": {}}
    with pytest.raises(TypeError):
        write_json_atomic(target, {"bad": object()})
    assert json.loads(target.read_text()) == {"version": 3, "deployment": {}}   # old content intact
    assert [p.name for p in target.parent.iterdir()] == ["x.state.json"]      # no temp file left


def test_unknown_stack_lists_the_known_ones(gate_programs):
    with pytest.raises(GateError, match=r"known: aaa-hidden, azure, base, consumer"):
        load_stack_config(load_project(gate_programs / "multi"), "prod")


def test_remembered_references_only_name_stacks_of_this_run(tmp_path):
    (tmp_path / REFERENCES_FILE).write_text(json.dumps({"a": ["b", "zz", "a"], "b": [], "gone": ["a"]}))
    assert remembered_references(tmp_path, ["a", "b"]) == {"a": {"b"}, "b": set()}
    (tmp_path / REFERENCES_FILE).write_text("not json")
    assert remembered_references(tmp_path, ["a", "b"]) == {}


def test_an_environment_read_reports_what_it_reached_in_either_recording():
    """The update gives every variable a `$NAME` placeholder, so what it reached there is exact even where
    the preview's value matched no input: one entry per variable, the resources of both."""
    run = StackRun("dev", "p", {}, {}, env_reads=[
        {"name": "REGION", "set": True, "site": "a.py:1", "reached": ["urn:a"]},
        {"name": "MODE", "set": False, "site": "a.py:2", "reached": []}])
    update = {"env_reads": [
        {"name": "REGION", "set": True, "site": "a.py:1", "reached": ["urn:b"]},
        {"name": "MODE", "set": False, "site": "a.py:2", "reached": ["urn:c"]},
        {"name": "ONLY_UPDATE", "set": False, "site": "a.py:3", "reached": ["urn:d"]}]}
    reads = {r["name"]: r["reached"] for r in with_update(run, update).env_reads}
    assert reads == {"REGION": ["urn:a", "urn:b"], "MODE": ["urn:c"], "ONLY_UPDATE": ["urn:d"]}
