"""Red-team round 73 of the residency pack: round 72's leads — a value in a region field that is no region
as written (under an Organizations operator too), and an AI services opt-out that policies below its target
could override (corpus: tests/corpus/residency/*/r73-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, REPLICATION, messages, pinned_res, res

NOT_A_REGION = ("names no region the pack knows", "is no region name as written")
OPT_IN = "may keep the content it processes and store it outside the region"
LOCK = {"@@operators_allowed_for_child_policies": ["@@none"]}


def _org_policy(kind, doc):
    content = json.dumps(doc)
    return pinned_res("aws:organizations/policy:Policy", "p", {"name": "p", "type": kind, "content": content})


def _backup(regions):
    rule = {"schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
            "target_backup_vault_name": {"@@assign": "b"}}
    return _org_policy("BACKUP_POLICY", {"plans": {"p": {"regions": regions, "rules": {"daily": rule}}}})


def messages_of(view):
    return messages(REPLICATION, view, ALLOWED)


def _refused(found):
    return bool(found) and all(any(n in m for n in NOT_A_REGION) for m in found)


@pytest.mark.parametrize("token", ["EU-WEST-1x", "*", "", "eu-west-1 ", " eu-west-1"])
@pytest.mark.parametrize("operator", ["@@assign", "@@append"])
def test_a_backup_plan_region_that_is_no_region_as_written_blocks(token, operator):
    assert _refused(messages_of(_backup({operator: ["eu-west-1", token]})))
    assert messages_of(_backup({operator: ["eu-west-1"]})) == []


@pytest.mark.parametrize("value", ["", "eu-west-1 ", "\teu-west-1"])
def test_any_region_field_holding_no_region_as_written_blocks(value):
    table = res("aws:dynamodb/table:Table", "t", {"name": "t", "replicas": [{"regionName": value}]})
    assert _refused(messages_of(table))
    ok = res("aws:dynamodb/table:Table", "t", {"name": "t", "replicas": [{"regionName": "eu-west-1"}]})
    assert messages_of(ok) == []


def _services(services_ops, default_ops, *, default=True):
    setting = {"opt_out_policy": {"@@assign": "optOut", **default_ops}}
    services = {"default" if default else "lex": setting, **services_ops}
    return _org_policy("AISERVICES_OPT_OUT_POLICY", {"services": services})


OPEN = [{}, {"@@operators_allowed_for_child_policies": ["@@all"]},
        {"@@operators_allowed_for_child_policies": ["@@assign"]}]


@pytest.mark.parametrize("ops", OPEN)
def test_an_ai_opt_out_that_a_policy_below_may_override_blocks(ops):
    for policy in (_services(ops, LOCK), _services(LOCK, ops)):
        found = messages_of(policy)
        assert len(found) == 1 and OPT_IN in found[0] and "policies below use" in found[0]


def test_an_ai_opt_out_naming_no_default_blocks_and_one_locked_everywhere_passes():
    found = messages_of(_services(LOCK, LOCK, default=False))
    assert len(found) == 1 and "names no `default`" in found[0]
    assert messages_of(_services(LOCK, LOCK)) == []
