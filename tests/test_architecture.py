"""The structure holds: imports run one way, no cycles, units that fit in a head (issue 20).

Layers (docs/architecture.md): stacks → components → shared data; policies/rules → policies/core → data;
the engine (`gate`, scripts/gate) imports nothing of the project; the evidence exporter reads gate outputs
and the policy catalogue. Sizes: a product module ≤ 400 lines, a function ≤ 80 lines.

What the codebase still owes is listed in tests/architecture_debt.txt, one violation per line. The list
only shrinks: a new violation fails, and so does a listed one that has been fixed (delete its line).
Regenerate the list with `scripts/uvw run --frozen python tests/test_architecture.py`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEBT = Path(__file__).with_name("architecture_debt.txt")
PACKAGES = {"components": REPO / "components", "stacks": REPO / "stacks", "policies": REPO / "policies",
            "gate": REPO / "scripts" / "gate", "evidence": REPO / "scripts" / "evidence"}
# What each layer may import of the project (the longest layer prefix of the importing module decides).
ALLOWED: dict[str, tuple[str, ...]] = {
    "stacks": ("stacks", "components", "policies.core.eea", "policies.data"),
    "components": ("components", "policies.core.eea", "policies.data"),
    "policies.rules": ("policies.rules", "policies.core", "policies.data"),
    "policies.core": ("policies.core", "policies.data"),
    "policies.catalogue": ("policies.catalogue", "policies.rules", "policies.core", "policies.data"),
    "policies": ("policies",),
    "gate": ("gate",),
    "evidence": ("evidence", "gate", "policies.catalogue", "policies.rules", "policies.core",
                 "policies.packs"),
}
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 80


def modules() -> dict[str, Path]:
    out = {}
    for name, root in PACKAGES.items():
        for path in sorted(root.rglob("*.py")):
            parts = [p for p in path.relative_to(root).with_suffix("").parts if p != "__init__"]
            out[".".join([name, *parts])] = path
    return out


def imports(module: str, path: Path, tree: ast.AST) -> set[str]:
    """Project modules `module` imports (lazy imports inside functions included)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    return {i for i in found if i.split(".")[0] in PACKAGES}


def violations() -> list[str]:
    mods = modules()
    trees = {m: ast.parse(p.read_text(encoding="utf-8")) for m, p in mods.items()}
    out: list[str] = []
    graph: dict[str, set[str]] = {}
    for m, p in mods.items():
        targets = imports(m, p, trees[m])
        layer = max((k for k in ALLOWED if m == k or m.startswith(k + ".")), key=len)
        out += [f"import: {m} -> {t}" for t in sorted(targets)
                if not any(t == a or t.startswith(a + ".") for a in ALLOWED[layer])]
        graph[m] = {t for t in targets if t in mods and t != m}
        lines = len(p.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            out.append(f"module: {m} has {lines} lines")
        out += [f"function: {m}.{n.name} has {n.end_lineno - n.lineno + 1} lines"
                for n in ast.walk(trees[m]) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    out += [f"cycle: {c}" for c in _cycles(graph)]
    return sorted(set(out))


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    """One entry per back edge found by a depth-first walk (a package importing its own submodule's
    importer counts: Python resolves it, a reader has to untangle it)."""
    state: dict[str, int] = {}
    found: list[str] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                found.append(" -> ".join([*path[path.index(t):], t]))
            elif t not in state:
                visit(t, [*path, t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return found


def _debt() -> list[str]:
    lines = DEBT.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_no_new_violation() -> None:
    assert sorted(set(violations()) - set(_debt())) == []


def test_debt_only_shrinks() -> None:
    """A violation that was fixed leaves the list, so it cannot come back unnoticed."""
    assert sorted(set(_debt()) - set(violations())) == []


def test_checker_finds_each_kind(tmp_path: Path) -> None:
    bad = ("import stacks\nfrom policies.rules import all_rules\n"
           + "def long():\n" + "    x = 1\n" * MAX_FUNCTION_LINES + "\n" * MAX_MODULE_LINES)
    tree = ast.parse(bad)
    path = tmp_path / "mod.py"
    assert imports("components.x", path, tree) >= {"stacks", "policies.rules", "policies.rules.all_rules"}
    assert _cycles({"a": {"b"}, "b": {"a"}}) == ["a -> b -> a"]


if __name__ == "__main__":
    header = "# Architecture debt (tests/test_architecture.py): fix a line, then delete it. Never add one.\n"
    DEBT.write_text(header + "\n".join(violations()) + "\n", encoding="utf-8")
    print(f"{DEBT}: {len(violations())} violations", file=sys.stderr)
