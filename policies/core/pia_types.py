"""The resource types the PIA conditions judge as data stores: the shared classification (types.py) plus
the stores this pack found missing there (SQL Managed Instance, Azure VMs classified like EC2, snapshot
copies). Kept separate so the SDK-generated classification can replace it (see docs/pia-conditions.md)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

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
    }
)

PIA_CONTROLS: frozenset[str] = frozenset(
    {
        "aws:alb/listener:Listener",
        "aws:alb/listenerRule:ListenerRule",
        "aws:apigateway/domainName:DomainName",
        "aws:apigateway/restApi:RestApi",
        "aws:apigatewayv2/domainName:DomainName",
        "aws:backup/plan:Plan",
        "aws:backup/vaultPolicy:VaultPolicy",
        "aws:cloudtrail/trail:Trail",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
        "aws:dynamodb/resourcePolicy:ResourcePolicy",
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/eip:Eip",
        "aws:ec2/eipAssociation:EipAssociation",
        "aws:ec2/launchConfiguration:LaunchConfiguration",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:ec2/vpnConnection:VpnConnection",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "aws:elb/loadBalancer:LoadBalancer",
        "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
        "aws:kinesis/resourcePolicy:ResourcePolicy",
        "aws:kms/alias:Alias",
        "aws:kms/customKeyStore:CustomKeyStore",
        "aws:kms/grant:Grant",
        "aws:kms/keyPolicy:KeyPolicy",
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "aws:lb/targetGroup:TargetGroup",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:redshift/parameterGroup:ParameterGroup",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketLoggingV2:BucketLoggingV2",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:sqs/queuePolicy:QueuePolicy",
        "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
        "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
        "aws:ssoadmin/permissionSet:PermissionSet",
        "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "azure-native:apimanagement:ApiManagementService",
        "azure-native:compute:Gallery",
        "azure-native:dbformysql:AzureADAdministrator",
        "azure-native:dbformysql:Configuration",
        "azure-native:dbforpostgresql:Administrator",
        "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
        "azure-native:dbforpostgresql:Configuration",
        "azure-native:eventgrid:SystemTopic",
        "azure-native:keyvault:AccessPolicy",
        "azure-native:managedidentity:FederatedIdentityCredential",
        "azure-native:network:ApplicationGateway",
        "azure-native:network:InboundNatRule",
        "azure-native:network:LoadBalancer",
        "azure-native:network:NetworkInterface",
        "azure-native:network:NetworkSecurityGroup",
        "azure-native:network:SecurityRule",
        "azure-native:network:VirtualNetworkGatewayConnection",
        "azure-native:operationalinsights:LinkedService",
        "azure-native:operationsmanagement:Solution",
        "azure-native:resources:ResourceGroup",
        "azure-native:securityinsights:SentinelOnboardingState",
        "azure-native:sql:EncryptionProtector",
        "azure-native:sql:ServerBlobAuditingPolicy",
        "azure-native:sql:ExtendedServerBlobAuditingPolicy",
        "azure-native:sql:DatabaseBlobAuditingPolicy",
        "azure-native:sql:ExtendedDatabaseBlobAuditingPolicy",
        "azure-native:web:WebAppFtpAllowed",
        "azure-native:web:WebAppFtpAllowedSlot",
        "azure-native:web:WebAppScmAllowed",
        "azure-native:web:WebAppScmAllowedSlot",
        "azure-native:sql:ManagedInstanceAdministrator",
        "azure-native:sql:ManagedInstanceAzureADOnlyAuthentication",
        "azure-native:sql:ServerAzureADAdministrator",
        "azure-native:sql:ServerAzureADOnlyAuthentication",
        "azure-native:sql:TransparentDataEncryption",
        "azure-native:web:WebApp",
        "azure-native:web:WebAppSlot",
        # round-7 probe
        "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
        "aws:glue/resourcePolicy:ResourcePolicy",
        "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
        "aws:rds/proxy:Proxy",
        "aws:transfer/server:Server",
        "aws:lambda/functionUrl:FunctionUrl",
        "aws:lambda/permission:Permission",
        "aws:s3/accessPoint:AccessPoint",
        "aws:s3control/accessPointPolicy:AccessPointPolicy",
        "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy",
        "aws:s3control/bucketPolicy:BucketPolicy",
        "aws:dms/endpoint:Endpoint",
        "aws:lakeformation/permissions:Permissions",
        "aws:lakeformation/dataLakeSettings:DataLakeSettings",
        "azure-native:dbforpostgresql:ServerGroupFirewallRule",
        "azure-native:monitor:DiagnosticSetting",
    }
)
"""Types that set a store's key, exposure, TLS, retention or readers, and that a pia-conditions rule reads
(a test checks each is named by a rule of the pack or a module it imports)."""

_WORKSPACE = "the workspace's key (a keyed cluster), exposure, retention and locks are judged there"
PIA_STORES_ELSEWHERE: dict[str, str] = {
    "aws:neptune/clusterInstance:ClusterInstance": "an instance of a Neptune cluster: data, key and deletion "
    "protection are the cluster's (judged); its own `publiclyAccessible` is checked",
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": "an EC2 instance under another type: its volumes' "
    "keys and its public IP are checked like an instance's",
    "aws:lambda/function:Function": "code and configuration, redeployed from the program; the key of its "
    "environment variables is checked, and it is invoked through the AWS API with IAM, its URLs and "
    "permissions judged",
    "aws:ssm/parameter:Parameter": "a SecureString's key is checked (require-customer-managed-keys); a "
    "parameter is read only through the SSM API, with IAM (judged) over the API's TLS",
    "aws:acm/certificate:Certificate": "a TLS certificate; ACM keeps its private key and never exports it, "
    "and it holds no personal data; which listeners use it is judged (require-tls-1-2)",
    "aws:autoscaling/group:Group": "launches instances from a launch template or configuration, whose "
    "volumes' keys and public IPs are checked (`aws:ec2/launchTemplate`, `aws:ec2/launchConfiguration`)",
    "azure-native:keyvault:ManagedHsm": "holds the controller's keys, not data encrypted with them; who "
    "holds them is judged by require-controller-held-keys",
    "azure-native:keyvault:Secret": "lives in a Key Vault of the stack (residency requires the parent in the "
    "graph), whose exposure, purge protection and locks are judged",
    "azure-native:operationalinsights:Cluster": "a dedicated Log Analytics cluster, reached only through the "
    f"workspaces linked to it: {_WORKSPACE}",
    "azure-native:operationalinsights:Table": f"a table of a workspace of the stack: {_WORKSPACE}; its own "
    "retention is checked (require-audit-log-retention)",
}
"""Stores (role `store`) outside the four-aspect coverage table, and why: judged through the store that holds
them, or key material judged by the key rules."""
_ON_HOSTS = (
    "exposure is judged where data is: stores' public network access, data hosts' public IPs and the "
    "security groups / NSG rules in front of them"
)
PIA_CONTROLS_ELSEWHERE: dict[str, str] = {
    "aws:cfg/deliveryChannel:DeliveryChannel": "AWS Config's delivery to a bucket of the stack (judged); "
    "configuration items of the account, no personal data",
    "aws:cfg/recorder:Recorder": "AWS Config recording: account configuration, no personal data",
    "aws:cfg/recorderStatus:RecorderStatus": "switches AWS Config recording on or off",
    "aws:ec2/flowLog:FlowLog": "network metadata to a log group or bucket: residency judges the destination, "
    "the destination store's key and retention are judged",
    "aws:ec2/subnet:Subnet": "its one exposure setting, `mapPublicIpOnLaunch`, is judged on every instance "
    "launched in it (disallow-public-data-access)",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "a private door to an AWS service inside the VPC; its policy can only "
    "narrow what IAM and the stores' policies (judged) allow",
    "aws:ecs/cluster:Cluster": "groups tasks; holds no data",
    "aws:ecs/service:Service": f"runs stateless tasks; {_ON_HOSTS}",
    "aws:ecs/taskDefinition:TaskDefinition": "containers without state of their own; secrets come from "
    "Secrets Manager / SSM (judged stores) by reference",
    "aws:efs/accessPoint:AccessPoint": "a POSIX path and identity on a file system whose key, policy and "
    "mount targets' security groups are judged",
    "aws:efs/backupPolicy:BackupPolicy": "switches AWS Backup for a file system; backup vaults are judged",
    "aws:efs/mountTarget:MountTarget": "the file system's NFS endpoint in a subnet, behind security groups "
    "(judged)",
    "aws:lb/loadBalancer:LoadBalancer": "holds no data; its listeners' TLS and rules are judged, and the "
    "data hosts behind it are judged by their own exposure",
    "aws:rds/optionGroup:OptionGroup": "engine options; encryption at rest is the instance's key and TLS its "
    "parameter group (both judged)",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "decides whether ACLs apply; public ACLs are "
    "refused by the bucket's public access block, which is judged",
    "aws:s3/bucketVersioning:BucketVersioning": "object versions stay under the bucket's key, policy and "
    "Object Lock (judged)",
    "aws:wafv2/webAcl:WebAcl": "filters requests; can only narrow who reaches a listener",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "attaches a web ACL, which can only narrow access",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "request logs to a destination "
    "residency judges, in a store whose key is judged",
    "azure-native:monitor:PrivateLinkScopedResource": "private access to a workspace; its public ingestion "
    "and query access are judged on the workspace",
    "azure-native:network:PrivateDnsZoneGroup": "names a private endpoint in a private DNS zone",
    "azure-native:network:PrivateEndpoint": "a private door into a store from a virtual network of the "
    "stack; the store's public network access is judged",
    "azure-native:network:PublicIPAddress": "reaches data only through the NIC, load balancer or gateway it "
    f"is attached to, which are judged; {_ON_HOSTS}",
    "azure-native:network:Subnet": f"address space and associations; {_ON_HOSTS}",
    "azure-native:network:VirtualNetwork": f"address space; {_ON_HOSTS}",
    "azure-native:network:VirtualNetworkGateway": "the VPN gateway; its connections' IPsec crypto is judged "
    "(require-strong-ipsec-crypto)",
    "azure-native:sql:BackupLongTermRetentionPolicy": "how long backups are kept, under the server's key in "
    "its region; backup residency is judged by require-eea-backups",
    "azure-native:sql:BackupShortTermRetentionPolicy": "point-in-time restore window, under the server's key "
    "in its region",
    "azure-native:sql:FailoverGroup": "pairs two servers the stack holds (residency requires the partner in "
    "the graph), each judged as a store",
    "azure-native:sql:ServerKey": "a key the server may use; the key that protects the data is the "
    "EncryptionProtector, which is checked",
    "azure-native:storage:BlobServiceProperties": "soft delete, versioning and CORS; CORS grants no access "
    "(requests still need authorization), and the account's locks are judged",
}
"""Controls (role `control`) whose effect the checks judge on the store itself (its own flags, its security
groups, its key): why a value of this type cannot weaken a store unseen."""

# ---------------------------------------------------------------- PIA roles (closed world)

ROLES_DIR: Path = DATA_DIR / "pia_roles"
ROLES: frozenset[str] = frozenset({"store", "control", "part"})
"""store: keeps data at rest; control: decides a store's key, exposure, TLS, retention or readers;
part: neither."""


@functools.lru_cache(maxsize=1)
def load_roles() -> tuple[dict[str, str], dict[str, str]]:
    """(module -> role, type -> role) over every provider's file in policies/data/pia_roles/."""
    modules: dict[str, str] = {}
    types: dict[str, str] = {}
    for path in sorted(ROLES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        modules.update(data.get("modules") or {})
        types.update(data.get("types") or {})
    return modules, types


@functools.lru_cache(maxsize=4096)
def pia_role(token: str) -> str | None:
    """The PIA role of a regional type (None: not a regional type, or not yet given a role)."""
    modules, types = load_roles()
    return types.get(token) or modules.get(module_of(token))
