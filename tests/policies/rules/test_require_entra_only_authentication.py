"""require-entra-only-authentication: no shared keys, no SQL logins."""

import pytest
from ruletest import base, only, patch, res, run, with_

RULE = "require-entra-only-authentication"
AZURE = base("azure")


def test_compliant_fixture():
    assert run(RULE, AZURE) == []


def test_shared_key():
    only(
        run(RULE, patch(AZURE, "store", allowSharedKeyAccess=True)), "store", "`allowSharedKeyAccess` is True"
    )
    only(
        run(RULE, patch(AZURE, "store", allowSharedKeyAccess=None)), "store", "`allowSharedKeyAccess` is None"
    )


def test_sql_logins():
    only(run(RULE, patch(AZURE, "sql", administrators=None)), "sql", "SQL logins (passwords) remain possible")
    off = res(
        "off",
        "azure-native:sql:ServerAzureADOnlyAuthentication",
        {"serverName": "sql-corpus", "azureADOnlyAuthentication": False},
        refs={"serverName": "sql"},
    )
    only(run(RULE, with_(AZURE, off)), "sql", "off sets `azureADOnlyAuthentication` to False")
    only(run(RULE, with_(AZURE, res("mi", "azure-native:sql:ManagedInstance", {}))), "mi", "SQL logins")


@pytest.mark.parametrize(
    ("type_", "good", "bad"),
    [
        ("azure-native:cosmosdb:DatabaseAccount", {"disableLocalAuth": True}, {}),
        ("azure-native:servicebus:Namespace", {"disableLocalAuth": True}, {"disableLocalAuth": False}),
        ("azure-native:eventhub:Namespace", {"disableLocalAuth": True}, {}),
        ("azure-native:search:Service", {"disableLocalAuth": True}, {}),
        ("azure-native:redis:Redis", {"disableAccessKeyAuthentication": True}, {}),
        ("azure-native:applicationinsights:Component", {"disableLocalAuth": True}, {}),
        ("azure-native:web:WebAppFtpAllowed", {"allow": False}, {"allow": True}),
        ("azure-native:web:WebAppScmAllowedSlot", {"allow": False}, {"allow": True}),
        (
            "azure-native:dbforpostgresql:Server",
            {"authConfig": {"passwordAuth": "Disabled", "activeDirectoryAuth": "Enabled"}},
            {"authConfig": {"passwordAuth": "Enabled", "activeDirectoryAuth": "Enabled"}},
        ),
    ],
)
def test_local_keys_and_passwords_of_other_stores(type_, good, bad):
    assert run(RULE, with_(AZURE, res("s", type_, good))) == []
    found = run(RULE, with_(AZURE, res("s", type_, bad)))
    assert len(found) == 1 and found[0][0] == "s", found


def test_mysql_flexible_server_needs_aad_auth_only():
    server = res("mysql", "azure-native:dbformysql:Server", {"serverName": "m"})
    only(run(RULE, with_(AZURE, server)), "mysql", "aad_auth_only")
    cfg = {"serverName": "m", "configurationName": "aad_auth_only", "value": "ON"}
    on = res("cfg", "azure-native:dbformysql:Configuration", cfg, refs={"serverName": "mysql"})
    assert run(RULE, with_(AZURE, server, on)) == []
    on["inputs"]["value"] = "OFF"
    only(run(RULE, with_(AZURE, server, on)), "mysql", "aad_auth_only")
