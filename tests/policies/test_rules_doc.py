"""The README's rules table is generated from the rule metadata and must not go stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_rules_table_matches_the_rule_metadata() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rules_doc.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, f"README rules table is stale: run scripts/gen_rules_doc.py\n{run.stderr}"


def test_every_rule_has_a_row() -> None:
    from policies.rules import all_rules

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules:begin -->", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert [r.id for r in all_rules() if f"| `{r.id}` |" not in table] == []
