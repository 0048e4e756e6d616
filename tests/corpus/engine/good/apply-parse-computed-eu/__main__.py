"""Good: ordinary parsing of outputs the provider computes (a blob URL's host, a list's length), in the EEA -> []."""
from urllib.parse import urlparse

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure

rg = azure.resources.ResourceGroup("portal", location="westeurope")
account = azure.storage.StorageAccount(
    "portal", resource_group_name=rg.name, location="westeurope", kind="StorageV2",
    sku=azure.storage.SkuArgs(name="Standard_ZRS"), minimum_tls_version="TLS1_2",
    allow_blob_public_access=False)
cache = aws.elasticache.ReplicationGroup(
    "portal-sessions", description="sessions", node_type="cache.t4g.micro", num_cache_clusters=2,
    engine="redis", at_rest_encryption_enabled=True, transit_encryption_enabled=True)
pulumi.export("blobHost", account.primary_endpoints.blob.apply(lambda u: urlparse(u).hostname))
pulumi.export("cacheNodes", cache.member_clusters.apply(lambda ids: len(ids)))
pulumi.export("cacheHost", cache.primary_endpoint_address.apply(lambda h: h.lower()))
