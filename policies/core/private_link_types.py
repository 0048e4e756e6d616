"""The Azure types a private link can connect to, and the groups each offers (rounds 64 and 65). A private
endpoint, shared private link or managed private endpoint names the resource it is for and a group id
(`groupIds`, `groupId`: a storage account's `blob`, a Key Vault's `vault`); Azure accepts it only for a type
that offers private-link groups, and each such type has a private endpoint connection resource of its own in
the installed SDK (`storage:PrivateEndpointConnection` under an account, `keyvault:PrivateEndpointConnection`
under a vault, …). Round 63 let an unknown target count when fed from any top-level store or control of the
stack, so a link fed from the stack's network security group or public IP passed (r64p-01, -02): Azure refuses
such a link, and what the program really connects to is then not what the check vouched for.

Round 64 wrote the target types by hand. Round 65 keys them by the SDK's private endpoint connection types
(`CONNECTION_PARENTS`, traced by each connection type's name input: `accountName`, `vaultName`, …), and
tests/policies/rules/test_pia_r65.py fails when the installed SDK has a connection type not listed here, so a
new SDK's private-link service is decided, not passed (closed by test). A connection type whose parent was not
traced maps to no type: links to it block until it is.

Round 65 also compares the group a link asks for with the groups its target offers (`GROUP_IDS`, Azure's
private-link resource table, "Private-link resource name | Resource type | Sub-resources", in the private
endpoint overview): a `vault` link to a storage account connects to nothing (r65p-01 to -06). Group ids are
compared without case (`private_link_targets._offers` says why). A type that offers private link but whose
groups the table does not give as identifiers (an Application Gateway's group is a frontend IP
configuration's name, a web app slot's `sites-<slot>`) or does not list is left out of `GROUP_IDS`: a link to
it blocks until its groups are confirmed and added. Round 67: a disk access's group, which the table names
"managed disk", is `disks` and a Storage Sync service's `afs` (compared without case: `Afs` is seen too), as
independent configurations that link to them spell them (r67p-01, -02, -50, -51). Round 68: an Attestation
provider's group is `standard`, a Video Indexer account's `account` and a Durable Task scheduler's
`scheduler`, as the table spells them (r68p-01, -02, -50, -51)."""

from __future__ import annotations

