"""What each resource type is: its class (data/policies/resource_classes.yaml) and whether it exists.

The classes come from data generated out of the installed provider SDKs (scripts/dev/gen_resource_classes.py):
every resource type of every installed provider package is in policies/data/resource_types.json, and every
service module has a class, with per-type overrides. A custom resource whose type is not in that inventory
(another package: aws-native, azure classic, mongodbatlas, ...; a misspelt or renamed token) has no class and
blocks (require-known-resource-types). Components are what the engine says they are (`custom: false`; in a
policy pack: no provider), never "a package we don't know".

The PIA rules keep their own, narrower scopes below (the types whose properties they know how to read);
a test checks that each is an installed type of class data-store or key.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from policies.core import yaml_text

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CLASSES_FILE = DATA_DIR / "resource_classes.yaml"
INVENTORY_FILE = DATA_DIR / "resource_types.json"
ID_PARAMS_FILE = DATA_DIR / "azure_id_params.json"  # the inputs each azure-native type's ARM id is made of

CLASSES: frozenset[str] = frozenset(
    {"data-store", "key", "flow", "regional", "global", "local", "edge", "deployer"}
)
REGIONAL: frozenset[str] = frozenset({"data-store", "key", "flow", "regional"})
"""Classes that live in one region: their location must be an allowed one."""
LOCATION_FREE: frozenset[str] = frozenset({"global", "local"})
"""Classes without a region of their own (documented, tested): judged by their references only."""


@dataclass(frozen=True)
class TypeClasses:
    """The class data: builtin types, per-type overrides, per-module classes, the installed inventory."""

    builtin: dict[str, str]
    types: dict[str, str]
    modules: dict[str, str]
    inventory: frozenset[str]
    packages: frozenset[str]
    scoped: frozenset[str] = frozenset()
    """azure-native types without `location`/`resource_group_name` inputs: they live where their scope is."""
    children: frozenset[str] = frozenset()
    """azure-native types with `resource_group_name` but no `location`: they live in their parent."""

    def class_of_known(self, token: str) -> str | None:
        """The class of an installed type (None when the inventory does not have the token)."""
        if token in self.builtin:
            return self.builtin[token]
        if token not in self.inventory:
            return None
        return self.types.get(token) or self.modules.get(module_of(token))


def module_of(token: str) -> str:
    """`aws:s3/bucket:Bucket` -> `aws:s3`; `azure-native:storage:StorageAccount` -> `azure-native:storage`."""
    pkg, _, rest = token.partition(":")
    return f"{pkg}:{rest.split(':', 1)[0].split('/', 1)[0]}"


@functools.lru_cache(maxsize=1)
def load_classes() -> TypeClasses:
    data = yaml_text.safe_load(CLASSES_FILE.read_text(encoding="utf-8")) or {}
    inventory = json.loads(INVENTORY_FILE.read_text(encoding="utf-8")) if INVENTORY_FILE.is_file() else {}
    tokens = frozenset(t for pkg in inventory.values() for t in pkg["tokens"])
    return TypeClasses(
        dict(data.get("builtin") or {}),
        dict(data.get("types") or {}),
        dict(data.get("modules") or {}),
        tokens,
        frozenset(inventory),
        frozenset(t for pkg in inventory.values() for t in pkg.get("scoped", ())),
        frozenset(t for pkg in inventory.values() for t in pkg.get("children", ())),
    )


@functools.lru_cache(maxsize=4096)
def class_of(token: str) -> str | None:
    """The class of a type token; None when it is not an installed type (or not yet classified)."""
    cls = load_classes().class_of_known(token)
    return cls if cls in CLASSES else None


def tokens_of_class(cls: str) -> frozenset[str]:
    """Every installed (and builtin) type token of a class."""
    data = load_classes()
    return frozenset(t for t in (*data.inventory, *data.builtin) if class_of(t) == cls)


def unknown_type_message(token: str) -> str:
    """Why a custom resource's type cannot be judged, naming the package or module."""
    data = load_classes()
    pkg = token.split(":", 1)[0]
    if pkg not in data.packages and token not in data.builtin:
        return (
            f"{token} belongs to provider package {pkg!r}, which is not an installed, classified provider "
            "SDK (policies/data/resource_types.json), so whether and where it keeps data cannot be judged"
        )
    if module_of(token) not in data.modules:
        return (
            f"{token}: service module {module_of(token)!r} has no class in "
            "policies/data/resource_classes.yaml"
        )
    if token not in data.inventory:
        return (
            f"{token} is not a resource type of the installed {pkg} SDK (misspelt, renamed or removed), "
            "so it cannot be judged"
        )
    return f"{token} is not classified in policies/data/resource_classes.yaml"


