"""Stores the round-18 probe found judged only by the closed world: SageMaker notebook instances and Studio
domains, EMR clusters with their security configurations, Azure Managed Redis (Redis Enterprise) and
Managed Instance for Apache Cassandra; and Azure Load Testing (round 55: test scripts, the data sets they
replay, results), Neptune Analytics graphs (round 56), MemoryDB snapshots and Security Lake data lakes
(round 57). The key, exposure and TLS rules merge these
tables into their own, as they do pia_more_stores.py and pia_eventgrid.py. Closed world: what cannot be read
or placed blocks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from policies.core import dsql_clusters as dsql
from policies.core import elastic_san as san
from policies.core import openzfs_exports as zfs
from policies.core import security_lake as lake
from policies.core.pia_more_stores import KeyJudge, KeyOf
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, json_document, unknown_message

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
DOMAIN = "aws:sagemaker/domain:Domain"
EMR_CLUSTER = "aws:emr/cluster:Cluster"
EMR_SECURITY = "aws:emr/securityConfiguration:SecurityConfiguration"
REDIS = "azure-native:redisenterprise:RedisEnterprise"
REDIS_DB = "azure-native:redisenterprise:Database"
CASSANDRA = "azure-native:cosmosdb:CassandraCluster"
CASSANDRA_DC = "azure-native:cosmosdb:CassandraDataCenter"
LOAD_TEST = "azure-native:loadtestservice:LoadTest"
GRAPH = "aws:neptunegraph/graph:Graph"
MEMORYDB_SNAPSHOT = "aws:memorydb/snapshot:Snapshot"
SECURITY_LAKE = lake.LAKE
STORES = frozenset({NOTEBOOK, DOMAIN, EMR_CLUSTER, REDIS, REDIS_DB, CASSANDRA, CASSANDRA_DC})
Public = Callable[[ResourceView, StackGraph], list[str]]

# ---------------------------------------------------------------- customer-managed keys


def store_keys(flagged: Callable[..., KeyJudge], key_of: KeyOf) -> dict[str, KeyJudge]:
    """Given the rule's `_key` and `_judge_key`: each store's own key fields."""
    dc = ("properties.managedDiskCustomerKeyUri", "properties.backupStorageCustomerKeyUri")
    return {
        NOTEBOOK: flagged("kmsKeyId"),
        DOMAIN: flagged("kmsKeyId"),
        EMR_CLUSTER: _emr_cluster,
        REDIS: flagged("encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl"),
        CASSANDRA_DC: lambda r, g, k: [m for f in dc for m in key_of(f, r.get(f), k)],
        LOAD_TEST: flagged("encryption.keyUrl"),  # round 55: left out, a Microsoft-managed key
        GRAPH: flagged("kmsKeyIdentifier"),  # round 56: left out, an AWS-owned key (AWS_OWNED_KEY)
        MEMORYDB_SNAPSHOT: flagged("kmsKeyArn"),  # round 57: its own key, not its cluster's
        SECURITY_LAKE: _lake_keys(key_of),  # round 57
        dsql.CLUSTER: dsql.cluster_keys(key_of),  # round 59
        **san.store_keys(key_of),  # round 59: Elastic SAN volumes and snapshots
        zfs.VOLUME: zfs.in_file_system,  # round 60: an OpenZFS volume, under its file system's key
    }


_LAKE_KEYS = "configuration.encryptionConfigurations"


def _lake_keys(key_of: KeyOf) -> KeyJudge:
    """A Security Lake lake's objects are under each `kmsKeyId` of its encryption configurations; the value
    `S3_MANAGED_KEY`, or no configuration, leaves them under S3-managed keys (SSE-S3)."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        configs = r.get(_LAKE_KEYS)
        if is_unknown(configs):
            return [unknown_message(_LAKE_KEYS, "the lake's encryption key")]
        if not isinstance(configs, list) or not configs:
            return [f"no `{_LAKE_KEYS}`: the lake's objects are under S3-managed keys; name the stack's key"]
        out = []
        for i, c in enumerate(configs):
            where = f"{_LAKE_KEYS}.{i}.kmsKeyId"
            key = c.get("kmsKeyId") if isinstance(c, dict) else c
            if key == "S3_MANAGED_KEY":
                out.append(f"`{where}` is 'S3_MANAGED_KEY': the lake's objects are under S3-managed keys")
            else:
                out += key_of(where, key, known)
        return out + _lake_replicas(r, graph)

    return judge


