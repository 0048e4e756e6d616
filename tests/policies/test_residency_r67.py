"""Red-team round 67 of the residency pack: two decisions of round 66 that knowingly let an aim pass (a
service update turning Service Connect on with its own log configuration, a custom key store's proxy set
anew) and NFS writes granted on a pattern (corpus: tests/corpus/residency/*/r67-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import AIMS, ALLOWED, RESOLVED, allow, graph, messages, role_policy

from components.aws import policy
from components.aws.role_specs import role_specs

OWN = "123456789012"
NARROW = {"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}
SERVICES = f"arn:aws:ecs:eu-west-1:{OWN}:service/dosis-*"


def _found(*statements) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(role_policy(*statements)), ALLOWED)]


def _aims(*statements) -> bool:
    found = _found(*statements)
    return len(found) == 1 and AIMS in found[0]


@pytest.mark.parametrize("condition", [
    None,
    {"StringEquals": {"ecs:enable-service-connect": "true"}},
    {"StringEquals": {"ecs:enable-service-connect": ["false", "true"]}},
    {"StringLike": {"ecs:enable-service-connect": "f*"}},  # a pattern is no pin the pack reads
    {"ForAnyValue:StringEquals": {"ecs:enable-service-connect": "false"}},
    {"StringEquals": {"ecs:cluster": f"arn:aws:ecs:eu-west-1:{OWN}:cluster/dosis"}},
])
def test_a_service_update_aims_unless_service_connect_is_pinned_off(condition):
    assert _aims(allow("ecs:UpdateService", SERVICES, condition))


def test_a_service_update_pinned_off_passes_whether_or_not_the_request_carries_the_setting():
    assert _found(
        allow("ecs:UpdateService", SERVICES, {"StringEquals": {"ecs:enable-service-connect": "false"}}),
        allow(["ecs:UpdateService", "ecs:StopTask"], "*",
              {**NARROW, "StringEqualsIfExists": {"ecs:enable-service-connect": "false"}})) == []


@pytest.mark.parametrize("stmt", [
    allow("kms:UpdateCustomKeyStore", "*", NARROW),
    allow("kms:CreateCustomKeyStore", "*", NARROW),
    allow(["kms:Update*", "kms:Put*"], "*", {"StringEquals": {"kms:CallerAccount": OWN}}),
])
def test_a_custom_key_stores_proxy_set_at_run_time_aims(stmt):
    assert _aims(stmt)


def test_the_key_life_cycle_and_connecting_the_stacks_key_store_do_not_aim():
    assert _found(allow(["kms:UpdateAlias", "kms:UpdateKeyDescription", "kms:UpdatePrimaryRegion",
                         "kms:PutKeyPolicy", "kms:ConnectCustomKeyStore", "kms:DisconnectCustomKeyStore"],
                        "*")) == []


@pytest.mark.parametrize("stmt", [
    allow(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
          "arn:aws:elasticfilesystem:*:*:file-system/*"),
    allow("elasticfilesystem:ClientWrite", f"arn:aws:elasticfilesystem:*:{OWN}:file-system/*"),
    allow("elasticfilesystem:ClientWrite", "*", {"StringEquals": {"aws:ResourceAccount": OWN}}),
    {"Effect": "Allow", "Action": "elasticfilesystem:ClientWrite",
     "NotResource": f"arn:aws:elasticfilesystem:eu-west-1:{OWN}:file-system/*"},
])
def test_nfs_writes_on_a_pattern_past_the_own_account_and_region_block(stmt):
    found = _found(stmt)
    assert len(found) == 1 and "elasticfilesystem:ClientWrite" in found[0] and "EFS file systems" in found[0]


def test_nfs_writes_into_the_own_file_systems_pass():
    assert _found(
        allow(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
              f"arn:aws:elasticfilesystem:eu-west-1:{OWN}:file-system/*"),
        allow("elasticfilesystem:ClientWrite", "*", NARROW)) == []


def test_the_projects_operator_and_key_admin_pass_by_the_pin_and_without_the_key_store_update():
    specs = role_specs(OWN, "eu-west-1")
    operator, key_admin = specs["operator"].grants, specs["key-admin"].grants
    assert _found(*operator) == [] and _found(*key_admin) == []
    unpinned = [{k: v for k, v in s.items() if k != "Condition"} for s in operator]
    assert _aims(*unpinned)
    assert _aims(allow([*policy.KMS_ADMIN_ACTIONS, "kms:Update*"], "*"))
