"""policies.core.iam.per_role: an Azure role's functions remembered per role give what judging the role
afresh gives (every built-in role, odd custom ones), and each call a set of its own."""

from __future__ import annotations

import pytest

from policies.core.iam.azure import builtin_roles, functions_of

judged_afresh = functions_of.__wrapped__

CUSTOM = [
    [{"actions": ["*"], "notActions": ["Microsoft.Authorization/*/write"]}],
    [{"actions": ["Microsoft.Sql/servers/*"]}, {"dataActions": ["Microsoft.KeyVault/vaults/keys/*"]}],
    [{"actions": "Microsoft.Storage/storageAccounts/write"}],      # a string: matched letter by letter
    [{"actions": [1.0, None, True]}],
    [{"actions": ["microsoft.sql/SERVERS/write"], "notActions": None}],
    [{"dataActions": {"Microsoft.KeyVault/managedHsm/keys/create": 1}}],   # a mapping: its keys
    [],
]


def _roles() -> list[list[dict]]:
    keys = ("actions", "notActions", "dataActions", "notDataActions")
    return [[{k: r.get(k, []) for k in keys}] for r in builtin_roles().values()] + CUSTOM


def test_remembered_equals_judged_afresh() -> None:
    for perms in _roles() * 2:          # the second pass answers from what the first remembered
        assert functions_of(perms) == judged_afresh(perms), perms


def test_each_call_gets_its_own_set() -> None:
    perms = CUSTOM[0]
    first = functions_of(perms)
    first.add("changed by the caller")
    assert functions_of(perms) == judged_afresh(perms)


def test_a_role_that_cannot_be_read_fails_as_before() -> None:
    for perms in ([{"actions": 5}], ["not a mapping"]):
        with pytest.raises((TypeError, AttributeError)) as afresh:
            judged_afresh(perms)
        with pytest.raises(type(afresh.value), match=str(afresh.value)):
            functions_of(perms)
