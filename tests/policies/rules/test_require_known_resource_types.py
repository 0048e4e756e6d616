"""require-known-resource-types: a custom resource of a type nobody classified blocks, naming the package,
service module or token that is not known."""

from __future__ import annotations

import pytest
from policy_testlib import messages, res

RULE = "require-known-resource-types"


def test_classified_types_components_and_providers_pass():
    assert messages(RULE, res("aws:s3/bucket:Bucket", "b")) == []
    assert messages(RULE, res("acme:x:Component", "c", custom=False)) == []
    assert messages(RULE, res("pulumi:providers:aws", "p")) == []


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("aws-native:s3:Bucket",
         "aws-native:s3:Bucket belongs to provider package 'aws-native', which is not an installed, "
         "classified provider SDK (policies/data/resource_types.json), so whether and where it keeps "
         "data cannot be judged"),
        ("azure-native:documentdb:DatabaseAccount",
         "azure-native:documentdb:DatabaseAccount: service module 'azure-native:documentdb' has no "
         "class in policies/data/resource_classes.yaml"),
        ("aws:s3/bukket:Bukket",
         "aws:s3/bukket:Bukket is not a resource type of the installed aws SDK (misspelt, renamed or "
         "removed), so it cannot be judged"),
    ],
)
def test_known_resource_types(token, message):
    assert messages(RULE, res(token, "x")) == [message]
