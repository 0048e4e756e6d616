"""Red-team round 79 of the residency pack: grants an SDK call makes at run time under keys not named
`…Policy` (policies/core/runtime_grants.py), an object ACL pinned to the bucket owner
(policies/core/redirect_grants.py) (corpus: tests/corpus/residency/*/r79-*.yaml).
"""

from __future__ import annotations

import json

import pytest
import yaml
from policy_testlib import AIMS, ALLOWED, REPLICATION, RESOLVED, graph, messages, pinned_res

OWN, OTHER = "123456789012", "444455556666"
RUN_TIME = "whoever starts the run decides whom it lets read"
SFN = "aws:sfn/stateMachine:StateMachine"
QUEUE = f"https://sqs.eu-west-1.amazonaws.com/{OWN}/dossiers"


def _found(type_, inputs):
    return messages(REPLICATION, pinned_res(type_, "r", inputs), ALLOWED)


def _task(resource, params, jsonata=False):
    state = {"Type": "Task", "Resource": resource, "End": True,
             **({"QueryLanguage": "JSONata", "Arguments": params} if jsonata else {"Parameters": params})}
    return json.dumps({"StartAt": "Grant", "States": {"Grant": state}})


def _runbook(api, inputs):
    service, name = api.split(":")
    return yaml.safe_dump({"schemaVersion": "0.3", "mainSteps": [
        {"name": "grant", "action": "aws:executeAwsApi",
         "inputs": {"Service": service, "Api": name, **inputs}}]})


@pytest.mark.parametrize("resource,params,where", [
    ("sqs:setQueueAttributes", {"QueueUrl": QUEUE, "Attributes.$": "$.attributes"}, "Attributes.$"),
    # closed world: below the top level any value from the run blocks, a harmless one too
    ("sqs:setQueueAttributes", {"QueueUrl": QUEUE, "Attributes": {"DelaySeconds.$": "$.delay"}},
     "Attributes.DelaySeconds.$"),
    ("lambda:addPermission", {"FunctionName": "export", "Principal.$": "$.account"}, "Principal.$"),
    ("lambda:addPermission", {"FunctionName": "export", "Principal": "s3.amazonaws.com",
                              "SourceAccount.$": "$.account"}, "SourceAccount.$"),
    ("kms:createGrant", {"KeyId": "k", "GranteePrincipal.$": "$.grantee"}, "GranteePrincipal.$"),
    ("ec2:modifySnapshotAttribute", {"SnapshotId": "snap-1", "UserIds.$": "States.Array($.account)"},
     "UserIds.$"),
    ("rds:modifyDBSnapshotAttribute", {"DBSnapshotIdentifier": "s", "AttributeName": "restore",
                                       "ValuesToAdd.$": "$.accounts"}, "ValuesToAdd.$"),
])
def test_a_grant_making_task_with_a_parameter_from_the_run_blocks(resource, params, where):
    """Whoever starts the execution names the grantee, under whatever key the API gives it."""
    found = _found(SFN, {"definition": _task(f"arn:aws:states:::aws-sdk:{resource}", params)})
    assert len(found) == 1 and RUN_TIME in found[0] and f"Parameters.{where}`" in found[0], found


def test_jsonata_arguments_and_runbook_parameters_are_read_too():
    task = _task("arn:aws:states:::aws-sdk:ec2:modifySnapshotAttribute",
                 {"SnapshotId": "snap-1", "UserIds": "{% $states.input.accounts %}"}, jsonata=True)
    found = _found(SFN, {"definition": task})
    assert len(found) == 1 and "Arguments.UserIds`" in found[0], found
    whole = _task("arn:aws:states:::aws-sdk:kms:createGrant", "{% $states.input.grant %}", jsonata=True)
    assert len(_found(SFN, {"definition": whole})) == 1
    content = _runbook("sns:SetTopicAttributes", {"TopicArn": "t", "AttributeName": "Policy",
                                                  "AttributeValue": "{{ TopicPolicy }}"})
    found = _found("aws:ssm/document:Document", {"documentFormat": "YAML", "content": content})
    assert len(found) == 1 and "content.mainSteps.0.inputs.AttributeValue`" in found[0], found
    any_api = _runbook("s3:PutBucketTagging", {"Bucket": "b"}).replace("PutBucketTagging", "'{{ Api }}'")
    assert len(_found("aws:ssm/document:Document", {"content": any_api})) == 1  # the call itself from the run


