"""AppPlan / DosisApp: own identity, private inbound, VNet integration, HTTPS + TLS 1.2, no FTP/basic auth."""

import pytest
from azure_support import (
    RG,
    SUBNET,
    TAGS,
    WORKSPACE,
    ZONE,
    assert_in_regions,
    assert_tagged,
    diagnosed,
    one,
    record,
)

from components.azure.apps import AppPlan, AppPlanArgs, DosisApp, DosisAppArgs

PLAN = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/serverfarms/p"


def _app(**kwargs):
    args = {
        "app_name": "dosis-uit",
        "resource_group_name": RG,
        "plan_id": PLAN,
        "integration_subnet_id": SUBNET,
        "tags": TAGS,
        **kwargs,
    }
    return record(lambda opts: DosisApp("uit", DosisAppArgs(**args), opts=opts))


def test_app_defaults_are_compliant():
    g = _app()
    app = one(g, "azure-native:web:WebApp")
    assert app["httpsOnly"] is True and app["publicNetworkAccess"] == "Disabled"
    assert app["identity"] == {"type": "SystemAssigned"}
    assert app["virtualNetworkSubnetId"] == SUBNET and app["outboundVnetRouting"]["allTraffic"] is True
    sc = app["siteConfig"]
    assert sc["minTlsVersion"] == "1.2" and sc["scmMinTlsVersion"] == "1.2"
    assert sc["ftpsState"] == "Disabled" and sc["remoteDebuggingEnabled"] is False
    assert sc["ipSecurityRestrictionsDefaultAction"] == "Deny"
    assert sc["healthCheckPath"] == "/health" and sc["numberOfWorkers"] == 3
    assert app["clientCertEnabled"] is True and app["clientCertMode"] == "Required"
    assert one(g, "azure-native:web:WebAppFtpAllowed")["allow"] is False
    assert one(g, "azure-native:web:WebAppScmAllowed")["allow"] is False
    assert not g.by_type("azure-native:network:PrivateEndpoint")
    assert_tagged(g)
    assert_in_regions(g)


def test_app_options_private_ip_settings_diagnostics():
    holder = {}

    def fn(opts):
        holder["app"] = DosisApp(
            "uit",
            DosisAppArgs(
                "dosis-uit",
                RG,
                PLAN,
                SUBNET,
                TAGS,
                app_settings={"MODE": "read"},
                endpoint_subnet_id=SUBNET,
                dns_zone_id=ZONE,
                private_ip="10.10.1.10",
                workspace_id=WORKSPACE,
            ),
            opts=opts,
        )

    g = record(fn)
    app = g.by_type("azure-native:web:WebApp")[0]
    assert app.inputs["siteConfig"]["appSettings"] == [{"name": "MODE", "value": "read"}]
    pe = one(g, "azure-native:network:PrivateEndpoint")
    assert pe["ipConfigurations"][0]["privateIPAddress"] == "10.10.1.10"
    assert pe["privateLinkServiceConnections"][0]["groupIds"] == ["sites"]
    assert holder["app"].private_ip() == "10.10.1.10"
    assert app.id in diagnosed(g, WORKSPACE)


def test_app_rejects_unknown_client_certificate_mode():
    with pytest.raises(Exception, match="client_certificate_mode"):
        _app(client_certificate_mode="Ignore")


def test_plan_is_zone_redundant_and_rejects_fewer_than_three():
    g = record(lambda opts: AppPlan("p", AppPlanArgs(RG, TAGS, workspace_id=WORKSPACE), opts=opts))
    plan = g.by_type("azure-native:web:AppServicePlan")[0]
    assert plan.inputs["zoneRedundant"] is True and plan.inputs["sku"]["capacity"] == 3
    assert plan.inputs["reserved"] is True
    assert diagnosed(g, WORKSPACE)[plan.id].get("logs") is None
    assert_tagged(g)
    with pytest.raises(Exception, match="at least 3"):
        record(lambda opts: AppPlan("p", AppPlanArgs(RG, TAGS, instances=1), opts=opts))


def test_supplier_path_is_allow_listed_mutual_tls():
    """Issue 16 / D36 §63: suppliers had no inbound path to DOSIS-IN."""
    g = _app(app_name="dosis-in", supplier_cidrs=["198.51.100.0/28"])
    app = one(g, "azure-native:web:WebApp")
    assert app["publicNetworkAccess"] == "Enabled"
    assert app["clientCertEnabled"] is True and app["clientCertMode"] == "Required"
    site = app["siteConfig"]
    assert site["ipSecurityRestrictionsDefaultAction"] == "Deny"
    assert (
        site["scmIpSecurityRestrictionsDefaultAction"] == "Deny" and "scmIpSecurityRestrictions" not in site
    )
    assert [(r["ipAddress"], r["action"]) for r in site["ipSecurityRestrictions"]] == [
        ("198.51.100.0/28", "Allow")
    ]
    with pytest.raises(Exception, match="mutual TLS"):
        _app(supplier_cidrs=["198.51.100.0/28"], client_certificate_mode="Optional")
    with pytest.raises(Exception, match="supplier CIDRs"):
        _app(supplier_cidrs=[])


def test_database_users_script_grants_least_privilege():
    """The apps' database users: DOSIS-IN writes, DOSIS-UIT reads, structure admins DDL without rows."""
    from components.azure.sqlgrants import grant_script

    sql = grant_script("dosis-in-weu", "dosis-uit-weu", "dosis-db-structure-admin")
    assert "CREATE USER [dosis-uit-weu] FROM EXTERNAL PROVIDER;" in sql
    assert "ALTER ROLE db_datareader ADD MEMBER [dosis-uit-weu];" in sql
    assert "ALTER ROLE db_datawriter ADD MEMBER [dosis-in-weu];" in sql
    assert "ALTER ROLE db_ddladmin ADD MEMBER [dosis-db-structure-admin];" in sql
    assert "db_datareader ADD MEMBER [dosis-db-structure-admin]" not in sql
    assert "DENY SELECT, INSERT, UPDATE, DELETE TO [dosis-db-structure-admin];" in sql
    with pytest.raises(ValueError):
        grant_script("x]; DROP TABLE t; --", "b", "c")
