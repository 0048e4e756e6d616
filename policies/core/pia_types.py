"""The resource types the PIA conditions judge as data stores: the shared classification (types.py) plus
the stores this pack found missing there (SQL Managed Instance, Azure VMs classified like EC2, snapshot
copies). Kept separate so the SDK-generated classification can replace it (see docs/pia-conditions.md)."""

from __future__ import annotations

import functools
from pathlib import Path

from policies.core import yaml_text
from policies.core.client_vpn import CONTROLS as CLIENT_VPN
from policies.core.eks_access import CONTROLS as EKS_ACCESS
from policies.core.pia_tls_links import CONTROLS as TLS_LINKS
from policies.core.pia_workspace_stores import CONTROLS as WORKSPACE_CONTROLS
from policies.core.pia_workspace_stores import STORES as WORKSPACE_STORES
from policies.core.types import DATA_BEARING, DATA_DIR, module_of
from policies.core.verified_access import CONTROLS as VERIFIED_ACCESS

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
    }
)

PIA_CONTROLS: frozenset[str] = frozenset(
    {
        # round 11: sharing with other accounts and endpoint services (policies/core/pia_other_accounts.py)
        "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
        "aws:ec2/vpcEndpointService:VpcEndpointService",
        "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
        "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy",
        # round 12: Cognito identity pools' guests and role mappings (pia_other_accounts.py)
        "aws:cognito/identityPool:IdentityPool",
        "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
        "aws:guardduty/detector:Detector",  # threat detection switched off (require-siem-logging)
        "aws:guardduty/detectorFeature:DetectorFeature",  # round 12: a feature switched off
        "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature",
        "azure-native:security:Pricing",
        "aws:lightsail/instancePublicPorts:InstancePublicPorts",  # round 16: judged like a security group
        "aws:emr/securityConfiguration:SecurityConfiguration",  # round 18: at rest and in transit
        *EKS_ACCESS, *CLIENT_VPN, *VERIFIED_ACCESS, *TLS_LINKS,  # rounds 24, 26, 27
        "aws:redshift/dataShareAuthorization:DataShareAuthorization",
        *WORKSPACE_CONTROLS,  # round 20, with rotation and Synapse firewall rules and Entra admins:
        "aws:secretsmanager/secretRotation:SecretRotation", "azure-native:synapse:IpFirewallRule",
        "azure-native:synapse:WorkspaceAadAdmin", "azure-native:synapse:WorkspaceSqlAadAdmin",
        "azure-native:storage:LocalUser",  # round 18: local sign-in (require-entra-only-authentication)
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
        "aws:kms/alias:Alias", "aws:kms/customKeyStore:CustomKeyStore", "aws:kms/grant:Grant",
        "aws:kms/keyPolicy:KeyPolicy",
        "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule", "aws:lb/targetGroup:TargetGroup",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup", "aws:rds/parameterGroup:ParameterGroup",
        "aws:redshift/parameterGroup:ParameterGroup",
        "aws:redshift/snapshotCopy:SnapshotCopy",
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
        "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive",
        "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive",
        "aws:ssoadmin/permissionSet:PermissionSet",
        "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
        "aws:ssoadmin/accountAssignment:AccountAssignment",
        "aws:identitystore/groupMembership:GroupMembership",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "azure-native:apimanagement:ApiManagementService",
        "azure-native:apimanagement:Backend",
        "azure-native:apimanagement:WorkspaceBackend",
        "azure-native:app:ContainerApp",
        "azure-native:app:ManagedEnvironment",
        "azure-native:app:ManagedEnvironmentPrivateEndpointConnection",
        "azure-native:app:ManagedEnvironmentsStorage",
        "azure-native:appconfiguration:PrivateEndpointConnection",
        "azure-native:cognitiveservices:PrivateEndpointConnection",
        "azure-native:compute:DiskAccessAPrivateEndpointConnection",
        "azure-native:compute:Gallery",
        "azure-native:containerregistry:PrivateEndpointConnection",
        "azure-native:containerservice:PrivateEndpointConnection",
        "azure-native:cosmosdb:MongoClusterFirewallRule",
        "azure-native:cosmosdb:PrivateEndpointConnection",
        "azure-native:dbformysql:AzureADAdministrator",
        "azure-native:dbformysql:Configuration",
        "azure-native:dbformysql:FirewallRule",
        "azure-native:dbformysql:PrivateEndpointConnection",
        "azure-native:dbforpostgresql:Administrator",
        "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
        "azure-native:dbforpostgresql:Configuration",
        "azure-native:dbforpostgresql:FirewallRule",
        "azure-native:dbforpostgresql:PrivateEndpointConnection",
        "azure-native:dbforpostgresql:ServerGroupPrivateEndpointConnection",
        "azure-native:eventgrid:SystemTopic",
        "azure-native:eventhub:NamespaceNetworkRuleSet",
        "azure-native:eventhub:PrivateEndpointConnection",
        "azure-native:keyvault:AccessPolicy",
        "azure-native:keyvault:MHSMPrivateEndpointConnection",
        "azure-native:keyvault:PrivateEndpointConnection",
        "azure-native:managedidentity:FederatedIdentityCredential",
        "azure-native:monitor:DataCollectionRule",
        "azure-native:monitor:PrivateEndpointConnection",
        "azure-native:network:AdminRule",
        "azure-native:network:ApplicationGateway",
        "azure-native:network:ApplicationGatewayPrivateEndpointConnection",
        "azure-native:network:AzureFirewall",
        "azure-native:network:BastionHost",
        "azure-native:network:FirewallPolicy",
        "azure-native:network:FirewallPolicyRuleCollectionGroup",
        "azure-native:network:FlowLog",
        "azure-native:network:HubVirtualNetworkConnection",
        "azure-native:network:InboundNatRule",
        "azure-native:network:LoadBalancer",
        "azure-native:network:LoadBalancerBackendAddressPool",
        "azure-native:network:NetworkInterface",
        "azure-native:network:NetworkSecurityGroup",
        "azure-native:network:PacketCapture",
        "azure-native:network:PrivateLinkService",
        "azure-native:network:PrivateLinkServicePrivateEndpointConnection",
        "azure-native:network:SecurityRule",
        "azure-native:network:SecurityUserRule",
        "azure-native:network:StaticMember",
        "azure-native:network:UserRule",
        "azure-native:network:VirtualNetworkGatewayConnection",
        "azure-native:network:VirtualNetworkPeering",
        "azure-native:network:VpnConnection",
        "azure-native:network:VpnGateway",
        "azure-native:operationalinsights:DataExport",
        "azure-native:operationalinsights:LinkedService",
        "azure-native:operationalinsights:LinkedStorageAccount",
        "azure-native:operationsmanagement:Solution",
        "azure-native:recoveryservices:PrivateEndpointConnection",
        "azure-native:redis:FirewallRule",
        "azure-native:redis:LinkedServer",
        "azure-native:redis:PrivateEndpointConnection",
        "azure-native:redis:RedisFirewallRule",
        "azure-native:redis:RedisLinkedServer",
        "azure-native:resources:ResourceGroup",
        "azure-native:search:PrivateEndpointConnection",
        "azure-native:security:PrivateEndpointConnection",
        "azure-native:security:WorkspaceSetting",
        "azure-native:securityinsights:SentinelOnboardingState",
        "azure-native:servicebus:NamespaceNetworkRuleSet",
        "azure-native:servicebus:PrivateEndpointConnection",
        "azure-native:sql:EncryptionProtector",
        "azure-native:sql:FirewallRule",
        "azure-native:sql:ManagedInstancePrivateEndpointConnection",
        "azure-native:sql:PrivateEndpointConnection",
        "azure-native:sql:ServerBlobAuditingPolicy",
        "azure-native:sql:ExtendedServerBlobAuditingPolicy",
        "azure-native:sql:DatabaseBlobAuditingPolicy",
        "azure-native:sql:ExtendedDatabaseBlobAuditingPolicy",
        "azure-native:sql:SyncMember",
        "azure-native:storage:EncryptionScope",
        "azure-native:storage:ObjectReplicationPolicy",
        "azure-native:storage:PrivateEndpointConnection",
        "azure-native:web:AppServiceEnvironmentPrivateEndpointConnection",
        "azure-native:web:StaticSiteLinkedBackend",
        "azure-native:web:StaticSiteLinkedBackendForBuild",
        "azure-native:web:StaticSitePrivateEndpointConnection",
        "azure-native:web:StaticSiteUserProvidedFunctionAppForStaticSite",
        "azure-native:web:StaticSiteUserProvidedFunctionAppForStaticSiteBuild",
        "azure-native:web:WebAppAzureStorageAccounts",
        "azure-native:web:WebAppAzureStorageAccountsSlot",
        "azure-native:web:WebAppBackupConfiguration",
        "azure-native:web:WebAppBackupConfigurationSlot",
        "azure-native:web:WebAppDiagnosticLogsConfiguration",
        "azure-native:web:WebAppDiagnosticLogsConfigurationSlot",
        "azure-native:web:WebAppFtpAllowed",
        "azure-native:web:WebAppFtpAllowedSlot",
        "azure-native:web:WebAppPrivateEndpointConnection",
        "azure-native:web:WebAppPrivateEndpointConnectionSlot",
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
        # round 9: common aws building blocks (checks in pia_more_stores.py / pia_more_exposure.py)
        "aws:alb/targetGroup:TargetGroup",
        "aws:apigateway/integration:Integration",
        "aws:apigateway/methodSettings:MethodSettings",
        "aws:apigateway/restApiPut:RestApiPut",
        "aws:apigateway/stage:Stage",
        "aws:apigatewayv2/api:Api",
        "aws:apigatewayv2/integration:Integration",
        "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
        "aws:cloudwatch/eventPermission:EventPermission",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "aws:dynamodb/tableExport:TableExport",
        "aws:ec2/managedPrefixList:ManagedPrefixList",
        "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
        "aws:ecr/registryPolicy:RegistryPolicy",
        "aws:elasticache/user:User",
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        "aws:lambda/layerVersionPermission:LayerVersionPermission",
        "aws:lambda/resourcePolicy:ResourcePolicy",
        "aws:rds/clusterActivityStream:ClusterActivityStream",
        "aws:rds/exportTask:ExportTask",
        "aws:s3/bucketAcl:BucketAcl",
        "aws:s3/bucketAclV2:BucketAclV2",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:ssm/document:Document",
        # round 14: who may sign in to caches (pia_store_auth.py)
        "aws:elasticache/userGroup:UserGroup",
        "aws:elasticache/userGroupAssociation:UserGroupAssociation",
        "aws:memorydb/acl:Acl",
        "aws:memorydb/user:User",
        "aws:cognito/userGroup:UserGroup",  # a group handing a role: its pool asks for MFA (admin MFA)
        "aws:athena/workgroup:Workgroup",  # round 17: query-result encryption (pia_copy_keys.py)
    }
)
"""Types that set a store's key, exposure, TLS, retention or readers, and that a pia-conditions rule reads
(a test checks each is named by a rule of the pack or a module it imports)."""

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
