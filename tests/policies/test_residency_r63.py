"""Red-team round 63 of the residency pack: round 62's leads — data-writing actions the pattern table has no
row for (a closed-world fallback), organisation conditions, the Data Pipeline fields that hold an S3 path
(corpus: tests/corpus/residency/*/r63-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import (
    ALLOWED,
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
UNLISTED = "of services the gate holds no row for"
SENDS = "a pattern over the account or region"


def _found(*views) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED)]


@pytest.mark.parametrize("stmt", [
    allow(["firehose:PutRecord", "firehose:PutRecordBatch"], "*"),
    allow("firehose:PutRecord", f"arn:aws:firehose:*:{OWN}:deliverystream/*"),
    allow("kinesisvideo:PutMedia", "arn:aws:kinesisvideo:*:*:stream/*/*"),
    allow("timestream:WriteRecords", "*"),
    allow("iotevents:BatchPutMessage", f"arn:aws:iotevents:*:{OWN}:input/*"),
    allow("logs:PutLogEvents", f"arn:aws:logs:*:{OWN}:log-group:dosis-*:*"),
    allow("kafka-cluster:WriteData", "arn:aws:kafka:*:*:topic/*"),  # its ARNs say `kafka`, not the prefix
    allow("sagemaker:PutRecord", "*"),
    {"Effect": "Allow", "Action": "firehose:Put*", "NotResource": f"arn:aws:firehose:eu-west-1:{OWN}:x"},
])
def test_a_data_write_the_table_has_no_row_for_blocks_on_a_pattern_over_account_or_region(stmt):
    found = _found(role_policy(stmt))
    assert len(found) == 1 and UNLISTED in found[0] and "add the service's row" in found[0], found


@pytest.mark.parametrize(("stmt", "noun"), [
    (allow(["es:ESHttpPost", "es:ESHttpPut"], "arn:aws:es:*:*:domain/*"), "OpenSearch domains"),
    (allow("cassandra:Modify", f"arn:aws:cassandra:*:{OWN}:/keyspace/*"), "Keyspaces tables"),
])
def test_writes_without_a_data_verb_have_their_rows(stmt, noun):
    found = _found(role_policy(stmt))
    assert len(found) == 1 and f"matches {noun} the stack does not create" in found[0], found


def test_the_same_writes_pinned_or_narrowed_and_control_plane_writes_are_left_alone():
    narrowed = {"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}
    assert _found(role_policy(
        allow("kinesisvideo:PutMedia", f"arn:aws:kinesisvideo:eu-west-1:{OWN}:stream/dosis-*/*"),
        allow("logs:PutLogEvents", f"arn:aws:logs:eu-west-1:{OWN}:log-group:dosis-*:*"),
        allow(["timestream:WriteRecords", "sagemaker:PutRecord"], "*", narrowed),
        allow(["iam:PutRolePolicy", "kms:PutKeyPolicy"], "*"),  # permissions management, not `Write`
        allow("cloudwatch:PutDashboard", "*"),  # a global layout, known to hold no request's data
        allow("firehose:DescribeDeliveryStream", "*"))) == []


@pytest.mark.parametrize("name", ["service-role/AWSLambdaBasicExecutionRole",
                                  "service-role/AmazonECSTaskExecutionRolePolicy"])
def test_the_aws_managed_execution_policies_write_logs_in_any_region_and_block(name):
    found = _found(managed_attachment(name))
    assert len(found) == 1 and UNLISTED in found[0] and "logs:PutLogEvents on *" in found[0], found


def test_a_statement_granting_everything_names_a_few_of_the_unlisted_writes():
    found = [m for m in _found(role_policy(allow("*", "*"))) if UNLISTED in m]
    assert len(found) == 1 and " more on *" in found[0] and len(found[0]) < 2000, found


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:ResourceOrgID": "o-a1b2c3d4e5", "aws:RequestedRegion": "eu-west-1"}},
    {"ForAnyValue:StringLike": {"aws:ResourceOrgPaths": "o-a1b2c3d4e5/*"}, "StringEquals": {
        "aws:RequestedRegion": "eu-west-1"}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:RequestedRegion": "eu-west-1"}},
])
def test_an_organisation_condition_does_not_narrow_a_send(condition):
    found = _found(role_policy(allow(["sqs:SendMessage", "firehose:PutRecord"], "*", condition)))
    assert any(SENDS in m and "queues" in m for m in found), found
    assert any(UNLISTED in m for m in found), found


def _pipeline(objects: list[dict]):
    return res("aws:datapipeline/pipelineDefinition:PipelineDefinition", "def", {
        "pipelineId": "df-0123456789ABCDEFGHIJ", "pipelineObjects": objects})


@pytest.mark.parametrize(("type_", "key"), [
    ("Default", "pipelineLogUri"), ("EmrCluster", "emrLogUri"), ("HiveActivity", "generatedScriptsPath"),
    ("PigActivity", "generatedScriptsPath")])
def test_the_log_and_generated_script_locations_hold_an_s3_path(type_, key):
    view = _pipeline([{"id": "X", "name": "X", "fields": [
        {"key": "type", "stringValue": type_}, {"key": "myTarget", "stringValue": "dosis-exports"},
        {"key": key, "stringValue": "#{myTarget}/x/"}]}])
    fields = filled_definition(view, dict(view.inputs))["pipelineObjects"][0]["fields"]
    assert fields[2]["stringValue"] == "s3://dosis-exports/x/"
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "dosis-exports"})
    assert _found(bucket, view) == []
