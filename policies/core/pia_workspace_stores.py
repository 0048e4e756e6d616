"""Stores and controls the round-20 probe found judged only by the closed world: Azure Machine Learning
workspaces, Data Factories, App Runner services, Glue jobs with their security configurations, DMS
Serverless replication configs, and the S3 destinations of Firehose streams (round 22: buckets not of the
stack and third-party destinations too). The key, exposure and TLS rules
merge these tables into their own, as they do pia_platform_stores.py. Closed world: what cannot be read or
placed blocks."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.config_credentials import INLINE, inline_secrets
from policies.core.own_keys import BUCKET_TYPES
from policies.core.pia_more_stores import KeyJudge, KeyOf, firehose
from policies.core.pia_platform_stores import named_configuration
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ML = "azure-native:machinelearningservices:Workspace"
FACTORY = "azure-native:datafactory:Factory"
APP_RUNNER = "aws:apprunner/service:Service"
GLUE_JOB = "aws:glue/job:Job"
GLUE_SECURITY = "aws:glue/securityConfiguration:SecurityConfiguration"
DMS_CONFIG = "aws:dms/replicationConfig:ReplicationConfig"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
PIPE = "aws:pipes/pipe:Pipe"  # round 21: keeps its filters and templates under kmsKeyIdentifier
STORES = frozenset({ML, FACTORY, APP_RUNNER})
CONTROLS = frozenset({GLUE_JOB, GLUE_SECURITY, DMS_CONFIG, PIPE})

# ---------------------------------------------------------------- customer-managed keys


def _ml_workspace(flagged: Callable[..., KeyJudge]) -> KeyJudge:
    """The workspace's metadata under the CMK, and high business impact on: without it compute scratch disks
    are not encrypted and diagnostics go to Microsoft."""
    keyed = flagged(
        "encryption.keyVaultProperties.keyIdentifier", flag="encryption.status", flag_value="Enabled"
    )

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out, hbi = keyed(r, graph, known), r.input("hbiWorkspace")
        if is_unknown(hbi):
            out.append(unknown_message("hbiWorkspace", "the compute disks' encryption"))
        elif hbi is not True:
            out.append(
                f"`hbiWorkspace` is {hbi!r}: compute scratch disks are not encrypted and diagnostics leave "
                "for Microsoft; set it true with the customer-managed key"
            )
        return out

    return judge


def store_keys(flagged: Callable[..., KeyJudge]) -> dict[str, KeyJudge]:
    """Given the rule's `_key`: each store's own key fields."""
    return {
        ML: _ml_workspace(flagged),
        FACTORY: flagged("encryption.keyName"),
        APP_RUNNER: flagged("encryptionConfiguration.kmsKey"),
    }


def _glue_job(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A job's bookmarks, S3 output and logs are encrypted as its security configuration says (judged)."""
    _, why = named_configuration(
        r,
        graph,
        GLUE_SECURITY,
        "the job's S3 output, job bookmarks and CloudWatch logs are not under a customer-managed key; name a "
        "security configuration of the stack",
        "declare it (glue.SecurityConfiguration) and pass its name",
        noun="job",
    )
    return [why] if why else []


_GLUE_MODES = (
    ("s3Encryption", "s3EncryptionMode", "SSE-KMS"),
    ("cloudwatchEncryption", "cloudwatchEncryptionMode", "SSE-KMS"),
    ("jobBookmarksEncryption", "jobBookmarksEncryptionMode", "CSE-KMS"),
)


