"""Red-team round 65 of the residency pack: round 64's leads — grants that aim the stack's own resource at a
destination named in the request, imports, a row service's data writes under other names — and a blind probe
(corpus: tests/corpus/residency/*/r65-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import AIMS, ALLOWED, RESOLVED, allow, graph, messages, pinned_res, role_policy

OWN = "123456789012"
NARROW = {"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}
TOPIC = f"arn:aws:sns:eu-west-1:{OWN}:dosis-events"


def _found(*views) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED)]


def _aims(*views) -> list[str]:
    """The messages about aiming actions (a resource ARN the unit graph does not hold adds its own)."""
    return [m for m in _found(*views) if AIMS in m]


@pytest.mark.parametrize("stmt", [
    allow("sns:Subscribe", TOPIC),
    allow(["events:PutRule", "events:PutTargets"], f"arn:aws:events:eu-west-1:{OWN}:rule/dosis-bus/*"),
    allow("s3:PutReplicationConfiguration", "arn:aws:s3:::dosis-audit"),
    allow(["s3:PutBucketLogging", "s3:PutInventoryConfiguration"], "arn:aws:s3:::dosis-audit"),
    allow("logs:PutSubscriptionFilter", f"arn:aws:logs:eu-west-1:{OWN}:log-group:/dosis/app:*"),
    allow("dynamodb:ExportTableToPointInTime", f"arn:aws:dynamodb:eu-west-1:{OWN}:table/dosis-status"),
    allow("rds:StartExportTask", "*", NARROW),  # the narrowing binds the snapshot, not the bucket
    allow("backup:StartCopyJob", f"arn:aws:backup:eu-west-1:{OWN}:backup-vault:dosis-vault"),
    allow("lambda:PutFunctionEventInvokeConfig", f"arn:aws:lambda:eu-west-1:{OWN}:function:dosis-worker"),
    allow("ec2:CreateTrafficMirrorSession", "*", NARROW),
    allow("firehose:UpdateDestination", f"arn:aws:firehose:eu-west-1:{OWN}:deliverystream/dosis-audit"),
    allow("lambda:CreateEventSourceMapping", "*", {"StringEquals": {  # the function, not its OnFailure
        "lambda:FunctionArn": f"arn:aws:lambda:eu-west-1:{OWN}:function:dosis-worker"}}),
])
def test_an_action_that_aims_the_own_resource_elsewhere_blocks_whatever_its_arn(stmt):
    assert len(_aims(role_policy(stmt))) == 1


def test_a_pinned_destination_is_judged_as_the_reference_it_is():
    inbox = pinned_res("aws:sqs/queue:Queue", "inbox", {
        "name": "dosis-inbox", "arn": f"arn:aws:sqs:eu-west-1:{OWN}:dosis-inbox"})
    topic = pinned_res("aws:sns/topic:Topic", "events", {"name": "dosis-events", "arn": TOPIC})
    own = {"StringEquals": {"sns:Endpoint": f"arn:aws:sqs:eu-west-1:{OWN}:dosis-inbox"}}
    assert _found(inbox, topic, role_policy(allow("sns:Subscribe", TOPIC, own))) == []
    outside = {"StringEquals": {"sns:Endpoint": "https://hooks.partner-analytics.example.com/dosis"}}
    found = _found(topic, role_policy(allow("sns:Subscribe", TOPIC, outside)))
    where = "`policy(json).Statement.0`, condition `sns:Endpoint`"
    assert len(found) == 1 and found[0].startswith(f"{where} sends to hooks.partner-analytics"), found
    other = {"StringEquals": {"events:TargetArn": "arn:aws:events:eu-west-1:999999999999:event-bus/partner"}}
    found = _found(role_policy(allow("events:PutTargets", f"arn:aws:events:eu-west-1:{OWN}:rule/*", other)))
    assert len(found) == 1 and "999999999999" in found[0] and AIMS not in found[0], found


@pytest.mark.parametrize("condition", [
    {"StringLike": {"sns:Endpoint": "https://*"}},  # a pattern pins nothing
    {"StringEquals": {"sns:Endpoint": "https://${aws:PrincipalTag/hook}"}},  # nor a policy variable
    {"StringEquals": {"sns:Protocol": "https"}},  # a protocol is no destination
    {"ForAnyValue:StringEquals": {"sns:Endpoint": "https://x.vlaanderen.be"}},
])
def test_only_a_literal_equality_on_the_destination_key_pins(condition):
    assert len(_aims(role_policy(allow("sns:Subscribe", TOPIC, condition)))) == 1


def test_a_copy_made_in_the_requests_region_is_pinned_by_the_requested_region():
    copies = ["rds:CopyDBSnapshot", "ec2:CopySnapshot"]
    eu = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert _found(role_policy(allow(copies, "*", eu))) == []
    us = {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}
    for stmt in (allow(copies, "*", us), allow(copies, "*")):
        found = _found(role_policy(stmt))
        assert len(found) == 1 and AIMS in found[0] and "rds:CopyDBSnapshot" in found[0], found


def test_reads_consumers_and_a_rule_alone_do_not_aim_but_its_targets_do():
    assert _found(role_policy(
        allow(["kinesis:RegisterStreamConsumer", "kinesis:SubscribeToShard"],
              f"arn:aws:kinesis:eu-west-1:{OWN}:stream/dosis-events*"),
        allow("events:PutRule", f"arn:aws:events:eu-west-1:{OWN}:rule/*"),
        allow("rds:RestoreDBInstanceFromS3", "*"))) == []
    found = _found(role_policy(allow("events:PutTargets", f"arn:aws:events:eu-west-1:{OWN}:rule/*")))
    assert len(found) == 1 and "events:PutTargets" in found[0], found


@pytest.mark.parametrize(("stmt", "noun"), [
    (allow("dynamodb:ImportTable", f"arn:aws:dynamodb:*:{OWN}:table/*"), "tables"),
    (allow(["bedrock:InvokeAgent", "bedrock:RetrieveAndGenerate"], "*"), "models, agents and flows"),
    (allow("bedrock:InvokeFlow", "arn:aws:bedrock:*:*:flow/*"), "models, agents and flows"),
    (allow("appsync:EventPublish", "arn:aws:appsync:*:*:apis/*"), "GraphQL and Events APIs"),
])
def test_a_rows_writes_under_other_names_block_as_its_sends(stmt, noun):
    found = _found(role_policy(stmt))
    assert len(found) == 1 and f"matches {noun} the stack does not create" in found[0], found


def test_the_same_writes_pinned_to_the_own_account_and_region_pass():
    assert _found(role_policy(
        allow("dynamodb:ImportTable", f"arn:aws:dynamodb:eu-west-1:{OWN}:table/dosis-*"),
        allow("bedrock:InvokeAgent", f"arn:aws:bedrock:eu-west-1:{OWN}:agent-alias/*"))) == []
    assert _found(role_policy(allow("bedrock:InvokeAgent", f"arn:aws:bedrock:*:{OWN}:agent-alias/*")))


# Round 65's probe after the fixes (cases r65-23 to r65-26, written first).


def test_a_store_policy_granting_a_role_an_aim_blocks_and_one_naming_the_account_leaves_it_to_iam():
    def topic(principal):
        doc = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                                         "Action": ["sns:Publish", "sns:Subscribe"], "Resource": TOPIC}]})
        inputs = {"name": "dosis-events", "arn": TOPIC, "policy": doc}
        return pinned_res("aws:sns/topic:Topic", "events", inputs)

    assert _aims(topic(OWN)) == [] and _aims(topic(f"arn:aws:iam::{OWN}:root")) == []
    found = _aims(topic(f"arn:aws:iam::{OWN}:role/dosis-worker"))
    assert len(found) == 1 and found[0].startswith("`policy(json).Statement.0` allows sns:Subscribe"), found


def test_settings_the_pack_scans_set_anew_at_run_time_aim_and_a_code_package_does_not():
    fn = f"arn:aws:lambda:eu-west-1:{OWN}:function:dosis-worker"
    assert _aims(role_policy(allow("lambda:UpdateFunctionCode", fn))) == []
    for stmt in (allow(["lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionCode"], fn),
                 allow("dlm:CreateLifecyclePolicy", "*"),
                 allow("states:UpdateStateMachine", f"arn:aws:states:eu-west-1:{OWN}:stateMachine:dosis"),
                 allow("ecs:RegisterTaskDefinition", "*")):
        found = _aims(role_policy(stmt))
        assert len(found) == 1 and "UpdateFunctionCode" not in found[0], found
