"""One resource changed since the last run: checkov is started before the state is read, scans only the
changed component, and the findings are those of a full, unsharded, uncached run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from checkov_states import scenarios
from gate import cli, state_load
from gate.checkov import cache as cache_module
from gate.checkov import processes, runner
from gate.checkov.cache import ResultCache
from gate.checkov.parallel import FRAMEWORKS
from test_checkov_shard import _bigger_states

PACK = Path(__file__).resolve().parents[1] / "gate" / "programs" / "packs" / "no-us-east"


def _scanned(workdir: Path) -> set[str]:
    """The resources the scan gave checkov (its shard files under `<workdir>/checkov/.shards`)."""
    found: set[str] = set()
    for f in (workdir / "checkov" / ".shards").rglob("*.tfplan.json"):
        plan = json.loads(f.read_text())["planned_values"]
        found |= {r["address"] for r in plan["root_module"]["resources"]}
    for f in (workdir / "checkov" / ".shards").rglob("*.arm.json"):
        found |= {f"{r['type']}.{r['name']}" for r in json.loads(f.read_text())["resources"]}
    return found


def _key5(scan: dict[str, Any]) -> set[str]:
    return {v.policy for v in scan["aws-many"].violations if v.urn.endswith("::key5")}


@pytest.mark.slow
def test_one_change_scans_its_component_only_and_equals_a_full_unsharded_run(tmp_path: Path) -> None:
    states = _bigger_states()      # the scenarios and a stack of 12 keys, some linked
    cache = tmp_path / "cache"
    first = runner.scan_stacks(states, tmp_path / "first", cache_dir=cache)
    assert "CKV_AWS_7" not in _key5(first)
    key = next(r for r in states["aws-many"]["deployment"]["resources"] if r["urn"].endswith("::key5"))
    key["inputs"]["enableKeyRotation"] = False      # key5 stands alone: no reference in or out
    changed = runner.scan_stacks(states, tmp_path / "changed", cache_dir=cache)
    assert _scanned(tmp_path / "changed") == {"aws_kms_key.key5"}
    full = runner.scan_stacks(states, tmp_path / "full", shards=1)
    assert changed == full
    assert "CKV_AWS_7" in _key5(changed)        # key rotation: now it fails


def _analyze(state: Path, tmp: Path, *extra: str) -> int:
    return cli.main(["analyze", "--state", str(state), "--policy-pack", str(PACK), "--format", "json",
                     "--cache-dir", str(tmp / "cache"), "--out", str(tmp / "out"), *extra])


@pytest.mark.slow
def test_analyze_starts_checkov_before_reading_the_state_and_ends_one_no_scan_took(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    events: list[str] = []
    drivers: list[processes.Driver] = []
    start, load = processes.Driver.__init__, state_load.load_state

    def started(self: processes.Driver, *args: Any, **kwargs: Any) -> None:
        start(self, *args, **kwargs)
        events.append("checkov")
        drivers.append(self)

    def loaded(*args: Any, **kwargs: Any) -> Any:
        events.append("load")
        return load(*args, **kwargs)

    monkeypatch.setattr(processes.Driver, "__init__", started)
    monkeypatch.setattr(state_load, "load_state", loaded)
    state = tmp_path / "aws.json"
    state.write_text(json.dumps(scenarios()["aws-cases"]))
    assert _analyze(state, tmp_path) == 1
    first = json.loads(capsys.readouterr().out)
    assert events == ["checkov", "load"]          # one driver, started first and taken by the scan
    assert any(v["pack"] == "checkov" for v in first["violations"])
    # unchanged: the cached answer needs no checkov; the early driver is ended, not left running
    events.clear()
    assert _analyze(state, tmp_path) == 1
    assert json.loads(capsys.readouterr().out) == first
    assert events == ["checkov", "load"] and not processes._EARLY
    assert all(d.proc.poll() is not None for d in drivers)
    # bad input and --no-checkov: ended / never started
    events.clear()
    state.write_text("{")
    assert _analyze(state, tmp_path) == 2
    assert not processes._EARLY and all(d.proc.poll() is not None for d in drivers)
    assert _analyze(state, tmp_path, "--no-checkov") == 2
    assert events.count("checkov") == 1
    assert all(d.logs is None for d in drivers)     # early drivers log to unnamed files: nothing left behind


def test_stack_entry_is_decided_on_its_first_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ResultCache(tmp_path, FRAMEWORKS)
    value = {"files": {"s.tfplan.json": "{\"a\":\"line\\nbreak\"}\n"}, "outcome": {"failed": [], "runs": {}}}
    cache.keep_stack_result("s", "digest-1", value)
    assert cache.stack_result("s", "digest-1") == value
    path = cache._path(cache._stack_key("s"))
    head, body = path.read_bytes().split(b"\n", 1)
    assert b"digest-1" in head and b"\n" not in body
    path.write_bytes(head + b"\n" + b"not json")
    assert cache.stack_result("s", "digest-1") is None          # unreadable: a miss
    path.write_bytes(head + b"\n" + body)
    loads = cache_module.orjson.loads
    parsed: list[int] = []
    monkeypatch.setattr(cache_module.orjson, "loads", lambda data: parsed.append(len(data)) or loads(data))
    assert cache.stack_result("s", "digest-2") is None          # another state: only the head is parsed
    assert parsed == [len(head) + 1]


def test_no_early_driver_without_checkov_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating checkov's environment stays the scan's job (after the state is read, as before)."""
    monkeypatch.setenv("GATE_CHECKOV_ENV", str(tmp_path / "no-env"))
    started: list[str] = []
    monkeypatch.setattr(processes.Driver, "__init__", lambda *a, **k: started.append("driver"))
    assert processes.early_driver(lambda: 7, lambda: True) == 7
    assert started == [] and not processes._EARLY
    assert not (tmp_path / "no-env").exists()


def test_starting_the_early_driver_imports_neither_the_runner_nor_the_sdk() -> None:
    """`gate analyze` starts checkov's driver right after its own imports: those stay light (the runner
    and the exporters load the Pulumi SDK's wire format, a fifth of a second)."""
    import subprocess
    import sys

    code = ("import sys, gate.cli, gate.checkov.processes\n"
            "print(sorted(m for m in ('gate.checkov.runner', 'pulumi') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    from gate.checkov import scan_stacks  # the package's names still load the runner on use
    assert scan_stacks is runner.scan_stacks
