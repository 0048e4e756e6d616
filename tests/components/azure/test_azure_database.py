"""SqlDatabase: Entra-only, TDE under each region's CMK, private, audited, LTR, failover group, kept."""

import pulumi_azure_native as azure
import pytest
from azure_support import (
    RG,
    SUB,
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

from components.azure.common import ROLES
from components.azure.database import SqlDatabase, SqlDatabaseArgs, SqlServerSide, server_key_name

SERVER = "azure-native:sql:Server"
KEY_W = "https://kv-weu.vault.azure.net/keys/sql-tde"
KEY_N = "https://kv-neu.vault.azure.net/keys/sql-tde"


def _db(secondary=True, side_kwargs=None, **kwargs):
    def fn(opts):
        neu = azure.Provider("neu", location="northeurope")
        primary = SqlServerSide(RG, "sql-weu", KEY_W, "/scope/kv-weu/keys/sql-tde", **(side_kwargs or {}))
        second = (
            SqlServerSide(
                "rg-neu",
                "sql-neu",
                KEY_N,
                "/scope/kv-neu/keys/sql-tde",
                location="northeurope",
                provider=neu,
                **(side_kwargs or {}),
            )
            if secondary
            else None
        )
        SqlDatabase(
            "sql",
            SqlDatabaseArgs(
                primary=primary,
                secondary=second,
                subscription_id=SUB,
                tenant_id=TENANT,
                admin_login="dosis-deployer",
                admin_object_id="deployer-1",
                tags=TAGS,
                **kwargs,
            ),
            opts=opts,
        )

    return record(fn)


def test_defaults_are_compliant():
    g = _db()
    servers = {s.inputs["serverName"]: s for s in g.by_type(SERVER)}
    assert set(servers) == {"sql-weu", "sql-neu"}
    for name, key, region in (("sql-weu", KEY_W, "westeurope"), ("sql-neu", KEY_N, "northeurope")):
        s = servers[name]
        assert s.inputs["keyId"] == key and g.region(s) == region  # each side its own region's key
        assert s.inputs["minimalTlsVersion"] == "1.2" and s.inputs["publicNetworkAccess"] == "Disabled"
        assert "administratorLogin" not in s.inputs and "administratorLoginPassword" not in s.inputs
        admins = s.inputs["administrators"]
        assert admins["azureADOnlyAuthentication"] is True and admins["sid"] == "deployer-1"
        # issue 16: the Entra admin (db_owner = data) is the deployment identity, never a group of people
        assert admins["principalType"] == "Application"
        assert s.inputs["identity"]["type"] == "UserAssigned"
        assert s.protect and s.id in locked_ids(g)
    assert all(
        a.inputs["azureADOnlyAuthentication"]
        for a in g.by_type("azure-native:sql:ServerAzureADOnlyAuthentication")
    )
    audits = g.by_type("azure-native:sql:ExtendedServerBlobAuditingPolicy")
    assert len(audits) == 2 and all(
        a.inputs["state"] == "Enabled" and a.inputs["isAzureMonitorTargetEnabled"] for a in audits
    )
    db = g.by_type("azure-native:sql:Database")[0]
    assert db.protect and db.id in locked_ids(g)
    assert db.inputs["requestedBackupStorageRedundancy"] == "Zone" and db.inputs["zoneRedundant"] is True
    alerts = g.by_type("azure-native:sql:ServerSecurityAlertPolicy")
    assert len(alerts) == 2 and all(
        a.inputs["state"] == "Enabled" and a.inputs["emailAccountAdmins"] for a in alerts
    )
    ltr = one(g, "azure-native:sql:BackupLongTermRetentionPolicy")
    assert ltr["yearlyRetention"] == "P10Y" and ltr["weekOfYear"] == 1
    assert one(g, "azure-native:sql:BackupShortTermRetentionPolicy")["retentionDays"] == 35
    fog = one(g, "azure-native:sql:FailoverGroup")
    assert fog["partnerServers"] == [{"id": servers["sql-neu"].id}] and fog["databases"] == [db.id]
    assert fog["readWriteEndpoint"]["failoverPolicy"] == "Automatic"
    grants = g.by_type("azure-native:authorization:RoleAssignment")
    assert {r.inputs["scope"] for r in grants} == {"/scope/kv-weu/keys/sql-tde", "/scope/kv-neu/keys/sql-tde"}
    assert all(
        r.inputs["roleDefinitionId"].endswith(ROLES["Key Vault Crypto Service Encryption User"])
        for r in grants
    )
    assert_tagged(g)
    assert_in_regions(g)


def test_options_endpoints_diagnostics_geo_backups_no_secondary():
    g = _db(
        secondary=False,
        side_kwargs={"endpoint_subnet_id": SUBNET},
        dns_zone_id=ZONE,
        workspace_id=WORKSPACE,
        backup_storage_redundancy="Geo",
        sku_name="BC_Gen5_4",
        yearly_retention="P5Y",
        alert_emails=["soc@example.org"],
        extra_audit_groups=("DBCC_GROUP",),
    )
    assert one(g, "azure-native:sql:ServerSecurityAlertPolicy")["emailAddresses"] == ["soc@example.org"]
    assert (
        "DBCC_GROUP" in one(g, "azure-native:sql:ExtendedServerBlobAuditingPolicy")["auditActionsAndGroups"]
    )
    assert one(g, "azure-native:sql:BackupLongTermRetentionPolicy")["yearlyRetention"] == "P5Y"
    assert len(g.by_type(SERVER)) == 1 and not g.by_type("azure-native:sql:FailoverGroup")
    db = g.by_type("azure-native:sql:Database")[0]
    assert db.inputs["requestedBackupStorageRedundancy"] == "Geo" and db.inputs["sku"] == {
        "name": "BC_Gen5_4"
    }
    pe = one(g, "azure-native:network:PrivateEndpoint")
    assert pe["privateLinkServiceConnections"][0]["groupIds"] == ["sqlServer"]
    diags = diagnosed(g, WORKSPACE)
    server = g.by_type(SERVER)[0]
    assert db.id in diags
    assert diags[f"{server.id}/databases/master"]["logs"] == [
        {"category": "SQLSecurityAuditEvents", "enabled": True}
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"backup_storage_redundancy": "RA-GRS"}, "backup_storage_redundancy"),
        ({"short_term_retention_days": 90}, "short_term"),
        ({"secondary": False, "side_kwargs": {"location": "uksouth"}}, "outside the EEA"),
        ({"admin_principal_type": "Group"}, "not a group"),
    ],
)
def test_rejects_unsafe_options(kwargs, message):
    with pytest.raises(Exception, match=message):
        _db(**kwargs)


