"""Non-compliant: an ARM deployment hides its resources (and their regions) from the policies."""

import pulumi_azure_native as azure

rg = azure.resources.ResourceGroup("rg", location="westeurope")
azure.resources.Deployment(
    "template",
    resource_group_name=rg.name,
    properties={
        "mode": "Incremental",
        "template": {
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "resources": [],
        },
    },
)
