"""The controls the PIA conditions judge: types that set a store's key, exposure, TLS, retention or readers
and that a pia-conditions rule reads. Split from pia_types.py (round 29) to keep both under 400 lines; the
closed world (require-judgeable-data-types) blocks a control not listed here unless pia_roles says why."""

from __future__ import annotations

from policies.core.aoss_access import CONTROLS as AOSS_ACCESS
from policies.core.aoss_network import CONTROLS as AOSS_NETWORK
from policies.core.apim_members import CONTROLS as APIM
from policies.core.avd_host_pools import CONTROLS as AVD
from policies.core.browser_front_ends import CONTROLS as FRONT_ENDS
from policies.core.chaos_faults import CONTROLS as CHAOS
from policies.core.client_vpn import CONTROLS as CLIENT_VPN
from policies.core.datasync_locations import CONTROLS as DATASYNC
from policies.core.dsql_clusters import POLICY as DSQL_POLICY
from policies.core.eks_access import CONTROLS as EKS_ACCESS
from policies.core.elastic_san import VOLUME_GROUP as SAN_VOLUME_GROUP
from policies.core.exposure import INSTANCE_CONNECT, JIT_POLICY
from policies.core.grafana_access import CONTROLS as GRAFANA
from policies.core.iam.azure_paths import KUSTO_ADMINS
from policies.core.iam.session_tags import CONTROLS as SESSION_TAGS
from policies.core.iam.standing_credentials import CONTROLS as ROLES_ANYWHERE
from policies.core.pia_analytics import CONTROLS as ANALYTICS
from policies.core.pia_api_auth import CONTROLS as APPSYNC
from policies.core.pia_copy_settings import CONTROLS as COPY_SETTINGS
from policies.core.pia_tls_links import CONTROLS as TLS_LINKS
from policies.core.pia_workspace_stores import CONTROLS as WORKSPACE_CONTROLS
from policies.core.private_link_targets import CONTROLS as PRIVATE_LINKS
from policies.core.ram_shares import CONTROLS as RAM_SHARES
from policies.core.search_saml import CONTROLS as SEARCH_SAML
from policies.core.security_lake import CONTROLS as SECURITY_LAKE
from policies.core.verified_access import CONTROLS as VERIFIED_ACCESS
from policies.core.vpc_lattice import CONTROLS as VPC_LATTICE

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
        *RAM_SHARES,  # round 37: shares to other accounts (disallow-public-data-access)
        *ROLES_ANYWHERE,  # round 37: profiles handing roles to certificate holders (require-admin-mfa)
        *SESSION_TAGS,  # round 88: Identity Center session tags (disallow-direct-user-grants)
        "aws:mskconnect/connector:Connector",  # round 37: TLS to Kafka, credentials in its configuration
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration",  # round 37: volume/capture/async keys
        *EKS_ACCESS,
        *DATASYNC,  # rounds 50, 52: locations' credentials (require-admin-mfa) and transport
        *FRONT_ENDS,  # round 53: Transfer Family web apps and AppStream fleets facing the internet
        *CHAOS,  # round 56: Chaos Studio experiments' network security group faults
        *SECURITY_LAKE,  # round 59: Security Lake subscribers, their notifications, AWS log sources
        DSQL_POLICY,  # round 59: Aurora DSQL cluster policies (a resource policy)
        SAN_VOLUME_GROUP,  # round 59: an Elastic SAN volume group's key
        *CLIENT_VPN,
        *SEARCH_SAML,  # round 30: OpenSearch Dashboards' SAML identity provider (require-admin-mfa)
        *VERIFIED_ACCESS,
        *TLS_LINKS,  # rounds 24, 26, 27
        *APPSYNC,  # round 31: GraphQL APIs' authentication, their data sources through them
        *COPY_SETTINGS,  # round 39: keys of DLM copies, EFS replicas, zero-ETL integrations
        *VPC_LATTICE,  # round 39: listeners and target groups (require-tls-1-2)
        "aws:redshift/dataShareAuthorization:DataShareAuthorization",
        "aws:codebuild/project:Project",  # round 40: its artifact key and its build logs' group
        *WORKSPACE_CONTROLS,  # round 20, with rotation and Synapse firewall rules and Entra admins:
        "aws:secretsmanager/secretRotation:SecretRotation",
        "azure-native:synapse:IpFirewallRule",
        "azure-native:synapse:WorkspaceAadAdmin",
        "azure-native:synapse:WorkspaceSqlAadAdmin",
        "azure-native:storage:LocalUser",  # round 18: local sign-in (require-entra-only-authentication)
        "azure-native:dbforpostgresql:ServerGroupRole",  # round 44: roles with passwords (the same rule)
        *KUSTO_ADMINS,  # round 44: Data Explorer principal assignments (separation of duties, MFA)
        *AOSS_ACCESS,  # round 45: OpenSearch Serverless data access policies (public access, SoD)
        *AOSS_NETWORK,  # round 77: OpenSearch Serverless endpoints, the places network policies name
        "aws:apigateway/restApiPolicy:RestApiPolicy",  # round 77: its Allows to anyone (public access)
        *GRAFANA,  # round 45: Azure Managed Grafana's API keys and network access
        JIT_POLICY,  # round 45: ports just-in-time VM access may open (disallow-public-data-access)
        *AVD,  # round 48: Virtual Desktop host pools' redirections (disallow-public-data-access)
        INSTANCE_CONNECT,  # round 47: what EC2 Instance Connect tunnels reach (disallow-public-data-access)
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
        "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",  # iam/boundaries.py
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
        "azure-native:sql:FailoverGroup",  # round 63: partner servers and instances (failover_partners.py)
        "azure-native:sql:InstanceFailoverGroup",
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
        *ANALYTICS,  # round 29: Synapse pool TDE, registry tokens (pia_analytics.py)
        *APIM,  # round 43: API Management APIs, products and their links (apim_access.py)
        *PRIVATE_LINKS,  # round 62: what private endpoints and shared private links connect to
    }
)
"""Types that set a store's key, exposure, TLS, retention or readers, and that a pia-conditions rule reads
(a test checks each is named by a rule of the pack or a module it imports)."""
