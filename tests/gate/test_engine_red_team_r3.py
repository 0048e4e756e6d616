"""Engine red team, round 3 (docs/gate-red-team.md): each closure has a test that fails without it.

Duplicate keys (gate.inputs), reads that open no file (gate.read_probes), cache entries others can write
(gate.cache), stdout kept for the report (gate.stdout_guard), and values printed into a CI log
(gate.report_parts.printable).
"""

from __future__ import annotations

import io
import json
import os
import posix
import subprocess
import sys
from pathlib import Path

import pytest
from gate.cache import Store
from gate.errors import GateError
from gate.inputs import parse_json, parse_yaml
from gate.read_probes import LISTING, PROBE, install_stat_probes
from gate.report_parts import printable, short_name
from gate.stack_inputs import input_digest, input_files


def test_a_json_key_given_twice_is_refused():
    with pytest.raises(GateError) as exc:
        parse_json('{"require-eea-location": "mandatory", "require-eea-location": "disabled"}', "c.json")
    assert str(exc.value) == ("c.json: key 'require-eea-location' is given twice in one mapping (a reader "
                              "sees the first value, a parser keeps the last): keep one")
    assert parse_json('{"a": {"b": 1}, "b": {"b": 2}}', "c.json") == {"a": {"b": 1}, "b": {"b": 2}}


def test_a_yaml_key_given_twice_is_refused_but_a_merge_may_be_overridden():
    with pytest.raises(GateError) as exc:
        parse_yaml("config:\n  aws:region: us-east-1\n  aws:region: eu-west-1\n", "Pulumi.s.yaml")
    assert str(exc.value) == ("Pulumi.s.yaml (line 3): key 'aws:region' is given twice in one mapping (a "
                              "reader sees the first value, a parser keeps the last): keep one")
    merged = parse_yaml("base: &b {region: us-east-1}\nx:\n  <<: *b\n  region: eu-west-1\n", "m.yaml")
    assert merged["x"] == {"region": "eu-west-1"}


def test_invoke_fixtures_are_read_like_stack_config(tmp_path):
    from gate.invokes import load_answers

    bad = tmp_path / "f.yaml"
    bad.write_text("invokes:\n  - token: t:index:f\n    args: {name: a, name: b}\n    result: {}\n")
    with pytest.raises(GateError, match=r"f\.yaml \(line 3\): key 'name' is given twice"):
        load_answers([bad])
    bad.write_text("invokes:\n  - token: t:index:f\n    result: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(GateError, match=r"f\.yaml: invalid YAML"):
        load_answers([bad])


def test_stats_and_listings_are_cache_inputs(tmp_path):
    seen: set[str] = set()
    real = os.stat, os.lstat, os.access
    try:
        install_stat_probes(seen.add)
        os.path.exists(tmp_path / "flag")
    finally:
        os.stat, os.lstat, os.access = real
        posix.stat, posix.lstat, posix.access = real   # round 4: posix's are probed too
    assert PROBE + str(tmp_path / "flag") in seen
    files = input_files([PROBE + str(tmp_path / "flag"), LISTING + str(tmp_path)])
    assert files == {str(tmp_path): files[str(tmp_path)], str(tmp_path / "flag"): "probe:missing"}
    (tmp_path / "flag").write_text("")
    assert input_digest(tmp_path / "flag", "probe:missing").startswith("probe:file:0:")   # size, mode bits
    assert input_digest(tmp_path, files[str(tmp_path)]) != files[str(tmp_path)]


@pytest.mark.parametrize("mode", [0o666, 0o664])
def test_a_cache_entry_others_can_write_is_refused(tmp_path, mode):
    store = Store(tmp_path, "stacks")
    store.put("ab" * 32, {"report": "blocked"})
    assert store.get("ab" * 32) == {"report": "blocked"}
    entry = tmp_path / "stacks" / "ab" / f"{'ab' * 32}.json"
    entry.chmod(mode)
    with pytest.raises(GateError) as exc:
        store.get("ab" * 32)
    assert str(exc.value) == (
        f"{entry}: a cache entry or directory owned by another user or writable by others (uid "
        f"{os.geteuid()}, mode {mode:04o}); its verdicts cannot be trusted: use a cache directory only you "
        "can write (chmod go-w, --cache-dir) or --no-cache")
    entry.chmod(0o600)
    (tmp_path / "stacks").chmod(0o777)
    with pytest.raises(GateError, match="writable by others"):
        store.get("ab" * 32)


def test_values_printed_into_a_log_cannot_start_a_workflow_command_or_move_the_cursor():
    assert printable("x\n::error::y\x1b[2K") == "x\\n::error::y\\x1b[2K"
    assert printable("::stop-commands::t") == "\\x3a:stop-commands::t"
    assert printable("  ::warning::w") == "  \\x3a:warning::w"
    assert printable("eu-west-1 ok: a::b") == "eu-west-1 ok: a::b"
    assert short_name("urn:pulumi:s::p::aws:s3/bucket:Bucket::logs::pulumi:pulumi:Stack") \
        == "logs::pulumi:pulumi:Stack"


def test_the_text_report_renders_markup_and_controls_as_text():
    from gate.model import StackReport
    from gate.report_text import render_text

    report = StackReport(stack="s", resources=1, regions={"[/]::error::x": 1})
    out = io.StringIO()
    render_text([report], out)
    assert "\\x3a:error::x" not in out.getvalue() and "[/]::error::x" in out.getvalue()
    assert all(not line.lstrip().startswith("::") for line in out.getvalue().splitlines())


def test_what_else_writes_to_stdout_goes_to_stderr(tmp_path):
    script = ("import os, sys\nfrom gate.stdout_guard import claim, release\nclaim()\nprint('noise')\n"
              "os.write(1, b'raw\\n')\nrelease()\nprint('report')\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    # round 21: each line marked and printable (gate.stdout_guard)
    assert proc.stdout == "report\n" and proc.stderr == "gate: output: noise\ngate: output: raw\n"


def test_the_pull_request_is_also_judged_by_the_base_commits_packs():
    import yaml

    workflow = Path(__file__).resolve().parents[2] / ".github/workflows/policy-gate.yml"
    doc = yaml.safe_load(workflow.read_text())
    steps = doc["jobs"]["offline-gate"]["steps"]
    base = next(s for s in steps if s.get("id") == "base-judge")
    assert base["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert 'rm -rf policies && git checkout "$BASE_SHA" -- policies' in base["run"]
    assert "--policy-pack policies/eu_residency --policy-pack policies/pia_conditions" in base["run"]
    assert "eu-residency=policies/config/eu-residency.json" in base["run"]
    assert steps.index(base) > next(i for i, s in enumerate(steps) if s.get("id") == "gate")
    fail = steps[-1]
    assert "steps.base-judge.outputs.exit_code != '0'" in fail["if"]
    assert json.dumps(base).count("--policy-pack ") == 2


def test_the_cache_creates_its_directories_for_this_user_only_whatever_the_umask(tmp_path):
    previous = os.umask(0o002)
    try:
        store = Store(tmp_path / "out" / "cache", "stacks")
        store.put("cd" * 32, {"v": 1})
    finally:
        os.umask(previous)
    assert store.get("cd" * 32) == {"v": 1}
    assert (tmp_path / "out" / "cache").stat().st_mode & 0o777 == 0o700
