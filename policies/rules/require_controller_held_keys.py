"""Stores of personal data at 'vertrouwelijk' and above are encrypted with a key the controller holds:
a key in a Managed HSM (single-tenant, security domain held by the controller), in a KMS external or
CloudHSM key store, or KMS key material imported from the controller's HSM (R2016: "the encryption key
must not be in the hands of the cloud provider"; DPA annex 3 b.iv).

A key generated inside AWS KMS or in a multi-tenant Key Vault is operated by the provider and blocks.
A key the rule cannot trace to one of the accepted origins (a literal ARN of another stack, an unknown
value, a store type without a check) blocks too, with a message saying what would make it judgeable.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from policies.core.helpers import is_transient, linked, needs_cmk
from policies.core.pia_pinning import stack_accounts
from policies.core.rule import Rule, RuleContext
from policies.core.types import DATA_STORES
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

_SSE = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
_KEY = "aws:kms/key:Key"
_EXTERNAL = ("aws:kms/externalKey:ExternalKey",)
_ALIAS = "aws:kms/alias:Alias"
_STORE = "aws:kms/customKeyStore:CustomKeyStore"
_LINK = ("azure-native:operationalinsights:LinkedService",)
_CLUSTER = "azure-native:operationalinsights:Cluster"
CONTROLLER_STORE_TYPES = ("EXTERNAL_KEY_STORE", "AWS_CLOUDHSM")
_HSM_HOST = re.compile(r"^https://([a-z0-9-]+)\.managedhsm\.azure\.net(/|$)", re.IGNORECASE)
_VAULT_HOST = re.compile(r"^https://[a-z0-9-]+\.vault\.azure\.net(/|$)", re.IGNORECASE)

HOW = (
    "reference a key of this stack in a KMS custom key store (XKS/CloudHSM), an aws:kms/externalKey "
    "(imported material), or a key URI in a Managed HSM (https://<hsm>.managedhsm.azure.net/keys/...)"
)

# Stores that hold telemetry, messages or images rather than dossier data: their keys are judged by
# require-customer-managed-keys; anything else in DATA_STORES without a check here blocks.
NOT_PERSONAL = frozenset(
    {
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:sns/topic:Topic",
        "aws:sqs/queue:Queue",
        "aws:ecr/repository:Repository",
        "aws:kinesis/stream:Stream",
        "azure-native:insights:Component",
        "azure-native:servicebus:Namespace",
        "azure-native:eventhub:Namespace",
        # Key material or stores whose encryption is that of a parent judged here.
        "azure-native:keyvault:Vault",
        "azure-native:storage:BlobContainer",
        "azure-native:sql:Database",
        "aws:rds/clusterInstance:ClusterInstance",
        "aws:rds/snapshot:Snapshot",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:ebs/snapshot:Snapshot",
    }
)


def _aws_key(view: ResourceView, graph: StackGraph, field: str) -> list[str]:
    """Judge the KMS key referenced by input `field` (dotted) of `view`."""
    value = view.get(field)
    deps = graph.dependency_of(view, field.split(".", 1)[0])
    keys = [d for d in deps if d.type in (_KEY, _ALIAS, *_EXTERNAL)]
    if not keys:
        if value is None:
            return [f"`{field}` is not set: the data would be encrypted with a provider-managed key"]
        if is_unknown(value):
            return [unknown_message(field, "the origin of the key")]
        if isinstance(value, str) and value.startswith("alias/aws/"):
            return [f"`{field}` is the AWS-managed key {value!r}; {HOW}"]
        return [f"`{field}` ({value!r}) is not a key of this stack, so who holds it cannot be judged; {HOW}"]
    out: list[str] = []
    for key in keys:
        out.extend(_judge_kms(key, graph, field))
    return out


def _judge_kms(key: ResourceView, graph: StackGraph, field: str) -> list[str]:
    if key.type in _EXTERNAL:
        return []  # origin EXTERNAL: material generated and kept at the controller, imported
    if key.type == _ALIAS:
        targets = [t for t in graph.dependency_of(key, "targetKeyId") if t.type in (_KEY, *_EXTERNAL)]
        if not targets:
            return [f"alias {key.name!r} in `{field}` targets no key of this stack; {HOW}"]
        return [m for t in targets for m in _judge_kms(t, graph, field)]
    store_id = key.input("customKeyStoreId")
    if store_id is None:
        return [
            f"`{field}` uses KMS key {key.name!r}, generated inside AWS KMS (the provider holds the key "
            f"material); {HOW}"
        ]
    stores = [s for s in graph.dependency_of(key, "customKeyStoreId") if s.type == _STORE]
    if not stores:
        if is_unknown(store_id):
            return [unknown_message(f"{key.name}.customKeyStoreId", "the key store")]
        return [f"key {key.name!r} names custom key store {store_id!r} that is not in this stack; {HOW}"]
    out = []
    for store in stores:
        kind = store.input("customKeyStoreType") or "AWS_CLOUDHSM"
        if kind not in CONTROLLER_STORE_TYPES:
            out.append(
                f"custom key store {store.name!r} has type {kind!r}; expected one of {CONTROLLER_STORE_TYPES}"
            )
        elif kind == "EXTERNAL_KEY_STORE" and not key.input("xksKeyId"):
            out.append(f"key {key.name!r} in external key store {store.name!r} has no `xksKeyId`")
        elif kind == "EXTERNAL_KEY_STORE" and (problem := _xks_proxy(store, graph)):
            out.append(problem)
    return out


def _xks_proxy(store: ResourceView, graph: StackGraph) -> str | None:
    """Why whose XKS proxy an external key store reaches cannot be judged (None when it can): the proxy
    holds the key material's HSM connection, so whose proxy it is is who holds the key."""
    if store.input("xksProxyConnectivity") != "VPC_ENDPOINT_SERVICE":
        # Round 95: a proxy KMS reaches over the internet may be anyone's (a key vendor's SaaS): whose
        # HSM holds the material cannot be read from a host name
        return (
            f"external key store {store.name!r} reaches its XKS proxy over the internet "
            f"(`xksProxyConnectivity` {store.input('xksProxyConnectivity')!r}, "
            f"{store.input('xksProxyUriEndpoint')!r}): whose proxy, and so who holds the key material, "
            "cannot be judged; put the controller's proxy behind a VPC endpoint service "
            "(VPC_ENDPOINT_SERVICE) declared in stacks/records/endpoints.yaml"
        )
    # Round 96: the endpoint service may be another account's (AWS reaches it across accounts when the store
    # names its owner); absent, it is the key store's own account
    owner = store.input("xksProxyVpcEndpointServiceOwner")
    if owner is None:
        return None
    if is_unknown(owner):
        return unknown_message(
            f"{store.name}.xksProxyVpcEndpointServiceOwner", "whose XKS proxy holds the key"
        )
    if str(owner) not in stack_accounts(graph):
        return (
            f"external key store {store.name!r} reaches its XKS proxy through a VPC endpoint service of "
            f"account {owner!r} (`xksProxyVpcEndpointServiceOwner`), which the stack's PIA record does not "
            "name (`aws_accounts`): whose proxy, and so who holds the key material, cannot be judged; serve "
            "the controller's proxy from the stack's account, or name the account in the record (who "
            "holds it, why)"
        )
    return None


