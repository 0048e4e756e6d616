"""Copies whose key is a setting of their own (round 39): a copy made by a service lands under the key the
copy setting names, not the source's, and without one under an AWS-managed or AWS-owned key. Data Lifecycle
Manager's cross-region snapshot and AMI copies (`crossRegionCopyRules[].cmkArn`, and for event-based
policies `action.crossRegionCopies[].encryptionConfiguration.cmkArn`: the region's default EBS key
otherwise), an EFS replication's destination (`destination.kmsKeyId`: aws/elasticfilesystem otherwise) and
an RDS zero-ETL integration (`kmsKeyId`: an AWS-owned key otherwise). Round 60: a DynamoDB table's Kinesis
streaming destination copies every change of the table into `streamArn` (the SDK: a stream that "must exist
in the same account and region as the DynamoDB table"), kept under that stream's key.
require-customer-managed-keys merges these into its CONFIGURES; require-judgeable-data-types counts them as
read."""

from __future__ import annotations

from typing import Any

from policies.core.pia_more_stores import KeyJudge, KeyOf
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
EFS_REPLICATION = "aws:efs/replicationConfiguration:ReplicationConfiguration"
RDS_INTEGRATION = "aws:rds/integration:Integration"
KINESIS_DESTINATION = "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination"
STREAM = "aws:kinesis/stream:Stream"
CONTROLS = frozenset({DLM, EFS_REPLICATION, RDS_INTEGRATION, KINESIS_DESTINATION})


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _copy(where: str, rule: Any, key_of: KeyOf, known: set[str]) -> list[str]:
    """One copy rule `{encrypted, cmkArn}`: encrypted, under a customer-managed key."""
    if is_unknown(rule):
        return [unknown_message(where, "the key of the copies")]
    if not isinstance(rule, dict):
        return []
    encrypted = rule.get("encrypted")
    if is_unknown(encrypted):
        return [unknown_message(f"{where}.encrypted", "whether the copies are encrypted")]
    if encrypted is not True:
        return [
            f"`{where}.encrypted` is {encrypted!r}: the copies are encrypted only as their source is, never "
            "with a key the stack names; set it true with `cmkArn`"
        ]
    return key_of(f"{where}.cmkArn", rule.get("cmkArn"), known)


def _dlm(key_of: KeyOf) -> KeyJudge:
    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        details = r.input("policyDetails")
        if is_unknown(details):
            return [unknown_message("policyDetails", "the key of the copies")]
        if not isinstance(details, dict):
            return []
        out = []
        for i, schedule in enumerate(_items(details.get("schedules"))):
            rules = schedule.get("crossRegionCopyRules") if isinstance(schedule, dict) else None
            if is_unknown(rules):
                out.append(unknown_message(f"policyDetails.schedules[{i}].crossRegionCopyRules", "their key"))
            for j, rule in enumerate(_items(rules)):
                out += _copy(f"policyDetails.schedules[{i}].crossRegionCopyRules[{j}]", rule, key_of, known)
        action = details.get("action")
        copies = action.get("crossRegionCopies") if isinstance(action, dict) else None
        if is_unknown(action) or is_unknown(copies):
            out.append(unknown_message("policyDetails.action", "the key of the copies"))
        for k, c in enumerate(_items(copies)):
            conf = c.get("encryptionConfiguration") if isinstance(c, dict) else None
            where = f"policyDetails.action.crossRegionCopies[{k}].encryptionConfiguration"
            out += _copy(where, conf if conf is not None else {"encrypted": None}, key_of, known)
        return out

    return judge


def _efs_replication(key_of: KeyOf) -> KeyJudge:
    """The replica is a new file system under `destination.kmsKeyId`, or the existing file system
    `destination.fileSystemId` names: one of the stack (its key judged there) or a key can't be judged."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        dest = r.input("destination")
        if is_unknown(dest):
            return [unknown_message("destination", "the key of the replica")]
        dest = dest if isinstance(dest, dict) else {}
        if dest.get("fileSystemId") is not None:
            if any(d.type == "aws:efs/fileSystem:FileSystem" for d in graph.dependency_of(r, "destination")):
                return []
            return [
                "`destination.fileSystemId` names a file system this stack does not declare: its key cannot "
                "be judged; replicate into a file system of the stack, or let EFS create one under "
                "`destination.kmsKeyId`"
            ]
        return key_of("destination.kmsKeyId", dest.get("kmsKeyId"), known)

    return judge


def _streamed_into(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """The table's changes land in a stream of the stack (fed from it, or named by its ARN), whose key is
    judged there; a stream the stack does not declare keeps them under a key nobody judged."""
    if any(d.type == STREAM for d in graph.dependency_of(r, "streamArn")):
        return []
    arn = r.input("streamArn")
    name = arn.rsplit(":stream/", 1)[-1] if isinstance(arn, str) and ":stream/" in arn else None
    if name is not None and any(s.input("name") == name for s in graph.by_type(STREAM)):
        return []
    return [
        f"`streamArn` {arn!r} is no Kinesis stream of this stack: every change of the table is copied into "
        "it under a key (and for a retention, to readers) this pack cannot judge; stream into a Kinesis "
        "stream of this stack, under the stack's key"
    ]


def configures(key_of: KeyOf) -> dict[str, KeyJudge]:
    """The copy settings judged here, given the rule's `_judge_key`."""
    return {
        DLM: _dlm(key_of),
        EFS_REPLICATION: _efs_replication(key_of),
        RDS_INTEGRATION: lambda r, g, k: key_of("kmsKeyId", r.get("kmsKeyId"), k),
        KINESIS_DESTINATION: _streamed_into,
    }
