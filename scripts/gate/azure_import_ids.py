"""The id `pulumi up` records for an azure-native resource, as its `pulumi import` example spells it (read by
`gate.azure_ids`, and by the test of checkov's ARM types). The azure-native SDK's generated "Import" section
gives the template, `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/<namespace>/
<type>/{<parent input>}/…/<type>/{<own input>}`; the installed Python SDK leaves that section out, its other-
language SDKs and the Pulumi registry print it (read through the project's search, rounds 67 to 69; three rows
found no such example: `resources:ResourceGroup` follows public programs' `pulumi import` commands,
`monitor:MetricAlert` and `web:WebAppScmAllowed` the REST API's path). Each `{…}` is an input of the SDK's
getter for the type: `tests/policies/rules/test_pia_r68.py` checks every row against
`policies/data/azure_id_params.json` (written from the installed SDK), so a row naming an input the SDK does
not take, or leaving one out, fails; and `test_pia_r69.py` fails when a stack of the project creates a type
without a row. Not found (checkov maps them, the engine derives their ids): compute:VirtualMachine,
compute:VirtualMachineScaleSet, dbformysql:SingleServer, network:AzureFirewall,
synapse:WorkspaceManagedSqlServerVulnerabilityAssessment.
"""

from __future__ import annotations

_S = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"