def _azure_uri(value: object, field: str) -> list[str]:
    if value is None:
        return [f"`{field}` is not set: the data would be encrypted with a provider-managed key"]
    if is_unknown(value) or not isinstance(value, str):
        return [unknown_message(field, "who holds the key")]
    if _HSM_HOST.match(value):
        return []
    if _VAULT_HOST.match(value):
        return [
            f"`{field}` is in a multi-tenant Key Vault ({value}); the provider operates its HSMs and "
            f"the key material; {HOW}"
        ]
    return [f"`{field}` ({value!r}) is not a Managed HSM key URI; {HOW}"]


def _aws(field: str) -> Callable[[ResourceView, StackGraph], list[str]]:
    return lambda r, g: _aws_key(r, g, field)


def _bucket(r: ResourceView, graph: StackGraph) -> list[str]:
    configs = linked(graph, r, _SSE, "bucket")
    if not configs:
        return ["no server-side encryption configuration names a KMS key for the bucket; " + HOW]
    out: list[str] = []
    for c in configs:
        default = get_path(c.inputs, "rules.0.applyServerSideEncryptionByDefault")
        if isinstance(default, dict) and default.get("sseAlgorithm") not in ("aws:kms", "aws:kms:dsse"):
            out.append(
                f"bucket encryption is {default.get('sseAlgorithm')!r} (a provider-managed key); {HOW}"
            )
            continue
        out.extend(_aws_key(c, graph, "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"))
    return out


def _memcached(r: ResourceView, graph: StackGraph) -> list[str]:
    if r.input("engine") == "memcached" and is_transient(r):
        return []  # keeps nothing at rest
    return ["a non-transient ElastiCache cluster cannot use a controller-held key; use a replication group"]


def _storage(r: ResourceView, graph: StackGraph) -> list[str]:
    source = r.get("encryption.keySource")
    if is_unknown(source):
        return [unknown_message("encryption.keySource", "who holds the key")]
    if source != "Microsoft.Keyvault":
        return [f"`encryption.keySource` is {source!r}: Microsoft-managed keys; {HOW}"]
    return _azure_uri(
        r.get("encryption.keyVaultProperties.keyVaultUri"), "encryption.keyVaultProperties.keyVaultUri"
    )


