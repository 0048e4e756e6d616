"""PIA roles: every installed regional type has one, nothing listed is absent, and what the pack says it
judges is really read by one of its rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from policies.core.pia_control_types import PIA_CONTROLS
from policies.core.pia_types import (
    PIA_DATA_STORES,
    ROLES,
    ROLES_DIR,
    judged_elsewhere,
    load_roles,
    pia_role,
)
from policies.core.types import REGIONAL, class_of, load_classes, module_of
from policies.packs import PACKS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def regional() -> set[str]:
    return {t for t in load_classes().inventory if class_of(t) in REGIONAL}


def test_every_regional_type_has_a_role(regional):
    assert sorted(t for t in regional if pia_role(t) not in ROLES) == []


def test_every_listed_module_and_type_is_an_installed_regional_one(regional):
    modules, types, elsewhere = load_roles()
    assert sorted(set(modules) - {module_of(t) for t in regional}) == []
    assert sorted(set(types) - regional) == []
    assert sorted(set(elsewhere) - regional) == []
    assert set(modules.values()) | set(types.values()) <= ROLES


def test_no_override_repeats_its_module_and_nothing_is_listed_twice():
    modules, types, _ = load_roles()
    assert sorted(t for t, r in types.items() if modules.get(module_of(t)) == r) == []
    seen: list[str] = []
    for path in ROLES_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        seen += [*(data.get("modules") or {}), *(data.get("types") or {})]
        seen += [f"elsewhere {t}" for t in data.get("elsewhere") or {}]
    assert len(seen) == len(set(seen))


def test_judged_stores_are_stores_and_judged_controls_are_not():
    elsewhere = judged_elsewhere()
    assert sorted(t for t in PIA_DATA_STORES if pia_role(t) != "store") == []
    assert sorted(t for t in PIA_CONTROLS if pia_role(t) == "store") == []
    # a reason is for a type that would block without one, and it is said once
    assert sorted(t for t in elsewhere if pia_role(t) not in ("store", "control")) == []
    assert sorted(set(elsewhere) & (PIA_DATA_STORES | PIA_CONTROLS)) == []
    assert all(isinstance(why, str) and len(why) > 20 for why in elsewhere.values())


def _pack_modules() -> dict[str, Path]:
    """The source files of the pia-conditions rules and of every policies module they import."""
    seen: dict[str, Path] = {}

    def visit(mod: str) -> None:
        base = ROOT / mod.replace(".", "/")
        path = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if mod in seen or not path.is_file():
            return
        seen[mod] = path
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("policies"):
                visit(node.module)
                for alias in node.names:
                    visit(f"{node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("policies"):
                        visit(alias.name)

    for rule_id, _ in PACKS["pia-conditions"]:
        visit("policies.rules." + rule_id.replace("-", "_"))
    return seen


def test_every_judged_control_is_read_by_a_rule_of_the_pack():
    """PIA_CONTROLS cannot claim a type no rule names (the lists themselves, pia_types and pia_control_types,
    do not count)."""
    named: set[str] = set()
    for mod, path in _pack_modules().items():
        if mod in ("policies.core.pia_types", "policies.core.pia_control_types"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                named.add(node.value)
    assert sorted(PIA_CONTROLS - named) == []