_REPLICAS = "configuration.replicationConfiguration.regions"


def _lake_replicas(r: ResourceView, graph: StackGraph) -> list[str]:
    """Round 58: replication copies the lake's objects into the lake of each region named, under that lake's
    keys; so each such region's lake must be in the stack, where its own keys are judged."""
    regions = r.get(_REPLICAS)
    if regions is None:
        return []
    if is_unknown(regions) or not isinstance(regions, list):
        return [unknown_message(_REPLICAS, "the lakes holding the replicated objects, and their keys,")]
    own = str(r.get("configuration.region") or "").lower()
    return [
        f"`{_REPLICAS}` copies the lake's objects to {reg!r}, where the stack declares no lake, so the key "
        "of the copies cannot be judged; declare that region's lake in this stack under the stack's key"
        for reg in lake.without_lake(graph, regions, own)
    ]


CMK_EXEMPT = {
    REDIS_DB: "is encrypted by its cluster's key",
    CASSANDRA: "keeps its data on its data centers' disks and backups, whose keys are judged there",
    **san.CMK_EXEMPT,
}


def named_configuration(
    r: ResourceView, graph: StackGraph, type_: str, none_why: str, declare: str, noun: str = "cluster"
) -> tuple[list[ResourceView], str | None]:
    """The stack's security configuration of `type_` a resource names (an output fed to it, or its `name`), or
    why none can be judged: `none_why` when it names none, `declare` how to make it judgeable."""
    fld = "securityConfiguration"
    name = r.input(fld)
    fed = [d for d in graph.dependency_of(r, fld) if d.type == type_]
    if fed:
        return fed, None
    if is_unknown(name):
        return [], unknown_message(fld, f"how the {noun} encrypts")
    if not name:
        return [], f"no `{fld}`: {none_why}"
    named = [d for d in graph.named(str(name)) if d.type == type_]
    why = f"`{fld}` {name!r} is not a security configuration of this stack, so its encryption cannot be "
    why += f"judged; {declare}"
    return named, None if named else why


def security_configuration(r: ResourceView, graph: StackGraph) -> tuple[list[ResourceView], str | None]:
    """The stack's security configuration an EMR cluster names, or why none can be judged."""
    return named_configuration(
        r,
        graph,
        EMR_SECURITY,
        "local disks, EBS volumes and EMRFS writes are not encrypted with a customer-managed key and nodes "
        "talk in clear; name a security configuration of the stack",
        "declare it (emr.SecurityConfiguration) and pass its name",
    )


