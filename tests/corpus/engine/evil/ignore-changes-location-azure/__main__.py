"""Evil: variant (after the fixes): an azure-native storage account created in eastus, now declared westeurope with ignore_changes=['location'] -> exit 2 naming the option"""
import pulumi
import pulumi_azure_native as azure_native

azure_native.storage.StorageAccount(
    "records", resource_group_name="rg-records", location="westeurope", kind="StorageV2",
    sku={"name": "Standard_ZRS"}, opts=pulumi.ResourceOptions(ignore_changes=["location"]))
