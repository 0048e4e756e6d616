"""ControllerHsm: single-tenant pool, key-admin group only, private, purge-protected, locked; the replica
only once activated; key URIs only for imported keys."""

import pytest
from azure_support import RG, TAGS, TENANT, WORKSPACE, assert_tagged, diagnosed, locked_ids, record

from components.azure.managed_hsm import ControllerHsm, ControllerHsmArgs

VERSION = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def _hsm(**kwargs):
    args = {"hsm_name": "dosis-hsm", "resource_group_name": RG, "tenant_id": TENANT,
            "admin_object_ids": ["group-key-admin"], "tags": TAGS, "key_versions": {"sql-tde": VERSION},
            "workspace_id": WORKSPACE, **kwargs}
    holder = {}

    def fn(opts):
        holder["hsm"] = ControllerHsm("hsm", ControllerHsmArgs(**args), opts=opts)

    return record(fn), holder


def test_defaults_are_single_tenant_private_and_kept():
    g, holder = _hsm()
    (hsm,) = g.by_type("azure-native:keyvault:ManagedHsm")
    props = hsm.inputs["properties"]
    assert props["initialAdminObjectIds"] == ["group-key-admin"]
    assert props["publicNetworkAccess"] == "Disabled" and props["networkAcls"]["defaultAction"] == "Deny"
    assert props["enablePurgeProtection"] is True and not props.get("regions")
    assert hsm.protect and hsm.id in locked_ids(g) and hsm.id in diagnosed(g, WORKSPACE)
    assert_tagged(g)
    with pytest.raises(KeyError):
        holder["hsm"].key_uri("storage")  # not imported: no URI to point a store at


def test_replica_once_activated():
    g, _ = _hsm(activated=True)
    (hsm,) = g.by_type("azure-native:keyvault:ManagedHsm")
    assert hsm.inputs["properties"]["regions"] == [
        {"name": "westeurope", "isPrimary": True}, {"name": "northeurope", "isPrimary": False}]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"location": "switzerlandnorth"}, "outside the EEA"),
        ({"activated": True, "replica_location": "uksouth"}, "outside the EEA"),
        ({"admin_object_ids": []}, "key administrator"),
        ({"soft_delete_retention_days": 3}, "soft_delete"),
        ({"key_versions": {"sql-tde": "latest"}}, "32 hex"),
    ],
)
def test_rejects_unsafe_options(kwargs, message):
    with pytest.raises(Exception, match=message):
        _hsm(**kwargs)
