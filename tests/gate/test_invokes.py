"""Offline data sources: invokes answered from fixtures; an unanswered one is one line and exit 2."""

from __future__ import annotations

import json
import re

import pytest
from gate.errors import GateError
from gate.invokes import find, load_answers, shown_args

pytestmark = pytest.mark.slow


def test_per_stack_fixture_answers_the_invoke(run_gate, gate_programs, tmp_path):
    proc = run_gate("preview", "--program", gate_programs / "dns-record", "--stack", "dev", "--no-checkov",
                    "--profile", "generic", "--out", tmp_path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    state = json.loads((tmp_path / "dev.state.json").read_text())
    (record,) = [r for r in state["deployment"]["resources"] if r["type"] == "aws:route53/record:Record"]
    assert record["inputs"]["zoneId"] == "Z0123456789ABCDEFGHIJ"
    assert record["inputs"]["name"] == "www.example.com"


def test_an_unanswered_invoke_is_one_line_naming_token_args_and_line(run_gate, gate_programs, tmp_path):
    proc = run_gate("preview", "--program", gate_programs / "dns-record", "--stack", "bare", "--no-checkov",
                    "--out", tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.startswith("gate: error: stack bare: invoke aws:route53/getZone:getZone ")
    assert '"name": "example.com"' in line and "at __main__.py:6 " in line
    assert "fixtures/bare.yaml (or --invoke-fixtures FILE)" in line
    assert not (tmp_path / "bare.state.json").exists()


def test_invoke_fixtures_flag_answers_every_stack(run_gate, gate_programs, tmp_path):
    proc = run_gate("preview", "--program", gate_programs / "dns-record", "--stack", "bare", "--no-checkov",
                    "--profile", "generic", "--out", tmp_path, "--invoke-fixtures",
                    gate_programs / "dns-record" / "fixtures" / "dev.yaml")
    assert proc.returncode == 0, proc.stderr


def test_bad_fixture_files_name_the_file_and_key(tmp_path):
    bad = tmp_path / "f.yaml"
    for text, key in (("invokes: {}\n", "invokes: must be a list"),
                      ("invokes:\n  - {args: {}}\n", "invokes[0].token"),
                      ("invokes:\n  - {token: a:b:c, result: 1}\n", "invokes[0].result: must be a mapping"),
                      ("invokes:\n  - {token: a:b:c}\n", "invokes[0].result: missing"),
                      ("invokes:\n  - {token: a:b:c, result: {}, reslt: {}}\n", "invokes[0].reslt: unknown"),
                      ("invokes: [\n", "invalid YAML")):
        bad.write_text(text)
        with pytest.raises(GateError, match=re.escape(key)) as err:
            load_answers([bad])
        assert str(bad) in str(err.value)


def test_matching_is_by_token_and_the_given_arguments(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("invokes:\n  - {token: t:a:b, args: {n: 1}, result: {v: one}}\n"
                 "  - {token: t:a:b, result: {v: any}}\n")
    answers = load_answers([f])
    assert find(answers, "t:a:b", {"n": 1.0, "x": 2}) == {"v": "one"}
    assert find(answers, "t:a:b", {"n": 2}) == {"v": "any"}
    assert find(answers, "t:x:y", {}) is None
    assert shown_args({"name": "z", "password": "hunter2"}) == '{"name": "z", "password": "[secret]"}'
