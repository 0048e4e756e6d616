"""Round 5 of the engine red team (docs/gate-red-team.md): each closure has a test that fails without it.

A checkpoint someone hands `gate analyze`: keys given twice (the fast reader kept the last), resources
pending deletion, a provider reference to another package's provider, strings no cloud API takes; a
`Pulumi.yaml` whose `main`/`stackConfigDir` lie outside the project.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from gate.checkpoint_schema import MAX_STRING, validate_checkpoint
from gate.errors import GateError
from gate.project import load_project
from gate.state_load import load_state

P = "urn:pulumi:dev::p::"
PROVIDER = {"urn": P + "pulumi:providers:aws::default", "custom": True, "id": "pid",
            "type": "pulumi:providers:aws", "inputs": {"region": "eu-west-1"}}
BUCKET = {"urn": P + "aws:s3/bucket:Bucket::data", "custom": True, "id": "data",
          "type": "aws:s3/bucket:Bucket", "inputs": {"region": "eu-west-1"},
          "provider": PROVIDER["urn"] + "::pid"}


def _state(*extra: dict) -> dict:
    return {"version": 3, "deployment": {"resources": [copy.deepcopy(PROVIDER), copy.deepcopy(BUCKET),
                                                       *extra]}}


def _refused(state: dict, message: str) -> None:
    with pytest.raises(GateError) as exc:
        validate_checkpoint(state, "s.json")
    assert message in str(exc.value), str(exc.value)


@pytest.mark.parametrize("text", [
    '{"version": 3, "deployment": {"resources": [{"urn": "u", "inputs": {"region": "us-east-1", '
    '"region": "eu-west-1"}}]}}',
    '{"version": 3, "deployment": {"resources": [], "resources": []}}',
    '{"version": 3, "version": 3, "deployment": {}}',
])
def test_a_key_given_twice_in_a_checkpoint_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(text)
    with pytest.raises(GateError, match=r"s\.json: key '(region|resources|version)' is given twice in "
                                        r"one mapping \(a reader sees the first value, a parser keeps the "
                                        r"last\)"):
        load_state(path)


def test_the_fast_reader_still_reads_a_checkpoint_as_json_does(tmp_path: Path) -> None:
    state = _state({**BUCKET, "urn": P + "aws:s3/bucket:Bucket::x",
                    "inputs": {"tags": {"a": [{"b": {}}, []]}}})
    path = tmp_path / "s.json"
    path.write_text(json.dumps(state))
    assert load_state(path) == state


def test_a_resource_pending_deletion_is_refused_a_replaced_provider_is_not() -> None:
    old = {**BUCKET, "id": "old", "inputs": {"region": "us-east-1"}, "delete": True}
    _refused(_state(old), f"s.json: {BUCKET['urn']}: delete: the resource is pending deletion (an update "
                          "failed to delete it), so it still exists in the cloud but would not be judged; "
                          "finish the update (`pulumi up`, or `pulumi refresh`) and export again")
    validate_checkpoint(_state({**PROVIDER, "id": "old", "delete": True}), "s.json")


def test_a_provider_serves_only_its_own_package() -> None:
    ref = {"urn": P + "pulumi:pulumi:StackReference::shared", "custom": True, "id": "o/p/s",
           "type": "pulumi:pulumi:StackReference", "inputs": {"region": "us-east-1"},
           "provider": PROVIDER["urn"] + "::pid"}
    _refused(_state(ref), "pulumi:pulumi:StackReference::shared: provider: a 'pulumi' resource served by "
                          "'pulumi:providers:aws': a provider serves only its own package's types")


def test_a_string_or_key_no_cloud_api_takes_is_refused() -> None:
    long = "x" * (MAX_STRING + 1)
    _refused(_state({**BUCKET, "urn": P + "aws:s3/bucket:Bucket::big", "inputs": {"tags": {"blob": long}}}),
             f"aws:s3/bucket:Bucket::big: inputs: a string of {MAX_STRING + 1} characters (more than "
             f"{MAX_STRING}): no cloud API takes a property this long; keep large content in files or assets")
    _refused(_state({**BUCKET, "urn": P + "aws:s3/bucket:Bucket::k", "inputs": {"tags": {long: "v"}}}),
             f"inputs: a key longer than {MAX_STRING} characters")
    state = _state()
    state["deployment"]["manifest"] = {"version": long}
    _refused(state, "s.json: deployment: a string of")
    validate_checkpoint(_state({**BUCKET, "urn": P + "aws:s3/bucket:Bucket::ok",
                                "inputs": {"policy": "x" * 1_000_000}}), "s.json")


@pytest.mark.parametrize("key", ["main", "stackConfigDir"])
def test_main_and_stack_config_dir_stay_inside_the_project(make_program, tmp_path: Path, key: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "__main__.py").write_text("import pulumi\n")
    program = make_program(pulumi_yaml=f"name: p\nruntime: python\n{key}: ../elsewhere\n")
    with pytest.raises(GateError, match=rf"Pulumi\.yaml: {key}: '\.\./elsewhere' is outside the "
                                        r"project directory: the program and its stack config must live "
                                        r"in the project"):
        load_project(program)
    (program / "app").mkdir()
    (program / "app" / "__main__.py").write_text("import pulumi\n")
    (program / "Pulumi.yaml").write_text(f"name: p\nruntime: python\n{key}: app\n")
    assert load_project(program).root == program.resolve()
