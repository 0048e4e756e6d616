"""require-entra-only-authentication: no shared keys, no SQL logins."""

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