# private endpoint connection type -> the types it is a connection of ("" module prefix: azure-native)
CONNECTION_PARENTS: dict[str, tuple[str, ...]] = {
    "agfoodplatform:PrivateEndpointConnection": ("agfoodplatform:DataManagerForAgricultureResource",),
    "apimanagement:PrivateEndpointConnectionByName": ("apimanagement:ApiManagementService",),
    "app:ManagedEnvironmentPrivateEndpointConnection": ("app:ManagedEnvironment",),
    "appconfiguration:PrivateEndpointConnection": ("appconfiguration:ConfigurationStore",),
    "attestation:PrivateEndpointConnection": ("attestation:AttestationProvider",),
    "automation:PrivateEndpointConnection": ("automation:AutomationAccount",),
    "botservice:PrivateEndpointConnection": ("botservice:Bot",),
    "cognitiveservices:PrivateEndpointConnection": ("cognitiveservices:Account",),
    "compute:DiskAccessAPrivateEndpointConnection": ("compute:DiskAccess",),
    "containerregistry:PrivateEndpointConnection": ("containerregistry:Registry",),
    "containerservice:PrivateEndpointConnection": ("containerservice:ManagedCluster",),
    "cosmosdb:PrivateEndpointConnection": ("cosmosdb:DatabaseAccount",),
    "dashboard:PrivateEndpointConnection": ("dashboard:Grafana",),
    "databricks:PrivateEndpointConnection": ("databricks:Workspace",),
    "datafactory:PrivateEndpointConnection": ("datafactory:Factory",),
    "datareplication:PrivateEndpointConnection": ("datareplication:Vault",),
    "dbformariadb:PrivateEndpointConnection": ("dbformariadb:Server",),
    # one connection type for the flexible and the single server (`serverName`)
    "dbformysql:PrivateEndpointConnection": ("dbformysql:Server", "dbformysql:SingleServer"),
    "dbforpostgresql:PrivateEndpointConnection": ("dbforpostgresql:Server", "dbforpostgresql:SingleServer"),
    "dbforpostgresql:ServerGroupPrivateEndpointConnection": ("dbforpostgresql:ServerGroupCluster",),
    "desktopvirtualization:PrivateEndpointConnectionByHostPool": ("desktopvirtualization:HostPool",),
    "desktopvirtualization:PrivateEndpointConnectionByWorkspace": ("desktopvirtualization:Workspace",),
    "deviceprovisioningservices:IotDpsResourcePrivateEndpointConnection": (
        "deviceprovisioningservices:IotDpsResource",
    ),
    "deviceupdate:PrivateEndpointConnection": ("deviceupdate:Account",),
    "deviceupdate:PrivateEndpointConnectionProxy": ("deviceupdate:Account",),
    "digitaltwins:PrivateEndpointConnection": ("digitaltwins:DigitalTwin",),
    "discovery:BookshelfPrivateEndpointConnection": ("discovery:Bookshelf",),
    "discovery:WorkspacePrivateEndpointConnection": ("discovery:Workspace",),
    "durabletask:SchedulerPrivateEndpointConnection": ("durabletask:Scheduler",),
    "elasticsan:PrivateEndpointConnection": ("elasticsan:ElasticSan",),
    # `parentType`: topics, domains, partner namespaces and namespaces share one connection type
    "eventgrid:PrivateEndpointConnection": (
        "eventgrid:Domain", "eventgrid:Namespace", "eventgrid:PartnerNamespace", "eventgrid:Topic",
    ),
    "eventhub:PrivateEndpointConnection": ("eventhub:Namespace",),
    "fileshares:PrivateEndpointConnection": ("fileshares:FileShare",),
    "fluidrelay:FluidRelayPrivateEndpointConnection": ("fluidrelay:FluidRelayServer",),
    "hardwaresecuritymodules:CloudHsmClusterPrivateEndpointConnection": (
        "hardwaresecuritymodules:CloudHsmCluster",
    ),
    "hdinsight:PrivateEndpointConnection": ("hdinsight:Cluster",),
    "healthcareapis:PrivateEndpointConnection": ("healthcareapis:Service",),
    "healthcareapis:WorkspacePrivateEndpointConnection": ("healthcareapis:Workspace",),
    "healthdataaiservices:PrivateEndpointConnection": ("healthdataaiservices:DeidService",),
    "hybridcompute:PrivateEndpointConnection": ("hybridcompute:PrivateLinkScope",),
    "iotcentral:PrivateEndpointConnection": ("iotcentral:App",),
    "iothub:PrivateEndpointConnection": ("iothub:IotHubResource",),
    "keyvault:MHSMPrivateEndpointConnection": ("keyvault:ManagedHsm",),
    "keyvault:PrivateEndpointConnection": ("keyvault:Vault",),
    "kubernetesconfiguration:PrivateEndpointConnection": ("kubernetesconfiguration:PrivateLinkScope",),
    "kusto:PrivateEndpointConnection": ("kusto:Cluster",),
    "machinelearningservices:PrivateEndpointConnection": ("machinelearningservices:Workspace",),
    "maps:PrivateEndpointConnection": ("maps:Account",),
    "migrate:PrivateEndpointConnection": ("migrate:Project",),
    "mongocluster:PrivateEndpointConnection": ("mongocluster:MongoCluster",),
    "monitor:PrivateEndpointConnection": ("monitor:PrivateLinkScope",),
    "network:ApplicationGatewayPrivateEndpointConnection": ("network:ApplicationGateway",),
    "network:PrivateLinkServicePrivateEndpointConnection": ("network:PrivateLinkService",),
    "notificationhubs:PrivateEndpointConnection": ("notificationhubs:Namespace",),
    "onlineexperimentation:PrivateEndpointConnection": (
        "onlineexperimentation:OnlineExperimentationWorkspace",
    ),
    "powerbi:PrivateEndpointConnection": ("powerbi:PowerBIResource",),
    "powerplatform:PrivateEndpointConnection": ("powerplatform:EnterprisePolicy",),
    "purview:PrivateEndpointConnection": ("purview:Account",),
    "recoveryservices:PrivateEndpointConnection": ("recoveryservices:Vault",),
    "redis:PrivateEndpointConnection": ("redis:Redis",),
    "redisenterprise:PrivateEndpointConnection": ("redisenterprise:RedisEnterprise",),
    "relay:PrivateEndpointConnection": ("relay:Namespace",),
    "search:PrivateEndpointConnection": ("search:Service",),
    "security:PrivateEndpointConnection": ("security:PrivateLink",),
    "servicebus:PrivateEndpointConnection": ("servicebus:Namespace",),
    "signalrservice:SignalRPrivateEndpointConnection": ("signalrservice:SignalR",),
    "sql:ManagedInstancePrivateEndpointConnection": ("sql:ManagedInstance",),
    "sql:PrivateEndpointConnection": ("sql:Server",),
    "storage:PrivateEndpointConnection": ("storage:StorageAccount",),
    "storagesync:PrivateEndpointConnection": ("storagesync:StorageSyncService",),
    # `workspaceName`; a private link hub's connections have no resource type of their own in the SDK
    "synapse:PrivateEndpointConnection": ("synapse:Workspace", "synapse:PrivateLinkHub"),
    "videoindexer:PrivateEndpointConnection": ("videoindexer:Account",),
    "web:AppServiceEnvironmentPrivateEndpointConnection": ("web:AppServiceEnvironment",),
    "web:StaticSitePrivateEndpointConnection": ("web:StaticSite",),
    "web:WebAppPrivateEndpointConnection": ("web:WebApp",),
    "web:WebAppPrivateEndpointConnectionSlot": ("web:WebAppSlot",),
    "webpubsub:WebPubSubPrivateEndpointConnection": ("webpubsub:WebPubSub",),
    # Not traced (links to them block): the Microsoft 365 compliance link services (`resourceName` of a
    # `privateLinkServicesFor…` type the SDK does not create), Azure Migrate's discovery sites (`siteName`)
    # and its controller and assessment projects (`migrateProjectName`, "Assessment Project Name").
    **dict.fromkeys((
        *(f"{m}:PrivateEndpointConnections{s}" for m in ("m365securityandcompliance", "securityandcompliance")
          for s in ("AdtAPI", "Comp", "ForEDM", "ForMIPPolicySync", "ForSCCPowershell", "Sec")),
        "offazure:PrivateEndpointConnection", "offazure:PrivateEndpointConnectionController",
        "migrate:PrivateEndpointConnectionControllerPrivateEndpointConnection",
        "migrate:PrivateEndpointConnectionOperation",
    ), ()),
}

