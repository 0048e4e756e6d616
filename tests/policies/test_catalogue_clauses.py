"""Clauses of the controls catalogue: every technical clause has a means, every reference resolves."""

from __future__ import annotations

import copy
import importlib
import json
import re
from pathlib import Path

import pytest
import yaml

from policies.catalogue import CATALOGUE_FILE, RECORD_KINDS, CatalogueError, load_catalogue, parse_catalogue
from policies.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]
LIVE = ROOT / "scripts" / "evidence" / "live"
TARGETS = ROOT / "scripts" / "gate" / "checkov" / "data" / "targets.json"
RULES = {r.id: r for r in all_rules()}


def _data() -> dict:
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


def _index(data: dict, cid: str) -> int:
    return next(i for i, c in enumerate(data["controls"]) if c["id"] == cid)


def test_every_control_has_clauses_and_every_clause_a_means() -> None:
    for c in load_catalogue().controls:
        assert c.clauses, c.id
        for clause in c.clauses:
            assert clause.means, (c.id, clause.id)
        if c.kind == "technical":
            assert any(not cl.organisational for cl in c.clauses), c.id


def _rejected(cid: str, change, pattern: str) -> None:
    """`change(control)` on a copy of the catalogue makes the loader fail with `pattern`."""
    data = _data()
    change(data["controls"][_index(data, cid)])
    with pytest.raises(CatalogueError, match=pattern):
        parse_catalogue(data, "f.yaml", RULES)


def _only_organisational(control: dict) -> None:
    for clause in control["clauses"]:
        clause["means"] = [{"organisational": "someone's word for it"}]


@pytest.mark.parametrize(
    ("cid", "change", "pattern"),
    [
        (  # a technical clause without a means
            "LOC-03",
            lambda c: c["clauses"][0].update(means=[]),
            r"controls\[\d+\]\.clauses\[0\]\.means: \[\] should be non-empty",
        ),
        (
            "ENC-02",
            _only_organisational,
            r"technical control needs at least one clause established by a check",
        ),
        (  # a stack rule must say which resources the clause relies on it for
            "ENC-02",
            lambda c: c["clauses"][0]["means"][0].pop("types"),
            r"require-customer-managed-keys judges the whole stack",
        ),
        (  # a resource rule cannot be cited for a type it does not judge
            "LOC-03",
            lambda c: c["clauses"][0]["means"][0].update(types=["aws:s3/bucket:Bucket"]),
            r"require-eea-backups does not judge aws:s3/bucket:Bucket",
        ),
    ],
)
def test_the_loader_rejects(cid: str, change, pattern: str) -> None:
    _rejected(cid, change, pattern)


def test_bad_pattern_type_class_and_duplicate_clause_are_rejected() -> None:
    data = _data()
    i = _index(data, "LOC-03")
    bad = copy.deepcopy(data)
    bad["controls"][i]["clauses"][0]["means"][0]["messages"] = "("
    with pytest.raises(CatalogueError, match=r"messages: not a regular expression"):
        parse_catalogue(bad, "f.yaml", RULES)
    bad = copy.deepcopy(data)
    bad["controls"][i]["clauses"][2]["means"][0]["types"] = ["@nowhere"]
    with pytest.raises(CatalogueError, match=r"unknown type class '@nowhere'"):
        parse_catalogue(bad, "f.yaml", RULES)
    bad = copy.deepcopy(data)
    bad["controls"][i]["clauses"][1]["id"] = bad["controls"][i]["clauses"][0]["id"]
    with pytest.raises(CatalogueError, match=r"duplicate clause id"):
        parse_catalogue(bad, "f.yaml", RULES)


def _means(kind: str) -> list[tuple[str, str, object]]:
    return [
        (c.id, cl.id, m)
        for c in load_catalogue().controls
        for cl in c.clauses
        for m in cl.means
        if m.kind == kind
    ]


def test_rule_means_resolve_or_are_planned() -> None:
    for cid, clause, m in _means("rule"):
        assert m.ref in RULES or m.pending, (cid, clause, m.ref)


def test_component_means_resolve() -> None:
    refs = {m.ref for _, _, m in _means("component")} | {
        ref for c in load_catalogue().controls for ref in c.components
    }
    for ref in refs:
        module, _, cls = ref.rpartition(".")
        assert hasattr(importlib.import_module(module), cls), ref


def test_live_means_name_a_check_the_live_collectors_emit() -> None:
    emitted = set()
    for path in LIVE.glob("*.py"):
        emitted |= set(re.findall(r'"((?:aws|azure)\.[a-z0-9.-]+)"', path.read_text(encoding="utf-8")))
    for cid, clause, m in _means("live"):
        assert m.ref in emitted, (cid, clause, m.ref)


def test_checkov_and_record_means_resolve() -> None:
    targets = json.loads(TARGETS.read_text(encoding="utf-8"))
    known = set(targets["terraform"]) | set(targets["arm"])
    for cid, clause, m in _means("checkov"):
        assert m.ref in known, (cid, clause, m.ref)
    for cid, clause, m in _means("record"):
        assert m.ref in RECORD_KINDS, (cid, clause, m.ref)


def test_issue_21_controls_name_what_is_not_established_yet() -> None:
    cat = load_catalogue()
    assert {m.ref for cl in cat.control("LOC-03").clauses for m in cl.means} >= {"drill-report"}
    assert "require-controller-held-keys" in {m.ref for cl in cat.control("ENC-01").clauses for m in cl.means}
    # issue 17: LOG-05's other-team clause is established by a rule now, no longer organisational only
    (team,) = [cl for cl in cat.control("LOG-05").clauses if cl.id == "other-team"]
    assert {m.ref for m in team.means} == {"require-segregated-log-archive"}
