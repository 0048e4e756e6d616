"""Generated resource inputs never crash a rule (a crash would be a fail-closed finding; none may occur)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from policy_testlib import UNKNOWN, graph, res

from policies.core.rule import RuleContext, failed_message
from policies.core.types import DATA_BEARING, tokens_of_class
from policies.rules import all_rules

TYPES = sorted(
    DATA_BEARING
    | set(sorted(tokens_of_class("edge"))[:12])
    | set(sorted(tokens_of_class("deployer"))[:12])
    | {
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:lb/listener:Listener",
        "aws:kms/key:Key",
        "azure-native:authorization:RoleAssignment",
        "azure-native:monitor:DiagnosticSetting",
        "aws:ec2/vpnConnection:VpnConnection",
        "azure-native:network:VirtualNetworkGatewayConnection",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "azure-native:resources:ResourceGroup",
        "aws:backup/plan:Plan",
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        "pulumi:pulumi:StackReference",
    }
)
KEYS = [
    "region",
    "location",
    "tags",
    "policy",
    "assumeRolePolicy",
    "replicas",
    "sku",
    "name",
    "bucket",
    "kmsKeyId",
    "protocol",
    "sslPolicy",
    "engine",
    "rules",
    "principalId",
    "roleDefinitionId",
    "workspaceId",
    "resourceUri",
    "resourceGroupName",
    "outputs",
    "targetBucket",
    "storageEncrypted",
    "classification",
    "regionName",
]
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            UNKNOWN,
            "arn:aws:kms:us-east-1:1:key/x",
            "arn:aws:s3:::b",
            "eu-west-2",
            "westeurope",
            "/subscriptions/s/resourceGroups/r/providers/A/b/c",
            "*",
            json.dumps({"Statement": [{"Effect": "Allow", "Action": "*"}]}),
        ]
    ),
)
value = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
inputs = st.dictionaries(st.sampled_from(KEYS), value, max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(TYPES), inputs), min_size=1, max_size=4))
@example([("aws:cloudwatch/logGroup:LogGroup", {"name": []})])   # found by this test in CI, session 35
@example([("aws:dynamodb/table:Table", {"replicas": True})])   # found by a 10,000-example run, session 36
def test_rules_never_crash(resources):
    views = [res(t, f"r{i}", i_) for i, (t, i_) in enumerate(resources)]
    g = graph(*views)
    ctx = RuleContext(config={"allowedRegions": ["westeurope", "eu-west-1"]}, stack="fuzz")
    for rule in all_rules():
        if rule.scope == "stack":
            results = [m for _, m in rule.check(g, ctx)]
        else:
            results = [
                m
                for v in views
                if rule.resource_types is None or v.type in rule.resource_types
                for m in rule.check(v, ctx)
            ]
        assert all(isinstance(m, str) and m for m in results), rule.id
        assert not any(m.startswith(failed_message(rule.id, Exception("x"))[:20]) for m in results)
