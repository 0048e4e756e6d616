"""Red-team round 69 of the residency pack: round 68's leads — aims granted through the resource policies of
services other than SNS, SQS, S3 and EventBridge (a key, a secret, a backup vault, a table), read wherever a
resource holds a policy document, and the ECS agent's, capacity providers', task sets' and account settings'
actions no longer read as aims (corpus: tests/corpus/residency/*/r69-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import AIMS, ALLOWED, RESOLVED, allow, graph, messages, pinned_res, role_policy

OWN = "123456789012"
WORKER = {"AWS": f"arn:aws:iam::{OWN}:role/dosis-worker"}
NARROW = {"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}


def _document(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _grant(action, principal=None, condition=None) -> dict:
    return {**allow(action, "*", condition), "Principal": principal or WORKER}


def _found(*views) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED)]


# (type, inputs around the policy) of resource policies of four services the pack did not read for aims
_HOLDERS = [
    ("aws:kms/key:Key", "policy", {"description": "k"}),
    ("aws:kms/keyPolicy:KeyPolicy", "policy", {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}),
    ("aws:secretsmanager/secret:Secret", "policy", {"name": "dosis-db"}),
    ("aws:secretsmanager/secretPolicy:SecretPolicy", "policy",
     {"secretArn": f"arn:aws:secretsmanager:eu-west-1:{OWN}:secret:dosis-db"}),
    ("aws:backup/vaultPolicy:VaultPolicy", "policy", {"backupVaultName": "dosis-main"}),
    ("aws:dynamodb/resourcePolicy:ResourcePolicy", "policy",
     {"resourceArn": f"arn:aws:dynamodb:eu-west-1:{OWN}:table/dosis-status"}),
]


@pytest.mark.parametrize(("type_", "key", "inputs"), _HOLDERS)
@pytest.mark.parametrize("action", ["kms:ReplicateKey", "secretsmanager:ReplicateSecretToRegions",
                                    "backup:StartCopyJob", "dynamodb:ExportTableToPointInTime"])
def test_a_resource_policy_granting_an_aim_to_a_role_blocks_whatever_its_type(type_, key, inputs, action):
    found = _found(pinned_res(type_, "p", {**inputs, key: _document(_grant(action))}))
    assert len(found) == 1 and AIMS in found[0] and f"`{key}(json).Statement.0`" in found[0], found


def test_a_policy_held_deeper_in_the_inputs_is_read_too():
    doc = {"Statement": [_grant("backup:StartCopyJob")]}
    found = _found(pinned_res("aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy", "p",
                              {"details": {"name": "m", "policy": json.dumps(doc)}}))
    assert len(found) == 1 and "`details.policy(json).Statement.0`" in found[0], found


def test_a_key_replica_pinned_outside_the_allowed_regions_blocks():
    pinned = _grant("kms:ReplicateKey", condition={"StringEquals": {"kms:ReplicaRegion": "us-east-1"}})
    found = _found(pinned_res("aws:kms/key:Key", "k", {"policy": _document(pinned)}))
    assert len(found) == 1 and AIMS in found[0], found


def test_among_resource_policies_only_the_grant_of_an_aim_blocks():
    """A VPC endpoint's policy bounds what other policies grant (the portal allows `*` to its own account)."""
    key = _document(_grant("kms:*", {"AWS": f"arn:aws:iam::{OWN}:root"}),
                    _grant(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]),
                    _grant(["kms:Encrypt*", "kms:Decrypt*"], {"Service": "logs.eu-west-1.amazonaws.com"}))
    vault = _document({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "backup:*", "Resource": "*"},
                      _grant("backup:StartCopyJob"))
    route53 = {"Service": "route53.amazonaws.com"}
    logs = _document(_grant(["logs:CreateLogStream", "logs:PutLogEvents"], route53))
    endpoint = _document(_grant("*", {"AWS": "*"}, {"StringEquals": {"aws:PrincipalAccount": OWN}}))
    found = messages(RESOLVED, graph(
        pinned_res("aws:kms/key:Key", "k", {"policy": key}),
        pinned_res("aws:ec2/vpcEndpoint:VpcEndpoint", "e", {"vpcId": "vpc-1", "policy": endpoint}),
        pinned_res("aws:secretsmanager/secretPolicy:SecretPolicy", "s",
                   {"policy": _document(_grant("secretsmanager:GetSecretValue"))}),
        pinned_res("aws:backup/vaultPolicy:VaultPolicy", "v", {"policy": vault}),
        pinned_res("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "l", {"policyDocument": logs})),
        ALLOWED)
    assert [(name, "`policy(json).Statement.1` allows backup:StartCopyJob" in m) for name, m in found] == [
        ("v", True)], found


def test_the_ecs_agent_capacity_providers_task_sets_and_account_settings_pass():
    assert _found(role_policy(
        allow(["ecs:RegisterContainerInstance", "ecs:Poll", "ecs:DiscoverPollEndpoint", "ecs:Submit*",
               "ecs:StartTelemetrySession", "ecs:CreateCapacityProvider", "ecs:CreateTaskSet"], "*", NARROW),
        allow(["ecs:PutAccountSetting", "ecs:PutAccountSettingDefault"], "*",
              {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))) == []


def test_run_task_exec_and_an_unpinned_new_service_beside_them_still_aim():
    found = _found(role_policy(allow(["ecs:Poll", "ecs:Submit*", "ecs:CreateTaskSet", "ecs:RunTask",
                                      "ecs:ExecuteCommand", "ecs:CreateService"], "*", NARROW)))
    assert len(found) == 1 and AIMS in found[0], found
    named = found[0].split(" allows ", 1)[1].split(": each aims", 1)[0].lower()
    assert named.split(", ") == ["ecs:createservice", "ecs:executecommand", "ecs:runtask"], named