PRIVATE_LINK_TYPES = frozenset(f"azure-native:{t}" for ts in CONNECTION_PARENTS.values() for t in ts)

# type -> the group ids (sub-resources) a link to it may ask for, as Azure's private-link resource table
# spells them. A private link service offers none: a link to it names no group.
GROUP_IDS: dict[str, tuple[str, ...]] = {f"azure-native:{t}": gs for t, gs in {
    # round 66: API Management (only its gateway takes inbound links), Container Apps environments, PostgreSQL
    # flexible servers, Managed HSM and Managed Grafana, each as its service's documentation spells it
    "apimanagement:ApiManagementService": ("Gateway",),
    "app:ManagedEnvironment": ("managedEnvironments",),
    "appconfiguration:ConfigurationStore": ("configurationStores",),
    # round 68: as Azure's table spells them
    "attestation:AttestationProvider": ("standard",),
    "automation:AutomationAccount": ("Webhook", "DSCAndHybridWorker"),
    "cognitiveservices:Account": ("account",),
    # round 67: disk accesses and Storage Sync services, as configurations that link to them spell it
    "compute:DiskAccess": ("disks",),
    "containerregistry:Registry": ("registry",),
    "containerservice:ManagedCluster": ("management",),
    "cosmosdb:DatabaseAccount": ("Sql", "MongoDB", "Cassandra", "Gremlin", "Table"),
    "dashboard:Grafana": ("grafana",),
    "databricks:Workspace": ("databricks_ui_api", "browser_authentication"),
    "datafactory:Factory": ("dataFactory",),
    "dbformariadb:Server": ("mariadbServer",),
    "dbformysql:Server": ("mysqlServer",),
    "dbformysql:SingleServer": ("mysqlServer",),
    "dbforpostgresql:Server": ("postgresqlServer",),
    "dbforpostgresql:ServerGroupCluster": ("coordinator",),
    "dbforpostgresql:SingleServer": ("postgresqlServer",),
    "desktopvirtualization:HostPool": ("connection",),
    "desktopvirtualization:Workspace": ("feed", "global"),
    "deviceprovisioningservices:IotDpsResource": ("iotDps",),
    "deviceupdate:Account": ("DeviceUpdate",),
    "digitaltwins:DigitalTwin": ("API",),
    "durabletask:Scheduler": ("scheduler",),
    "eventgrid:Domain": ("domain",),
    "eventgrid:Topic": ("topic",),
    "eventhub:Namespace": ("namespace",),
    "hdinsight:Cluster": ("cluster",),
    "healthcareapis:Service": ("fhir",),
    "iotcentral:App": ("IoTApps",),
    "iothub:IotHubResource": ("iotHub",),
    "keyvault:ManagedHsm": ("managedhsm",),
    "keyvault:Vault": ("vault",),
    "kusto:Cluster": ("cluster",),
    "machinelearningservices:Workspace": ("amlworkspace",),
    "mongocluster:MongoCluster": ("mongoCluster",),
    "monitor:PrivateLinkScope": ("azuremonitor",),
    "network:PrivateLinkService": (),
    "purview:Account": ("account", "portal"),
    "recoveryservices:Vault": ("AzureBackup", "AzureSiteRecovery"),
    "redis:Redis": ("redisCache",),
    "redisenterprise:RedisEnterprise": ("redisEnterprise",),
    "relay:Namespace": ("namespace",),
    "search:Service": ("searchService",),
    "servicebus:Namespace": ("namespace",),
    "signalrservice:SignalR": ("signalr",),
    "sql:ManagedInstance": ("managedInstance",),
    "sql:Server": ("sqlServer",),
    "storagesync:StorageSyncService": ("afs",),
    "storage:StorageAccount": tuple(f"{g}{s}" for g in ("blob", "table", "queue", "file", "web", "dfs")
                                    for s in ("", "_secondary")),
    "synapse:PrivateLinkHub": ("web",),
    "synapse:Workspace": ("Sql", "SqlOnDemand", "Dev"),
    "web:StaticSite": ("staticSites",),
    "videoindexer:Account": ("account",),
    "web:WebApp": ("sites",),
    "webpubsub:WebPubSub": ("webpubsub",),
}.items()}


