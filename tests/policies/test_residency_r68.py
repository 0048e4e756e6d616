"""Red-team round 68 of the residency pack: round 67's leads, over-blocks first — NFS root access read as
an aim, a new ECS service blocked even with Service Connect pinned off, and the other `ecs:Update*` actions
decided one by one from the catalogue (corpus: tests/corpus/residency/*/r68-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import AIMS, ALLOWED, RESOLVED, allow, graph, messages, role_policy

OWN = "123456789012"
NARROW = {"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}
CLUSTER = f"arn:aws:ecs:eu-west-1:{OWN}:cluster/dosis"
SERVICES = f"arn:aws:ecs:eu-west-1:{OWN}:service/dosis/*"
FILE_SYSTEMS = f"arn:aws:elasticfilesystem:eu-west-1:{OWN}:file-system/*"
OFF = {"StringEquals": {"ecs:enable-service-connect": "false"}}


def _found(*statements) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(role_policy(*statements)), ALLOWED)]


def _aims(*statements) -> list[str]:
    """The actions named by the one message found, which must be an aim's."""
    found = _found(*statements)
    assert len(found) == 1 and AIMS in found[0], found
    return found[0].split(" allows ", 1)[1].split(": each aims", 1)[0].split(", ")


def test_root_access_on_the_own_file_systems_passes():
    assert _found(allow(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                         "elasticfilesystem:ClientRootAccess"], FILE_SYSTEMS),
                  allow("elasticfilesystem:ClientRootAccess", "*", NARROW)) == []


@pytest.mark.parametrize("resource", ["arn:aws:elasticfilesystem:*:*:file-system/*",
                                      f"arn:aws:elasticfilesystem:*:{OWN}:file-system/*"])
def test_root_access_beside_writes_on_a_pattern_blocks_for_the_writes(resource):
    found = _found(allow("elasticfilesystem:Client*", resource))
    assert len(found) == 1 and "elasticfilesystem:ClientWrite" in found[0] and AIMS not in found[0]


@pytest.mark.parametrize("statement", [
    allow("ecs:CreateService", SERVICES, OFF),
    allow(["ecs:CreateService", "ecs:UpdateService"], "*",
          {**NARROW, "StringEqualsIfExists": {"ecs:enable-service-connect": "false"}}),
])
def test_a_new_service_with_service_connect_pinned_off_passes(statement):
    assert _found(statement) == []


@pytest.mark.parametrize("condition", [
    None,
    {"StringEquals": {"ecs:enable-service-connect": "true"}},
    {"StringEquals": {"ecs:task-definition": f"arn:aws:ecs:eu-west-1:{OWN}:task-definition/dosis-api:7",
                      "ecs:cluster": CLUSTER}},
])
def test_a_new_service_aims_unless_service_connect_is_pinned_off(condition):
    assert _aims(allow("ecs:CreateService", SERVICES, condition)) == ["ecs:CreateService"]


def test_ecs_updates_that_name_no_place_pass():
    assert _found(allow(["ecs:UpdateClusterSettings", "ecs:UpdateCapacityProvider",
                         "ecs:UpdateContainerAgent", "ecs:UpdateContainerInstancesState", "ecs:UpdateTaskSet",
                         "ecs:UpdateServicePrimaryTaskSet", "ecs:UpdateTaskProtection"], "*", NARROW)) == []


def test_a_clusters_exec_log_destination_and_an_express_services_container_aim_under_any_pin():
    key = f"arn:aws:kms:eu-west-1:{OWN}:key/k"
    kms_key = {"StringEquals": {"ecs:fargate-ephemeral-storage-kms-key": key}}
    assert _aims(allow("ecs:UpdateCluster", CLUSTER, kms_key)) == ["ecs:UpdateCluster"]
    pinned_off = {**NARROW, "StringEqualsIfExists": {"ecs:enable-service-connect": "false"}}
    assert _aims(allow(["ecs:Update*", "ecs:CreateService", "ecs:CreateCluster"], "*", pinned_off)) == [
        "ecs:CreateCluster", "ecs:UpdateCluster", "ecs:UpdateExpressGatewayService"]
