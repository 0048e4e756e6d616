"""Red-team round 60 of the residency pack: round 59's leads — identity policies writing into buckets by a
pattern, a Data Pipeline path whose head fills to a bare name, an EventBridge global endpoint's URL
(corpus: tests/corpus/residency/*/r60-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import AIMS, ALLOWED, REPLICATION, RESOLVED, graph, messages, pinned_res, res

from policies.core.pipeline_parameters import filled_definition

OWN = "arn:aws:s3:::dosis-exports"
PATTERN = "a pattern that also matches buckets the stack does not create"


def _bucket():
    return res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "dosis-exports"})


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _role_policy(*statements: dict):
    return pinned_res("aws:iam/rolePolicy:RolePolicy", "p",
                      {"role": "dosis-export", "policy": _doc(*statements)})


def _pattern_findings(*views) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(_bucket(), *views), ALLOWED) if PATTERN in m]


@pytest.mark.parametrize("stmt", [
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::*"},
    {"Effect": "Allow", "Action": ["s3:ReplicateObject"], "Resource": "arn:aws:s3:::export-*/*"},
    {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:*:s3:::*"]},
    {"Effect": "Allow", "Action": "s3:Put*", "Resource": "*"},
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::dosis-exports?/*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::${aws:PrincipalTag/bucket}/*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "NotResource": [OWN, f"{OWN}/*"]},
])
def test_a_write_grant_on_a_bucket_pattern_blocks_saying_to_name_the_buckets(stmt):
    found = _pattern_findings(_role_policy(stmt))
    assert len(found) == 1 and "name each bucket it writes to" in found[0], found


@pytest.mark.parametrize("stmt", [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::*"},  # reads
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{OWN}/exports/*"},  # a wildcard in the key
    {"Effect": "Deny", "Action": "s3:PutObject", "NotResource": f"{OWN}/*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "NotResource": "arn:aws:s3:::*"},  # spares every bucket
    {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:*:*:*"},
])
def test_reads_own_buckets_and_denies_are_no_pattern_write(stmt):
    assert _pattern_findings(_role_policy(stmt)) == []


def test_inline_policies_of_a_role_are_read():
    role = pinned_res("aws:iam/role:Role", "r", {"name": "dosis-etl", "inlinePolicies": [
        {"name": "s3", "policy": _doc({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:*:s3:::*"})}]})
    found = _pattern_findings(role)
    assert found and found[0].startswith("`inlinePolicies.0.policy(json).Statement.0`"), found


def _ceiling():
    return pinned_res("aws:iam/policy:Policy", "ceiling", {"name": "ceiling", "path": "/boundaries/",
                      "policy": _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})})


def test_a_policy_only_used_as_a_boundary_grants_nothing_attached_it_grants():
    arn = "arn:aws:iam::123456789012:policy/boundaries/ceiling"
    role = pinned_res("aws:iam/role:Role", "r", {"name": "dosis-export", "permissionsBoundary": arn})
    assert _pattern_findings(_ceiling(), role) == []
    attached = pinned_res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a",
                          {"role": "dosis-export", "policyArn": arn})
    assert len(_pattern_findings(_ceiling(), role, attached)) == 1
    by_list = pinned_res("aws:iam/role:Role", "r2", {"name": "other", "managedPolicyArns": [arn]})
    assert len(_pattern_findings(_ceiling(), role, by_list)) == 1
    assert len(_pattern_findings(_ceiling())) == 1  # a policy no principal names is judged as a grant


def _node(target: str):
    return res("aws:datapipeline/pipelineDefinition:PipelineDefinition", "def", {
        "pipelineId": "df-0123456789ABCDEFGHIJ", "pipelineObjects": [{"id": "Out", "name": "Out", "fields": [
            {"key": "type", "stringValue": "S3DataNode"}, {"key": "myTarget", "stringValue": target},
            {"key": "directoryPath", "stringValue": "#{node.myTarget}/dossiers/"}]}]})


def test_a_data_pipeline_path_whose_head_fills_to_a_bare_name_blocks():
    # round 61: a bare bucket name is read as that bucket (the own one passes: test_residency_r61.py);
    # what has no bucket name's shape stays unfilled
    v = _node("Partner_Drop")
    assert filled_definition(v, dict(v.inputs))["pipelineObjects"][0]["fields"][2]["stringValue"] == (
        "#{node.myTarget}/dossiers/")
    found = messages(REPLICATION, v, ALLOWED)
    assert found and "fills with a scheme and a place" in found[0], found
    outside = [m for _, m in messages(RESOLVED, graph(_bucket(), _node("partner-dossier-drop")), ALLOWED)]
    assert len(outside) == 1 and "'partner-dossier-drop'" in outside[0], outside
    own = _node("s3://dosis-exports")
    assert messages(REPLICATION, own, ALLOWED) == []
    assert messages(RESOLVED, graph(_bucket(), own), ALLOWED) == []
    assert messages(REPLICATION, _node("/tmp/export"), ALLOWED) == []  # a local path on the runner


def test_an_eventbridge_global_endpoint_url_is_named_as_such_not_as_us_east_1():
    fn = pinned_res("aws:lambda/function:Function", "fn", {
        "role": "arn:aws:iam::123456789012:role/x", "runtime": "python3.12", "handler": "app.handler",
        "environment": {"variables": {"EVENTS_URL": "https://abcde.veo.endpoints.event.amazonaws.com"}}})
    found = [m for _, m in messages(RESOLVED, graph(fn), ALLOWED)]  # round 61: the stack's own one resolves
    assert len(found) == 1 and "an EventBridge global endpoint" in found[0], found
    assert "us-east-1" not in found[0], found


@pytest.mark.parametrize(("type_", "inputs", "name"), [
    ("aws:iam/rolePolicyAttachment:RolePolicyAttachment",
     {"role": "r", "policyArn": "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"},
     "AWSGlueServiceRole"),
    ("aws:iam/role:Role", {"name": "r", "managedPolicyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]},
     "PowerUserAccess"),
    ("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
     {"roleName": "r", "policyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}, "AdministratorAccess"),
])
def test_an_attached_aws_managed_policy_is_judged_by_the_statements_the_gate_knows(type_, inputs, name):
    found = _pattern_findings(pinned_res(type_, "a", inputs))
    assert len(found) == 1 and f"(AWS-managed {name}, statement " in found[0], found


def test_aws_managed_policies_that_write_to_no_bucket_pattern_pass():
    for arn in ("service-role/AWSLambdaBasicExecutionRole", "ReadOnlyAccess", "SecurityAudit"):
        attached = pinned_res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a",
                              {"role": "r", "policyArn": f"arn:aws:iam::aws:policy/{arn}"})
        assert _pattern_findings(attached) == [], arn


OTHERS = "a pattern over the account or region that also matches"


@pytest.mark.parametrize(("stmt", "noun"), [
    ({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:*"}, "queues"),
    ({"Effect": "Allow", "Action": "events:PutEvents", "Resource": "arn:aws:events:eu-west-1:*:event-bus/*"},
     "event buses and API destinations"),
    ({"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}, "topics"),
    ({"Effect": "Allow", "Action": "lambda:Invoke*", "Resource": "arn:aws:lambda:*:123456789012:function:*"},
     "functions"),
    ({"Effect": "Allow", "Action": "kinesis:Put*", "Resource": "arn:aws:kinesis:${aws:RequestedRegion}:*:*"},
     "streams"),
    ({"Effect": "Allow", "Action": "dynamodb:PutItem", "NotResource": "arn:aws:dynamodb:eu-west-1:1:table/x"},
     "tables"),
])
def test_a_send_grant_over_accounts_or_regions_blocks(stmt, noun):
    found = [m for _, m in messages(RESOLVED, graph(_role_policy(stmt)), ALLOWED) if OTHERS in m]
    assert len(found) == 1 and f"matches {noun} the stack does not create" in found[0], found


@pytest.mark.parametrize("stmt", [
    {"Effect": "Allow", "Action": "sns:Publish", "NotResource": "arn:aws:sns:*:*:*"},  # SMS only
    {"Effect": "Allow", "Action": "sqs:SendMessage",
     "Resource": "arn:aws:sqs:eu-west-1:123456789012:dosis-*"},
    {"Effect": "Allow", "Action": "sqs:GetQueueAttributes", "Resource": "arn:aws:sqs:*:*:*"},
    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],  # any region: round 63
     "Resource": "arn:aws:logs:eu-west-1:123456789012:*"},
])
def test_sms_pinned_account_and_region_reads_and_logs_are_no_send_pattern(stmt):
    assert [m for _, m in messages(RESOLVED, graph(_role_policy(stmt)), ALLOWED) if OTHERS in m] == []


def test_one_statement_granting_everything_gives_one_message_per_reasoning():
    everything = _role_policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    found = [m for _, m in messages(RESOLVED, graph(everything), ALLOWED)]
    assert len(found) == 4 and PATTERN in found[0] and OTHERS in found[1], found
    assert "of services the gate holds no row for" in found[2]  # round 63: the table's closed world
    assert AIMS in found[3]  # round 65: subscriptions, targets, replications… aim elsewhere
