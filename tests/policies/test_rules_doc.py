"""docs/rules.md is generated from the rule metadata and must not go stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "scripts" / "dev" / "gen_rules_doc.py"


def _check(target: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = [str(target)] if target else []
    return subprocess.run([sys.executable, str(GENERATOR), "--check", *extra],
                          capture_output=True, text=True, check=False)


def test_rules_reference_matches_the_rule_metadata() -> None:
    run = _check()
    assert run.returncode == 0, f"docs/rules.md is stale: run scripts/dev/gen_rules_doc.py\n{run.stderr}"


def test_check_fails_on_a_stale_or_missing_file(tmp_path: Path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text((ROOT / "docs" / "rules.md").read_text().replace("require-tls-1-2", "require-tls-1-0"))
    assert _check(stale).returncode == 1
    assert _check(tmp_path / "absent.md").returncode == 1
    assert not (tmp_path / "absent.md").exists()


def test_every_rule_has_a_row() -> None:
    from policies.rules import all_rules

    table = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert [r.id for r in all_rules() if f"| `{r.id}` |" not in table] == []