def is_scoped(type_token: str) -> bool:
    """An extension or subscription-scoped Azure type: no location of its own (its scope is a reference)."""
    return type_token in load_classes().scoped


# Child types that take a `location` input the service ignores (round 33): a Cosmos DB database, container,
# keyspace, graph or table is kept in every region of its account, whatever `location` it is given, so it is
# placed by its account like a child without one (`location: westeurope` on a container of an eastus account).
LOCATION_IGNORED = tuple(f"azure-native:cosmosdb:{p}Resource" for p in (
    "Sql", "MongoDB", "Cassandra", "Gremlin", "Table", "Graph"))


def is_child(type_token: str) -> bool:
    """An Azure child type (no `location` input, or one its service ignores): it lives in its parent, which
    an input names."""
    return type_token in load_classes().children or type_token.startswith(LOCATION_IGNORED)


def is_provider_type(type_token: str) -> bool:
    return type_token.startswith("pulumi:providers:")


def is_component(type_token: str) -> bool:
    """The engine's own non-custom types (the stack). Other components are known by `custom: false`."""
    return type_token.startswith("pulumi:pulumi:Stack")


def is_global_data_free(type_token: str) -> bool:
    """A type without a region of its own (class global or local)."""
    return class_of(type_token) in LOCATION_FREE


def is_classified(type_token: str) -> bool:
    return class_of(type_token) is not None


# ---------------------------------------------------------------- scopes of the PIA rules (curated)

AWS_DATA_STORES: frozenset[str] = frozenset(
    {
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
        "aws:rds/snapshot:Snapshot",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:dynamodb/table:Table",
        "aws:dynamodb/tableReplica:TableReplica",
        "aws:elasticache/cluster:Cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:elasticache/serverlessCache:ServerlessCache",
        "aws:efs/fileSystem:FileSystem",
        "aws:ebs/volume:Volume",
        "aws:ebs/snapshot:Snapshot",
        "aws:ebs/snapshotCopy:SnapshotCopy",
        "aws:secretsmanager/secret:Secret",
        "aws:sqs/queue:Queue",
        "aws:sns/topic:Topic",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:ecr/repository:Repository",
        "aws:backup/vault:Vault",
        "aws:kinesis/stream:Stream",
        "aws:opensearch/domain:Domain",
        "aws:redshift/cluster:Cluster",
        "aws:docdb/cluster:Cluster",
        "aws:neptune/cluster:Cluster",
        "aws:glacier/vault:Vault",
        "aws:ec2/instance:Instance",
    }
)
AZURE_DATA_STORES: frozenset[str] = frozenset(
    {
        "azure-native:storage:StorageAccount",
        "azure-native:storage:BlobContainer",
        "azure-native:sql:Server",
        "azure-native:sql:Database",
        "azure-native:cosmosdb:DatabaseAccount",
        "azure-native:keyvault:Vault",
        "azure-native:operationalinsights:Workspace",
        "azure-native:redis:Redis",
        "azure-native:servicebus:Namespace",
        "azure-native:eventhub:Namespace",
        "azure-native:recoveryservices:Vault",
        "azure-native:dataprotection:BackupVault",
        "azure-native:dbforpostgresql:Server",  # v3: the flexible server (v2 FlexibleServer)
        "azure-native:dbformysql:Server",
        "azure-native:compute:Disk",
        "azure-native:compute:Snapshot",
        "azure-native:applicationinsights:Component",
        "azure-native:search:Service",
        "azure-native:synapse:Workspace",
    }
)
DATA_STORES: frozenset[str] = AWS_DATA_STORES | AZURE_DATA_STORES
KEYS: frozenset[str] = frozenset(
    {
        "aws:kms/key:Key",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:kms/externalKey:ExternalKey",
        "azure-native:keyvault:Key",
    }
)
DATA_BEARING: frozenset[str] = DATA_STORES | KEYS
# Azure Automation's assets (round 48: judged through their account, policies/core/automation_assets.py).
AUTOMATION_ASSETS = tuple(f"azure-native:automation:{k}" for k in ("Credential", "Certificate", "Connection",
                                                                    "Variable"))
UNTAGGABLE: frozenset[str] = frozenset(
    {
        *AUTOMATION_ASSETS,  # their Automation account carries the tags
        "azure-native:storage:BlobContainer",
        "azure-native:redisenterprise:Database",  # round 18: its cluster carries them
        "azure-native:cosmosdb:CassandraDataCenter",
        "azure-native:elasticsan:Volume",  # round 59: no tags input; the SAN carries them
        "azure-native:elasticsan:VolumeSnapshot",
    }
)
"""Data stores that take no tags of their own (their account/server carries them)."""