def _emr_cluster(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """The cluster's encryption is its security configuration's, judged on that resource."""
    return [why] if (why := security_configuration(r, graph)[1]) else []


_AT_REST = "EncryptionConfiguration.AtRestEncryptionConfiguration"


def _emr_document(r: ResourceView) -> tuple[dict[str, Any], str | None]:
    doc, err = json_document(r.get("configuration"))
    if err or not isinstance(doc, dict):
        what = "unknown during preview" if err == "unknown" else err or "not a JSON object"
        return {}, f"`configuration` is {what}, so the cluster's encryption cannot be judged (fail closed)"
    return doc, None


def emr_security_keys(key_of: KeyOf) -> KeyJudge:
    """At rest: on, EMRFS with SSE-KMS or CSE-KMS and local disks (EBS included) with AwsKms, each under a
    customer-managed key."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        doc, err = _emr_document(r)
        if err:
            return [err]
        if get_path(doc, "EncryptionConfiguration.EnableAtRestEncryption") is not True:
            return ["`EnableAtRestEncryption` is not true: local disks and EMRFS data are not encrypted"]
        s3, disk = (
            get_path(doc, f"{_AT_REST}.S3EncryptionConfiguration") or {},
            get_path(doc, f"{_AT_REST}.LocalDiskEncryptionConfiguration") or {},
        )
        out = []
        if s3.get("EncryptionMode") not in ("SSE-KMS", "CSE-KMS"):
            out.append(
                f"EMRFS `EncryptionMode` is {s3.get('EncryptionMode')!r}: S3 data is not under a "
                "customer-managed key (use SSE-KMS or CSE-KMS with AwsKmsKey)"
            )
        else:
            out += key_of("S3EncryptionConfiguration.AwsKmsKey", s3.get("AwsKmsKey"), known)
        if disk.get("EncryptionKeyProviderType") != "AwsKms" or disk.get("EnableEbsEncryption") is not True:
            out.append(
                "local disks are not encrypted with AwsKms including EBS (EncryptionKeyProviderType AwsKms, "
                "EnableEbsEncryption true)"
            )
        else:
            out += key_of("LocalDiskEncryptionConfiguration.AwsKmsKey", disk.get("AwsKmsKey"), known)
        return out

    return judge


# ---------------------------------------------------------------- public exposure


def equals(fld: str, good: Any, absent: Any, why: str) -> Public:
    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = r.get(fld)
        if is_unknown(value):
            return [unknown_message(fld, "who can reach the store")]
        return [] if value == good else [f"`{fld}` is {value or absent!r}: {why}; set it to {good!r}"]

    return judge


def _notebook(r: ResourceView, graph: StackGraph) -> list[str]:
    out = equals(
        "directInternetAccess", "Disabled", "Enabled", "the notebook reaches the internet outside the VPC"
    )(r, graph)
    if not r.input("subnetId"):
        out.append("no `subnetId`: the notebook runs on SageMaker's internet-facing network, not in the VPC")
    return out


def _cassandra(r: ResourceView, graph: StackGraph) -> list[str]:
    value = r.get("properties.authenticationMethod")
    if is_unknown(value):
        return [unknown_message("properties.authenticationMethod", "whether clients must sign in")]
    if str(value).lower() == "none":
        return [
            "`properties.authenticationMethod` is 'None': anything that reaches port 9042 reads and writes"
        ]
    return []


PUBLIC_CHECKS: dict[str, Public] = {
    **zfs.PUBLIC_CHECKS,  # round 60: OpenZFS NFS exports
    NOTEBOOK: _notebook,
    DOMAIN: equals(
        "appNetworkAccessType", "VpcOnly", "PublicInternetOnly", "Studio apps reach the internet, not the VPC"
    ),
    REDIS: equals("publicNetworkAccess", "Disabled", "Enabled", "the cluster answers on a public endpoint"),
    CASSANDRA: _cassandra,
    GRAPH: equals(  # round 56: public, the graph's DNS name resolves to a public address
        "publicConnectivity", False, True, "the graph's endpoint is reachable from the internet"
    ),
    san.SAN: equals(  # round 59: else volumes are reached through private endpoints and admitted subnets
        "publicNetworkAccess",
        "Disabled",
        "not set",
        "the SAN's iSCSI endpoints may be opened to the internet",
    ),
}
NOT_APPLICABLE = {
    EMR_CLUSTER: "its nodes live in the VPC subnet it names; who reaches them is judged on its security "
    "groups",
    REDIS_DB: "reachable only through its cluster, judged there",
    CASSANDRA_DC: "lives in the delegated VNet subnet it names (no public endpoint); reachability is judged "
    "on its network security groups, and its cluster's authentication is checked",
    LOAD_TEST: "has no network setting in the API: its data plane takes Entra tokens only (no access keys), "
    "so who reads tests and results is decided by its role assignments",
    MEMORYDB_SNAPSHOT: "has no endpoint: it is read only by restoring it into a cluster, judged there",
    SECURITY_LAKE: "has no network setting in the API: its objects are read only through Security Lake "
    "subscribers, each judged on whose account it is (security_lake.py, round 59)",
    **dsql.NOT_APPLICABLE,
    **san.NOT_APPLICABLE,
}

# ---------------------------------------------------------------- TLS


def _emr_in_transit(v: ResourceView) -> list[str]:
    doc, err = _emr_document(v)
    if err:
        return [err]
    if get_path(doc, "EncryptionConfiguration.EnableInTransitEncryption") is not True:
        return ["`EnableInTransitEncryption` is not true: shuffle, HDFS and application traffic go in clear"]
    return []


TLS_CHECKS = {EMR_SECURITY: _emr_in_transit}
_SAGEMAKER = "opened through presigned URLs on SageMaker's HTTPS endpoints (TLS 1.2 or newer)"
_CASSANDRA = "clients connect with TLS only (client-to-node encryption cannot be switched off)"
TLS_ELSEWHERE = {
    NOTEBOOK: _SAGEMAKER,
    DOMAIN: _SAGEMAKER,
    EMR_CLUSTER: "in-transit encryption is its security configuration's, judged there",
    CASSANDRA: _CASSANDRA,
    CASSANDRA_DC: _CASSANDRA,
    LOAD_TEST: "served through Azure Resource Manager and its data plane, TLS 1.2 enforced by Azure",
    GRAPH: "queried only over HTTPS (openCypher and the Neptune Analytics API, SigV4-signed)",
    MEMORYDB_SNAPSHOT: "has no data path: taken and restored inside MemoryDB, whose cluster's TLS is judged",
    SECURITY_LAKE: "written by the service and read by subscribers through the S3 and Lake Formation APIs, "
    "over HTTPS",
    **dsql.TLS_ELSEWHERE,
    **san.TLS_ELSEWHERE,
    **zfs.TLS_ELSEWHERE,
}


ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
# Instance families with local NVMe storage, which the hardware encrypts: SageMaker refuses a volume key for
# them (the `d` families, p4d/p4de/p5, g4dn/g5/g6, inf2, trn1).
_LOCAL_NVME = re.compile(r"^ml\.([a-z]+\d+[a-z]*d[a-z]*|p5[a-z]*|g5|g6[a-z]*|inf2|trn1[a-z]*)\.")


def _volume_needs_key(variants: Any) -> bool:
    return any(
        isinstance(v, dict)
        and not v.get("serverlessConfig")
        and not _LOCAL_NVME.match(str(v.get("instanceType") or ""))
        for v in variants or []
    )


def endpoint_config_keys(key_of: KeyOf) -> KeyJudge:
    """A SageMaker endpoint configuration (round 37): the instances' storage volumes (`kmsKeyArn`), captured
    requests and responses (`dataCaptureConfig.kmsKeyId`) and asynchronous results
    (`asyncInferenceConfig.outputConfig.kmsKeyId`) hold the payloads, personal data among them."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        variants = [r.input("productionVariants"), r.input("shadowProductionVariants")]
        if any(is_unknown(v) for v in variants):
            return [unknown_message("productionVariants", "which variants need a volume key")]
        out = []
        if any(_volume_needs_key(v) for v in variants):
            out += key_of("kmsKeyArn", r.input("kmsKeyArn"), known)
        capture = r.input("dataCaptureConfig")
        if isinstance(capture, dict) and capture.get("enableCapture") is not False:
            out += key_of("dataCaptureConfig.kmsKeyId", capture.get("kmsKeyId"), known)
        if r.input("asyncInferenceConfig") is not None:
            where = "asyncInferenceConfig.outputConfig.kmsKeyId"
            out += key_of(where, r.get(where), known)
        return out

    return judge


def configures(key_of: KeyOf) -> dict[str, KeyJudge]:
    """Not stores, but they set the key of what they keep (merged into CONFIGURES)."""
    return {
        EMR_SECURITY: emr_security_keys(key_of),
        ENDPOINT_CONFIG: endpoint_config_keys(key_of),
        lake.LOG_SOURCE: lake.log_source_regions,  # round 59: each region's records land in its lake
        san.VOLUME_GROUP: san.group_keys(key_of),  # round 59: the key of the group's volumes
    }
