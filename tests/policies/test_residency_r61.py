"""Red-team round 61 of the residency pack: round 60's leads — AWS-managed policies the gate does not know,
sends to SES, Step Functions and API Gateway by a pattern, conditions that narrow a pattern, a bare bucket
name heading a Data Pipeline path, the stack's own EventBridge global endpoint
(corpus: tests/corpus/residency/*/r61-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from gate.aws_ids import aws_outputs
from policy_testlib import ALLOWED, RESOLVED, graph, messages, pinned_res, res
from test_residency_r60 import _node

OWN = "123456789012"
SENDS = "a pattern over the account or region"


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _found(*views, allowed=ALLOWED) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), allowed)]


def _role_policy(stmt: dict):
    return pinned_res("aws:iam/rolePolicy:RolePolicy", "p", {"role": "dosis-worker", "policy": _doc(stmt)})


@pytest.mark.parametrize(("type_", "inputs"), [
    ("aws:iam/rolePolicyAttachment:RolePolicyAttachment",
     {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}),
    ("aws:iam/role:Role",
     {"name": "r", "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonKinesisFullAccess"]}),
    ("aws:iam/userPolicyAttachment:UserPolicyAttachment",
     {"user": "u", "policyArn": "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}),
    ("aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
     {"groupName": "g", "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess",
                                       "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]}),
])
def test_an_aws_managed_policy_the_gate_does_not_know_blocks_saying_how_to_judge_it(type_, inputs):
    found = _found(pinned_res(type_, "a", inputs))
    assert len(found) == 1 and "whose statements the gate does not know" in found[0], found
    assert "add its statements to that table, or grant by an inline policy" in found[0]


# AmazonEC2ContainerRegistryPowerUser pushes anywhere (round 62), AWSLambdaBasicExecutionRole writes logs in
# any region (round 63)
@pytest.mark.parametrize("name", ["AmazonS3ReadOnlyAccess", "AmazonSSMReadOnlyAccess"])
def test_the_managed_policies_the_compliant_programs_attach_are_known_and_pass(name):
    att = pinned_res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a",
                     {"role": "r", "policyArn": f"arn:aws:iam::aws:policy/{name}"})
    assert _found(att) == []


@pytest.mark.parametrize("stmt", [
    {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*"},
    {"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "arn:aws:ses:eu-west-1:*:identity/*"},
    {"Effect": "Allow", "Action": "states:StartExecution", "Resource": "arn:aws:states:*:*:stateMachine:*"},
    {"Effect": "Allow", "Action": "states:StartSyncExecution",
     "Resource": f"arn:aws:states:*:{OWN}:stateMachine:dosis-*"},
    {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*"},
    {"Effect": "Allow", "Action": "execute-api:ManageConnections", "Resource": "*"},
])
def test_sends_to_ses_step_functions_and_apis_by_a_pattern_block(stmt):
    found = _found(_role_policy(stmt))
    assert len(found) == 1 and SENDS in found[0], found


def test_sends_pinned_to_the_own_account_and_an_allowed_region_are_left_to_the_scanner():
    own = f"arn:aws:ses:eu-west-1:{OWN}:identity/*"
    stmt = {"Effect": "Allow", "Action": "ses:SendEmail", "Resource": own}
    assert _found(_role_policy(stmt)) == []


def _narrowed(condition: dict, action: str = "sqs:SendMessage", resource: str = "*") -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, "Condition": condition}


@pytest.mark.parametrize("stmt", [
    _narrowed({"StringEquals": {"aws:ResourceAccount": OWN}}, resource="arn:aws:sqs:*:*:*"),  # region open
    _narrowed({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),  # account open
    _narrowed({"StringEquals": {"aws:ResourceAccount": OWN,
                                "aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}),
    _narrowed({"StringEquals": {"aws:ResourceAccount": "999988887777", "aws:RequestedRegion": "eu-west-1"}}),
    _narrowed({"StringLike": {"aws:ResourceAccount": "1234*"},
               "StringEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"}}),
    _narrowed({"ForAnyValue:StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}),
    _narrowed({"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}},
              action="s3:PutObject", resource="arn:aws:s3:::*"),  # an S3 ARN names no region (decided)
])
def test_conditions_the_pack_does_not_rely_on_keep_blocking(stmt):
    assert len(_found(_role_policy(stmt))) == 1


@pytest.mark.parametrize("stmt", [
    _narrowed({"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}},
              action=["sqs:SendMessage", "sns:Publish"]),
    _narrowed({"StringEquals": {"aws:resourceaccount": [OWN], "aws:RequestedRegion": ["eu-west-1"]},
               "Bool": {"aws:SecureTransport": "true"}},  # another condition only narrows further
              action="events:PutEvents", resource="arn:aws:events:*:*:event-bus/*"),
    {**_narrowed({"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}),
     "Resource": [], "NotResource": f"arn:aws:sqs:eu-west-1:{OWN}:dosis-intake"},
])
def test_the_own_account_and_allowed_regions_by_string_equals_narrow_a_pattern(stmt):
    assert _found(_role_policy(stmt)) == []


def test_a_bare_bucket_name_heading_a_data_pipeline_path_is_that_bucket():
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "dosis-exports"})
    assert _found(bucket, _node("dosis-exports")) == []
    near = _found(bucket, _node("dosis-exports-old"))
    assert len(near) == 1 and "'dosis-exports-old'" in near[0], near


def _lambda(url: str):
    return pinned_res("aws:lambda/function:Function", "fn", {
        "role": f"arn:aws:iam::{OWN}:role/x", "runtime": "python3.12", "handler": "app.handler",
        "environment": {"variables": {"EVENTS_URL": url}}})


def test_the_url_of_the_stacks_own_global_endpoint_resolves_another_blocks():
    typ, inputs = "aws:cloudwatch/eventEndpoint:EventEndpoint", {"name": "dosis-global"}
    recorded = aws_outputs(typ, "ep", inputs, "eu-west-1", "dosis-global")
    assert recorded["endpointUrl"].endswith(".endpoints.event.amazonaws.com")
    endpoint = pinned_res(typ, "ep", {**inputs, **recorded})
    two = {"allowedRegions": ["eu-west-1", "eu-central-1"]}  # a global endpoint needs a second region
    assert _found(endpoint, _lambda(recorded["endpointUrl"]), allowed=two) == []
    other = _found(endpoint, _lambda("https://vwxyz.abc.endpoints.event.amazonaws.com"), allowed=two)
    assert len(other) == 1 and "an EventBridge global endpoint the stack does not create" in other[0], other
