"""Round-75 class (docs/pia-conditions.md, round 75). A `Principal: *` grant is pinned only by a condition
that names the caller's account, organisation, source or network: `aws:userid` (a principal's unique id, of
no named account), a principal tag, `aws:SourceIdentity` or a negated account condition leaves it public.
Each test fails on the code before the round (its cases: 02079c3c)."""

from __future__ import annotations

import pytest
from ruletest import case, only, run

PUBLIC = "disallow-public-data-access"
OPEN = "allows anyone (Principal '*') without a condition pinning"


@pytest.mark.parametrize("stem, name", [
    ("r75p-01", "audit-policy"),
    ("r75p-04", "audit-policy"),
    ("r75p-06", "audit-policy"),
    ("r75p-07", "audit-policy"),
    ("r75p-08", "key"),
])
def test_a_user_id_pins_no_caller(stem, name):
    only(run(PUBLIC, case(stem)), name, OPEN)


@pytest.mark.parametrize("stem", ["r75p-50", "r75p-51", "r75p-52"])
def test_the_own_account_or_endpoint_still_pins(stem):
    assert run(PUBLIC, case(stem)) == []