def test_partners_hold_each_others_key_for_geo_replication():
    def fn(opts):
        neu = azure.Provider("neu", location="northeurope")
        w = SqlServerSide(RG, "sql-weu", KEY_W, "/scope/kv-weu/keys/sql-tde", key_versioned_uri=f"{KEY_W}/v1")
        n = SqlServerSide(
            "rg-neu",
            "sql-neu",
            KEY_N,
            "/scope/kv-neu/keys/sql-tde",
            location="northeurope",
            provider=neu,
            key_versioned_uri=f"{KEY_N}/v2",
        )
        args = SqlDatabaseArgs(w, n, SUB, TENANT, "dosis-deployer", "deployer-1", TAGS)
        SqlDatabase("sql", args, opts=opts)

    g = record(fn)
    keys = {k.inputs["serverName"]: k for k in g.by_type("azure-native:sql:ServerKey")}
    assert (
        keys["sql-neu"].inputs["uri"] == f"{KEY_W}/v1"
        and keys["sql-neu"].inputs["keyName"] == "kv-weu_sql-tde_v1"
    )
    assert keys["sql-weu"].inputs["keyName"] == "kv-neu_sql-tde_v2"
    assert g.region(keys["sql-neu"]) == "northeurope"
    scopes = [r.inputs["scope"] for r in g.by_type("azure-native:authorization:RoleAssignment")]
    assert sorted(scopes) == sorted(["/scope/kv-weu/keys/sql-tde", "/scope/kv-neu/keys/sql-tde"] * 2)
    fog = g.by_type("azure-native:sql:FailoverGroup")[0]
    assert {k.urn for k in keys.values()} <= set(fog.dependencies)
    # issue 16: both partners rotate automatically (Microsoft: required for geo-replicated CMK TDE)
    protectors = g.by_type("azure-native:sql:EncryptionProtector")
    assert len(protectors) == 2 and all(p.inputs["autoRotationEnabled"] is True for p in protectors)
    assert {p.inputs["serverKeyName"] for p in protectors} == {"kv-weu_sql-tde_v1", "kv-neu_sql-tde_v2"}
    assert server_key_name("https://v.vault.azure.net/keys/k/abc") == "v_k_abc"
    with pytest.raises(ValueError):
        server_key_name("https://v.vault.azure.net/keys/k")


