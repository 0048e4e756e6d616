"""Customer-managed-key judges of the stores the round-7 probe found unjudged (QLDB, Glue Data Catalog,
OpenSearch Serverless, Azure Data Explorer, Databricks, Cosmos DB for PostgreSQL, Amazon MQ); exposure and
TLS are in pia_more_exposure.py. Kept apart so the rule modules stay small; require-customer-managed-keys
merges them into its tables. Closed world: what cannot be read blocks."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import Any

from policies.core.pia_aws_paths import APIGW_METHOD_SETTINGS, apigw_stage, method_settings
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message

KeyJudge = Callable[[ResourceView, StackGraph, set[str]], list[str]]
KeyOf = Callable[[str, Any, set[str]], list[str]]  # require_customer_managed_keys._judge_key

AOSS_COLLECTION = "aws:opensearch/serverlessCollection:ServerlessCollection"
AOSS_POLICY = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
GLUE_SETTINGS = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
CPG_FIREWALL = "azure-native:dbforpostgresql:ServerGroupFirewallRule"
KEY_VAULT = "microsoft.keyvault"


# ---------------------------------------------------------------- customer-managed keys


def qldb(key_of: KeyOf) -> KeyJudge:
    """kmsKey: `AWS_OWNED_KMS_KEY` (also the default when absent) or a customer-managed key ARN."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        key = r.input("kmsKey")
        if isinstance(key, str) and key.upper() == "AWS_OWNED_KMS_KEY":
            return ["`kmsKey` is AWS_OWNED_KMS_KEY: the ledger is encrypted with an AWS-owned key"]
        return key_of("kmsKey", key, known)

    return judge


def mq_broker(key_of: KeyOf) -> KeyJudge:
    """encryptionOptions.useAwsOwnedKey defaults to true; false without kmsKeyId is the AWS-managed aws/mq."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        owned = r.get("encryptionOptions.useAwsOwnedKey")
        if is_unknown(owned) or is_unknown(r.input("encryptionOptions")):
            return [unknown_message("encryptionOptions.useAwsOwnedKey", "the encryption key")]
        if owned is not False:
            return [
                f"`encryptionOptions.useAwsOwnedKey` is {owned!r} (default true): the broker's messages are "
                "encrypted with an AWS-owned key; set it false with a customer-managed kmsKeyId"
            ]
        return key_of("encryptionOptions.kmsKeyId", r.get("encryptionOptions.kmsKeyId"), known)

    return judge


def _aoss_rules(doc: Any) -> list[tuple[dict[str, Any], list[str]]]:
    """(policy block, resource patterns) of an AOSS security policy (one block or a list of blocks)."""
    blocks = doc if isinstance(doc, list) else [doc]
    return [
        (
            b,
            [
                str(p)
                for rule in b.get("Rules") or []
                if isinstance(rule, dict)
                for p in rule.get("Resource") or []
            ],
        )
        for b in blocks
        if isinstance(b, dict)
    ]


def aoss_policy_blocks(p: ResourceView) -> tuple[list[tuple[dict[str, Any], list[str]]], str | None]:
    doc, err = json_document(p.input("policy"))
    if err:
        return [], unknown_message("policy", "what the policy sets") if err == "unknown" else (
            f"`policy` is {err}, so what it sets cannot be judged (fail closed)"
        )
    return _aoss_rules(doc), None


def aoss_covers(patterns: list[str], name: str) -> bool:
    return any(fnmatch.fnmatchcase(f"collection/{name}", pat) for pat in patterns)


def aoss_collection(key_of: KeyOf) -> KeyJudge:
    """An inline encryption config, or every encryption security policy of the stack that covers the
    collection, names a customer-managed key (none covering it: the key cannot be judged)."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        inline = r.input("encryptionConfigs")
        if is_unknown(inline):
            return [unknown_message("encryptionConfigs", "the encryption key")]
        inline = [inline] if isinstance(inline, dict) else inline or []
        out = []
        for i, c in enumerate(inline):
            where = f"encryptionConfigs.{i}"
            if not isinstance(c, dict) or c.get("awsOwnedKey") is not False:
                out.append(f"`{where}.awsOwnedKey` is not false: the collection uses an AWS-owned key")
            else:
                out += key_of(f"{where}.kmsKeyArn", c.get("kmsKeyArn"), known)
        if inline:
            return out
        name = r.input("name")
        if not isinstance(name, str) or is_unknown(name):
            return [unknown_message("name", "which encryption policy covers the collection")]
        covering = 0
        for p in graph.by_type(AOSS_POLICY):
            if is_unknown(p.input("type")):
                return [f"security policy {p.name}: " + unknown_message("type", "whether it sets the key")]
            if p.input("type") != "encryption":
                continue
            blocks, problem = aoss_policy_blocks(p)
            if problem:
                return [f"encryption policy {p.name}: {problem}"]
            for block, patterns in blocks:
                if aoss_covers(patterns, name):
                    covering += 1
                    out += aoss_encryption_block(block, key_of, known, p.name)
        if not covering:
            out.append(
                f"no encryption security policy of the stack covers collection {name!r}, so its key "
                "cannot be judged: add one with AWSOwnedKey false and a customer-managed KmsARN"
            )
        return out

    return judge


