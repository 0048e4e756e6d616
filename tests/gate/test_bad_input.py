"""Every bad input of issue 2 item 6: exit code 2, one line on stderr naming file/key/stack, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def assert_bad_input(proc, *needles: str) -> None:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("gate: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert proc.stdout == ""


def preview(run_gate, program: Path, stack: str, out: Path, *extra: str):
    return run_gate("preview", "--program", program, "--stack", stack, "--out", out, "--no-checkov", *extra)


def test_program_directory_missing(run_gate, tmp_path):
    proc = preview(run_gate, tmp_path / "nowhere", "dev", tmp_path / "out")
    assert_bad_input(proc, "nowhere", "program directory not found")


def test_no_pulumi_yaml(run_gate, make_program, tmp_path):
    program = make_program(pulumi_yaml=None)
    assert_bad_input(preview(run_gate, program, "dev", tmp_path / "out"), "Pulumi.yaml", "not found")


def test_invalid_pulumi_yaml(run_gate, make_program, tmp_path):
    program = make_program(pulumi_yaml="name: [unclosed\nruntime: python\n")
    assert_bad_input(preview(run_gate, program, "dev", tmp_path / "out"), "Pulumi.yaml", "invalid YAML")


def test_runtime_other_than_python(run_gate, make_program, tmp_path):
    program = make_program(pulumi_yaml="name: scratch\nruntime: nodejs\n")
    assert_bad_input(preview(run_gate, program, "dev", tmp_path / "out"), "Pulumi.yaml", "runtime", "nodejs")


def test_unknown_stack(run_gate, make_program, tmp_path):
    program = make_program()
    assert_bad_input(preview(run_gate, program, "prod", tmp_path / "out"),
                     "Pulumi.prod.yaml", "unknown stack", "known: dev")


@pytest.mark.parametrize(("text", "needle"), [
    ("config:\n  - a\n  - b\n", "config: expected a mapping"),
    ("config: {scratch:size: {secure: 5}}\n", "scratch:size"),
    ("config: {a:b:c: 1}\n", "a:b:c"),
    ("config: {scratch:size: [unclosed\n", "invalid YAML"),
    ("- just\n- a list\n", "expected a mapping"),
])
def test_stack_config_of_the_wrong_shape(run_gate, make_program, tmp_path, text, needle):
    program = make_program(stacks={"dev": text})
    assert_bad_input(preview(run_gate, program, "dev", tmp_path / "out"), "Pulumi.dev.yaml", needle)


def test_program_raises(run_gate, gate_programs, tmp_path):
    out = tmp_path / "out"
    proc = preview(run_gate, gate_programs / "failing", "raise", out)
    assert_bad_input(proc, "__main__.py", "RuntimeError", "boom: the fixture program raised on purpose")
    assert not (out / "raise.state.json").exists()   # nothing half written


def test_program_imports_a_missing_module(run_gate, gate_programs, tmp_path):
    proc = preview(run_gate, gate_programs / "failing", "import", tmp_path / "out")
    assert_bad_input(proc, "module_that_does_not_exist_xyz")


def test_program_config_error_is_reported_as_is(run_gate, gate_programs, tmp_path):
    proc = preview(run_gate, gate_programs / "failing", "config", tmp_path / "out")
    assert_bad_input(proc, "Pulumi.config.yaml: failing:size: expected an integer")


def test_program_syntax_error(run_gate, make_program, tmp_path):
    program = make_program("import pulumi\n\ndef broken(:\n    pass\n")
    assert_bad_input(preview(run_gate, program, "dev", tmp_path / "out"), "__main__.py:3", "syntax error")


def test_pack_directory_without_pulumipolicy_yaml(run_gate, gate_programs, tmp_path):
    (tmp_path / "not-a-pack").mkdir()
    proc = preview(run_gate, gate_programs / "multi", "base", tmp_path / "out",
                   "--policy-pack", tmp_path / "not-a-pack")
    assert_bad_input(proc, "not-a-pack", "PulumiPolicy.yaml")


@pytest.mark.parametrize(("content", "needle"), [
    ("{not json", "not JSON"),
    (json.dumps({"hello": "world"}), "not a Pulumi checkpoint"),
    (json.dumps({"version": 3, "deployment": {"resources": [{"no": "urn"}]}}), "resources[0]"),
    (json.dumps([1, 2, 3]), "not a Pulumi checkpoint"),
])
def test_state_file_not_json_or_not_a_checkpoint(run_gate, tmp_path, content, needle):
    state = tmp_path / "x.state.json"
    state.write_text(content, encoding="utf-8")
    assert_bad_input(run_gate("analyze", "--state", state, "--no-checkov"), "x.state.json", needle)


def test_state_file_missing(run_gate, tmp_path):
    assert_bad_input(run_gate("analyze", "--state", tmp_path / "gone.json"), "gone.json", "not found")


@pytest.mark.parametrize("stack", ["../escape", "a/b", "..", "/etc/passwd", "x\\y"])
def test_stack_name_with_path_characters(run_gate, gate_programs, tmp_path, stack):
    out = tmp_path / "out"
    proc = preview(run_gate, gate_programs / "multi", stack, out)
    assert_bad_input(proc, "invalid stack name")
    assert not out.exists()


def test_policy_pack_config_without_file(run_gate, gate_programs, tmp_path):
    proc = preview(run_gate, gate_programs / "multi", "base", tmp_path / "out",
                   "--policy-pack-config", "nopack")
    assert_bad_input(proc, "PACK=FILE")


def test_usage_error_is_one_line(run_gate):
    assert_bad_input(run_gate("preview", "--stack", "a", "--all"), "not allowed with")


def test_main_without_a_program(run_gate, make_program, tmp_path):
    program = make_program(pulumi_yaml="name: scratch\nruntime: python\nmain: nothing-here/\n")
    proc = preview(run_gate, program, "dev", tmp_path / "out")
    assert_bad_input(proc, "Pulumi.yaml", "main", "nothing-here")


def test_no_stack_config_files_for_all(run_gate, make_program, tmp_path):
    program = make_program(stacks={})
    proc = run_gate("preview", "--program", program, "--all", "--no-checkov")
    assert_bad_input(proc, "no Pulumi.<stack>.yaml")


def test_out_is_a_file(run_gate, gate_programs, tmp_path):
    (tmp_path / "file").write_text("x")
    assert_bad_input(preview(run_gate, gate_programs / "multi", "base", tmp_path / "file"), "not a directory")


@pytest.mark.parametrize(("content", "needle"), [
    (None, "cannot read"),
    ('{"no-us-east-provider": "bogus"}', "not a valid enforcement level"),
])
def test_policy_pack_config_file_missing_or_invalid(run_gate, gate_programs, tmp_path, content, needle):
    config = tmp_path / "pack.json"
    if content is not None:
        config.write_text(content)
    proc = preview(run_gate, gate_programs / "multi", "base", tmp_path / "out",
                   "--policy-pack", gate_programs / "packs" / "no-us-east",
                   "--policy-pack-config", f"no-us-east={config}")
    assert_bad_input(proc, "pack.json", needle)
    assert not (tmp_path / "out").exists()
