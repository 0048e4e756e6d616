"""The controls catalogue: valid, every reference resolves, every rule serves a control, every requirement
line of the legal digest is covered, and every quote is verbatim in its seed."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from policies.catalogue import CATALOGUE_FILE, CatalogueError, load_catalogue, parse_catalogue
from policies.rules import all_rules

SHARED = Path(__file__).resolve().parents[3] / "shared"
REQUIREMENTS = SHARED / "requirements.md"
SEEDS = SHARED / "seeds"
needs_shared = pytest.mark.skipif(not REQUIREMENTS.is_file(), reason="legal digest not available")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "").replace("*", "")).strip()


def requirement_lines() -> list[str]:
    """Every requirement item of the digest from '## The system' on (bullets, numbered items, paragraphs)."""
    items: list[str] = []
    started = False
    previous = ""
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            started = started or line.startswith("## The system")
            previous = ""
            continue
        if started and line.strip():
            if (
                re.match(r"^(- |\d+\. )", line)
                or not previous.strip()
                or (
                    not line.startswith(" ") and (previous.rstrip().endswith(".") or previous.startswith(" "))
                )
            ):
                items.append(re.sub(r"^(- |\d+\. )", "", line.strip()))
            else:
                items[-1] += " " + line.strip()
        previous = line
    return [_norm(i) for i in items]


def test_catalogue_loads_and_ids_unique():
    cat = load_catalogue()
    assert len(cat.controls) == len({c.id for c in cat.controls}) >= 40
    assert cat.control("LOC-01").kind == "technical"


@needs_shared
def test_every_requirement_line_is_covered_once_or_more():
    lines = requirement_lines()
    assert len(lines) >= 40
    prefixes = [_norm(c.requirement) for c in load_catalogue().controls]
    uncovered = [line for line in lines if not any(line.startswith(p) for p in prefixes)]
    assert uncovered == []
    dangling = [p for p in prefixes if not any(line.startswith(p) for line in lines)]
    assert dangling == []


@needs_shared
def test_quotes_are_verbatim_in_their_seeds():
    seeds = {p.name: _norm(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    for c in load_catalogue().controls:
        for s in c.sources:
            assert _norm(s.quote) in seeds[s.seed_file], (c.id, s.quote)


def test_rule_references_resolve_both_ways():
    cat = load_catalogue()
    ids = {c.id for c in cat.controls}
    for r in all_rules():
        served = {c.id for c in cat.controls_for_rule(r.id)}
        assert served, f"{r.id} serves no control"
        assert set(r.controls) <= ids, r.id
        assert set(r.controls) == served, (r.id, set(r.controls) ^ served)


def test_component_references_resolve():
    for c in load_catalogue().controls:
        for ref in c.components:
            module, _, cls = ref.rpartition(".")
            assert hasattr(importlib.import_module(module), cls), ref


def test_bad_catalogue_names_file_and_key():
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    data["controls"][2]["kind"] = "legal"
    with pytest.raises(CatalogueError, match=r"^f\.yaml: controls\[2\]\.kind: 'legal' is not one of"):
        parse_catalogue(data, "f.yaml")
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    data["controls"][1]["clauses"][0]["means"][0]["rule"] = "require-nothing"
    with pytest.raises(
        CatalogueError, match=r"controls\[1\]\.clauses\[0\]\.means\[0\]\.rule: unknown rule 'require-nothing'"
    ):
        parse_catalogue(data, "f.yaml", {r.id for r in all_rules()})
