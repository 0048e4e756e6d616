"""Round-72 class (docs/pia-conditions.md, round 72). `<base />` before an API's token check runs the global
policy of its service first, so that policy is read as part of the API's `<inbound>` — and only a service the
stack creates has a global policy the stack can read; `<limit-concurrency>` runs its children in place and
`<cors>` answers preflight requests without data. Each test fails on the code before the round (the commit
of its cases)."""

from __future__ import annotations

import pytest
from ruletest import case, messages_of, only, patch, run

PUBLIC = "disallow-public-data-access"
JUDGEABLE = "require-judgeable-data-types"


@pytest.mark.parametrize("stem, element", [
    ("r72p-01", "send-request"), ("r72p-03", "cache-lookup"), ("r72p-12", "send-request"),
])
def test_the_global_policy_base_inserts_is_read_before_the_token_check(stem, element):
    """The stack's global policy answering first blocks on the API, naming the global policy and the element
    (inside `<limit-concurrency>` too, r72p-12)."""
    found = messages_of(run(PUBLIC, case(stem)), "api")
    assert any(f"global policy of its service runs <{element}>" in m for m in found), found


def test_base_in_a_service_the_stack_does_not_create_blocks():
    only(run(PUBLIC, case("r72p-02")), "api", "which this stack does not create")


@pytest.mark.parametrize("stem", ["r72p-60", "r72p-63"])
def test_a_global_policy_checking_first_or_answering_only_preflights_is_judged_and_passes(stem):
    assert run(PUBLIC, case(stem)) == []
    assert run(JUDGEABLE, case(stem)) == []


def test_an_unreadable_global_policy_blocks_base_before_the_check():
    """A global policy fetched at deployment cannot be placed before the API's check (closed world)."""
    linked = patch(case("r72p-60"), "global-policy", format="xml-link", value="https://policies.example/g.xml")
    assert any("global policy" in m for m in messages_of(run(PUBLIC, linked), "api"))


def test_limit_concurrency_is_read_as_its_children():
    found = messages_of(run(PUBLIC, case("r72p-10")), "api")
    assert "runs <send-request> before its token check" in " ".join(found)
    assert run(PUBLIC, case("r72p-62")) == []


def test_cors_stands_before_the_check_only_with_its_own_elements():
    assert run(PUBLIC, case("r72p-61")) == []
    assert "runs <cors> before its token check" in " ".join(messages_of(run(PUBLIC, case("r72p-11")), "api"))
