"""What each resource type is, for the rules: data store, key, global edge, opaque deployer, data-free.

The fail-closed rule `require-known-resource-types` blocks types of provider packages not listed here,
because nobody has decided whether they hold data or where.
"""

from __future__ import annotations

# Resources that hold data (personal data, logs, secrets, backups): residency, CMK, deletion protection,
# PIA preconditions apply.
AWS_DATA_STORES: frozenset[str] = frozenset(
    {
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
        "aws:rds/snapshot:Snapshot",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
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
        "azure-native:documentdb:DatabaseAccount",
        "azure-native:keyvault:Vault",
        "azure-native:operationalinsights:Workspace",
        "azure-native:cache:Redis",
        "azure-native:servicebus:Namespace",
        "azure-native:eventhub:Namespace",
        "azure-native:recoveryservices:Vault",
        "azure-native:dataprotection:BackupVault",
        "azure-native:dbforpostgresql:Server",
        "azure-native:dbforpostgresql:FlexibleServer",
        "azure-native:dbformysql:FlexibleServer",
        "azure-native:compute:Disk",
        "azure-native:compute:Snapshot",
        "azure-native:insights:Component",
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
        "azure-native:keyvault:ManagedHsm",  # single-tenant HSM pool holding the controller's keys
    }
)
DATA_BEARING: frozenset[str] = DATA_STORES | KEYS

# Global / edge services: data leaves the region by design (CDN caches, anycast front doors, global
# database or cache replication).
GLOBAL_EDGE: frozenset[str] = frozenset(
    {
        "aws:cloudfront/distribution:Distribution",
        "aws:cloudfront/function:Function",
        "aws:globalaccelerator/accelerator:Accelerator",
        "aws:globalaccelerator/customRoutingAccelerator:CustomRoutingAccelerator",
        "aws:dynamodb/globalTable:GlobalTable",
        "aws:rds/globalCluster:GlobalCluster",
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        "aws:lightsail/distribution:Distribution",
        "azure-native:cdn:Profile",
        "azure-native:cdn:Endpoint",
        "azure-native:cdn:AFDEndpoint",
        "azure-native:cdn:AFDOrigin",
        "azure-native:cdn:Route",
        "azure-native:network:FrontDoor",
        "azure-native:network:TrafficManagerProfile",
        "azure-native:network:Profile",
        "azure-native:documentdb:GlobalDatabaseAccount",
    }
)

# Deployers whose nested resources no policy can see.
OPAQUE_DEPLOYERS: frozenset[str] = frozenset(
    {
        "azure-native:resources:Deployment",
        "azure-native:resources:DeploymentAtScope",
        "azure-native:resources:DeploymentAtSubscriptionScope",
        "azure-native:resources:DeploymentAtManagementGroupScope",
        "azure-native:resources:DeploymentAtTenantScope",
        "azure-native:resources:DeploymentScript",
        "azure-native:resources:AzureCliScript",
        "azure-native:resources:AzurePowerShellScript",
        "aws:cloudformation/stack:Stack",
        "aws:cloudformation/stackSet:StackSet",
        "aws:cloudformation/stackSetInstance:StackSetInstance",
        "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
        "aws:ssm/association:Association",
        "command:local:Command",
        "command:remote:Command",
        "command:remote:CopyToRemote",
        "command:remote:CopyFile",
        "pulumi-python:dynamic:Resource",
        "pulumi-nodejs:dynamic:Resource",
    }
)

# Data-free types that exist globally (no region): always allowed where they are.
GLOBAL_DATA_FREE: frozenset[str] = frozenset(
    {
        "azure-native:network:DnsZone",
        "azure-native:network:PrivateZone",
        "azure-native:network:RecordSet",
        "azure-native:network:PrivateRecordSet",
        "azure-native:network:VirtualNetworkLink",
        "azure-native:network:PrivateDnsZoneGroup",
        "azure-native:insights:ActionGroup",
        "azure-native:monitor:ActionGroup",
        "azure-native:insights:ActivityLogAlert",
        "azure-native:insights:MetricAlert",
        "azure-native:authorization:RoleAssignment",
        "azure-native:authorization:RoleDefinition",
        "azure-native:authorization:PolicyAssignment",
        "azure-native:authorization:PolicyDefinition",
        "azure-native:authorization:ManagementLockAtResourceGroupLevel",
        "azure-native:authorization:ManagementLockByScope",
        "azure-native:authorization:ManagementLockAtResourceLevel",
        "azure-native:insights:DiagnosticSetting",
        "azure-native:aadiam:DiagnosticSetting",
        "azure-native:insights:SubscriptionDiagnosticSetting",
        "azure-native:monitor:DiagnosticSetting",
        "azure-native:monitor:SubscriptionDiagnosticSetting",
        "azure-native:monitor:ActivityLogAlert",
        "azure-native:monitor:MetricAlert",
        "azure-native:privatedns:PrivateZone",
        "azure-native:privatedns:VirtualNetworkLink",
        "azure-native:privatedns:PrivateRecordSet",
    }
)
GLOBAL_DATA_FREE_PREFIXES: tuple[str, ...] = (
    "aws:iam/",
    "aws:route53/",
    "aws:organizations/",
    "azuread:",
    "azure-native:authorization:",
    "random:",
    "tls:",
    "azure-native:privatedns:",
)

