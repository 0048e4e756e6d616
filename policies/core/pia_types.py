"""The resource types the PIA conditions judge as data stores: the shared classification (types.py) plus
the stores this pack found missing there (SQL Managed Instance, Azure VMs classified like EC2, snapshot
copies). Kept separate so the SDK-generated classification can replace it (see docs/pia-conditions.md)."""

from __future__ import annotations

from policies.core.types import DATA_BEARING

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
    }
)
