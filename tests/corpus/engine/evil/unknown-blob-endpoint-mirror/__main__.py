"""Evil: an eastus storage account registered only when a nested output (primaryEndpoints.blob) looks like a URL -> require-eea-location."""
import pulumi_azure_native as azure

rg = azure.resources.ResourceGroup("data", location="westeurope")
account = azure.storage.StorageAccount(
    "records", resource_group_name=rg.name, location="westeurope", kind="StorageV2",
    sku=azure.storage.SkuArgs(name="Standard_ZRS"), minimum_tls_version="TLS1_2",
    allow_blob_public_access=False)
account.primary_endpoints.blob.apply(
    lambda url: azure.storage.StorageAccount(
        "mirror", resource_group_name=rg.name, location="eastus", kind="StorageV2",
        sku=azure.storage.SkuArgs(name="Standard_LRS"), minimum_tls_version="TLS1_2",
        allow_blob_public_access=False) if url and url.startswith("https://") else None)
