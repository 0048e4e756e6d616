"""disallow-opaque-deployers: resources of the `deployer` class (ARM deployments, CloudFormation stacks,
scripts, dynamic providers) block; ordinary resources pass."""

from __future__ import annotations

import pytest
from policy_testlib import messages, res

RULE = "disallow-opaque-deployers"


def test_ordinary_resources_pass():
    assert messages(RULE, res("azure-native:resources:ResourceGroup", "rg")) == []


@pytest.mark.parametrize("token", ["pulumi-python:dynamic:Resource", "azure-native:resources:AzureCliScript",
                                   "aws:cloudformation/stack:Stack"])
def test_opaque_deployers_block(token):
    assert messages(RULE, res(token, "d")) == [
        f"{token} deploys or runs things that no policy can inspect; declare them as Pulumi resources instead"
    ]
