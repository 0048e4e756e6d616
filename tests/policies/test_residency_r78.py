"""Red-team round 78 of the residency pack: writes that hand back stored data (S3 Express `CreateSession`,
DynamoDB item writes' return values) and resource policies below an input's top level, put at run time
(policies/core/read_grants.py; corpus: tests/corpus/residency/*/r78-*.yaml).
"""

from __future__ import annotations

import json

import pytest
import yaml
from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res

OWN, OTHER = "123456789012", "444455556666"
NO_ACCOUNT = "name no account it is bounded to"
UNREAD = "whom it lets read cannot be told"
TABLE = f"arn:aws:dynamodb:eu-west-1:{OWN}:table/dossiers"
SFN = "aws:sfn/stateMachine:StateMachine"


def _doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def _allow(account, action, cond=None, principal=None):
    stmt = {"Effect": "Allow", "Principal": principal or {"AWS": f"arn:aws:iam::{account}:role/reader"},
            "Action": action, "Resource": "*"}
    return {**stmt, "Condition": cond} if cond else stmt


def _found(type_, inputs):
    return messages(REPLICATION, pinned_res(type_, "r", inputs), ALLOWED)


@pytest.mark.parametrize("type_,key,action", [
    ("aws:s3/bucketPolicy:BucketPolicy", "policy", "s3express:CreateSession"),
    ("aws:dynamodb/resourcePolicy:ResourcePolicy", "policy", "dynamodb:UpdateItem"),
    ("aws:dynamodb/resourcePolicy:ResourcePolicy", "policy", "dynamodb:PutItem"),
    ("aws:dynamodb/resourcePolicy:ResourcePolicy", "policy", "dynamodb:DeleteItem"),
    ("aws:dynamodb/resourcePolicy:ResourcePolicy", "policy", "dynamodb:Put*"),
    ("aws:s3/accessPoint:AccessPoint", "policy", "dynamodb:UpdateItem"),  # the round-77 path reads them too
])
def test_a_write_that_hands_back_stored_data_reads(type_, key, action):
    """A directory bucket's session reads its objects; an item write or condition check returns the old item
    (`ReturnValues ALL_OLD`): another account granted them reads, the own account passes."""
    assert _found(type_, {key: _doc(_allow(OTHER, action))}) == [
        grant_message(f"{key}.Statement.0.Principal", OTHER)]
    assert _found(type_, {key: _doc(_allow(OWN, action))}) == []
    _writes_that_return_nothing_still_grant_nothing()


def test_a_star_session_grant_is_bounded_by_its_conditions():
    read_only = {"StringEquals": {"aws:PrincipalAccount": OTHER, "s3express:SessionMode": "ReadOnly"}}
    found = _found("aws:s3/bucketPolicy:BucketPolicy", {"policy": _doc(
        _allow(None, "s3express:CreateSession", read_only, principal="*"))})
    assert found == [grant_message("policy.Statement.0.Condition", OTHER)]


def _writes_that_return_nothing_still_grant_nothing():
    """A log archive receiving objects, a queue receiving messages, a table described: data coming in."""
    assert _found("aws:s3/bucketPolicy:BucketPolicy", {"policy": _doc(_allow(OTHER, "s3:PutObject"))}) == []
    assert _found("aws:sqs/queuePolicy:QueuePolicy", {"policy": _doc(_allow(OTHER, "sqs:SendMessage"))}) == []
    assert _found("aws:dynamodb/resourcePolicy:ResourcePolicy", {"policy": _doc(
        _allow(OTHER, ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups"]))}) == []


def _put_policy_task(policy_field):
    return json.dumps({"StartAt": "Share", "States": {"Share": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putBucketPolicy",
        "Parameters": {"Bucket": "data", **policy_field}, "End": True}}})


def test_a_policy_put_at_run_time_by_a_state_machine_is_read():
    for account, expected in ((OTHER, 1), (OWN, 0)):
        policy = _doc(_allow(account, "s3:GetObject"))
        found = _found(SFN, {"definition": _put_policy_task({"Policy": policy})})
        assert found == [grant_message("definition.States.Share.Parameters.Policy.Statement.0.Principal",
                                       OTHER)][:expected]


def test_a_policy_in_a_nested_object_is_read():
    target = {"arn": "arn:aws:scheduler:::aws-sdk:s3:putBucketPolicy",
              "input": json.dumps({"Bucket": "data", "Policy": _doc(_allow(OTHER, "s3:GetObject"))})}
    assert _found("aws:scheduler/schedule:Schedule", {"target": target}) == [
        grant_message("target.input.Policy.Statement.0.Principal", OTHER)]
    as_object = {"Policy": json.loads(_doc(_allow(OTHER, "s3:GetObject")))}
    assert _found(SFN, {"definition": json.loads(_put_policy_task(as_object))}) == [
        grant_message("definition.States.Share.Parameters.Policy.Statement.0.Principal", OTHER)]


def test_a_policy_inside_a_yaml_runbook_is_read():
    for account, expected in ((OTHER, 1), (OWN, 0)):
        call = {"Service": "s3", "Api": "PutBucketPolicy", "Policy": _doc(_allow(account, "s3:GetObject"))}
        content = yaml.safe_dump({"schemaVersion": "0.3", "mainSteps": [
            {"name": "share", "action": "aws:executeAwsApi", "inputs": call}]})
        found = _found("aws:ssm/document:Document", {"documentFormat": "YAML", "content": content})
        assert found == [grant_message("content.mainSteps.0.inputs.Policy.Statement.0.Principal",
                                       OTHER)][:expected]


def test_policy_text_that_cannot_be_parsed_blocks():
    """A `States.Format` template fills the account in at run time: whom it lets read cannot be told."""
    template = _doc(_allow("{}", "s3:GetObject")).replace("'", "\\'")
    task = _put_policy_task({"Policy.$": f"States.Format('{template}', $.partnerAccount)"})
    found = _found(SFN, {"definition": task})
    assert len(found) == 1 and UNREAD in found[0] and "Parameters.Policy.$" in found[0], found
    # text naming no statement is the scanner's; an identity policy names no principal
    assert _found(SFN, {"definition": _put_policy_task({"Comment": "Principal of the share"})}) == []
    identity = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    assert _found(SFN, {"definition": _put_policy_task({"Policy": identity})}) == []


def test_a_policy_filled_in_at_run_time_blocks():
    """Whoever starts the execution or runs the runbook decides whom the policy lets read."""
    for field in ({"Policy.$": "$.policy"}, {"Policy": "{% $states.input.policy %}"}):
        found = _found(SFN, {"definition": _put_policy_task(field)})
        assert len(found) == 1 and UNREAD in found[0] and "Parameters.Policy" in found[0], found
    call = {"Service": "s3", "Api": "PutBucketPolicy", "Policy": "{{ Policy }}"}
    content = yaml.safe_dump({"schemaVersion": "0.3", "mainSteps": [
        {"name": "share", "action": "aws:executeAwsApi", "inputs": call}]})
    found = _found("aws:ssm/document:Document", {"documentFormat": "YAML", "content": content})
    assert len(found) == 1 and UNREAD in found[0] and "content.mainSteps.0.inputs.Policy" in found[0], found
    # a template in another field, a policy's name: no policy document
    assert _found(SFN, {"definition": _put_policy_task({"PolicyName": "share", "Comment": "{{ x }}"})}) == []