def test_the_resource_a_call_acts_on_and_calls_that_grant_nothing_may_come_from_the_run():
    grantee = {"FunctionName.$": "$.fn", "Principal.$": "$.principal"}
    add = "arn:aws:states:::aws-sdk:lambda:addPermission"
    assert len(_found(SFN, {"definition": _task(add, grantee)})) == 1
    for resource, params in (
        ("lambda:addPermission", {"FunctionName.$": "$.fn", "StatementId.$": "$.id",
                                  "Principal": "events.amazonaws.com", "SourceAccount": OWN}),
        ("sqs:setQueueAttributes", {"QueueUrl": QUEUE, "Attributes": {"VisibilityTimeout": "30"}}),
        ("sqs:sendMessage", {"QueueUrl": QUEUE, "MessageBody.$": "$.dossier"}),  # a write, no grant
        ("s3:putObjectTagging", {"Bucket": "b", "Key.$": "$.key", "Tagging.$": "$.tags"}),
    ):
        assert _found(SFN, {"definition": _task(f"arn:aws:states:::aws-sdk:{resource}", params)}) == []
    content = _runbook("sns:SetTopicAttributes", {"TopicArn": "{{ Topic }}", "AttributeName": "DisplayName",
                                                  "AttributeValue": "Dossiers"})
    assert _found("aws:ssm/document:Document", {"content": content}) == []
    # the runbook's own account is no one's choice; braces are text to Step Functions
    own = _runbook("lambda:AddPermission", {"FunctionName": "f", "Principal": "{{ global:ACCOUNT_ID }}"})
    assert _found("aws:ssm/document:Document", {"content": own}) == []
    text = _task("arn:aws:states:::aws-sdk:lambda:addPermission", {"FunctionName": "f", "Principal": "{{x}}"})
    assert _found(SFN, {"definition": text}) == []


def test_a_policy_filled_in_at_run_time_is_reported_once():
    """Round 78's reader reports a `…Policy` field filled in at run time; this one does not repeat it."""
    both = _task("arn:aws:states:::aws-sdk:sqs:setQueueAttributes",
                 {"QueueUrl": QUEUE, "Attributes": {"Policy.$": "$.policy", "DelaySeconds.$": "$.delay"}})
    found = _found(SFN, {"definition": both})
    assert len(found) == 2 and sum(RUN_TIME in m for m in found) == 1, found
    found = _found(SFN, {"definition": _task("arn:aws:states:::aws-sdk:s3:putBucketPolicy",
                                             {"Bucket": "b", "Policy.$": "$.policy"})})
    assert len(found) == 1 and RUN_TIME not in found[0], found


def _acl_policy(condition):
    stmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:role/uploader"},
            "Action": ["s3:PutObject", "s3:PutObjectAcl"], "Resource": "arn:aws:s3:::data/*"}
    doc = {"Version": "2012-10-17", "Statement": [{**stmt, "Condition": condition} if condition else stmt]}
    r = pinned_res("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "data", "policy": json.dumps(doc)})
    return [m for _, m in messages(RESOLVED, graph(r), ALLOWED) if AIMS in m]


def test_an_object_acl_pinned_to_the_bucket_owner_aims_nowhere():
    """The canned ACL bucket-owner-full-control grants only the bucket owner (the AWS-documented cross-account
    upload); any other ACL, or none pinned, may grant the caller READ."""
    assert _acl_policy({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}) == []
    for loose in (None, {"StringEqualsIfExists": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                  {"StringEquals": {"s3:x-amz-acl": ["bucket-owner-full-control", "public-read"]}},
                  {"StringLike": {"s3:x-amz-acl": "bucket-owner-*"}}):
        found = _acl_policy(loose)
        assert len(found) == 1 and "s3:PutObjectAcl" in found[0], (loose, found)
