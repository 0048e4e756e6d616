"""The scanner remembers strings that hold no reference by text and key (`reference_text.QUIET`), across
resources and stacks of one process. A key whose reading depends on where it sits (`named_refs.path_bound`)
must not be remembered so: a `serverName` quiet in a job target group hid the same name as an elastic job
step's output server (r82-14, an evasion; r81-05 passed or failed with the order the test run took)."""

from __future__ import annotations

import pytest

from policies.core.reference_text import QUIET
from policies.core.references import scan


@pytest.fixture(autouse=True)
def _empty_quiet():
    QUIET.clear()   # each case starts from a process that has scanned nothing yet
    yield
    QUIET.clear()


@pytest.mark.parametrize("plain,placed,kind", [
    ({"members": [{"serverName": "partner-sql"}]}, {"output": {"serverName": "partner-sql"}}, "host"),
    ({"settings": {"accountName": "partnerstore"}},
     {"volumes": [{"storageAccount": {"accountName": "partnerstore"}}]}, "named"),
    ({"settings": {"vaultName": "partner-kv"}},
     {"properties": {"parameterValues": {"vaultName": "partner-kv"}}}, "named"),
    ({"settings": {"streamName": "partner-stream"}},
     {"firehose": {"streamName": "partner-stream"}}, "named"),
])
def test_a_string_quiet_at_one_path_is_still_read_where_it_names_a_resource(plain, placed, kind):
    alone = [r.kind for r in scan(placed)]
    assert kind in alone, alone   # what the placed key names when nothing was scanned before
    assert scan(plain) == []
    assert [r.kind for r in scan(placed)] == alone   # the same after the quiet one


def test_keys_read_the_same_everywhere_are_still_remembered():
    """The cache itself stays: a plain key's quiet string is remembered (the 100k figures rest on it)."""
    assert scan({"settings": {"color": "partner-sql"}}) == []
    assert ("partner-sql", "color", False) in QUIET
