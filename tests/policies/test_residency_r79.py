"""Red-team round 79 of the residency pack: grants an SDK call makes at run time under keys not named
`…Policy` (policies/core/runtime_grants.py), an object ACL pinned to the bucket owner
(policies/core/redirect_grants.py) (corpus: tests/corpus/residency/*/r79-*.yaml).
"""

from __future__ import annotations

import base64
import gzip
import json
from urllib.parse import quote

import pytest
import yaml
from policy_testlib import AIMS, ALLOWED, REPLICATION, RESOLVED, grant_message, graph, messages, pinned_res

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
    # closed world: below the top level a value from the run blocks (round 80: but a quantity)
    ("sqs:setQueueAttributes", {"QueueUrl": QUEUE, "Attributes": {"KmsMasterKeyId.$": "$.key"}},
     "Attributes.KmsMasterKeyId.$"),
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
                 {"QueueUrl": QUEUE, "Attributes": {"Policy.$": "$.policy", "KmsMasterKeyId.$": "$.key"}})
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


def _policy(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:role/reader"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/${aws:PrincipalAccount}/*"}]})


def _b64(text, compress=False):
    raw = text.encode()
    return base64.b64encode(gzip.compress(raw, mtime=0) if compress else raw).decode()


def _script(policy):
    return f"#!/bin/bash\nset -eu\naws s3api put-bucket-policy --bucket data --policy '{policy}'\n"


LT, FN = "aws:ec2/launchTemplate:LaunchTemplate", "aws:lambda/function:Function"


@pytest.mark.parametrize("type_,inputs,where", [
    (LT, lambda p: {"userData": _b64(_script(p))}, "userData.(decoded).(text)"),
    ("aws:ec2/instance:Instance", lambda p: {"userDataBase64": _b64(
        yaml.safe_dump({"write_files": [{"path": "/p.json", "content": p}]}), compress=True)},
     "userDataBase64.(decoded).write_files.0.content"),
    (FN, lambda p: {"environment": {"variables": {"P": _b64(p)}}}, "environment.variables.P.(decoded)"),
    (FN, lambda p: {"environment": {"variables": {"P": quote(p, safe="")}}},
     "environment.variables.P.(decoded)"),
    ("aws:ssm/document:Document", lambda p: {"content": json.dumps({"mainSteps": [{"inputs": {"runCommand": [
        f"echo {_b64(p)} | base64 -d > /tmp/p.json"]}}]})},
     "content.mainSteps.0.inputs.runCommand.0.(decoded)"),
])
def test_a_policy_in_an_encoding_below_the_top_level_is_read(type_, inputs, where):
    """Base64 (user data by contract, a setting, a literal a command decodes), gzip, percent-encoding, a shell
    script's inline `--policy '{…}'`: the same policy, the same grant; the own account's passes."""
    assert _found(type_, inputs(_policy(OTHER))) == [grant_message(f"{where}.Statement.0.Principal", OTHER)]
    assert _found(type_, inputs(_policy(OWN))) == []


def test_a_script_whose_policy_cannot_be_cut_out_blocks():
    """A policy assembled from shell variables (`'$PARTNER'` closes the quoted argument; a heredoc's
    `$(…)`) is no literal: whom it lets read cannot be told."""
    for expansion in ("'$PARTNER'", "$(cat /etc/partner)", "`cat /etc/partner`"):
        found = _found(LT, {"userData": _b64(_script(_policy(OTHER)).replace(OTHER, expansion))})
        assert len(found) == 1 and "whom it lets read cannot be told" in found[0], (expansion, found)
        assert "`userData.(decoded)`" in found[0], found
    settings = _b64(json.dumps({"bucket": "data", "Statement": "nightly summary"}))  # no principal: no policy
    assert _found(FN, {"environment": {"variables": {"SETTINGS": settings}}}) == [] != found


@pytest.mark.parametrize("resource,params,blocks", [
    ("ec2:modifyImageAttribute", {"ImageId": "ami-1", "LaunchPermission.$": "$.launch"}, True),  # IAM: Write
    ("apigateway:updateRestApi", {"RestApiId": "a1", "PatchOperations.$": "$.patch"}, True),  # no IAM name
    ("apigateway:getRestApi", {"RestApiId.$": "$.api"}, False),  # a read
])
def test_a_call_sharing_by_its_name_or_unknown_to_the_catalogue_is_judged(resource, params, blocks):
    found = _found(SFN, {"definition": _task(f"arn:aws:states:::aws-sdk:{resource}", params)})
    assert len(found) == int(blocks) and all(RUN_TIME in m for m in found), found
    assert blocks or _found(SFN, {"definition": _task(f"arn:aws:states:::aws-sdk:{resource}".replace(
        "get", "update"), params)})


def test_a_policy_with_a_placeholder_principal_blocks():
    """A policy put when code runs may name its principal by a placeholder the code fills in (`sed` on a
    heredoc's `PARTNER_ACCOUNT`, Python's `%s`): any account; a literal own principal passes."""
    heredoc = "cat > /tmp/p.json <<'EOF'\n{}\nEOF\naws s3api put-bucket-policy --bucket data --policy file:///tmp/p.json\n"
    for principal in ("PARTNER_ACCOUNT", "%s", "{partner}"):
        found = _found(LT, {"userData": _b64(heredoc.format(_policy(OTHER).replace(OTHER, principal)))})
        assert len(found) == 1 and "by a placeholder" in found[0], (principal, found)
    assert _found(LT, {"userData": _b64(heredoc.format(_policy(OWN)))}) == []


def _script_step(script, payload):
    inputs = {"Runtime": "python3.11", "Handler": "handler", "InputPayload": payload,
              **({"Script": script} if script else {"Attachment": "code.zip"})}
    return yaml.safe_dump({"schemaVersion": "0.3", "mainSteps": [
        {"name": "s", "action": "aws:executeScript", "inputs": inputs}]})


def test_a_runbook_script_granting_from_a_parameter_blocks():
    """Code the pack does not run: a script naming a grant-making call (or attached, unseen) that takes a
    runbook parameter is judged as such a call; one that only tags passes."""
    grant = "def handler(e, c):\n    boto3.client('s3').put_bucket_policy(Bucket='b', Policy=e['doc'])\n"
    for script in (grant, grant.replace("put_bucket_policy", "add_permission"), None):
        found = _found("aws:ssm/document:Document", {"content": _script_step(script, {"doc": "{{ Doc }}"})})
        assert len(found) == 1 and RUN_TIME in found[0] and "InputPayload.doc`" in found[0], (script, found)
    tags = "def handler(e, c):\n    boto3.client('ec2').create_tags(Resources=[e['id']], Tags=[])\n"
    assert _found("aws:ssm/document:Document", {"content": _script_step(tags, {"id": "{{ Id }}"})}) == []
    assert _found("aws:ssm/document:Document", {"content": _script_step(grant, {"doc": "fixed"})}) == []
