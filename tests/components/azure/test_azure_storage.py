"""BulkStorage: CMK, HTTPS, no shared key, no public access, versioning, soft delete, EEA replication."""

import pytest
from azure_support import (
    RG,
    SUB,
    SUBNET,
    TAGS,
    WORKSPACE,
    ZONE,
    assert_in_regions,
    assert_tagged,
    diagnosed,
    locked_ids,
    one,
    record,
)

from components.azure.storage import BulkStorage, BulkStorageArgs

ACCOUNT = "azure-native:storage:StorageAccount"


def _storage(**kwargs):
    args = {
        "account_name": "dosiscsv",
        "resource_group_name": RG,
        "subscription_id": SUB,
        "key_vault_uri": "https://kv.vault.azure.net/",
        "key_name": "storage",
        "key_scope": "/scope/kv/keys/storage",
        "tags": TAGS,
        **kwargs,
    }
    return record(lambda opts: BulkStorage("csv", BulkStorageArgs(**args), opts=opts))


def test_defaults_are_compliant():
    g = _storage()
    acct = g.by_type(ACCOUNT)[0]
    i = acct.inputs
    assert i["encryption"]["keySource"] == "Microsoft.Keyvault"
    assert i["encryption"]["keyVaultProperties"] == {
        "keyName": "storage",
        "keyVaultUri": "https://kv.vault.azure.net/",
    }
    assert i["encryption"]["requireInfrastructureEncryption"] is True
    assert i["enableHttpsTrafficOnly"] is True and i["minimumTlsVersion"] == "TLS1_2"
    assert i["allowSharedKeyAccess"] is False and i["allowBlobPublicAccess"] is False
    assert i["publicNetworkAccess"] == "Disabled" and i["networkRuleSet"]["defaultAction"] == "Deny"
    assert i["sku"] == {"name": "Standard_GZRS"}
    assert acct.protect and acct.id in locked_ids(g)
    blob = one(g, "azure-native:storage:BlobServiceProperties")
    assert blob["isVersioningEnabled"] is True
    assert blob["deleteRetentionPolicy"]["enabled"] and blob["deleteRetentionPolicy"]["days"] == 30
    assert blob["containerDeleteRetentionPolicy"]["enabled"]
    container = g.by_type("azure-native:storage:BlobContainer")[0]
    assert container.inputs["publicAccess"] == "None" and container.protect
    grant = one(g, "azure-native:authorization:RoleAssignment")
    assert grant["scope"] == "/scope/kv/keys/storage" and grant["principalType"] == "ServicePrincipal"
    assert_tagged(g)
    assert_in_regions(g)


def test_options_zrs_endpoint_diagnostics_retention():
    g = _storage(
        sku="Standard_ZRS",
        soft_delete_days=90,
        endpoint_subnet_id=SUBNET,
        dns_zone_id=ZONE,
        workspace_id=WORKSPACE,
        container_name="bulk",
    )
    acct = g.by_type(ACCOUNT)[0]
    assert acct.inputs["sku"] == {"name": "Standard_ZRS"}
    assert one(g, "azure-native:storage:BlobServiceProperties")["deleteRetentionPolicy"]["days"] == 90
    assert one(g, "azure-native:storage:BlobContainer")["containerName"] == "bulk"
    assert one(g, "azure-native:network:PrivateEndpoint")["privateLinkServiceConnections"][0]["groupIds"] == [
        "blob"
    ]
    diags = diagnosed(g, WORKSPACE)
    assert {acct.id, f"{acct.id}/blobServices/default"} <= set(diags)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sku": "Standard_GRS"}, "sku must be"),
        ({"sku": "Standard_GZRS", "location": "polandcentral"}, "outside the EEA"),
        ({"soft_delete_days": 0}, "soft_delete"),
    ],
)
def test_rejects_unsafe_options(kwargs, message):
    with pytest.raises(Exception, match=message):
        _storage(**kwargs)


def test_storage_diagnostics_name_the_metric_categories_storage_takes():
    """Azure refuses `AllMetrics` on a storage account and its blob service (400: supported categories are
    'Capacity;Transaction'), so the settings name those two."""
    g = _storage(workspace_id=WORKSPACE)
    acct = g.by_type(ACCOUNT)[0]
    diags = diagnosed(g, WORKSPACE)
    for uri in (acct.id, f"{acct.id}/blobServices/default"):
        assert sorted(m["category"] for m in diags[uri]["metrics"]) == ["Capacity", "Transaction"]
