"""Non-compliant: Switzerland is in Europe but not in the EEA."""

import pulumi_azure_native as azure

rg = azure.resources.ResourceGroup("rg", location="westeurope")
azure.storage.StorageAccount(
    "data",
    resource_group_name=rg.name,
    location="switzerlandnorth",
    kind="StorageV2",
    sku={"name": "Standard_LRS"},
    minimum_tls_version="TLS1_2",
    public_network_access="Disabled",
    allow_blob_public_access=False,
)
