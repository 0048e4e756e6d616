"""Evil: the storage location is read from $TARGET_LOCATION (unset here: westeurope); deploy sets eastus (must block)."""
import os

import pulumi_azure_native as azure

location = os.environ.get("TARGET_LOCATION") or "westeurope"
rg = azure.resources.ResourceGroup("rg", location=location)
azure.storage.StorageAccount("docs", resource_group_name=rg.name, location=location,
                             sku={"name": "Standard_LRS"}, kind="StorageV2")
