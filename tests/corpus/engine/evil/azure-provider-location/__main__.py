"""Evil: an azure-native provider defaults its location to eastus; the resource group sets none (require-eea-location)."""
import pulumi
import pulumi_azure_native as azure

us = azure.Provider("us", location="eastus")
rg = azure.resources.ResourceGroup("rg", opts=pulumi.ResourceOptions(provider=us))
