"""Which Azure resource-log categories carry a resource's who-did-what (audit) events: pure data, read by
require-siem-logging. A diagnostic setting that names its categories sends a data store's security events
only when it enables every category listed for the store's type (`a|b`: either will do); a store whose type
is not listed must send the `audit` or `allLogs` category group, which Azure keeps current as services add
categories. Keys are ARM types in lower case; `pulumi` names the azure-native types of the same resource,
for a `resourceUri` that is an output. Source: Azure Monitor, "Supported logs for <type>"
(learn.microsoft.com/azure/azure-monitor/reference/supported-logs/). Add a type in a reviewed change, with
the categories its audit records are written to, never one that only looks harmless."""

from __future__ import annotations

_STORAGE = ("StorageRead", "StorageWrite", "StorageDelete")  # reads too: who read the data

AUDIT_CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "microsoft.keyvault/vaults": {"pulumi": ("azure-native:keyvault:Vault",), "audit": ("AuditEvent",)},
    "microsoft.keyvault/managedhsms": {
        "pulumi": ("azure-native:keyvault:ManagedHsm",),
        "audit": ("AuditEvent",),
    },
    **{
        f"microsoft.storage/storageaccounts/{kind.lower()}services": {
            "pulumi": (f"azure-native:storage:{kind}ServiceProperties",),
            "audit": _STORAGE,
        }
        for kind in ("Blob", "File", "Queue", "Table")
    },
    # SQL auditing writes to SQLSecurityAuditEvents (DevOpsOperationsAudit is Microsoft support's operations)
    "microsoft.sql/servers": {"pulumi": ("azure-native:sql:Server",), "audit": ("SQLSecurityAuditEvents",)},
    "microsoft.sql/servers/databases": {
        "pulumi": ("azure-native:sql:Database",),
        "audit": ("SQLSecurityAuditEvents",),
    },
    "microsoft.sql/managedinstances": {
        "pulumi": ("azure-native:sql:ManagedInstance",),
        "audit": ("SQLSecurityAuditEvents",),
    },
    "microsoft.dbforpostgresql/flexibleservers": {  # pgaudit writes to the server log
        "pulumi": ("azure-native:dbforpostgresql:Server",),
        "audit": ("PostgreSQLLogs",),
    },
    "microsoft.dbformysql/flexibleservers": {
        "pulumi": ("azure-native:dbformysql:Server",),
        "audit": ("MySqlAuditLogs",),
    },
    "microsoft.documentdb/databaseaccounts": {  # data plane (per API) and control plane requests
        "pulumi": ("azure-native:cosmosdb:DatabaseAccount",),
        "audit": (
            "DataPlaneRequests|MongoRequests|CassandraRequests|GremlinRequests|TableApiRequests",
            "ControlPlaneRequests",
        ),
    },
    "microsoft.documentdb/cassandraclusters": {  # CQL operations and logins (CassandraLogs: system.log)
        "pulumi": ("azure-native:cosmosdb:CassandraCluster",),
        "audit": ("CassandraAudit",),
    },
    "microsoft.dbforpostgresql/servergroupsv2": {  # Cosmos DB for PostgreSQL: pgaudit, in the server log
        "pulumi": ("azure-native:dbforpostgresql:ServerGroupCluster",),
        "audit": ("PostgreSQLLogs",),
    },
    "microsoft.containerservice/managedclusters": {  # kube-audit-admin leaves out get/list: secret reads
        "pulumi": ("azure-native:containerservice:ManagedCluster",),
        "audit": ("kube-audit",),
    },
    "microsoft.eventhub/namespaces": {
        "pulumi": ("azure-native:eventhub:Namespace",),
        "audit": ("RuntimeAuditLogs",),
    },
    "microsoft.servicebus/namespaces": {
        "pulumi": ("azure-native:servicebus:Namespace",),
        "audit": ("RuntimeAuditLogs",),
    },
    "microsoft.containerregistry/registries": {
        "pulumi": ("azure-native:containerregistry:Registry",),
        "audit": ("ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"),
    },
}
