"""The resource types the PIA conditions judge as data stores: the shared classification (types.py) plus
the stores this pack found missing there (SQL Managed Instance, Azure VMs classified like EC2, snapshot
copies). Kept separate so the SDK-generated classification can replace it (see docs/pia-conditions.md)."""

from __future__ import annotations

import functools
from pathlib import Path

from policies.core import yaml_text
from policies.core.automation_assets import STORES as AUTOMATION_ASSETS
from policies.core.aws_workspaces import WORKSPACE
from policies.core.dsql_clusters import CLUSTER as DSQL_CLUSTER
from policies.core.elastic_san import STORES as ELASTIC_SAN
from policies.core.netapp_volumes import VOLUME as NETAPP_VOLUME
from policies.core.openzfs_exports import VOLUME as OPENZFS_VOLUME
from policies.core.pia_analytics import STORES as ANALYTICS_STORES
from policies.core.pia_workspace_stores import STORES as WORKSPACE_STORES
from policies.core.types import DATA_BEARING, DATA_DIR, module_of

FSX_FILE_SYSTEMS = (
    "aws:fsx/ontapFileSystem:OntapFileSystem",
    "aws:fsx/windowsFileSystem:WindowsFileSystem",
    "aws:fsx/lustreFileSystem:LustreFileSystem",
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
)
PIA_EXTRA_DATA_STORES: frozenset[str] = frozenset(
    {
        "azure-native:sql:ManagedInstance",
        "azure-native:compute:VirtualMachine",
        "aws:rds/snapshotCopy:SnapshotCopy",
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
        "azure-native:dbformysql:SingleServer",  # retired service, still in the SDK
        # backups kept at the destination of the replication
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "azure-native:cosmosdb:DatabaseAccount",
        "azure-native:compute:VirtualMachineScaleSet",  # its instances' disks hold data like a VM's
        "aws:memorydb/cluster:Cluster",  # a durable Redis store (transaction log kept)
        "aws:msk/cluster:Cluster",  # Kafka topics keep records for their retention
        # the same kinds of store under another resource type (a legacy twin, a serverless or elastic variant)
        "aws:elasticsearch/domain:Domain",
        "aws:redshiftserverless/namespace:Namespace",
        "aws:redshiftserverless/workgroup:Workgroup",
        "aws:docdb/elasticCluster:ElasticCluster",
        "aws:keyspaces/table:Table",
        "aws:timestreamwrite/database:Database",
        "aws:dax/cluster:Cluster",
        *FSX_FILE_SYSTEMS,
        # found unjudged by the round-7 probe (checks in policies/core/pia_more_stores.py)
        "aws:qldb/ledger:Ledger",
        "aws:glue/catalogDatabase:CatalogDatabase",
        "aws:glue/catalogTable:CatalogTable",
        "aws:opensearch/serverlessCollection:ServerlessCollection",
        "aws:mq/broker:Broker",  # messages persist in the broker's storage until consumed
        "aws:dms/replicationInstance:ReplicationInstance",  # its storage caches changes and task logs
        "azure-native:kusto:Cluster",
        "azure-native:databricks:Workspace",
        "azure-native:dbforpostgresql:ServerGroupCluster",
        "azure-native:appconfiguration:ConfigurationStore",  # key-values (settings, secrets, feature flags)
        "azure-native:cognitiveservices:Account",  # AI services: files, fine-tuning data, runs
        "azure-native:containerregistry:Registry",  # images and OCI artifacts
        "azure-native:containerservice:ManagedCluster",  # node disks, etcd (Kubernetes secrets)
        # found unjudged by the round-10 probe: S3 Express One Zone and S3 Tables (checks in pia_key_material)
        "aws:s3/directoryBucket:DirectoryBucket",
        "aws:s3tables/tableBucket:TableBucket",
        "aws:s3tables/table:Table",
        # found unjudged by the round-11 probe: CloudTrail Lake keeps audit events (checks by rule tables)
        "aws:cloudtrail/eventDataStore:EventDataStore",
        # round 12: Kinesis video streams keep recordings (AWS API only; key in pia_key_material)
        "aws:kinesis/videoStream:VideoStream",
        *WORKSPACE_STORES,  # round 20: Machine Learning, Data Factory, App Runner (pia_workspace_stores.py)
        # round 18: judged only by the closed world before (checks in pia_platform_stores.py)
        "aws:sagemaker/notebookInstance:NotebookInstance",
        "aws:sagemaker/domain:Domain",
        "aws:emr/cluster:Cluster",
        "azure-native:redisenterprise:RedisEnterprise",
        "azure-native:redisenterprise:Database",
        "azure-native:cosmosdb:CassandraCluster",
        "azure-native:cosmosdb:CassandraDataCenter",
        # round 14: Event Grid relays events (checks in pia_eventgrid.py; TLS and local auth by their rules)
        "azure-native:eventgrid:Topic",
        "azure-native:eventgrid:Domain",
        "azure-native:eventgrid:Namespace",
        *ANALYTICS_STORES,  # round 29: Synapse dedicated SQL pools (pia_analytics.py)
        "azure-native:automation:AutomationAccount",  # round 47: runbooks, credentials, variables
        *AUTOMATION_ASSETS,  # round 48: judged through their account (automation_assets.py)
        "aws:mwaa/environment:Environment",  # round 49: Airflow's metadata database, connections, task logs
        "aws:kendra/index:Index",  # round 49: the indexed documents (AWS API only: AWS_API_STORES)
        NETAPP_VOLUME,  # round 51: key and transit judged with its export policy (netapp_volumes.py)
        "azure-native:loadtestservice:LoadTest",  # round 55: test scripts, data sets, results
        "aws:neptunegraph/graph:Graph",  # round 56: Neptune Analytics graph data
        "aws:memorydb/snapshot:Snapshot",  # round 57: a cluster's data, under its own key
        "aws:securitylake/dataLake:DataLake",  # round 57: the stack's security logs, normalised
        DSQL_CLUSTER,  # round 59: Aurora DSQL (dsql_clusters.py)
        *ELASTIC_SAN,  # round 59: Elastic SAN, its volumes and snapshots (elastic_san.py)
        OPENZFS_VOLUME,  # round 60: an OpenZFS child volume, in its file system (openzfs_exports.py)
        WORKSPACE,  # round 55: volumes' key, judged with its directory (aws_workspaces.py)
    }
)
PIA_DATA_STORES: frozenset[str] = DATA_BEARING | PIA_EXTRA_DATA_STORES