def _workspace(r: ResourceView, graph: StackGraph) -> list[str]:
    clusters = []
    for link in linked(graph, r, _LINK, "workspaceName"):
        found = [c for c in graph.dependency_of(link, "writeAccessResourceId") if c.type == _CLUSTER]
        target = link.input("writeAccessResourceId")
        if not found and isinstance(target, str) and not is_unknown(target):
            name = target.rsplit("/", 1)[-1]
            found = [c for c in graph.by_type(_CLUSTER) if c.input("clusterName") == name]
        clusters.extend(found)
    if not clusters:
        return ["no Log Analytics cluster is linked to the workspace (LinkedService with "
                "writeAccessResourceId of a cluster of this stack), so its data is under a Microsoft-managed "
                "key; " + HOW]
    field = "keyVaultProperties.keyVaultUri"
    return [f"cluster {c.name!r}: {m}" for c in clusters for m in _azure_uri(c.get(field), field)]


def _azure(field: str) -> Callable[[ResourceView, StackGraph], list[str]]:
    return lambda r, g: _azure_uri(r.get(field), field)


CHECKS: dict[str, Callable[[ResourceView, StackGraph], list[str]]] = {
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:rds/instance:Instance": _aws("kmsKeyId"),
    "aws:rds/cluster:Cluster": _aws("kmsKeyId"),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": _aws("kmsKeyId"),
    "aws:dynamodb/table:Table": _aws("serverSideEncryption.kmsKeyArn"),
    "aws:dynamodb/tableReplica:TableReplica": _aws("kmsKeyArn"),
    "aws:elasticache/cluster:Cluster": _memcached,
    "aws:elasticache/replicationGroup:ReplicationGroup": _aws("kmsKeyId"),
    "aws:elasticache/serverlessCache:ServerlessCache": _aws("kmsKeyId"),
    "aws:efs/fileSystem:FileSystem": _aws("kmsKeyId"),
    "aws:ebs/volume:Volume": _aws("kmsKeyId"),
    "aws:ebs/snapshotCopy:SnapshotCopy": _aws("kmsKeyId"),
    "aws:secretsmanager/secret:Secret": _aws("kmsKeyId"),
    "aws:backup/vault:Vault": _aws("kmsKeyArn"),
    "aws:opensearch/domain:Domain": _aws("encryptAtRest.kmsKeyId"),
    "aws:redshift/cluster:Cluster": _aws("kmsKeyId"),
    "aws:docdb/cluster:Cluster": _aws("kmsKeyId"),
    "aws:neptune/cluster:Cluster": _aws("kmsKeyArn"),
    "aws:ec2/instance:Instance": _aws("rootBlockDevice.kmsKeyId"),
    "azure-native:storage:StorageAccount": _storage,
    "azure-native:sql:Server": _azure("keyId"),
    "azure-native:documentdb:DatabaseAccount": _azure("keyVaultKeyUri"),
    "azure-native:operationalinsights:Workspace": _workspace,
    "azure-native:recoveryservices:Vault": _azure("properties.encryption.keyVaultProperties.keyUri"),
    "azure-native:dataprotection:BackupVault": _azure(
        "properties.securitySettings.encryptionSettings.keyVaultProperties.keyUri"
    ),
    "azure-native:dbforpostgresql:FlexibleServer": _azure("dataEncryption.primaryKeyURI"),
    "azure-native:dbformysql:FlexibleServer": _azure("dataEncryption.primaryKeyURI"),
}


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for r in graph.resources:
        if r.type not in DATA_STORES or r.type in NOT_PERSONAL or not needs_cmk(r):
            continue
        judge = CHECKS.get(r.type)
        if judge is None:
            out.append(
                (
                    r.urn,
                    f"no controller-held-key check is defined for {r.type}, so who holds its key "
                    "cannot be judged; use a store type this rule knows or extend its CHECKS",
                )
            )
            continue
        out.extend((r.urn, m) for m in judge(r, graph))
    return out


RULE = Rule(
    id="require-controller-held-keys",
    title="Stores of personal data at 'vertrouwelijk' or above are encrypted with a key held by the "
    "controller (Managed HSM, external or CloudHSM key store, or imported key material).",
    severity="critical",
    remediation="Set the stack's keyCustody to managed-hsm (Azure) or xks / cloudhsm / byok-import (AWS) "
    "and point the store at that key (see docs/sovereignty.md).",
    controls=("ENC-01",),
    check=check,
    module=__name__,
    scope="stack",
)