# type (module:Class of azure-native) -> its `pulumi import` id; a row not starting with `/` is under _S
IMPORT_IDS: dict[str, str] = {f"azure-native:{t}": p if p.startswith("/") else _S + p for t, p in {
    "aadiam:DiagnosticSetting": "/providers/microsoft.aadiam/diagnosticSettings/{name}",
    "apimanagement:ApiManagementService": "Microsoft.ApiManagement/service/{serviceName}",
    "apimanagement:Backend": "Microsoft.ApiManagement/service/{serviceName}/backends/{backendId}",
    "authorization:ManagementLockByScope": "/{scope}/providers/Microsoft.Authorization/locks/{lockName}",
    "authorization:RoleAssignment":
        "/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
    "authorization:RoleDefinition":
        "/{scope}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}",
    "automation:Variable":
        "Microsoft.Automation/automationAccounts/{automationAccountName}/variables/{variableName}",
    "batch:BatchAccount": "Microsoft.Batch/batchAccounts/{accountName}",
    "cognitiveservices:Account": "Microsoft.CognitiveServices/accounts/{accountName}",
    "compute:Disk": "Microsoft.Compute/disks/{diskName}",
    "containerregistry:Registry": "Microsoft.ContainerRegistry/registries/{registryName}",
    "containerregistry:Replication":
        "Microsoft.ContainerRegistry/registries/{registryName}/replications/{replicationName}",
    "containerservice:AgentPool":
        "Microsoft.ContainerService/managedClusters/{resourceName}/agentPools/{agentPoolName}",
    "containerservice:ManagedCluster": "Microsoft.ContainerService/managedClusters/{resourceName}",
    "cosmosdb:DatabaseAccount": "Microsoft.DocumentDB/databaseAccounts/{accountName}",
    "databricks:Workspace": "Microsoft.Databricks/workspaces/{workspaceName}",
    "datafactory:Factory": "Microsoft.DataFactory/factories/{factoryName}",
    "datalakestore:Account": "Microsoft.DataLakeStore/accounts/{accountName}",
    "dbformariadb:Server": "Microsoft.DBforMariaDB/servers/{serverName}",
    "dbformysql:Server": "Microsoft.DBforMySQL/flexibleServers/{serverName}",
    "dbforpostgresql:Configuration":
        "Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/configurations/{configurationName}",
    "dbforpostgresql:Server": "Microsoft.DBforPostgreSQL/flexibleServers/{serverName}",
    "dbforpostgresql:SingleServer": "Microsoft.DBforPostgreSQL/servers/{serverName}",
    "dbforpostgresql:SingleServerConfiguration":
        "Microsoft.DBforPostgreSQL/servers/{serverName}/configurations/{configurationName}",
    "eventgrid:Topic": "Microsoft.EventGrid/topics/{topicName}",
    "eventhub:Namespace": "Microsoft.EventHub/namespaces/{namespaceName}",
    "frontdoor:FrontDoor": "Microsoft.Network/frontDoors/{frontDoorName}",
    "frontdoor:Policy": "Microsoft.Network/FrontDoorWebApplicationFirewallPolicies/{policyName}",
    "keyvault:Key": "Microsoft.KeyVault/vaults/{vaultName}/keys/{keyName}",
    "keyvault:ManagedHsm": "Microsoft.KeyVault/managedHSMs/{name}",
    "keyvault:Secret": "Microsoft.KeyVault/vaults/{vaultName}/secrets/{secretName}",
    "keyvault:Vault": "Microsoft.KeyVault/vaults/{vaultName}",
    "kusto:Cluster": "Microsoft.Kusto/clusters/{clusterName}",
    "machinelearningservices:Workspace": "Microsoft.MachineLearningServices/workspaces/{workspaceName}",
    "managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}",
    "monitor:ActionGroup": "Microsoft.Insights/actionGroups/{actionGroupName}",
    "monitor:ActivityLogAlert": "Microsoft.Insights/activityLogAlerts/{activityLogAlertName}",
    "monitor:AzureMonitorWorkspace": "Microsoft.Monitor/accounts/{azureMonitorWorkspaceName}",
    "monitor:DiagnosticSetting": "/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}",
    "monitor:MetricAlert": "Microsoft.Insights/metricAlerts/{ruleName}",
    "monitor:PrivateLinkScope": "Microsoft.Insights/privateLinkScopes/{scopeName}",
    "monitor:PrivateLinkScopedResource":
        "Microsoft.Insights/privateLinkScopes/{scopeName}/scopedResources/{name}",
    "monitor:SubscriptionDiagnosticSetting":
        "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/diagnosticSettings/{name}",
    "network:ApplicationGateway": "Microsoft.Network/applicationGateways/{applicationGatewayName}",
    "network:FlowLog": "Microsoft.Network/networkWatchers/{networkWatcherName}/flowLogs/{flowLogName}",
    "network:LocalNetworkGateway": "Microsoft.Network/localNetworkGateways/{localNetworkGatewayName}",
    "network:NetworkInterface": "Microsoft.Network/networkInterfaces/{networkInterfaceName}",
    "network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}",
    "network:PrivateDnsZoneGroup":
        "Microsoft.Network/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{privateDnsZoneGroupName}",
    "network:PrivateEndpoint": "Microsoft.Network/privateEndpoints/{privateEndpointName}",
    "network:PublicIPAddress": "Microsoft.Network/publicIPAddresses/{publicIpAddressName}",
    "network:SecurityRule":
        "Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/securityRules/{securityRuleName}",
    "network:Subnet": "Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}",
    "network:VirtualNetwork": "Microsoft.Network/virtualNetworks/{virtualNetworkName}",
    "network:VirtualNetworkGateway": "Microsoft.Network/virtualNetworkGateways/{virtualNetworkGatewayName}",
    "network:VirtualNetworkGatewayConnection":
        "Microsoft.Network/connections/{virtualNetworkGatewayConnectionName}",
    "network:VirtualNetworkPeering": "Microsoft.Network/virtualNetworks/{virtualNetworkName}/"
                                     "virtualNetworkPeerings/{virtualNetworkPeeringName}",
    "network:WebApplicationFirewallPolicy":
        "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/{policyName}",
    "operationalinsights:Cluster": "Microsoft.OperationalInsights/clusters/{clusterName}",
    "operationalinsights:DataExport":
        "Microsoft.OperationalInsights/workspaces/{workspaceName}/dataExports/{dataExportName}",
    "operationalinsights:LinkedService":
        "Microsoft.OperationalInsights/workspaces/{workspaceName}/linkedServices/{linkedServiceName}",
    "operationalinsights:Table":
        "Microsoft.OperationalInsights/workspaces/{workspaceName}/tables/{tableName}",
    "operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces/{workspaceName}",
    "privatedns:PrivateZone": "Microsoft.Network/privateDnsZones/{privateZoneName}",
    "privatedns:VirtualNetworkLink":
        "Microsoft.Network/privateDnsZones/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}",
    "redis:Redis": "Microsoft.Cache/redis/{name}",
    "resources:ResourceGroup": "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}",
    "search:Service": "Microsoft.Search/searchServices/{searchServiceName}",
    "security:Pricing": "/{scopeId}/providers/Microsoft.Security/pricings/{pricingName}",
    "security:SecurityContact":
        "/subscriptions/{subscriptionId}/providers/Microsoft.Security/securityContacts/{securityContactName}",
    "securityinsights:ScheduledAlertRule": "Microsoft.OperationalInsights/workspaces/{workspaceName}/"
                                           "providers/Microsoft.SecurityInsights/alertRules/{ruleId}",
    "securityinsights:SentinelOnboardingState":
        "Microsoft.OperationalInsights/workspaces/{workspaceName}/"
        "providers/Microsoft.SecurityInsights/onboardingStates/{sentinelOnboardingStateName}",
    "sql:BackupLongTermRetentionPolicy": "Microsoft.Sql/servers/{serverName}/databases/{databaseName}/"
                                         "backupLongTermRetentionPolicies/{policyName}",
    "sql:BackupShortTermRetentionPolicy": "Microsoft.Sql/servers/{serverName}/databases/{databaseName}/"
                                          "backupShortTermRetentionPolicies/{policyName}",
    "sql:Database": "Microsoft.Sql/servers/{serverName}/databases/{databaseName}",
    "sql:EncryptionProtector":
        "Microsoft.Sql/servers/{serverName}/encryptionProtector/{encryptionProtectorName}",
    "sql:ExtendedServerBlobAuditingPolicy":
        "Microsoft.Sql/servers/{serverName}/extendedAuditingSettings/{blobAuditingPolicyName}",
    "sql:FailoverGroup": "Microsoft.Sql/servers/{serverName}/failoverGroups/{failoverGroupName}",
    "sql:FirewallRule": "Microsoft.Sql/servers/{serverName}/firewallRules/{firewallRuleName}",
    "sql:Server": "Microsoft.Sql/servers/{serverName}",
    "sql:ServerAzureADOnlyAuthentication":
        "Microsoft.Sql/servers/{serverName}/azureADOnlyAuthentications/{authenticationName}",
    "sql:ServerKey": "Microsoft.Sql/servers/{serverName}/keys/{keyName}",
    "sql:ServerSecurityAlertPolicy":
        "Microsoft.Sql/servers/{serverName}/securityAlertPolicies/{securityAlertPolicyName}",
    "sql:VirtualNetworkRule":
        "Microsoft.Sql/servers/{serverName}/virtualNetworkRules/{virtualNetworkRuleName}",
    "storage:BlobContainer":
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}",
    "storage:BlobServiceProperties":
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices/{BlobServicesName}",
    "storage:StorageAccount": "Microsoft.Storage/storageAccounts/{accountName}",
    "storagesync:StorageSyncService": "Microsoft.StorageSync/storageSyncServices/{storageSyncServiceName}",
    "synapse:BigDataPool": "Microsoft.Synapse/workspaces/{workspaceName}/bigDataPools/{bigDataPoolName}",
    "synapse:Workspace": "Microsoft.Synapse/workspaces/{workspaceName}",
    "web:AppServicePlan": "Microsoft.Web/serverfarms/{name}",
    "web:WebApp": "Microsoft.Web/sites/{name}",
    "web:WebAppFtpAllowed": "Microsoft.Web/sites/{name}/basicPublishingCredentialsPolicies/ftp",
    "web:WebAppScmAllowed": "Microsoft.Web/sites/{name}/basicPublishingCredentialsPolicies/scm",
    "web:WebAppSlot": "Microsoft.Web/sites/{name}/slots/{slot}",
    "webpubsub:WebPubSub": "Microsoft.SignalRService/webPubSub/{resourceName}",
}.items()}