# Data stores reached only through the AWS service APIs (no endpoint of their own in a VPC or online):
# public exposure is a question of IAM, TLS is the AWS API endpoint's.
AWS_API_STORES: frozenset[str] = frozenset(
    {
        "aws:backup/vault:Vault",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:dynamodb/table:Table",
        "aws:dynamodb/tableReplica:TableReplica",
        "aws:ecr/repository:Repository",
        "aws:glacier/vault:Vault",
        "aws:kinesis/stream:Stream",
        "aws:kms/externalKey:ExternalKey",
        "aws:kms/key:Key",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:secretsmanager/secret:Secret",
        "aws:sns/topic:Topic",
        "aws:sqs/queue:Queue",
        "aws:ebs/snapshot:Snapshot",
        "aws:ebs/snapshotCopy:SnapshotCopy",
        "aws:rds/snapshotCopy:SnapshotCopy",
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "aws:keyspaces/table:Table",
        "aws:timestreamwrite/database:Database",
        "aws:qldb/ledger:Ledger",
        "aws:glue/catalogDatabase:CatalogDatabase",
        "aws:glue/catalogTable:CatalogTable",
        "aws:s3/directoryBucket:DirectoryBucket",
        "aws:s3tables/tableBucket:TableBucket",
        "aws:s3tables/table:Table",
        "aws:cloudtrail/eventDataStore:EventDataStore",
        "aws:kinesis/videoStream:VideoStream",
        "aws:kendra/index:Index",  # round 49: queried through the Kendra API only
    }
)

# ---------------------------------------------------------------- PIA roles (closed world)

ROLES_DIR: Path = DATA_DIR / "pia_roles"
ROLES: frozenset[str] = frozenset({"store", "control", "part"})
"""store: keeps data at rest; control: decides a store's key, exposure, TLS, retention or readers;
part: neither."""


@functools.lru_cache(maxsize=1)
def load_roles() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(module -> role, type -> role, type -> why it needs no check of its own) over every provider's file
    in policies/data/pia_roles/."""
    modules: dict[str, str] = {}
    types: dict[str, str] = {}
    elsewhere: dict[str, str] = {}
    for path in sorted(ROLES_DIR.glob("*.yaml")):
        data = yaml_text.safe_load(path.read_text(encoding="utf-8")) or {}
        modules.update(data.get("modules") or {})
        types.update(data.get("types") or {})
        elsewhere.update(data.get("elsewhere") or {})
    return modules, types, elsewhere


def judged_elsewhere() -> dict[str, str]:
    """Stores and controls judged through the store that holds them, or on the store: type -> why."""
    return load_roles()[2]


@functools.lru_cache(maxsize=4096)
def pia_role(token: str) -> str | None:
    """The PIA role of a regional type (None: not a regional type, or not yet given a role)."""
    modules, types, _ = load_roles()
    return types.get(token) or modules.get(module_of(token))
