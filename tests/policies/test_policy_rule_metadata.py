"""Rule metadata is validated at import: a bad rule cannot be loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.core.rule import Rule, RuleDefinitionError
from policies.rules import all_rules

GOOD = dict(
    id="require-something",
    title="Something is in the compliant state.",
    severity="high",
    remediation="Change the thing so it complies.",
    controls=("LOC-01",),
    check=lambda v, c: [],
    module="policies.rules.require_something",
)


def test_library_loads_with_unique_kebab_ids():
    rules = all_rules()
    assert len(rules) >= 18
    assert len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.module == f"policies.rules.{r.id.replace('-', '_')}"


def test_every_rule_has_its_own_test_file():
    """One file per rule, tests/policies/rules/test_<rule>.py: compliant fixture, one mutation per message."""
    here = Path(__file__).resolve().parent / "rules"
    missing = [r.id for r in all_rules() if not (here / f"test_{r.id.replace('-', '_')}.py").is_file()]
    assert missing == []


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("id", "RequireThing", "kebab-case verb phrase"),
        ("id", "make-thing", "kebab-case verb phrase"),
        ("module", "policies.rules.other", "module name must be require_something"),
        ("title", "Require the thing.", "compliant state, not an instruction"),
        ("title", "short", "sentence"),
        ("severity", "urgent", "severity must be one of"),
        ("remediation", "fix", "remediation"),
        ("controls", (), "controls"),
        ("controls", ("loc1",), "controls"),
        ("resource_types", frozenset({"Bucket"}), "resource_types"),
        ("scope", "global", "scope"),
    ],
)
def test_bad_metadata_raises(field, value, why):
    with pytest.raises(RuleDefinitionError, match=why):
        Rule(**{**GOOD, field: value})


def test_stack_rule_has_no_types():
    with pytest.raises(RuleDefinitionError, match="stack rule has no resource_types"):
        Rule(**{**GOOD, "scope": "stack", "resource_types": frozenset({"aws:s3/bucket:Bucket"})})
