"""Stores and controls the round-20 probe found judged only by the closed world: Azure Machine Learning
workspaces, Data Factories, App Runner services, Glue jobs with their security configurations, DMS
Serverless replication configs, and the S3 destinations of Firehose streams. The key, exposure and TLS rules
merge these tables into their own, as they do pia_platform_stores.py. Closed world: what cannot be read or
placed blocks."""

from __future__ import annotations

from collections.abc import Callable

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


_FIREHOSE_S3 = tuple(
    f"{dest}Configuration.{sub}kmsKeyArn"
    for dest in (
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
    for sub in ("", "s3Configuration.", "s3BackupConfiguration.")
)


def firehose_with_destinations(key_of: KeyOf) -> KeyJudge:
    """The stream's buffer (pia_more_stores.firehose) and every S3 key it writes objects with: a key it names
    must be customer-managed (without one, the bucket's default encryption applies, judged on the bucket)."""
    buffer = firehose(key_of)

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out = buffer(r, graph, known)
        for fld in _FIREHOSE_S3:
            if (key := r.get(fld)) is not None:
                out += key_of(fld, key, known)
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