def aoss_encryption_block(block: dict[str, Any], key_of: KeyOf, known: set[str], where: str) -> list[str]:
    if block.get("AWSOwnedKey") is not False:
        return [f"encryption policy {where} has AWSOwnedKey {block.get('AWSOwnedKey')!r}: an AWS-owned key"]
    return key_of(f"{where}.KmsARN", block.get("KmsARN"), known)


def glue_settings(key_of: KeyOf) -> KeyJudge:
    """The Data Catalog (databases, tables, connection passwords) is encrypted with a customer-managed key."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        base = "dataCatalogEncryptionSettings"
        mode = r.get(f"{base}.encryptionAtRest.catalogEncryptionMode")
        out = []
        if is_unknown(mode):
            out.append(unknown_message(f"{base}.encryptionAtRest.catalogEncryptionMode", "the encryption"))
        elif mode not in ("SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"):
            out.append(
                f"`catalogEncryptionMode` is {mode!r}: the Data Catalog is not encrypted with a KMS key"
            )
        else:
            out += key_of(
                f"{base}.encryptionAtRest.sseAwsKmsKeyId",
                r.get(f"{base}.encryptionAtRest.sseAwsKmsKeyId"),
                known,
            )
        pw = f"{base}.connectionPasswordEncryption"
        flag = r.get(f"{pw}.returnConnectionPasswordEncrypted")
        if is_unknown(flag):
            out.append(unknown_message(f"{pw}.returnConnectionPasswordEncrypted", "the password encryption"))
        elif flag is not True:
            out.append("`returnConnectionPasswordEncrypted` is not true: connection passwords are readable")
        else:
            out += key_of(f"{pw}.awsKmsKeyId", r.get(f"{pw}.awsKmsKeyId"), known)
        return out

    return judge


def glue_catalog_item(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A catalog database/table is encrypted by the catalog's settings (judged themselves): they must be in
    the stack, for the same catalog."""
    catalog = r.input("catalogId")
    for s in graph.by_type(GLUE_SETTINGS):
        other = s.input("catalogId")
        if catalog is None or other is None or is_unknown(catalog) or is_unknown(other) or other == catalog:
            return []
    return [
        "no DataCatalogEncryptionSettings of the stack for this catalog, so the key of its metadata "
        "cannot be judged: add one with SSE-KMS and a customer-managed key"
    ]


def _key_vault(r: ResourceView, where: str, source: str, key: str) -> list[str]:
    """A Key Vault key source (case-insensitive, as Azure reads it) and a key name."""
    src, name = r.get(f"{where}.{source}"), r.get(f"{where}.{key}")
    if is_unknown(src) or is_unknown(name):
        return [unknown_message(where, "the encryption key")]
    if str(src or "").lower() != KEY_VAULT or not name:
        return [f"`{where}` has no Key Vault key ({source} {src!r}): a Microsoft-managed key would be used"]
    return []


