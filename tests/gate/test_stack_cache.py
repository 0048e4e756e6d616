"""The stack cache: an unchanged stack is answered from it, a change to any input records it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gate.stack_inputs import StackInputs, input_files
from gate.stackcache import StackCache, usable

REPO = Path(__file__).resolve().parents[2]

PROGRAM = '''import json, os
import pulumi
import pulumi_aws as aws
import helper

cfg = pulumi.Config()
data = json.loads(open("data.json").read())
mode = os.environ.get("SCRATCH_MODE", "plain")
if pulumi.get_stack() == "b":
    ref = pulumi.StackReference("a")
    aws.s3.Bucket("b-bucket", tags={"from": ref.get_output("name").apply(str), "mode": mode})
else:
    aws.s3.Bucket(helper.NAME, tags={"size": str(data["size"]), "mode": mode})
    pulumi.export("name", cfg.get("name") or "a")
'''
PACK = '''from pathlib import Path
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def check(args, report_violation):
    if args.resource_type == "aws:s3/bucket:Bucket":
        allowed = Path(__file__).with_name("records.txt").read_text().split()
        if args.props.get("tags", {}).get("mode") not in allowed:
            report_violation("mode not on record")

PolicyPack(name="scratch", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="mode-on-record", description="d", validate=check)])
'''


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: scratch\nruntime: python\n")
    (root / "Pulumi.a.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (root / "Pulumi.b.yaml").write_text("config:\n  aws:region: eu-west-1\n  scratch:ref: a\n")
    (root / "__main__.py").write_text(PROGRAM)
    (root / "helper.py").write_text('NAME = "a-bucket"\n')
    (root / "data.json").write_text('{"size": 1}\n')
    (root / "uv.lock").write_text("version = 1\n")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (pack / "__main__.py").write_text(PACK)
    (pack / "records.txt").write_text("plain $SCRATCH_MODE\n")   # the update recording's placeholder
    (tmp_path / "pack.json").write_text('{"mode-on-record": "advisory"}\n')
    return root


def _args(root: Path, *extra: str) -> list[str | Path]:
    return ["preview", "--program", root, "--all", "--out", root / ".gate", "--format", "json",
            "--no-checkov", "--policy-pack", root.parent / "pack",
            "--policy-pack-config", f"scratch={root.parent / 'pack.json'}", *extra]


def _cached(run_gate, root: Path, *extra: str) -> dict[str, bool]:
    proc = run_gate(*_args(root, *extra))
    assert proc.returncode == 0, proc.stderr
    return {r["stack"]: bool(r.get("cached")) for r in json.loads(proc.stdout)}


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


@pytest.mark.slow
def test_a_hit_publishes_the_bytes_its_recording_published(run_gate, scratch: Path) -> None:
    """The states (and the update states later stacks read) of a cached run are the recording's bytes."""
    out = scratch / ".gate"

    def states() -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.state.json"))}

    assert _cached(run_gate, scratch) == {"a": False, "b": False}
    recorded = states()
    assert sorted(recorded) == [".updates/a.state.json", ".updates/b.state.json", "a.state.json",
                                "b.state.json"]
    assert _cached(run_gate, scratch) == {"a": True, "b": True}
    assert states() == recorded


@pytest.mark.slow
def test_a_run_answered_wholly_from_the_cache_loads_no_pulumi_sdk(run_gate, scratch: Path) -> None:
    """Importing the SDK (and grpc below it) cost such a run a sixth of its time; only a recording needs
    it, and a stack's cached report needs no pack loaded."""
    assert _cached(run_gate, scratch) == {"a": False, "b": False}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "gate", *map(str, _args(scratch))],
                          cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert proc.returncode == 0 and [r["cached"] for r in json.loads(proc.stdout)] == [True, True]
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert "gate.stackcache" in imported
    assert not {m for m in imported if m.split(".")[0] in ("pulumi", "pulumi_policy", "grpc")}


