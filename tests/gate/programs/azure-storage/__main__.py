"""A storage account with a private container; its connection string comes from list_storage_account_keys."""

import pulumi
from pulumi_azure_native import resources, storage

group = resources.ResourceGroup("rg")
account = storage.StorageAccount(
    "sa", resource_group_name=group.name, kind=storage.Kind.STORAGE_V2,
    sku=storage.SkuArgs(name=storage.SkuName.STANDARD_ZRS), minimum_tls_version="TLS1_2",
    allow_blob_public_access=False)
storage.BlobContainer("docs", account_name=account.name, resource_group_name=group.name,
                      public_access=storage.PublicAccess.NONE)
keys = storage.list_storage_account_keys_output(resource_group_name=group.name, account_name=account.name)
pulumi.export("connection_string", pulumi.Output.secret(pulumi.Output.concat(
    "DefaultEndpointsProtocol=https;AccountName=", account.name, ";AccountKey=", keys.keys[0].value)))