def test_one_shared_key_is_not_granted_or_registered_twice():
    """Both servers on one multi-region key (the controller's Managed HSM): each identity holds exactly one
    grant on it (Azure refuses a second identical role assignment: RoleAssignmentExists) and no partner
    server key re-registers the key the server already has."""
    hsm_key = "https://dosis-hsm.managedhsm.azure.net/keys/sql-tde"
    hsm_scope = "/scope/managedHSMs/dosis-hsm"

    def fn(opts):
        neu = azure.Provider("neu", location="northeurope")
        w = SqlServerSide(RG, "sql-weu", hsm_key, hsm_scope, key_versioned_uri=f"{hsm_key}/v1")
        n = SqlServerSide("rg-neu", "sql-neu", hsm_key, hsm_scope, location="northeurope", provider=neu,
                          key_versioned_uri=f"{hsm_key}/v1")
        args = SqlDatabaseArgs(w, n, SUB, TENANT, "dosis-deployer", "deployer-1", TAGS, shared_key=True)
        SqlDatabase("sql", args, opts=opts)

    g = record(fn)
    grants = g.by_type("azure-native:authorization:RoleAssignment")
    holders = sorted(r.parent.split("::")[-1] for r in grants)
    assert holders == ["sql-primary-identity", "sql-secondary-identity"]
    assert not g.by_type("azure-native:sql:ServerKey")
    protectors = g.by_type("azure-native:sql:EncryptionProtector")
    assert {p.inputs["serverKeyName"] for p in protectors} == {"dosis-hsm_sql-tde_v1"}


def test_database_diagnostics_name_the_metric_categories_sql_takes():
    """A SQL database's metric categories are Basic, InstanceAndAppAdvanced and WorkloadManagement
    (Microsoft's diagnostic-settings template for microsoft.sql/servers/databases); not `AllMetrics`."""
    g = _db(secondary=False, workspace_id=WORKSPACE)
    db = g.by_type("azure-native:sql:Database")[0]
    metrics = [m["category"] for m in diagnosed(g, WORKSPACE)[db.id]["metrics"]]
    assert metrics == ["Basic", "InstanceAndAppAdvanced", "WorkloadManagement"]


def test_server_key_is_the_versioned_key_its_protector_names():
    """The server key a logical server registers from its `keyId` is named after that URI
    (`<vault>_<key>_<version>`); the encryption protector must name a registered server key. A versionless
    `keyId` next to a protector naming the versioned key points the protector at a key the server never
    registered (Managed HSM or Key Vault alike), so the server takes the versioned URI."""
    hsm_key = "https://dosis-hsm.managedhsm.azure.net/keys/sql-tde"

    def fn(opts):
        neu = azure.Provider("neu", location="northeurope")
        w = SqlServerSide(RG, "sql-weu", hsm_key, "/scope/hsm", key_versioned_uri=f"{hsm_key}/v1")
        n = SqlServerSide("rg-neu", "sql-neu", hsm_key, "/scope/hsm", location="northeurope", provider=neu,
                          key_versioned_uri=f"{hsm_key}/v1")
        args = SqlDatabaseArgs(w, n, SUB, TENANT, "dosis-deployer", "deployer-1", TAGS, shared_key=True)
        SqlDatabase("sql", args, opts=opts)

    g = record(fn)
    servers = {s.urn: s for s in g.by_type(SERVER)}
    protectors = g.by_type("azure-native:sql:EncryptionProtector")
    assert len(protectors) == 2
    for p in protectors:
        server = next(s for urn, s in servers.items() if urn in p.dependencies or p.parent == urn)
        assert server.inputs["keyId"] == f"{hsm_key}/v1"
        assert server_key_name(server.inputs["keyId"]) == p.inputs["serverKeyName"]
