"""The per-resource memo of the exported views (gate.checkov.views): a stack's next state reuses what the
last one derived from its unchanged resources, and nothing else. Every change of an input the export
reads rescans what it touches, and each run's findings and views equal a plain, uncached, unsharded
run's (a stand-in checkov whose answers depend on the scanned text, so a stale reuse would show)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from checkov_states import urn
from gate.checkov import arm, runner, terraform
from gate.checkov.cache import ResultCache, fast_digest
from gate.checkov.parallel import FRAMEWORKS
from gate.checkov.shard import arm_components, terraform_components
from test_checkov_shard import _bigger_states

States = dict[str, dict[str, Any]]


def _content_checkov(scanned: list[set[str]]) -> Callable[[Path], list[dict[str, Any]]]:
    """A stand-in for checkov whose results depend on what it reads: per resource CKV_X_1 fails when its
    block holds `false`, CKV2_X_2 when it references another resource or nests a child setting."""
    def fake(directory: Path) -> list[dict[str, Any]]:
        reports, found = [], set()
        for fw, suffix in (("terraform_plan", ".tfplan.json"), ("arm", ".arm.json")):
            out: dict[str, list[dict[str, Any]]] = {"failed_checks": [], "passed_checks": []}
            for f in sorted(directory.rglob(f"*{suffix}")):
                for address, block, linked in _blocks(json.loads(f.read_text()), fw):
                    found.add(address)
                    for ckv, bad in (("CKV_X_1", "false" in json.dumps(block)), ("CKV2_X_2", linked)):
                        out["failed_checks" if bad else "passed_checks"].append(
                            {"check_id": ckv, "check_name": ckv.lower(), "resource": address,
                             "severity": None, "file_path": f"/{f.relative_to(directory)}"})
            reports.append({"check_type": fw, "results": out})
        scanned.append(found)
        return reports
    return fake


def _blocks(doc: dict[str, Any], framework: str) -> list[tuple[str, Any, bool]]:
    if framework == "arm":
        return [(f"{b['type']}.{b['name']}", b, "resources" in b) for b in doc["resources"]]
    config = {c["address"]: c for c in doc["configuration"]["root_module"]["resources"]}
    return [(b["address"], b, bool(config[b["address"]]["expressions"]))
            for b in doc["planned_values"]["root_module"]["resources"]]


def _plain_views(stack: str, state: dict[str, Any]) -> dict[str, tuple[str, list[tuple[Any, str]]]]:
    """What the export was before the memo: whole documents, cut by gate.checkov.shard."""
    out = {}
    tf, az = terraform.export(state), arm.export(state)
    for name, doc, urns, cut in ((f"{stack}.tfplan.json", tf.plan, tf.urns, terraform_components),
                                 (f"{stack}.arm.json", az.template, az.urns, arm_components)):
        if urns:
            text = json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n"
            out[name] = (text, [(c.addresses, fast_digest(c.document)) for c in cut(doc)])
    return out


def _views(export: runner.StackExport) -> dict[str, tuple[str, list[tuple[Any, str]]]]:
    return {d.name: (export.files[d.name], [(c.addresses, c.key or fast_digest(c.document))
                                            for c in d.components()]) for d in export.documents}


def test_views_with_any_memo_equal_a_plain_export(tmp_path: Path) -> None:
    states = _bigger_states()
    other = _changed(states)
    for stack, state in states.items():
        fresh = runner.export_stack(stack, state, tmp_path / "a" / stack)
        assert _views(fresh) == _plain_views(stack, state)
        again = runner.export_stack(stack, state, tmp_path / "b" / stack, fresh.memo)   # all reused
        assert _views(again) == _plain_views(stack, state) and again.memo == fresh.memo
        mixed = runner.export_stack(stack, other[stack], tmp_path / "c" / stack, fresh.memo)
        assert _views(mixed) == _plain_views(stack, other[stack])
        built = [c for d in again.documents for c in d.components()]
        assert all(c._document is None for c in built)       # known components were not even built
        assert [c.document for c in built] == [c.document for d in fresh.documents for c in d.components()]


def _resource(states: States, stack: str, name: str) -> dict[str, Any]:
    return next(r for r in states[stack]["deployment"]["resources"] if r["urn"].endswith(f"::{name}"))


def _changed(states: States) -> States:
    """One change of every kind the export reads, for the equality test above."""
    out = copy.deepcopy(states)
    _resource(out, "aws-cases", "key-no-rotation")["inputs"]["enableKeyRotation"] = True
    key7 = urn("aws-many", "aws:kms/key:Key", "key7")
    _resource(out, "aws-many", "key4")["propertyDependencies"] = {"policy": [key7]}
    _resource(out, "azure-cases", "sql-audited-audit")["inputs"]["retentionDays"] = 1
    return out


def _mutations() -> list[tuple[str, Callable[[States], None], set[str]]]:
    """(what changes, how, the addresses that must be scanned again at least)."""
    def value(s: States) -> None:
        _resource(s, "aws-cases", "key-no-rotation")["inputs"]["enableKeyRotation"] = True

    def link(s: States) -> None:     # key-no-rotation now references key-rotating: one component
        res = _resource(s, "aws-cases", "key-no-rotation")
        res["propertyDependencies"] = {"policy": [_resource(s, "aws-cases", "key-rotating")["urn"]]}

    def rename(s: States) -> None:   # another URN: another address
        res = _resource(s, "aws-cases", "key-no-rotation")
        res["urn"] = res["urn"].replace("::key-no-rotation", "::key-renamed")

    def order(s: States) -> None:
        resources = s["aws-many"]["deployment"]["resources"]
        resources[1], resources[2] = resources[2], resources[1]

    def removed(s: States) -> None:
        s["aws-many"]["deployment"]["resources"].pop(2)

    def shifted(s: States) -> None:    # a namesake first: key3 becomes key3_2, key4's reference with it
        resources = s["aws-many"]["deployment"]["resources"]
        twin = copy.deepcopy(_resource(s, "aws-many", "key3"))
        twin["urn"] = twin["urn"].replace("::aws:kms/key:Key::", "::other$aws:kms/key:Key::")
        twin["propertyDependencies"], twin["inputs"] = {}, {"enableKeyRotation": True}
        resources.insert(1, twin)

    def arm_name(s: States) -> None:   # the storage account's own name: another ARM name
        _resource(s, "azure-cases", "st-good")["inputs"]["accountName"] = "renamedaccount"

    def arm_shifted(s: States) -> None:   # a namesake first: st-good's account is now stgood-2
        twin = copy.deepcopy(_resource(s, "azure-cases", "st-good"))
        twin["urn"] += "-twin"
        s["azure-cases"]["deployment"]["resources"].insert(1, twin)

    def arm_child(s: States) -> None:   # a setting nested into its server: the server is rescanned
        _resource(s, "azure-cases", "sql-audited-audit")["inputs"]["retentionDays"] = 1

    def arm_link(s: States) -> None:    # a link function anywhere: the template is judged whole
        _resource(s, "azure-cases", "st-good")["inputs"]["customDomain"] = {"name": "reference('x')"}

    return [("value", value, {"aws_kms_key.key-no-rotation"}),
            ("link", link, {"aws_kms_key.key-no-rotation", "aws_s3_bucket.bucket-blocked"}),
            ("rename", rename, {"aws_kms_key.key-renamed"}),
            ("order", order, set()), ("removed", removed, set()),
            ("shifted", shifted, {"aws_kms_key.key3_2", "aws_kms_key.key4"}),
            ("arm name", arm_name, {"Microsoft.Storage/storageAccounts.renamedaccount"}),
            ("arm shifted", arm_shifted, {"Microsoft.Storage/storageAccounts.stgood-2"}),
            ("arm child", arm_child, {"Microsoft.Sql/servers.sql-a"}),
            ("arm link", arm_link, {"Microsoft.Storage/storageAccounts.stgood",
                                    "Microsoft.Sql/servers.sql-b"})]


def _check(states: States, tmp: Path, cache: Path, scanned: list[set[str]]) -> dict[str, Any]:
    """A cached scan; asserts it equals a plain uncached unsharded one, views included."""
    found = runner.scan_stacks(states, tmp / "cached", cache_dir=cache, run=_content_checkov(scanned))
    plain = runner.scan_stacks(states, tmp / "plain", shards=1, run=_content_checkov([]))
    assert found == plain
    for stack, state in states.items():
        for name, (text, _) in _plain_views(stack, state).items():
            assert (tmp / "cached" / "checkov" / stack / name).read_text() == text
    return found


@pytest.mark.parametrize("what", [m[0] for m in _mutations()])
def test_each_input_the_export_reads_changed_is_rescanned(tmp_path: Path, what: str) -> None:
    _, mutate, expected = next(m for m in _mutations() if m[0] == what)
    states, cache, scanned = _bigger_states(), tmp_path / "cache", []
    _check(states, tmp_path / "first", cache, scanned)
    mutate(states)
    scanned.clear()
    _check(states, tmp_path / "second", cache, scanned)
    assert expected <= (scanned[0] if scanned else set())


def test_a_damaged_memo_or_missing_component_results_rescan(tmp_path: Path) -> None:
    states, cache, scanned = _bigger_states(), tmp_path / "cache", []
    _check(states, tmp_path / "a", cache, scanned)
    store = ResultCache(cache, FRAMEWORKS)
    entry = store._path(store._stack_key("aws-cases"))
    head, value, memo = entry.read_bytes().split(b"\n")
    assert json.loads(memo) == store.stack_memo("aws-cases") != {}
    states["aws-cases"]["deployment"]["resources"][1]["inputs"]["enableKeyRotation"] = True
    entry.write_bytes(b"\n".join([head, value, b"{not json"]))        # unreadable: no memo, all exported
    assert store.stack_memo("aws-cases") == {}
    _check(states, tmp_path / "b", cache, scanned)
    # a memo of the wrong shape is no memo either
    broken = {name: {"units": {k: ["x"] for k in view["units"]},
                     "components": {k: 7 for k in view["components"]}}
              for name, view in store.stack_memo("aws-cases").items()}
    head, value, _ = entry.read_bytes().split(b"\n")
    entry.write_bytes(b"\n".join([head, value, json.dumps(broken).encode()]))
    states["aws-cases"]["deployment"]["resources"][1]["inputs"]["enableKeyRotation"] = False
    _check(states, tmp_path / "c", cache, scanned)
    # the memo knows every component but the component results are gone: they are scanned again
    for f in cache.rglob("*.json"):
        if f != entry and b'"state"' not in f.read_bytes()[:200]:
            f.unlink()
    states["aws-cases"]["deployment"]["resources"][1]["inputs"]["enableKeyRotation"] = True
    scanned.clear()
    _check(states, tmp_path / "d", cache, scanned)
    assert "aws_s3_bucket.bucket-blocked" in scanned[0]      # unchanged, but its results were gone


def test_memo_is_kept_per_scanner_identity(tmp_path: Path) -> None:
    store = ResultCache(tmp_path, FRAMEWORKS)
    value = {"files": {}, "outcome": {"failed": [], "runs": {}}}
    store.keep_stack_result("s", "d1", value, {"v": {"units": {}}})
    assert store.stack_memo("s") == {"v": {"units": {}}}
    assert ResultCache(tmp_path, ("terraform_plan",)).stack_memo("s") == {}    # another scanner: none
    assert store.stack_result("s", "d1") == value
