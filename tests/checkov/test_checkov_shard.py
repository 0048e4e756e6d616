"""checkov sharded, cached and through the driver gives the results of one plain checkov run."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from checkov_states import checkpoint, scenarios
from gate.checkov import parallel, processes, runner, terraform, toolenv
from gate.checkov.cache import ResultCache
from gate.checkov.parallel import FRAMEWORKS, Document, scan_documents
from gate.checkov.shard import arm_components, deal, merge_terraform, terraform_components
from gate.errors import GateError


def documents(states: dict[str, dict[str, Any]], tmp: Path) -> list[Document]:
    return [d for stack, state in states.items()
            for d in runner.export_stack(stack, state, tmp / stack).documents]


def flat(reports: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Each result as (framework, outcome, stack, file name, resource, check id, check name): a shard
    directory holds `<stack>/<chunk>/<file>`, the gate's reports say `/<stack>/<file>`."""
    return [(r["check_type"], key, Path(c["file_path"]).parts[1], Path(c["file_path"]).name, c["resource"],
             c["check_id"], c["check_name"])
            for r in reports for key in ("failed_checks", "passed_checks") for c in r["results"][key]]


def aws_plan(tmp: Path) -> dict[str, Any]:
    return terraform.export(scenarios()["aws-cases"]).plan


def test_components_follow_references(tmp_path: Path) -> None:
    plan = aws_plan(tmp_path)
    parts = terraform_components(plan)
    linked = next(p for p in parts if "aws_s3_bucket.bucket-blocked" in p.addresses)
    # the bucket, its public access block and its encryption config (which also references a key)
    assert set(linked.addresses) == {"aws_s3_bucket.bucket-blocked",
                                     "aws_s3_bucket_public_access_block.bucket-blocked-pab",
                                     "aws_s3_bucket_server_side_encryption_configuration.bucket-blocked-sse",
                                     "aws_kms_key.key-rotating"}
    assert all(p.size == 1 for p in parts if p is not linked)
    whole = merge_terraform(plan, parts)
    for key in ("planned_values", "resource_changes", "configuration"):
        assert sorted(json.dumps(x, sort_keys=True) for x in _items(whole, key)) == \
            sorted(json.dumps(x, sort_keys=True) for x in _items(plan, key))


def _items(plan: dict[str, Any], key: str) -> list[Any]:
    if key == "resource_changes":
        return plan[key]
    return plan[key]["root_module"]["resources"]


def test_arm_template_with_links_stays_whole() -> None:
    resources = [{"type": "Microsoft.Web/sites", "name": "a", "properties": {}},
                 {"type": "Microsoft.Web/sites", "name": "b", "properties": {}}]
    assert [p.addresses for p in arm_components({"resources": resources})] == \
        [("Microsoft.Web/sites.a",), ("Microsoft.Web/sites.b",)]
    resources[1]["dependsOn"] = ["a"]
    assert [p.addresses for p in arm_components({"resources": resources})] == \
        [("Microsoft.Web/sites.a", "Microsoft.Web/sites.b")]


def test_deal_balances_by_size() -> None:
    assert deal([5, 1, 1, 1, 1, 1], 2) == [[0], [1, 2, 3, 4, 5]]
    assert deal([1, 1], 5) == [[0], [1]]


def _scan(states: dict[str, dict[str, Any]], tmp: Path, run: Any, cache: Path | None = None,
          shards: int | None = None) -> list[dict[str, Any]]:
    store = ResultCache(cache, FRAMEWORKS) if cache is not None else None
    return scan_documents(documents(states, tmp), tmp, run, cache=store, shards=shards)


def _fake_checkov(scanned: list[set[str]]) -> Any:
    """A stand-in for run_checkov: every resource it is given passes one check; `scanned` learns which."""
    def fake(directory: Path) -> list[dict[str, Any]]:
        found: set[str] = set()
        reports = []
        for fw, suffix in (("terraform_plan", ".tfplan.json"), ("arm", ".arm.json")):
            checks = []
            for f in sorted(directory.rglob(f"*{suffix}")):
                doc = json.loads(f.read_text())
                if fw == "terraform_plan":
                    addresses = [r["address"] for r in doc["planned_values"]["root_module"]["resources"]]
                else:
                    addresses = [f"{r['type']}.{r['name']}" for r in doc["resources"]]
                found |= set(addresses)
                checks += [{"check_id": "CKV_X_1", "check_name": "x", "resource": a, "severity": None,
                            "file_path": f"/{f.relative_to(directory)}"} for a in addresses]
            reports.append({"check_type": fw, "results": {"failed_checks": [], "passed_checks": checks}})
        scanned.append(found)
        return reports
    return fake


