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


def _each(view, graph, ctx):
    return [f"saw {view.name}"] if view.name != "quiet" else []


def test_a_per_resource_stack_rule_derives_its_check_in_graph_order():
    from policies.core.view import ResourceView, StackGraph

    rule = Rule(**{**GOOD, "scope": "stack", "check": None, "each": _each})
    graph = StackGraph([ResourceView(type="aws:s3/bucket:Bucket", raw={}, urn=f"urn:{n}", name=n)
                        for n in ("a", "quiet", "b")])
    assert rule.check(graph, None) == [("urn:a", "saw a"), ("urn:b", "saw b")]


def test_a_resource_it_cannot_judge_fails_closed_on_its_own():
    from policies.core.view import ResourceView, StackGraph

    def each(view, graph, ctx):
        if view.name == "bad":
            raise ValueError("no idea")
        return ["ok"]

    rule = Rule(**{**GOOD, "scope": "stack", "check": None, "each": each})
    graph = StackGraph([ResourceView(type="t:m:T", raw={}, urn=f"urn:{n}", name=n) for n in ("bad", "good")])
    (u1, m1), (u2, m2) = rule.check(graph, None)
    assert (u1, u2, m2) == ("urn:bad", "urn:good", "ok")
    assert m1.startswith(f"rule {GOOD['id']} could not judge this resource (ValueError: no idea)")


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"each": _each}, "`each` is for a stack rule, and replaces its check"),  # resource scope
        ({"scope": "stack", "each": _each}, "`each` is for a stack rule, and replaces its check"),  # + check
        ({"scope": "stack", "prepare": lambda g, c: None}, "`prepare` builds indexes for `each`"),
    ],
)
def test_each_and_prepare_are_checked(extra, why):
    with pytest.raises(RuleDefinitionError, match=why):
        Rule(**{**GOOD, **extra})
