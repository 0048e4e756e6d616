"""Hostile inputs of issue 14 ("Wrong exit codes", hangs): exit 2, one line naming the file/key/stack,
no traceback, nothing written; never a hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_bad_input import assert_bad_input, preview

pytestmark = pytest.mark.slow
P = "urn:pulumi:dev::proj::"


def _res(name: str = "a", **extra) -> dict:
    return {"urn": f"{P}aws:s3/bucket:Bucket::{name}", "type": "aws:s3/bucket:Bucket", "custom": True,
            "inputs": {}, **extra}


def _state(*resources: dict) -> str:
    return json.dumps({"version": 3, "deployment": {"resources": list(resources)}})


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


CASES = {
    "inputs-as-string": (_state(_res(inputs="x")), "inputs: expected an object"),
    "ignore-changes-int": (_state(_res(ignoreChanges=5)), "ignoreChanges"),
    "protect-string": (_state(_res(protect="yes")), "protect"),
    "huge-int": (_state(_res()).replace('"inputs": {}', '"inputs": {"n": 1' + "0" * 400 + "}"),
                 "integer out of range"),
    "nan": (_state(_res()).replace('"inputs": {}', '"inputs": {"n": NaN}'), "NaN"),
    "infinity": (_state(_res()).replace('"inputs": {}', '"inputs": {"n": -Infinity}'), "Infinity"),
    "depth-200": (_state(_res()).replace('"inputs": {}', '"inputs": {"n": ' + _nested(200) + "}"),
                  "nested more than"),
    "depth-900": (_state(_res()).replace('"inputs": {}', '"inputs": {"n": ' + _nested(900) + "}"),
                  "nest"),
    "depth-5000": (_state(_res()).replace('"inputs": {}', '"inputs": {"n": ' + _nested(5000) + "}"),
                   "nest"),
    "duplicate-urn": (_state(_res(), _res()), "duplicate URN"),
    "malformed-urn": (_state({**_res(), "urn": "not-a-urn"}), "not a Pulumi URN"),
    "type-mismatch": (_state({**_res(), "type": "aws:s3/bucket:Other"}), "does not match"),
    "lone-surrogate": (_state(_res()).replace('"inputs": {}', '"inputs": {"s": "\\ud800"}'), "surrogate"),
    "resources-not-list": (json.dumps({"deployment": {"resources": "x"}}), "expected a list"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_state_is_bad_input(run_gate, tmp_path: Path, case: str) -> None:
    content, needle = CASES[case]
    state = tmp_path / "x.state.json"
    state.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    proc = run_gate("analyze", "--state", state, "--no-checkov", "--out", out, timeout=60)
    assert_bad_input(proc, "x.state.json", needle)
    assert not out.exists() or not any(out.glob("*.json"))


def test_invalid_utf8_state(run_gate, tmp_path: Path) -> None:
    state = tmp_path / "x.state.json"
    state.write_bytes(_state(_res()).encode().replace(b'"inputs": {}', b'"inputs": {"s": "\xff"}'))
    assert_bad_input(run_gate("analyze", "--state", state, "--no-checkov"), "x.state.json", "UTF-8")


@pytest.mark.parametrize("kind", ["fifo", "dir", "dev-zero"])
def test_non_regular_input_files_are_refused_up_front(run_gate, gate_programs, tmp_path: Path,
                                                      kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    elif kind == "dir":
        path = tmp_path / "adir"
        path.mkdir()
    else:
        path = Path("/dev/zero")
    assert_bad_input(run_gate("analyze", "--state", path, "--no-checkov", timeout=30), str(path),
                     "regular file" if kind != "dir" else "directory")
    proc = preview(run_gate, gate_programs / "multi", "base", tmp_path / "out",
                   "--policy-pack", gate_programs / "packs" / "no-us-east",
                   "--policy-pack-config", f"no-us-east={path}")
    assert_bad_input(proc, str(path))


def test_invalid_utf8_in_project_stack_and_pack_config(run_gate, make_program, gate_programs,
                                                       tmp_path) -> None:
    program = make_program(pulumi_yaml="name: scratch\nruntime: python\n")
    (program / "Pulumi.yaml").write_bytes(b"name: scr\xffatch\nruntime: python\n")
    assert_bad_input(preview(run_gate, program, "dev", tmp_path / "out"), "Pulumi.yaml", "UTF-8")
    (program / "Pulumi.yaml").write_text("name: scratch\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_bytes(b"config:\n  scratch:x: \xfe\n")
    assert_bad_input(preview(run_gate, program, "dev", tmp_path / "out"), "Pulumi.dev.yaml", "UTF-8")
    cfg = tmp_path / "pack.json"
    cfg.write_bytes(b'{"no-us-east-provider": "\xff"}')
    proc = preview(run_gate, gate_programs / "multi", "base", tmp_path / "out",
                   "--policy-pack", gate_programs / "packs" / "no-us-east",
                   "--policy-pack-config", f"no-us-east={cfg}")
    assert_bad_input(proc, "pack.json", "UTF-8")


def test_yaml_alias_bomb_is_refused_quickly(run_gate, make_program, tmp_path) -> None:
    lines = ["config:", "  scratch:a: &a [x, x, x, x, x, x, x, x, x, x]"]
    prev = "a"
    for level in "bcdefghij":
        lines.append(f"  scratch:{level}: &{level} [{', '.join(['*' + prev] * 10)}]")
        prev = level
    program = make_program(stacks={"dev": "\n".join(lines) + "\n"})
    proc = preview(run_gate, program, "dev", tmp_path / "out")
    assert_bad_input(proc, "Pulumi.dev.yaml", "alias")


def test_every_yaml_scalar_the_cli_accepts_is_a_config_value(run_gate, make_program, tmp_path) -> None:
    main = ("import pulumi\ncfg = pulumi.Config()\n"
            "for k in ('day', 'yes', 'num', 'flt', 'flag', 'hex', 'stamp'):\n"
            "    pulumi.export(k, cfg.get(k))\n")
    stack = ("config:\n  scratch:day: 2024-01-31\n  scratch:yes: yes\n  scratch:num: 42\n"
             "  scratch:flt: 1.5\n  scratch:flag: true\n  scratch:hex: 0x1F\n"
             "  scratch:stamp: 2024-01-31T10:00:00Z\n")
    program = make_program(main, stacks={"dev": stack})
    out = tmp_path / "out"
    proc = preview(run_gate, program, "dev", out, "--policy-pack",
                   Path(__file__).parent / "packs" / "fixture_pack")
    assert proc.returncode in (0, 1), proc.stderr
    state = json.loads((out / "dev.state.json").read_text())
    root = next(r for r in state["deployment"]["resources"] if r["type"] == "pulumi:pulumi:Stack")
    outputs = root["outputs"]
    assert outputs["day"] == "2024-01-31" and outputs["yes"] == "yes"
    assert outputs["stamp"] == "2024-01-31T10:00:00Z"
    assert outputs["num"] == "42" and outputs["flag"] == "true"


def test_unknown_pack_or_policy_in_pack_config(run_gate, gate_programs, tmp_path) -> None:
    cfg = tmp_path / "pack.json"
    cfg.write_text('{"no-us-east-provider": "advisory"}')
    proc = preview(run_gate, gate_programs / "multi", "base", tmp_path / "out",
                   "--policy-pack", gate_programs / "packs" / "no-us-east",
                   "--policy-pack-config", f"no-us-eats={cfg}")
    assert_bad_input(proc, "pack.json", "no-us-eats")
    cfg.write_text('{"no-us-east-provdier": "advisory"}')
    proc = preview(run_gate, gate_programs / "multi", "base", tmp_path / "out",
                   "--policy-pack", gate_programs / "packs" / "no-us-east",
                   "--policy-pack-config", f"no-us-east={cfg}")
    assert_bad_input(proc, "pack.json", "no-us-east-provdier")
    assert not (tmp_path / "out" / "base.state.json").exists()      # nothing half written


def test_checkov_past_its_deadline_is_one_line(run_gate, tmp_path) -> None:
    state = tmp_path / "x.state.json"
    state.write_text(_state(_res()))
    proc = run_gate("analyze", "--state", state, "--checkov-timeout", "0.01", "--out", tmp_path / "out")
    assert_bad_input(proc, "checkov", "deadline")
