"""The grants of a secret-rotation function (components/aws/rotation.py), decided for
require-resolved-references: `secretsmanager:UpdateSecretVersionStage` moves a label between versions of the
secret its ARN names (no place); `ec2:CreateNetworkInterface` makes an interface in the region the request is
sent to, pinned by `aws:RequestedRegion` as copies are."""

from __future__ import annotations

import pytest
from policy_testlib import ALLOWED, RESOLVED, allow, graph, messages, role_policy

OWN = "123456789012"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{OWN}:secret:eloket/drupal/db_credentials-AbCdEf"


def _found(*statements) -> list[tuple[str, str]]:
    return messages(RESOLVED, graph(role_policy(*statements)), ALLOWED)


def test_moving_a_secrets_staging_labels_aims_nowhere():
    stages = allow(["secretsmanager:UpdateSecretVersionStage", "secretsmanager:PutSecretValue"], SECRET)
    assert _found(stages) == []


@pytest.mark.parametrize(("condition", "blocks"), [
    ({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}, False),
    ({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, True),
    ({"StringLike": {"aws:RequestedRegion": "eu-*"}}, True),
    (None, True),
])
def test_a_network_interface_is_pinned_by_the_region_the_request_goes_to(condition, blocks):
    found = _found(allow(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"], "*", condition))
    assert [("ec2:CreateNetworkInterface" in m) for _, m in found] == ([True] if blocks else [])
