"""Good: a Cosmos DB account in westeurope with its failover region northeurope."""
import pulumi_azure_native as azure

rg = azure.resources.ResourceGroup("rg", location="westeurope")
azure.cosmosdb.DatabaseAccount(
    "cases", resource_group_name=rg.name, location="westeurope", database_account_offer_type="Standard",
    locations=[{"location_name": "westeurope", "failover_priority": 0},
               {"location_name": "northeurope", "failover_priority": 1}])
