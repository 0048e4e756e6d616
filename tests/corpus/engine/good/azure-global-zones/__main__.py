"""Good: DNS and private DNS zones, whose location Azure requires to be `global`."""
import pulumi_azure_native as azure

rg = azure.resources.ResourceGroup("rg", location="westeurope")
azure.dns.Zone("public", resource_group_name=rg.name, zone_name="dosis-example.eu", location="global")
azure.privatedns.PrivateZone("private", resource_group_name=rg.name,
                             private_zone_name="privatelink.blob.core.windows.net", location="Global")