def glue_security(key_of: KeyOf) -> KeyJudge:
    """S3 output SSE-KMS, logs SSE-KMS and bookmarks CSE-KMS, each with a customer-managed key."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out = []
        for block, mode_fld, good in _GLUE_MODES:
            where = f"encryptionConfiguration.{block}"
            mode = r.get(f"{where}.{mode_fld}")
            if is_unknown(mode):
                out.append(unknown_message(f"{where}.{mode_fld}", "the encryption"))
            elif mode != good:
                shown = mode or "DISABLED"
                out.append(f"`{where}.{mode_fld}` is {shown!r}: use {good} with a customer-managed key")
            else:
                out += key_of(f"{where}.kmsKeyArn", r.get(f"{where}.kmsKeyArn"), known)
        return out

    return judge


_FIREHOSE_DESTINATIONS = (
    "extendedS3",
    "s3",
    "redshift",
    "elasticsearch",
    "opensearch",
    "opensearchserverless",
    "splunk",
    "httpEndpoint",
    "snowflake",
    "iceberg",
)
_FIREHOSE_S3 = tuple(
    f"{dest}Configuration.{sub}"
    for dest in _FIREHOSE_DESTINATIONS
    for sub in ("", "s3Configuration.", "s3BackupConfiguration.")
)
# Destinations outside any store of the controller (round 22): a third party's endpoint keeps the records
# under its own keys, never under one the controller holds.
_THIRD_PARTY = {"http_endpoint": "an HTTP endpoint", "splunk": "Splunk", "snowflake": "Snowflake"}


def _stack_bucket(r: ResourceView, graph: StackGraph, block: str, arn: object) -> bool:
    """The bucket a destination block names is one of the stack (fed from it, or named by its ARN)."""
    top = block.split(".", 1)[0]
    if any(d.type in BUCKET_TYPES for d in graph.dependency_of(r, top)):
        return True
    name = arn.removeprefix("arn:aws:s3:::") if isinstance(arn, str) and not is_unknown(arn) else None
    return bool(name) and any(b.type in BUCKET_TYPES for b in graph.named(name))


def _firehose_buckets(r: ResourceView, graph: StackGraph, key_of: KeyOf, known: set[str]) -> list[str]:
    """Each S3 block: its own key must be customer-managed; without one the bucket's default encryption
    applies, judged on the bucket only when the bucket is of the stack (round 22; round 20 let it pass)."""
    out: list[str] = []
    for block in _FIREHOSE_S3:
        if (key := r.get(f"{block}kmsKeyArn")) is not None:
            out += key_of(f"{block}kmsKeyArn", key, known)
        elif (arn := r.get(f"{block}bucketArn")) is not None and not _stack_bucket(r, graph, block, arn):
            out.append(
                f"`{block}bucketArn` names a bucket that is not of this stack and no `{block}kmsKeyArn`: the "
                "objects take that bucket's default encryption, which is judged nowhere; name the "
                "customer-managed key or create the bucket in this stack"
            )
    return out


def firehose_with_destinations(key_of: KeyOf) -> KeyJudge:
    """The stream's buffer (pia_more_stores.firehose), every S3 key it writes objects with, and no
    third-party destination."""
    buffer = firehose(key_of)

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out = buffer(r, graph, known) + _firehose_buckets(r, graph, key_of, known)
        dest = r.input("destination")
        if is_unknown(dest):
            out.append(unknown_message("destination", "where the records are delivered"))
        elif dest in _THIRD_PARTY:
            out.append(
                f"`destination` is {dest!r}: the records are delivered to {_THIRD_PARTY[dest]} of a third "
                "party and kept there under its keys, not a customer-managed key of the controller; deliver "
                "to a store of this stack"
            )
        return out

    return judge


def configures(key_of: KeyOf) -> dict[str, KeyJudge]:
    """Not stores, but they set the key of what they write (merged into the rule's CONFIGURES)."""
    return {
        GLUE_JOB: _glue_job,
        GLUE_SECURITY: glue_security(key_of),
        DMS_CONFIG: lambda r, g, k: key_of("computeConfig.kmsKeyId", r.get("computeConfig.kmsKeyId"), k),
        FIREHOSE: firehose_with_destinations(key_of),
        PIPE: lambda r, g, k: key_of("kmsKeyIdentifier", r.get("kmsKeyIdentifier"), k),
        **{t: inline_secrets for t in INLINE},  # credentials inline (round 35)
    }


# ---------------------------------------------------------------- public exposure and TLS

NOT_PUBLIC = {
    APP_RUNNER: "serves its application over HTTPS like a web app; what it keeps (image copy, environment, "
    "secrets) is read by the service only, and the stores it reaches are judged as their own types",
}
TLS_ELSEWHERE = {
    ML: "the studio and workspace APIs are served over HTTPS by Azure Machine Learning with TLS 1.2 or newer",
    FACTORY: "Data Factory's endpoints accept TLS 1.2 or newer only; its links are judged on the stores",
    APP_RUNNER: "App Runner serves HTTPS only, terminated by AWS with TLS 1.2 or newer",
}