def test_cache_answers_unchanged_components_and_rescans_only_the_changed_one(tmp_path: Path) -> None:
    states = scenarios()
    scanned: list[set[str]] = []
    fake = _fake_checkov(scanned)
    cache = tmp_path / "cache"
    first = _scan(states, tmp_path / "a", fake, cache)
    again = _scan(states, tmp_path / "b", lambda d: pytest.fail("nothing changed: nothing to scan"), cache)
    assert again == first
    states["aws-cases"]["deployment"]["resources"][1]["inputs"]["enableKeyRotation"] = True
    _scan(states, tmp_path / "c", fake, cache)
    assert scanned[-1] == {"aws_kms_key.key-no-rotation"}
    # a change to a connected resource rescans its whole component
    states["aws-cases"]["deployment"]["resources"][2]["inputs"]["enableKeyRotation"] = False
    _scan(states, tmp_path / "d", fake, cache)
    assert scanned[-1] == {"aws_kms_key.key-rotating", "aws_s3_bucket.bucket-blocked",
                           "aws_s3_bucket_public_access_block.bucket-blocked-pab",
                           "aws_s3_bucket_server_side_encryption_configuration.bucket-blocked-sse"}


def test_other_checkov_version_or_stack_misses(tmp_path: Path) -> None:
    a = ResultCache(tmp_path, FRAMEWORKS)
    a.save("s", "s.tfplan.json", {"k": [{"check_id": "CKV_X_1"}]})
    assert ResultCache(tmp_path, FRAMEWORKS).lookup("s", "s.tfplan.json", "k") == [{"check_id": "CKV_X_1"}]
    assert ResultCache(tmp_path, FRAMEWORKS).lookup("t", "t.tfplan.json", "k") is None
    assert ResultCache(tmp_path, ("terraform_plan",)).lookup("s", "s.tfplan.json", "k") is None


def _bigger_states() -> dict[str, dict[str, Any]]:
    states = scenarios()
    many = [("aws:kms/key:Key", f"key{i}", {"enableKeyRotation": bool(i % 2)}) for i in range(12)]
    states["aws-many"] = checkpoint("aws-many", many, deps={f"key{i}": {"policy": [f"key{i - 1}"]}
                                                           for i in range(1, 12, 3)})
    return states


@pytest.mark.slow
def test_sharded_equals_single_run_and_plain_checkov(tmp_path: Path) -> None:
    states = _bigger_states()
    single = _scan(states, tmp_path / "one", runner.run_checkov, shards=1)
    with pytest.MonkeyPatch.context() as mp:   # several files per stack and shard, too
        mp.setattr(parallel, "CHUNK", 3)
        sharded = _scan(states, tmp_path / "three", runner.run_checkov, shards=3)
    assert len(list((tmp_path / "three" / ".shards").glob("*/aws-many/*/aws-many.tfplan.json"))) > 3
    assert sharded == single
    assert {c[5] for c in flat(single)} >= {"CKV2_AWS_6", "CKV_AWS_7", "CKV_AZURE_42"}   # graph + resource
    # the driver answers what the checkov command answers
    cli = _plain_checkov(tmp_path / "one" / ".shards" / "0")
    known = {c[4] for c in flat(single)}
    assert sorted(flat(single)) == sorted(c for c in flat(cli) if c[4] in known)


def _plain_checkov(directory: Path) -> list[dict[str, Any]]:
    checkov = toolenv.ensure().parent / "checkov"
    env = {**os.environ, "LOG_LEVEL": "ERROR", "BC_SKIP_MAPPING": "TRUE", "CKV_NO_TELEMETRY": "1",
           "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    done = subprocess.run([str(checkov), "-d", str(directory), "--framework", *FRAMEWORKS, "-o", "json",
                           "--compact", "--skip-download", "--soft-fail"], capture_output=True, text=True,
                          env=env, cwd=directory, check=True)
    data = json.loads(done.stdout)
    return data if isinstance(data, list) else [data]