def databricks(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """Notebooks and results (managed services) always; managed disks and the DBFS root storage too, unless
    the workspace is serverless (those do not exist there)."""
    ents = "encryption.entities"
    out = _key_vault(r, f"{ents}.managedServices", "keySource", "keyVaultProperties.keyName")
    if r.input("computeMode") != "Serverless":
        out += _key_vault(r, f"{ents}.managedDisk", "keySource", "keyVaultProperties.keyName")
        out += _key_vault(r, "parameters.encryption.value", "keySource", "keyName")
    return out


def kusto(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    props = r.input("keyVaultProperties")
    if is_unknown(props):
        return [unknown_message("keyVaultProperties", "the encryption key")]
    if not isinstance(props, dict) or not props.get("keyName") or not props.get("keyVaultUri"):
        return ["no `keyVaultProperties` (keyName, keyVaultUri): the cluster uses a Microsoft-managed key"]
    disk = r.input("enableDiskEncryption")  # the hot cache, on the nodes' disks (session 18)
    if is_unknown(disk):
        return [unknown_message("enableDiskEncryption", "whether the cluster's disks are encrypted")]
    return (
        []
        if disk is True
        else ["`enableDiskEncryption` is not true: the hot cache on the nodes' disks is not encrypted"]
    )


def cosmos_pg(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    kind, uri = r.get("dataEncryption.type"), r.get("dataEncryption.primaryKeyUri")
    if is_unknown(kind) or is_unknown(uri) or is_unknown(r.input("dataEncryption")):
        return [unknown_message("dataEncryption", "the encryption key")]
    if kind != "AzureKeyVault" or not uri:
        return [
            f"`dataEncryption.type` is {kind!r}: the cluster uses a system-managed key (use "
            "AzureKeyVault with primaryKeyUri)"
        ]
    return []


# ---------------------------------------------------------------- common AWS building blocks (round 9)

_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
_KMS = ("aws:kms", "aws:kms:dsse")


def s3_object(key_of: KeyOf) -> KeyJudge:
    """An object takes its bucket's default key (judged on the bucket) unless it names its own encryption:
    then SSE-KMS with a customer-managed key; a bucket outside the stack leaves the default unjudged."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        sse, key = r.input("serverSideEncryption"), r.input("kmsKeyId")
        if is_unknown(sse):
            return [unknown_message("serverSideEncryption", "the object's encryption")]
        if sse is None and key is None:
            bucket = r.input("bucket")
            ours = [b for b in graph.dependency_of(r, "bucket") if b.type in _BUCKETS] or [
                b for b in graph.by_type(*_BUCKETS) if bucket is not None and b.input("bucket") == bucket
            ]
            if ours or is_unknown(bucket):
                return []
            return [
                f"bucket {bucket!r} is not a bucket of this stack, so the key the object gets by default "
                "cannot be judged: set serverSideEncryption aws:kms with a customer-managed kmsKeyId"
            ]
        if sse not in _KMS:
            return [f"`serverSideEncryption` is {sse!r}: the object is not encrypted with a KMS key"]
        return key_of("kmsKeyId", key, known)

    return judge


def table_export(key_of: KeyOf) -> KeyJudge:
    """The export's objects: s3SseAlgorithm KMS with a customer-managed key (AES256 or absent: S3 keys)."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        algo = r.input("s3SseAlgorithm")
        if is_unknown(algo):
            return [unknown_message("s3SseAlgorithm", "the export's encryption")]
        if algo != "KMS":
            return [f"`s3SseAlgorithm` is {algo!r}: the exported table is not encrypted with a KMS key"]
        return key_of("s3SseKmsKeyId", r.input("s3SseKmsKeyId"), known)

    return judge


def typed_key(type_field: str, good: str, key_field: str, default: str) -> Callable[[KeyOf], KeyJudge]:
    """`type_field` must be `good` (the service uses `default` when it is absent) and `key_field` a
    customer-managed key."""

    def make(key_of: KeyOf) -> KeyJudge:
        def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
            kind = r.get(type_field)
            if is_unknown(kind):
                return [unknown_message(type_field, "the encryption key")]
            if (kind or default) != good:
                return [f"`{type_field}` is {kind or default!r}: not a customer-managed key (use {good})"]
            return key_of(key_field, r.get(key_field), known)

        return judge

    return make


def eks_cluster(key_of: KeyOf) -> KeyJudge:
    """Kubernetes secrets in etcd: envelope-encrypted with a customer-managed key (else an AWS-owned one)."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        config = r.input("encryptionConfig")
        if is_unknown(config) or is_unknown(r.get("encryptionConfig.resources")):
            return [unknown_message("encryptionConfig", "the key of the cluster's secrets")]
        if not isinstance(config, dict) or "secrets" not in (config.get("resources") or []):
            return ["no `encryptionConfig` for `secrets`: Kubernetes secrets are kept under an AWS-owned key"]
        return key_of("encryptionConfig.provider.keyArn", r.get("encryptionConfig.provider.keyArn"), known)

    return judge


def eks_node_group(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """Without a launch template, the nodes' volumes take the account's default EBS encryption."""
    template = r.input("launchTemplate")
    if template is None:
        return [
            "no `launchTemplate`: the nodes' volumes get the account's default EBS encryption (not judged); "
            "use a launch template whose block devices are encrypted with a customer-managed key"
        ]
    return [unknown_message("launchTemplate", "the nodes' volume encryption")] if is_unknown(template) else []


def firehose(key_of: KeyOf) -> KeyJudge:
    """Direct PUT streams buffer under their own key; a Kinesis or MSK source keeps the source's (judged)."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        if r.input("kinesisSourceConfiguration") or r.input("mskSourceConfiguration"):
            return []
        sse = "serverSideEncryption"
        enabled, kind = r.get(f"{sse}.enabled"), r.get(f"{sse}.keyType")
        if is_unknown(enabled) or is_unknown(kind) or is_unknown(r.input(sse)):
            return [unknown_message(sse, "the buffer's encryption")]
        if enabled is not True or kind != "CUSTOMER_MANAGED_CMK":
            return [
                f"`{sse}` is not enabled with keyType CUSTOMER_MANAGED_CMK: records are buffered under an "
                "AWS-owned key"
            ]
        return key_of(f"{sse}.keyArn", r.get(f"{sse}.keyArn"), known)

    return judge


def encrypted_key(key_of: KeyOf) -> KeyJudge:
    """`encrypted` true (a copy is otherwise as encrypted as its source) and a customer-managed kmsKeyId."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        flag = r.input("encrypted")
        if is_unknown(flag):
            return [unknown_message("encrypted", "the encryption")]
        out = (
            [] if flag is True else [f"`encrypted` is {flag!r}; set it true with a customer-managed kmsKeyId"]
        )
        return out + key_of("kmsKeyId", r.input("kmsKeyId"), known)

    return judge


def aws_block_keys(key_of: KeyOf) -> dict[str, KeyJudge]:
    """Encryption of the common AWS building blocks that store or move data (merged into
    require-customer-managed-keys' CONFIGURES)."""
    sfn = typed_key(
        "encryptionConfiguration.type",
        "CUSTOMER_MANAGED_KMS_KEY",
        "encryptionConfiguration.kmsKeyId",
        "AWS_OWNED_KEY",
    )
    return {
        "aws:s3/bucketObject:BucketObject": s3_object(key_of),
        "aws:s3/bucketObjectv2:BucketObjectv2": s3_object(key_of),
        "aws:s3/objectCopy:ObjectCopy": s3_object(key_of),
        "aws:dynamodb/tableExport:TableExport": table_export(key_of),
        "aws:rds/exportTask:ExportTask": lambda r, g, k: key_of("kmsKeyId", r.input("kmsKeyId"), k),
        "aws:rds/clusterActivityStream:ClusterActivityStream": lambda r, g, k: key_of(
            "kmsKeyId", r.input("kmsKeyId"), k
        ),
        "aws:sfn/stateMachine:StateMachine": sfn(key_of),
        "aws:sfn/activity:Activity": sfn(key_of),
        # without a key, EventBridge keeps events (retries, archives) under an AWS-owned key
        "aws:cloudwatch/eventBus:EventBus": lambda r, g, k: key_of(
            "kmsKeyIdentifier", r.input("kmsKeyIdentifier"), k
        ),
        "aws:cloudwatch/eventArchive:EventArchive": lambda r, g, k: key_of(
            "kmsKeyIdentifier", r.input("kmsKeyIdentifier"), k
        ),
        # copies whose source stays: an image copied in, a disk image imported from S3
        "aws:ec2/amiCopy:AmiCopy": encrypted_key(key_of),
        "aws:ebs/snapshotImport:SnapshotImport": encrypted_key(key_of),
        "aws:eks/cluster:Cluster": eks_cluster(key_of),
        "aws:eks/nodeGroup:NodeGroup": eks_node_group,
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": firehose(key_of),
        APIGW_METHOD_SETTINGS: method_settings,
        "aws:apigateway/stage:Stage": apigw_stage,
    }
