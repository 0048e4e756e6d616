"""Red-team round 64 of the residency pack: round 63's leads — data writes the fallback could not read by
their name, configuration `Put…` actions that hold no request's data, wildcard actions — and a blind probe
of IAM sends (corpus: tests/corpus/residency/*/r64-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import AIMS, ALLOWED, RESOLVED, allow, graph, messages, role_policy

OWN = "123456789012"
UNLISTED = "of services the gate holds no row for"


def _found(*views) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED)]


@pytest.mark.parametrize(("stmt", "noun"), [
    (allow("aoss:APIAccessAll", "arn:aws:aoss:*:*:collection/*"), "OpenSearch Serverless collections"),
    (allow(["dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:UpdateItem"],
           "arn:aws:dynamodb:*:*:table/*"), "tables"),
    (allow("dynamodb:Update*", "arn:aws:dynamodb:*:*:table/*"), "tables"),  # expands to UpdateItem
    (allow("lambda:InvokeAsync", "*"), "functions"),
    (allow("events:InvokeApiDestination", "*"), "event buses and API destinations"),
    (allow("s3express:CreateSession", "arn:aws:s3express:*:*:bucket/*"), "directory buckets"),
])
def test_a_rows_data_writes_named_otherwise_block_as_its_sends(stmt, noun):
    found = _found(role_policy(stmt))
    assert f"matches {noun} the stack does not create" in found[0], found
    assert all(AIMS in m for m in found[1:]), found  # round 65: `Update*` aims a Kinesis stream


@pytest.mark.parametrize("stmt", [
    allow(["glue:CreatePartition", "glue:BatchCreatePartition"], "*"),
    allow("glue:*Partition*", "*"),
    allow("dax:UpdateItem", "*"),
    allow("glacier:UploadArchive", f"arn:aws:glacier:*:{OWN}:vaults/*"),
    allow("osis:Ingest", "arn:aws:osis:*:*:pipeline/*"),
    allow("vpc-lattice-svcs:Invoke", "*"),  # its ARNs say `vpc-lattice`
])
def test_the_fallback_reads_more_data_verbs_and_what_an_action_writes(stmt):
    found = _found(role_policy(stmt))
    assert len(found) == 1 and UNLISTED in found[0], found


def test_removals_reads_and_metadata_named_after_data_are_no_sends():
    assert _found(role_policy(
        allow(["sagemaker:DeleteRecord", "backup-storage:ListObjects", "ssm:UpdateOpsMetadata"], "*"),
        allow("glue:CreatePartition", f"arn:aws:glue:eu-west-1:{OWN}:table/dosis/*"))) == []
    assert _found(role_policy(allow("glue:UpdatePartition", f"arn:aws:glue:*:{OWN}:table/dosis/*")))


def test_configuration_puts_pass_on_star_and_the_puts_that_copy_log_events_still_block():
    assert _found(role_policy(allow(["cloudwatch:PutMetricAlarm", "cloudwatch:PutCompositeAlarm",
                                     "logs:PutRetentionPolicy", "logs:PutMetricFilter"], "*"))) == []
    for action in ("logs:PutSubscriptionFilter", "logs:PutDestination", "logs:PutAccountPolicy",
                   "cloudwatch:PutMetricStream"):
        found = _found(role_policy(allow(["logs:PutRetentionPolicy", action], "*")))
        assert len(found) == 2 and action in found[0] and "PutRetentionPolicy" not in found[0], found
        assert AIMS in found[1] and action in found[1], found  # round 65: they aim the own group elsewhere


def test_a_shadow_update_is_an_iot_send():
    pinned = allow("iot:UpdateThingShadow", f"arn:aws:iot:eu-west-1:{OWN}:thing/dosis-*")
    assert _found(role_policy(pinned)) == []
    found = _found(role_policy(allow("iot:UpdateThingShadow", f"arn:aws:iot:*:{OWN}:thing/*")))
    assert len(found) == 1 and "matches IoT topics and shadows the stack does not create" in found[0], found
