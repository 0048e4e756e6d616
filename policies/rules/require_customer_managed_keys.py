"""Data stores, backups, snapshots and logs at classification 'vertrouwelijk' and above are encrypted with a
customer-managed key that rotates (R2016: the key sits with the controller, re-encryption; DPA annex 3 b.iv;
D36 §101 7th: residual risk acceptable only because of the encryption)."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.helpers import is_transient, linked, needs_cmk
from policies.core.rule import Rule, RuleContext
from policies.core.types import DATA_BEARING
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

_SSE = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)


def _key(field: str, *, flag: str | None = None, flag_value: object = True) -> Callable[..., list[str]]:
    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        out = []
        if flag is not None:
            value = r.get(flag)
            if is_unknown(value):
                out.append(unknown_message(flag, "the encryption"))
            elif value != flag_value:
                out.append(
                    f"`{flag}` is {value!r}; encryption with a customer-managed key requires {flag_value!r}"
                )
        key = r.get(field)
        if key is None:
            out.append(f"`{field}` is not set: the data would be encrypted with a provider-managed key")
        elif isinstance(key, str) and key.startswith("alias/aws/"):
            out.append(f"`{field}` is the AWS-managed key {key!r}; use a customer-managed key")
        return out

    return judge


def _bucket(r: ResourceView, graph: StackGraph) -> list[str]:
    inline = r.get("serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault")
    configs = [
        get_path(c.inputs, "rules.0.applyServerSideEncryptionByDefault")
        for c in linked(graph, r, _SSE, "bucket")
    ]
    if inline:
        configs.append(inline)
    if not configs:
        return ["no server-side encryption configuration with a customer-managed KMS key for the bucket"]
    for c in configs:
        if is_unknown(c) or not isinstance(c, dict):
            return [unknown_message("rules.0.applyServerSideEncryptionByDefault", "the bucket encryption")]
        if c.get("sseAlgorithm") not in ("aws:kms", "aws:kms:dsse") or not c.get("kmsMasterKeyId"):
            return [f"bucket encryption is {c.get('sseAlgorithm')!r} without a customer-managed KMS key"]
    return []


def _kms_key(r: ResourceView, graph: StackGraph) -> list[str]:
    if r.input("customKeyStoreId") is not None:
        return []  # XKS / CloudHSM: KMS cannot rotate these; the controller rotates in its key manager
    spec = r.input("customerMasterKeySpec") or r.input("keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and r.input("enableKeyRotation") is not True:
        return ["`enableKeyRotation` is not true: the key must rotate (R2016 regular re-encryption)"]
    return []


def _memcached(r: ResourceView, graph: StackGraph) -> list[str]:
    if r.input("engine") == "memcached" and is_transient(r):
        return []  # Memcached keeps nothing at rest (D36 §108 transient cache)
    return [
        "a non-transient ElastiCache cluster cannot be encrypted at rest with a customer-managed key; "
        "use a replication group with atRestEncryptionEnabled and kmsKeyId"
    ]


def _sql_server(r: ResourceView, graph: StackGraph) -> list[str]:
    key_id = r.input("keyId")
    if is_unknown(key_id):
        return [unknown_message("keyId", "the TDE key")]
    if isinstance(key_id, str) and key_id:
        return []  # server-level customer-managed TDE protector
    protectors = linked(graph, r, ("azure-native:sql:EncryptionProtector",), "serverName")
    if not any(p.input("serverKeyType") == "AzureKeyVault" for p in protectors):
        return [
            "no `keyId` and no EncryptionProtector with serverKeyType AzureKeyVault: TDE would use a "
            "service-managed key"
        ]
    return []


def _workspace(r: ResourceView, graph: StackGraph) -> list[str]:
    clusters = [
        c
        for c in graph.by_type("azure-native:operationalinsights:Cluster")
        if get_path(c.inputs, "keyVaultProperties.keyName")
    ]
    if not clusters:
        return [
            "no Log Analytics cluster with a customer-managed key (keyVaultProperties) links the workspace"
        ]
    return []


CHECKS: dict[str, Callable[[ResourceView, StackGraph], list[str]]] = {
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:rds/instance:Instance": _key("kmsKeyId", flag="storageEncrypted"),
    "aws:rds/cluster:Cluster": _key("kmsKeyId", flag="storageEncrypted"),
    "aws:rds/clusterInstance:ClusterInstance": lambda r, g: [],
    "aws:dynamodb/table:Table": _key("serverSideEncryption.kmsKeyArn", flag="serverSideEncryption.enabled"),
    "aws:elasticache/cluster:Cluster": _memcached,
    "aws:elasticache/replicationGroup:ReplicationGroup": _key("kmsKeyId", flag="atRestEncryptionEnabled"),
    "aws:efs/fileSystem:FileSystem": _key("kmsKeyId", flag="encrypted"),
    "aws:ebs/volume:Volume": _key("kmsKeyId", flag="encrypted"),
    "aws:secretsmanager/secret:Secret": _key("kmsKeyId"),
    "aws:sqs/queue:Queue": _key("kmsMasterKeyId"),
    "aws:sns/topic:Topic": _key("kmsMasterKeyId"),
    "aws:cloudwatch/logGroup:LogGroup": _key("kmsKeyId"),
    "aws:ecr/repository:Repository": _key(
        "encryptionConfigurations.0.kmsKey",
        flag="encryptionConfigurations.0.encryptionType",
        flag_value="KMS",
    ),
    "aws:backup/vault:Vault": _key("kmsKeyArn"),
    "aws:kinesis/stream:Stream": _key("kmsKeyId", flag="encryptionType", flag_value="KMS"),
    "aws:opensearch/domain:Domain": _key("encryptAtRest.kmsKeyId", flag="encryptAtRest.enabled"),
    "aws:ec2/instance:Instance": _key("rootBlockDevice.kmsKeyId", flag="rootBlockDevice.encrypted"),
    "aws:kms/key:Key": _kms_key,
    "azure-native:storage:StorageAccount": _key(
        "encryption.keyVaultProperties.keyName", flag="encryption.keySource", flag_value="Microsoft.Keyvault"
    ),
    "azure-native:sql:Server": _sql_server,
    "azure-native:documentdb:DatabaseAccount": _key("keyVaultKeyUri"),
    "azure-native:operationalinsights:Workspace": _workspace,
    "azure-native:recoveryservices:Vault": _key("properties.encryption.keyVaultProperties.keyUri"),
    "azure-native:compute:Disk": _key("encryption.diskEncryptionSetId"),
}
# Stores whose encryption lives elsewhere (key material, containers of an encrypted account, ...).
EXEMPT = frozenset(
    {
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:kms/externalKey:ExternalKey",
        "azure-native:keyvault:ManagedHsm",
        "azure-native:storage:BlobContainer",
        "azure-native:sql:Database",
    }
)


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for r in graph.resources:
        if r.type not in DATA_BEARING or r.type in EXEMPT or not needs_cmk(r):
            continue
        judge = CHECKS.get(r.type)
        if judge is None:
            out.append(
                (
                    r.urn,
                    f"no customer-managed-key check is defined for {r.type}, so its encryption "
                    f"cannot "
                    "be judged",
                )
            )
            continue
        out.extend((r.urn, m) for m in judge(r, graph))
    return out


RULE = Rule(
    id="require-customer-managed-keys",
    title="Every data store, backup and log at 'vertrouwelijk' or above is encrypted with a rotating "
    "customer-managed key.",
    severity="critical",
    remediation="Encrypt with the stack's KMS / Key Vault key (kmsKeyId, SSE-KMS, keyVaultProperties, TDE "
    "protector) and enable key rotation.",
    controls=("ENC-01", "ENC-02", "ENC-03", "PIA-06", "PIA-07", "SYS-02"),
    check=check,
    module=__name__,
    scope="stack",
)