def test_unchanged_state_is_answered_whole_without_export_or_scan(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    states = scenarios()
    scanned: list[set[str]] = []
    cache = tmp_path / "cache"
    first = runner.scan_stacks(states, tmp_path / "a", cache_dir=cache, run=_fake_checkov(scanned))
    entries = sorted(cache.rglob("*.json"))
    written = {p: p.stat().st_mtime_ns for p in entries}

    def no(*_: Any) -> Any:
        raise AssertionError("an unchanged state is neither exported nor scanned, no checkov starts")
    monkeypatch.setattr(runner, "export_stack", no)
    monkeypatch.setattr(processes.Driver, "__init__", no)
    again = runner.scan_stacks(states, tmp_path / "b", cache_dir=cache)
    assert again == first
    views = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "checkov").rglob("*.json")
                   if ".shards" not in p.parts)
    assert views and views == sorted(p.relative_to(tmp_path / "b")
                                     for p in (tmp_path / "b" / "checkov").rglob("*.json"))
    assert all((tmp_path / "a" / v).read_bytes() == (tmp_path / "b" / v).read_bytes() for v in views)
    assert {p: p.stat().st_mtime_ns for p in entries} == written    # nothing rewritten
    # one stack changed: only it is exported again, only its changed component scanned
    monkeypatch.undo()
    states["aws-cases"]["deployment"]["resources"][1]["inputs"]["enableKeyRotation"] = True
    runner.scan_stacks(states, tmp_path / "c", cache_dir=cache, run=_fake_checkov(scanned))
    assert scanned[-1] == {"aws_kms_key.key-no-rotation"}
    assert len(list(cache.rglob("*.json"))) == len(entries)     # replaced, not added: no growth


@pytest.mark.slow
def test_early_driver_scans_like_a_plain_one_and_an_unused_one_is_ended(tmp_path: Path) -> None:
    states = _bigger_states()
    plain = runner.scan_stacks(states, tmp_path / "plain", run=runner.run_checkov)
    early = runner.scan_stacks(states, tmp_path / "early")      # first driver started before the export
    assert early == plain and any(s.violations for s in early.values())
    drivers = processes.Drivers(tmp_path / "logs", FRAMEWORKS, 60)
    drivers.prestart()
    proc = drivers._driver.proc if drivers._driver else None
    drivers.close()
    assert proc is not None and proc.poll() is not None


@pytest.mark.slow
def test_stacks_scanned_as_they_come_by_one_driver_equal_one_scan_of_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`gate preview` scans each stack once it is recorded (gate.checkov.pipeline): the findings are
    those of one scan of every stack, and the run imports checkov once (every scan a fork of it)."""
    from gate.checkov.pipeline import StackScans

    states = _bigger_states()
    plain = runner.scan_stacks(states, tmp_path / "plain", run=runner.run_checkov)
    started: list[Path | None] = []
    start = processes.Driver.__init__

    def counted(self: processes.Driver, logs: Path | None) -> None:
        started.append(logs)
        start(self, logs)
    monkeypatch.setattr(processes.Driver, "__init__", counted)
    scans = StackScans(tmp_path / "piped", 300)
    for stack, state in states.items():
        scans.add(stack, state)
    assert scans.result() == plain and any(s.violations for s in plain.values())
    assert len(started) == 1 and len(states) > 1
    # waivers are read when the verdict is made, not when a scan ends: the hook reads the records the
    # gate points the packs to (GATE_RECORDS_DIR) only while it judges
    (stack, first), = [(s, r.violations[0]) for s, r in plain.items() if r.violations][:1]
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "waiving.py").write_text(
        "import datetime, os, types\n"
        "def load(stack, on):\n"
        "    w = types.SimpleNamespace(rule=os.environ.get('TEST_WAIVE_RULE', ''), reason='decided',\n"
        "        resource=os.environ.get('TEST_WAIVE_URN', ''), owner='team',\n"
        "        expires=datetime.date(2026, 1, 1))\n"
        "    return types.SimpleNamespace(waivers=[w])\n")
    scans = StackScans(tmp_path / "waived", 300, waivers="waiving:load", hook_dir=tmp_path / "hooks")
    for s, state in states.items():
        scans.add(s, state)
    concurrent.futures.wait(list(scans._scans.values()))
    monkeypatch.setenv("TEST_WAIVE_RULE", first.policy)
    monkeypatch.setenv("TEST_WAIVE_URN", first.urn)
    waived = [v for v in scans.result()[stack].violations if (v.policy, v.urn) == (first.policy, first.urn)]
    assert waived and all(v.level == "advisory" and v.message.startswith("[waived") for v in waived)
    with pytest.raises(GateError, match="ended before it ran"):   # closed: no driver starts after the run
        scans.drivers.prestart()


def test_a_stack_whose_check_fails_fails_the_scans_and_starts_no_checkov(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.checkov.pipeline import StackScans

    def refuse(stack: str, state: Any) -> None:
        raise GateError(f"stack {stack} (recorded): not a checkpoint")
    monkeypatch.setattr(processes.Driver, "__init__", lambda *a: pytest.fail("checkov must not start"))
    scans = StackScans(tmp_path, 300, check=refuse)
    scans.add("aws-cases", scenarios()["aws-cases"])
    with pytest.raises(GateError, match=r"aws-cases \(recorded\): not a checkpoint"):
        scans.result()
