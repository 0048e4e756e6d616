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
    ({"settings": {"serverName": "partner-sql"}}, {"output": {"serverName": "partner-sql"}}, "host"),
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


def _words() -> set[str]:
    """The strings named_refs and relays hold (keys and path parts they compare), and each path pattern
    (`members.<n>.serverName`) written out."""
    import ast
    import inspect
    import re

    from policies.core import named_refs, relays

    words: set[str] = set()
    for module in (named_refs, relays):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                    r"[A-Za-z_][\w.]{2,40}", node.value):
                words.add(node.value)
        for value in vars(module).values():
            if isinstance(value, re.Pattern) and r"\." in value.pattern:
                words.add(re.sub(r"\\d\+", "0", value.pattern).strip("^$").replace("\\.", "."))
    return words


def _probe_paths(key: str, words: set[str]) -> set[str]:
    return {key, f"settings.{key}", *(w for w in words if w.endswith(f".{key}")),
            *(f"{w}.{key}" for w in words), *(f"x.{w}.{key}" for w in words)}


def test_every_key_read_by_where_it_sits_is_path_bound():
    """Session 39's lead: the keys `named_ref` answers differently by path are derived from named_refs itself
    (its tables and the strings and path patterns it compares), not listed by hand: a key added later that is
    read only at some path fails here until `path_bound` names it."""
    from policies.core.named_refs import NAMED_REFS, named_ref, path_bound
    from policies.core.typed_places import CONNECTOR_NAMES

    words = _words()
    keys = {*NAMED_REFS, *CONNECTOR_NAMES, "workspaceId", "app__accountName",
            *(w for w in words if "." not in w and not w.isupper())}
    values = ("partnerstore", "partner-sql", "PartnerStore", "0f8fad5b-d9cb-469f-a165-70867728950e")
    moving = set()
    for key in keys:
        answers = {(v, named_ref(v, key, p)) for p in _probe_paths(key, words) for v in values}
        if len(answers) != len({v for v, _ in answers}):
            moving.add(key)
    assert {"serverName", "accountName", "vaultName", "username"} <= moving, moving  # the probe itself works
    assert [k for k in sorted(moving) if not path_bound(k)] == []
