"""keyCustody and the other sovereignty keys: validated at load (errors name file and key), and each
custody option builds the keys it promises."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate.recording import record_program

PROJECT = Path(__file__).parents[2]
# Every workload key of portal-prod, EFS ("files", platform-v2) included: none may escape the custody.
PORTAL_PURPOSES = ("logs", "trail", "database", "secrets", "static", "files")


def _record(stack: str, **overrides: str):
    return record_program(PROJECT, stack, config=overrides)


@pytest.mark.parametrize(
    ("stack", "key", "value", "message"),
    [
        ("dosis-prod", "keyCustody", "xks",
         "dosis-eloket:keyCustody: expected one of provider-managed, managed-hsm, got 'xks'"),
        ("dosis-prod", "keyCustody", "provider-managed",
         "dosis-eloket:keyCustody: hsmKeyVersions and securitySubscriptionId need managed-hsm"),
        ("dosis-prod", "hsmKeyVersions", '{"sql-tde": "abc"}',
         "dosis-eloket:hsmKeyVersions: sql-tde: expected"),
        ("dosis-prod", "securitySubscriptionId", "not-a-uuid",
         "dosis-eloket:securitySubscriptionId: expected"),
        ("dosis-prod", "workloadSubscriptionId", "not-a-uuid",
         "dosis-eloket:workloadSubscriptionId: expected"),
        ("dosis-prod", "workloadSubscriptionId", "00000000-0000-4000-8000-00000000050c",
         "dosis-eloket:securitySubscriptionId: must differ from workloadSubscriptionId"),
        ("dosis-prod", "offVendorS3EndpointId", "endpoint-1",
         "dosis-eloket:offVendorS3EndpointId: expected vpce-"),
        ("dosis-prod", "offVendorEloketKeyUri", "https://vlaio-kv.vault.azure.net/keys/k",
         "dosis-eloket:offVendorEloketKeyUri: expected https://<hsm>.managedhsm.azure.net"),
        ("portal-prod", "keyCustody", "managed-hsm",
         "dosis-eloket:keyCustody: expected one of provider-managed, byok-import, cloudhsm, xks, got "
         "'managed-hsm'"),
        ("portal-prod", "xksKeyIds", '{"logs": "k"}',
         "dosis-eloket:xksKeyIds: no external key id for trail"),
        ("portal-prod", "logArchiveAccountId", "4444",
         "dosis-eloket:logArchiveAccountId: expected 12 digits"),
        ("portal-prod", "keyCustody", "cloudhsm", "dosis-eloket:cloudHsmClusterId: custody cloudhsm needs"),
    ],
)
def test_bad_sovereignty_config_names_file_and_key(stack, key, value, message):
    with pytest.raises(Exception) as info:
        _record(stack, **{f"dosis-eloket:{key}": value})
    assert f"stacks/Pulumi.{stack}.yaml: " in str(info.value)
    assert message in str(info.value)


def test_byok_import_makes_every_portal_key_an_imported_key():
    graph = _record("portal-prod", **{"dosis-eloket:keyCustody": "byok-import"})
    assert not graph.by_type("aws:kms/key:Key")
    assert not graph.by_type("aws:kms/customKeyStore:CustomKeyStore")
    purposes = {k.inputs["tags"]["purpose"] for k in graph.by_type("aws:kms/externalKey:ExternalKey")}
    assert {"logs", "trail", "database", "secrets", "static", "files", "log-archive"} == purposes
    for k in graph.by_type("aws:kms/externalKey:ExternalKey"):  # material never passes through state
        assert "keyMaterialBase64" not in k.inputs and k.protect


def test_cloudhsm_keys_live_in_the_cloudhsm_key_store():
    graph = _record("portal-prod", **{
        "dosis-eloket:keyCustody": "cloudhsm",
        "dosis-eloket:cloudHsmClusterId": "cluster-abcdefghijk",
        "dosis-eloket:trustAnchorCertificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE---",
    })
    (store,) = graph.by_type("aws:kms/customKeyStore:CustomKeyStore")
    assert store.inputs["customKeyStoreType"] == "AWS_CLOUDHSM"
    keys = graph.by_type("aws:kms/key:Key")
    assert {k.inputs["tags"]["purpose"] for k in keys} == set(PORTAL_PURPOSES)
    assert len(keys) == len(PORTAL_PURPOSES) and all(k.inputs["customKeyStoreId"] == store.id for k in keys)


def test_xks_keys_name_their_external_key_and_reach_the_proxy_over_the_endpoint_service():
    graph = _record("portal-prod")
    (store,) = graph.by_type("aws:kms/customKeyStore:CustomKeyStore")
    assert store.inputs["customKeyStoreType"] == "EXTERNAL_KEY_STORE"
    assert store.inputs["xksProxyConnectivity"] == "VPC_ENDPOINT_SERVICE"
    keys = graph.by_type("aws:kms/key:Key")
    assert {k.inputs["xksKeyId"] for k in keys} == {f"eloket-{p}-2026" for p in PORTAL_PURPOSES}


def test_managed_hsm_dosis_keys_point_at_the_hsm_with_a_replica_once_activated():
    graph = _record("dosis-prod", **{"dosis-eloket:hsmActivated": "false"})
    (hsm,) = graph.by_type("azure-native:keyvault:ManagedHsm")
    assert not hsm.inputs["properties"].get("regions")  # no replica before the security domain exists
    assert hsm.inputs["properties"]["publicNetworkAccess"] == "Disabled"
    assert hsm.inputs["properties"]["enablePurgeProtection"] is True
    graph = _record("dosis-prod")
    (hsm,) = graph.by_type("azure-native:keyvault:ManagedHsm")
    assert [r["name"] for r in hsm.inputs["properties"]["regions"]] == ["westeurope", "northeurope"]
    for s in graph.by_type("azure-native:sql:Server"):
        # the imported version (hsmKeyVersions): the server key the encryption protector names
        assert s.inputs["keyId"] == (
            "https://dosis-hsm.managedhsm.azure.net/keys/sql-tde/0a1b2c3d4e5f60718293a4b5c6d7e8f9"
        )