# ARM resource type (`<namespace>/<type>`, as an id spells it after `/providers/`, lower-cased) -> the type of
# GROUP_IDS it names (round 66). A literal id in a subscription the PIA record names has no resource of the
# stack behind it, so its type and the groups it offers are read from the id itself; a type not listed here (a
# network security group, a child such as `storageAccounts/x/blobServices`, a type whose groups are not
# confirmed) blocks, as a link fed from the stack to such a type does.
ARM_TYPES: dict[str, str] = {a.lower(): f"azure-native:{t}" for a, t in {
    "Microsoft.ApiManagement/service": "apimanagement:ApiManagementService",
    "Microsoft.App/managedEnvironments": "app:ManagedEnvironment",
    "Microsoft.AppConfiguration/configurationStores": "appconfiguration:ConfigurationStore",
    "Microsoft.Attestation/attestationProviders": "attestation:AttestationProvider",
    "Microsoft.Automation/automationAccounts": "automation:AutomationAccount",
    "Microsoft.Cache/redis": "redis:Redis",
    "Microsoft.Cache/redisEnterprise": "redisenterprise:RedisEnterprise",
    "Microsoft.CognitiveServices/accounts": "cognitiveservices:Account",
    "Microsoft.Compute/diskAccesses": "compute:DiskAccess",
    "Microsoft.ContainerRegistry/registries": "containerregistry:Registry",
    "Microsoft.ContainerService/managedClusters": "containerservice:ManagedCluster",
    "Microsoft.Dashboard/grafana": "dashboard:Grafana",
    "Microsoft.Databricks/workspaces": "databricks:Workspace",
    "Microsoft.DataFactory/factories": "datafactory:Factory",
    "Microsoft.DBforMariaDB/servers": "dbformariadb:Server",
    "Microsoft.DBforMySQL/flexibleServers": "dbformysql:Server",
    "Microsoft.DBforMySQL/servers": "dbformysql:SingleServer",
    "Microsoft.DBforPostgreSQL/flexibleServers": "dbforpostgresql:Server",
    "Microsoft.DBforPostgreSQL/serverGroupsv2": "dbforpostgresql:ServerGroupCluster",
    "Microsoft.DBforPostgreSQL/servers": "dbforpostgresql:SingleServer",
    "Microsoft.DesktopVirtualization/hostPools": "desktopvirtualization:HostPool",
    "Microsoft.DesktopVirtualization/workspaces": "desktopvirtualization:Workspace",
    "Microsoft.Devices/IotHubs": "iothub:IotHubResource",
    "Microsoft.Devices/provisioningServices": "deviceprovisioningservices:IotDpsResource",
    "Microsoft.DeviceUpdate/accounts": "deviceupdate:Account",
    "Microsoft.DigitalTwins/digitalTwinsInstances": "digitaltwins:DigitalTwin",
    "Microsoft.DocumentDB/databaseAccounts": "cosmosdb:DatabaseAccount",
    "Microsoft.DocumentDB/mongoClusters": "mongocluster:MongoCluster",
    "Microsoft.DurableTask/schedulers": "durabletask:Scheduler",
    "Microsoft.EventGrid/domains": "eventgrid:Domain",
    "Microsoft.EventGrid/topics": "eventgrid:Topic",
    "Microsoft.EventHub/namespaces": "eventhub:Namespace",
    "Microsoft.HDInsight/clusters": "hdinsight:Cluster",
    "Microsoft.HealthcareApis/services": "healthcareapis:Service",
    "Microsoft.Insights/privateLinkScopes": "monitor:PrivateLinkScope",
    "Microsoft.IoTCentral/iotApps": "iotcentral:App",
    "Microsoft.KeyVault/managedHSMs": "keyvault:ManagedHsm",
    "Microsoft.KeyVault/vaults": "keyvault:Vault",
    "Microsoft.Kusto/clusters": "kusto:Cluster",
    "Microsoft.MachineLearningServices/workspaces": "machinelearningservices:Workspace",
    "Microsoft.Network/privateLinkServices": "network:PrivateLinkService",
    "Microsoft.Purview/accounts": "purview:Account",
    "Microsoft.RecoveryServices/vaults": "recoveryservices:Vault",
    "Microsoft.Relay/namespaces": "relay:Namespace",
    "Microsoft.Search/searchServices": "search:Service",
    "Microsoft.ServiceBus/namespaces": "servicebus:Namespace",
    "Microsoft.SignalRService/signalR": "signalrservice:SignalR",
    "Microsoft.SignalRService/webPubSub": "webpubsub:WebPubSub",
    "Microsoft.Sql/managedInstances": "sql:ManagedInstance",
    "Microsoft.Sql/servers": "sql:Server",
    "Microsoft.Storage/storageAccounts": "storage:StorageAccount",
    "Microsoft.StorageSync/storageSyncServices": "storagesync:StorageSyncService",
    "Microsoft.Synapse/privateLinkHubs": "synapse:PrivateLinkHub",
    "Microsoft.Synapse/workspaces": "synapse:Workspace",
    "Microsoft.VideoIndexer/accounts": "videoindexer:Account",
    "Microsoft.Web/sites": "web:WebApp",
    "Microsoft.Web/staticSites": "web:StaticSite",
}.items()}
