"""Write the README's rules table from the rule metadata (so rules are documented once, in code).

Usage: uv run python scripts/gen_rules_doc.py [--check] [README]
Replaces the text between `<!-- rules:begin -->` and `<!-- rules:end -->` in README (default: README.md)
and prints the table. With --check, exits 1 when the README is out of date (CI). Without the markers,
only prints the table.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"


def _sources(rule_id: str) -> str:
    from policies.catalogue import load_catalogue

    cat = load_catalogue()
    seen: list[str] = []
    for c in cat.controls_for_rule(rule_id):
        for s in c.sources:
            ref = f"{s.doc} {s.paragraph}"
            if ref not in seen:
                seen.append(ref)
    return "; ".join(seen)


def table() -> str:
    """The Markdown table: pack, rule id, what it checks, severity, controls, legal sources."""
    from policies.packs import PACKS
    from policies.rules import all_rules

    pack_of: dict[str, list[str]] = {}
    for pack, chosen in PACKS.items():
        for rid, level in chosen:
            pack_of.setdefault(rid, []).append(f"{pack} ({level})")
    lines = [
        "| Rule | Pack | Compliant state (what is checked) | Severity | Controls | Legal source |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(all_rules(), key=lambda r: (pack_of.get(r.id, ["~"])[0], r.id)):
        scope = "stack" if r.scope == "stack" else "resource"
        lines.append(
            f"| `{r.id}` | {', '.join(pack_of.get(r.id, ['-']))} | {r.title} ({scope}) | "
            f"{r.severity} | "
            f"{', '.join(r.controls)} | {_sources(r.id)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    readme = Path(args[0]) if args else ROOT / "README.md"
    text = table()
    print(text, end="")
    if not readme.is_file():
        return 0
    content = readme.read_text(encoding="utf-8")
    if BEGIN not in content or END not in content:
        print(f"{readme}: no {BEGIN} / {END} markers; table printed only", file=sys.stderr)
        return 0
    head, rest = content.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{BEGIN}\n{text}{END}{tail}"
    if check:
        if updated != content:
            print(f"{readme}: rules table is out of date; run scripts/gen_rules_doc.py", file=sys.stderr)
            return 1
        return 0
    if updated != content:
        readme.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
