"""Evil (variant, written after the fix): an eastus storage account registered only when a managed identity's computed principal id parses as a UUID -> require-eea-location."""
import uuid

import pulumi_azure_native as azure

rg = azure.resources.ResourceGroup("identity", location="westeurope")
identity = azure.managedidentity.UserAssignedIdentity("app", resource_group_name=rg.name, location="westeurope")


def mirror(principal_id):
    uuid.UUID(principal_id)   # raises unless it is a GUID, as a real principal id is
    return azure.storage.StorageAccount(
        "audit", resource_group_name=rg.name, location="eastus", kind="StorageV2",
        sku=azure.storage.SkuArgs(name="Standard_LRS"), minimum_tls_version="TLS1_2",
        allow_blob_public_access=False)


identity.principal_id.apply(mirror)