# Provider packages whose types must be classified (unclassified types of other packages are components).
PROVIDER_PACKAGES: frozenset[str] = frozenset(
    {
        "aws",
        "azure-native",
        "azuread",
        "random",
        "tls",
        "command",
        "pulumi-python",
        "pulumi-nodejs",
        "azure",
        "gcp",
        "kubernetes",
    }
)

# Data-free infrastructure and configuration (networks, routing, policies, alarms, compute without state).
DATA_FREE_PREFIXES: tuple[str, ...] = (
    *GLOBAL_DATA_FREE_PREFIXES,
    "aws:ec2/",
    "aws:vpc/",
    "aws:lb/",
    "aws:alb/",
    "aws:acm/",
    "aws:wafv2/",
    "aws:cloudwatch/",
    "aws:ecs/",
    "aws:cfg/",
    "aws:guardduty/",
    "aws:securityhub/",
    "aws:accessanalyzer/",
    "aws:cloudtrail/",
    "aws:kms/alias:",
    "aws:kms/grant:",
    "aws:kms/customKeyStore:",  # where KMS reaches the controller's keys (XKS proxy / CloudHSM); no data
    "aws:s3/bucket",
    "aws:s3/accountPublicAccessBlock:",
    "aws:ec2transitgateway/",
    "aws:networkfirewall/",
    "aws:lambda/permission:",
    "aws:sns/topicPolicy:",
    "aws:sns/topicSubscription:",
    "aws:sqs/queuePolicy:",
    "aws:secretsmanager/secretPolicy:",
    "aws:secretsmanager/secretRotation:",
    "aws:secretsmanager/secretVersion:",
    "aws:ecr/lifecyclePolicy:",
    "aws:ecr/repositoryPolicy:",
    "aws:elasticache/subnetGroup:",
    "aws:elasticache/parameterGroup:",
    "aws:rds/subnetGroup:",
    "aws:rds/parameterGroup:",
    "aws:rds/optionGroup:",
    "aws:rds/clusterParameterGroup:",
    "aws:backup/plan:",
    "aws:backup/selection:",
    "aws:backup/vaultLockConfiguration:",
    "aws:backup/vaultPolicy:",
    "aws:ssm/parameter:",
    "aws:servicediscovery/",
    "aws:appautoscaling/",
    "aws:inspector2/",
    "aws:macie2/",
    "azure-native:network:",
    "azure-native:resources:ResourceGroup",
    "azure-native:insights:",
    "azure-native:monitor:",
    "azure-native:securityinsights:",
    "azure-native:managedidentity:",
    "azure-native:security:",
    "azure-native:keyvault:Secret",
    "azure-native:keyvault:AccessPolicy",
    "azure-native:sql:",
    "azure-native:storage:",
    "azure-native:operationalinsights:",
    "azure-native:operationsmanagement:",
    "azure-native:web:",
    "azure-native:app:",
    "azure-native:recoveryservices:",
    "azure-native:dataprotection:",
    "azure-native:apimanagement:",
    "azure-native:eventgrid:",
    "azure-native:alertsmanagement:",
    "azure-native:containerregistry:Registry",
    "azure-native:aadiam:",
)
# Data stores that take no tags of their own (their account/server carries them).
UNTAGGABLE: frozenset[str] = frozenset({"azure-native:storage:BlobContainer"})
# AWS types without their own region input semantics: account-wide settings (judged as data-free).


def is_data_bearing(type_token: str) -> bool:
    return type_token in DATA_BEARING


def is_global_data_free(type_token: str) -> bool:
    return type_token in GLOBAL_DATA_FREE or type_token.startswith(GLOBAL_DATA_FREE_PREFIXES)


def is_provider_type(type_token: str) -> bool:
    return type_token.startswith("pulumi:providers:")


def is_component(type_token: str) -> bool:
    """Component resources hold nothing themselves (their children are judged)."""
    pkg = type_token.split(":", 1)[0]
    return type_token.startswith("pulumi:") or pkg not in PROVIDER_PACKAGES


def is_classified(type_token: str) -> bool:
    """Whether this catalogue knows the type (data store, key, edge, deployer or data-free)."""
    return (
        type_token in DATA_BEARING
        or type_token in GLOBAL_EDGE
        or type_token in OPAQUE_DEPLOYERS
        or type_token in GLOBAL_DATA_FREE
        or type_token.startswith(DATA_FREE_PREFIXES)
    )
