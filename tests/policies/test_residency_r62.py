"""Red-team round 62 of the residency pack: round 61's leads — ECR judged as a store (pushes by pattern, the
AWS-managed ECR policies), IoT, Bedrock and AppSync sends by pattern, `aws:ResourceAccount` naming a declared
account, S3 access point patterns, a bare Data Pipeline head only in the fields that hold an S3 path
(corpus: tests/corpus/residency/*/r62-*.yaml).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_testlib import (
    AIMS,
    ALLOWED,
    REPLICATION,
    RESOLVED,
    allow,
    graph,
    managed_attachment,
    messages,
    res,
    role_policy,
)

from policies.core.pipeline_parameters import filled_definition

OWN = "123456789012"
DECLARED = "111122223333"  # the corpus's dr-account, declared for eu-west-1
SENDS = "a pattern over the account or region"
CORPUS_RECORDS = Path(__file__).resolve().parents[1] / "corpus" / "residency" / "records"
PUSH = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"]


def _found(*views, allowed=ALLOWED) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), allowed)]


@pytest.mark.parametrize("stmt", [
    allow(["ecr:GetAuthorizationToken", *PUSH], "*"),
    allow("ecr:*", "arn:aws:ecr:eu-west-1:*:repository/*"),
    allow("ecr:PutImage", f"arn:aws:ecr:*:{OWN}:repository/eloket-*"),
    allow(["iot:Publish", "iot:RetainPublish"], "*"),
    allow("iot:Publish", f"arn:aws:iot:*:{OWN}:topic/dosis/*"),
    allow("bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/*"),
    allow("bedrock:InvokeModelWithResponseStream", "*"),
    allow("appsync:GraphQL", "arn:aws:appsync:*:*:apis/*"),
])
def test_pushes_publishes_invocations_and_mutations_by_a_pattern_block(stmt):
    found = _found(role_policy(stmt))
    assert SENDS in found[0] and all(AIMS in m for m in found[1:]), found  # round 65: `ecr:*` also aims


def test_the_same_sends_pinned_to_the_own_account_and_an_allowed_region_are_left_to_the_scanner():
    assert _found(role_policy(
        allow("ecr:GetAuthorizationToken", "*"),
        allow(PUSH, f"arn:aws:ecr:eu-west-1:{OWN}:repository/*"),
        allow("iot:Publish", f"arn:aws:iot:eu-west-1:{OWN}:topic/dosis/*"),
        allow("bedrock:InvokeModel", "arn:aws:bedrock:eu-west-1::foundation-model/*"),
        allow("appsync:GraphQL", f"arn:aws:appsync:eu-west-1:{OWN}:apis/*"))) == []


@pytest.mark.parametrize("name", ["AmazonEC2ContainerRegistryPowerUser",
                                  "AmazonEC2ContainerRegistryFullAccess"])
def test_the_aws_managed_ecr_policies_push_to_any_repository_and_block_as_sends(name):
    found = _found(managed_attachment(name))
    assert SENDS in found[0] and "ecr:PutImage" in found[0], found
    assert all(AIMS in m and "ecr:PutReplicationConfiguration" in m for m in found[1:]), found  # round 65
    assert "whose statements the gate does not know" not in found[0]


def _narrowed(accounts: list[str], regions: list[str]) -> dict:
    cond = {"StringEquals": {"aws:ResourceAccount": accounts, "aws:RequestedRegion": regions}}
    return allow(["sqs:SendMessage", "sns:Publish"], "*", cond)


def test_an_account_declared_in_an_allowed_region_narrows_as_the_own_one_does(monkeypatch):
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(CORPUS_RECORDS))
    assert _found(role_policy(_narrowed([DECLARED], ["eu-west-1"]))) == []
    assert _found(role_policy(_narrowed([OWN, DECLARED], ["eu-west-1"]))) == []
    beside = _found(role_policy(_narrowed([DECLARED, "999988887777"], ["eu-west-1"])))
    assert any(SENDS in m for m in beside), beside
    # declared for eu-west-1, which this configuration does not allow: not vouched for here
    central = {"allowedRegions": ["eu-central-1"]}
    elsewhere = _found(role_policy(_narrowed([DECLARED], ["eu-central-1"])), allowed=central)
    assert any(SENDS in m for m in elsewhere), elsewhere


@pytest.mark.parametrize("resource", [
    "arn:aws:s3:eu-west-1:*:accesspoint/*",  # any account's access points
    f"arn:aws:s3:*:{OWN}:accesspoint/*/object/*",  # the own account's in any region
    "arn:aws:s3::*:accesspoint/*",  # any account's Multi-Region Access Points
])
def test_s3_access_point_patterns_over_the_account_or_region_block(resource):
    found = _found(role_policy(allow("s3:PutObject", resource)))
    assert any("matches buckets the stack does not create" in m for m in found), found


def _pipeline(key: str, target: str):
    return res("aws:datapipeline/pipelineDefinition:PipelineDefinition", "def", {
        "pipelineId": "df-0123456789ABCDEFGHIJ",
        "pipelineObjects": [{"id": "Push", "name": "Push", "fields": [
            {"key": "type", "stringValue": "ShellCommandActivity"},
            {"key": "myPeer", "stringValue": target},
            {"key": key, "stringValue": "#{node.myPeer}/inbox/"}]}]})


def test_a_bare_data_pipeline_head_is_a_bucket_only_in_a_field_that_holds_an_s3_path():
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "dosis-exports"})
    argument = _pipeline("scriptArgument", "dosis-exports")
    fields = filled_definition(argument, dict(argument.inputs))["pipelineObjects"][0]["fields"]
    assert fields[2]["stringValue"] == "#{node.myPeer}/inbox/"  # unfilled: blocks as a head nothing places
    found = messages(REPLICATION, argument, ALLOWED)
    assert found and "fills with a scheme and a place" in found[0], found
    assert _found(bucket, _pipeline("logUri", "dosis-exports")) == []
    assert _found(bucket, _pipeline("stdout", "dosis-exports")) == []