@pytest.mark.slow
def test_each_input_kind_records_the_stack_again(run_gate, scratch: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root, parent = scratch, scratch.parent
    assert _cached(run_gate, root) == {"a": False, "b": False}
    assert _cached(run_gate, root) == {"a": True, "b": True}
    # b's own config: b only
    edit(root / "Pulumi.b.yaml", "ref: a", "ref: a2")
    assert _cached(run_gate, root) == {"a": True, "b": False}
    # a's config: a, and b, which reads a's state
    (root / "Pulumi.a.yaml").write_text("config:\n  aws:region: eu-west-1\n  scratch:name: n2\n")
    assert _cached(run_gate, root) == {"a": False, "b": False}
    changes = [
        lambda: edit(root / "helper.py", "a-bucket", "a-bucket2"),              # an imported module
        lambda: edit(root / "data.json", "1", "2"),                            # a file the program reads
        lambda: edit(root / "Pulumi.yaml", "runtime", "description: x\nruntime"),   # the project file
        lambda: edit(root / "uv.lock", "1", "2"),                              # the lock file
        lambda: edit(parent / "pack" / "__main__.py", 'description="d"', 'description="e"'),   # pack source
        lambda: edit(parent / "pack.json", "advisory", "mandatory"),          # pack config
        lambda: edit(parent / "pack" / "records.txt", "plain", "plain other"),   # a record the pack reads
    ]
    for change in changes:
        change()
        assert _cached(run_gate, root) == {"a": False, "b": False}
    monkeypatch.setenv("SCRATCH_MODE", "other")   # an environment variable the program reads
    assert _cached(run_gate, root) == {"a": False, "b": False}
    assert _cached(run_gate, root) == {"a": True, "b": True}
    assert _cached(run_gate, root, "--no-cache") == {"a": False, "b": False}
    assert _cached(run_gate, root, "--cache-dir", parent / "elsewhere") == {"a": False, "b": False}


@pytest.mark.slow
def test_a_module_imported_from_its_bytecode_is_an_input_by_its_source(run_gate, scratch: Path) -> None:
    """scripts/uvw compiles a checkout's modules, so a program imports them from their pyc and never opens
    the source: the source must still be the input, or an edited program is answered from the cache."""
    import py_compile

    py_compile.compile(str(scratch / "helper.py"), doraise=True)
    assert _cached(run_gate, scratch) == {"a": False, "b": False}
    assert _cached(run_gate, scratch) == {"a": True, "b": True}
    edit(scratch / "helper.py", "a-bucket", "a-bucket-renamed")
    assert _cached(run_gate, scratch) == {"a": False, "b": False}


def test_an_entry_holds_only_while_its_inputs_do(tmp_path: Path) -> None:
    f = tmp_path / "module.py"
    f.write_text("x = 1\n")
    cache = StackCache(tmp_path / "cache")
    inputs = StackInputs(project_file=tmp_path / "Pulumi.yaml", lock_file=tmp_path / "uv.lock", packs=[],
                         pack_config={})
    key = inputs.key("s", tmp_path / "Pulumi.s.yaml")
    cache.save(key, input_files([str(f), str(tmp_path / "absent.yaml")]), {}, {"state": "{}\n",
                                                                              "update_state": None}, {})
    assert cache.lookup(key) is not None
    (tmp_path / "absent.yaml").write_text("now here\n")       # a file that was missing appears
    assert cache.lookup(key) is None
    (tmp_path / "absent.yaml").unlink()
    f.write_text("x = 2\n")
    assert cache.lookup(key) is None
    (tmp_path / "Pulumi.s.yaml").write_text("config: {}\n")    # the stack file is part of the key
    assert inputs.key("s", tmp_path / "Pulumi.s.yaml") != key


def test_an_entry_keeping_its_state_as_anything_but_text_is_a_miss(tmp_path: Path) -> None:
    """A hit writes back the state files' bytes as the recording wrote them; an entry holding the state
    as an object (an older gate's shape), or an update state of another type, is no hit."""
    cache = StackCache(tmp_path / "cache")
    for run in ({"checkpoint": {}}, {"state": {}, "update_state": None}, {"state": "{}\n", "update_state": 1},
                {"state": "{}\n"}):
        cache.save("k" * 64, {}, {}, run, {})
        assert cache.lookup("k" * 64) is None, run
    cache.save("k" * 64, {}, {}, {"state": "{}\n", "update_state": "{}\n"}, {})
    assert cache.lookup("k" * 64) is not None


def test_a_stack_reading_a_recorded_again_state_is_recorded_again(tmp_path: Path) -> None:
    state = str(tmp_path / "a.state.json")
    entries = {"a": None, "b": {"inputs": {state: "x"}}, "c": {"inputs": {}}}
    assert set(usable(entries, tmp_path)) == {"c"}


DEPLOY_TIME = '''import pulumi
import pulumi_aws as aws
import pulumi_random as random

if pulumi.get_stack() == "a":
    pulumi.export("token", random.RandomPassword("token", length=24, special=False).result)
else:
    ref = pulumi.StackReference("a")
    aws.ssm.Parameter("copy", type="SecureString", value=ref.require_output("token"),
                      tags={"mode": pulumi.Config().get("mode") or "plain"})
'''


@pytest.mark.slow
def test_a_cached_stack_still_gives_its_update_to_the_stacks_after_it(run_gate, scratch: Path) -> None:
    """b's update needs a's deploy-time output; with a answered from the cache, the cache supplies a's
    update state, so b is judged as an update as when both were recorded."""
    root = scratch
    (root / "__main__.py").write_text(DEPLOY_TIME)
    args = ["preview", "--program", root, "--all", "--out", root / ".gate", "--format", "json",
            "--no-checkov", "--policy-pack", root.parent / "pack",
            "--policy-pack-config", f"scratch={root.parent / 'pack.json'}"]

    def run() -> dict[str, tuple[bool, list[str]]]:
        proc = run_gate(*args)
        assert proc.returncode == 0, proc.stderr
        return {r["stack"]: (bool(r.get("cached")), [v["policy"] for v in r["violations"]])
                for r in json.loads(proc.stdout)}

    assert run() == {"a": (False, []), "b": (False, [])}
    edit(root / "Pulumi.b.yaml", "ref: a", "ref: a\n  scratch:mode: other")
    assert run() == {"a": (True, []), "b": (False, [])}    # no update-not-recorded on b


OWN_INPUT = '''import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "b":
    ref = pulumi.StackReference("a")
    aws.s3.Bucket("b-bucket", tags={"from": ref.get_output("name").apply(str), "mode": "plain"})
else:
    size = open("a-only.txt").read().strip()
    aws.s3.Bucket("a-bucket", tags={"size": size, "mode": "plain"})
    pulumi.export("name", "renamed" if size == "rename" else "a")
'''


@pytest.mark.slow
def test_a_stack_is_recorded_again_when_the_graph_it_read_changed(run_gate, scratch: Path) -> None:
    """b reads a's outputs, whose values the packs place through a's graph (round 11): a change to a's
    resources records b too, even when a's outputs stay as they were (b is decided once a is done)."""
    root = scratch
    (root / "__main__.py").write_text(OWN_INPUT)
    (root / "a-only.txt").write_text("1\n")
    assert _cached(run_gate, root) == {"a": False, "b": False}
    assert _cached(run_gate, root) == {"a": True, "b": True}
    (root / "a-only.txt").write_text("2\n")          # a's bucket changes, its outputs do not
    assert _cached(run_gate, root) == {"a": False, "b": False}
    assert _cached(run_gate, root) == {"a": True, "b": True}
    (root / "a-only.txt").write_text("rename\n")     # a's output `name` changes: b read it
    assert _cached(run_gate, root) == {"a": False, "b": False}
    assert _cached(run_gate, root) == {"a": True, "b": True}


@pytest.mark.slow
def test_the_cache_directory_outside_the_output_is_not_an_input(run_gate, scratch: Path) -> None:
    """Lookups read the cache's own entries; with `--cache-dir` outside `--out` they were taken for
    inputs, so a stack saved again never hit again."""
    root = scratch
    cache = ["--cache-dir", root.parent / "elsewhere"]
    assert _cached(run_gate, root, *cache) == {"a": False, "b": False}
    edit(root / "data.json", "1", "2")        # an input, not part of the key: saved under the same key
    assert _cached(run_gate, root, *cache) == {"a": False, "b": False}
    assert _cached(run_gate, root, *cache) == {"a": True, "b": True}


def test_a_stack_reading_an_update_state_depends_on_it(tmp_path: Path) -> None:
    entries = {"a": None, "b": {"inputs": {str(tmp_path / ".updates" / "a.state.json"): "x"}}}
    assert usable(entries, tmp_path) == {}


def test_a_deferred_stack_is_reused_only_once_the_state_it_read_is_decided(tmp_path: Path) -> None:
    """b's entry read a's published outputs; while a (recorded again this run) is not done, the old
    published state must not count as unchanged, and once a's new state is in the run directory its
    outputs decide."""
    from types import SimpleNamespace

    from gate.model import StackReport
    from gate.stack_inputs import state_inputs
    from gate.stackcache import PreviewCache

    out, work = tmp_path / "out", tmp_path / "out" / ".run"
    work.mkdir(parents=True)

    def state(outputs: dict[str, str]) -> str:
        return json.dumps({"deployment": {"manifest": {"time": "t"}, "resources": [
            {"urn": "urn:pulumi:a::p::pulumi:pulumi:Stack::p-a", "type": "pulumi:pulumi:Stack",
             "outputs": outputs}]}})

    (out / "a.state.json").write_text(state({"name": "a"}))
    project = SimpleNamespace(stack_file=lambda s: tmp_path / f"Pulumi.{s}.yaml")
    inputs = StackInputs(project_file=tmp_path / "Pulumi.yaml", lock_file=tmp_path / "uv.lock", packs=[],
                         pack_config={})
    cache = PreviewCache(tmp_path / "cache", inputs, out, project)
    cache.cache.save(cache.key("b"), state_inputs([str(out / "a.state.json")]), {},
                     {"state": '{"b": 1}\n', "update_state": None},
                     StackReport(stack="b", resources=1).to_json())
    cache.in_run, cache.deferred = {"a", "b"}, {"b"}
    assert cache.reuse("b", set(), work) is None                       # a not decided yet
    (work / "a.state.json").write_text(state({"name": "renamed"}))
    assert cache.reuse("b", {"a"}, work) is None                       # a's outputs changed
    (work / "a.state.json").write_text(state({"name": "a"}).replace('"t"', '"later"'))
    report = cache.reuse("b", {"a"}, work)                             # same outputs, recorded later
    assert report is not None and report.cached and report.stack == "b"
    assert (work / "b.state.json").read_text() == '{"b": 1}\n'            # the bytes kept, as they were
