"""KeyStore: Premium vault, purge protection, RBAC, private, HSM keys with rotation, kept and locked."""

import pytest
from azure_support import (
    RG,
    SUBNET,
    TAGS,
    TENANT,
    WORKSPACE,
    ZONE,
    assert_in_regions,
    assert_tagged,
    diagnosed,
    locked_ids,
    one,
    record,
)

from components.azure.keys import KeyStore, KeyStoreArgs

KEY = "azure-native:keyvault:Key"


def _store(**kwargs):
    args = {"vault_name": "kv-test", "resource_group_name": RG, "tenant_id": TENANT, "tags": TAGS, **kwargs}
    holder = {}

    def fn(opts):
        holder["store"] = store = KeyStore("ks", KeyStoreArgs(**args), opts=opts)
        if "sql-tde" in store.keys:
            store.key_uri("sql-tde").apply(lambda uri: holder.__setitem__("uri", uri))

    return record(fn, location=kwargs.get("location", "westeurope")), holder


def test_defaults_are_compliant():
    g, holder = _store()
    vault = g.by_type("azure-native:keyvault:Vault")[0]
    props = vault.inputs["properties"]
    assert props["sku"] == {"family": "A", "name": "premium"}
    assert props["enablePurgeProtection"] is True and props["enableSoftDelete"] is True
    assert props["softDeleteRetentionInDays"] == 90
    assert props["enableRbacAuthorization"] is True and "accessPolicies" not in props
    assert props["publicNetworkAccess"] == "Disabled"
    assert props["networkAcls"]["defaultAction"] == "Deny"
    assert vault.protect and vault.id in locked_ids(g)
    keys = {k.inputs["keyName"]: k for k in g.by_type(KEY)}
    assert set(keys) == {"sql-tde", "storage"}
    for k in keys.values():
        p = k.inputs["properties"]
        assert p["kty"] == "RSA-HSM" and p["keySize"] == 3072 and p["attributes"]["exportable"] is False
        # issue 16: versions never expire (10-year backups stay readable); rotation is automatic
        assert "attributes" not in p["rotationPolicy"]
        actions = {a["action"]["type"]: a["trigger"] for a in p["rotationPolicy"]["lifetimeActions"]}
        assert actions == {"rotate": {"timeAfterCreate": "P1Y"}}
        assert k.protect and k.inputs["tags"]["purpose"] == k.inputs["keyName"]
    assert holder["uri"] == "https://kv-test.vault.azure.net/keys/sql-tde"
    with pytest.raises(KeyError):
        holder["store"].key_uri("other")
    assert not g.by_type("azure-native:network:PrivateEndpoint")
    assert_tagged(g)
    assert_in_regions(g)


def test_options_endpoint_diagnostics_purposes_rotation():
    g, _ = _store(
        location="northeurope",
        purposes=("sql-tde",),
        rotate_after="P90D",
        expire_after="P180D",
        soft_delete_retention_days=30,
        endpoint_subnet_id=SUBNET,
        dns_zone_id=ZONE,
        workspace_id=WORKSPACE,
    )
    assert [k.inputs["keyName"] for k in g.by_type(KEY)] == ["sql-tde"]
    p = g.by_type(KEY)[0].inputs["properties"]["rotationPolicy"]
    assert p["lifetimeActions"][0]["trigger"] == {"timeAfterCreate": "P90D"}
    assert p["attributes"] == {"expiryTime": "P180D"}
    pe = one(g, "azure-native:network:PrivateEndpoint")
    assert pe["privateLinkServiceConnections"][0]["groupIds"] == ["vault"] and pe["location"] == "northeurope"
    assert (
        one(g, "azure-native:network:PrivateDnsZoneGroup")["privateDnsZoneConfigs"][0]["privateDnsZoneId"]
        == ZONE
    )
    vault = g.by_type("azure-native:keyvault:Vault")[0]
    assert diagnosed(g, WORKSPACE)[vault.id]["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]
    assert_in_regions(g)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"location": "switzerlandnorth"}, "outside the EEA"),
        ({"rotate_after": "P2Y", "expire_after": "P1Y"}, "rotate_after"),
        ({"rotate_after": "P7D"}, "rotate_after"),
        ({"soft_delete_retention_days": 3}, "soft_delete"),
        ({"purposes": ()}, "purposes"),
        ({"rotate_after": "1 year"}, "ISO 8601"),
    ],
)
def test_rejects_unsafe_options(kwargs, message):
    with pytest.raises(Exception, match=message):
        _store(**kwargs)
