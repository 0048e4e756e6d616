"""The common Azure building blocks (round 9): each check passes its compliant fixture (the r9-az-ok corpus
programs) and fails on one mutation of it, and an unknown value fails closed."""

import pytest
from ruletest import judge, patch, run

PUBLIC = "disallow-public-data-access"
DATA = "r9-az-ok-data-platform"
WEB = "r9-az-ok-web-front"
OTHER = "/subscriptions/other/resourceGroups/rg-x/providers"


def ok_case(name):
    return judge.load_case(judge.HERE / "ok" / f"{name}.yaml")["resources"]


def _drop_refs(resources, name):
    """The resource without its property dependencies: only its inputs name what it links to."""
    for r in resources:
        if r["name"] == name:
            r.pop("refs", None)
            r.pop("deps", None)
    return resources


@pytest.mark.parametrize(
    "rule, ok, name, inputs, fragment",
    [
        (PUBLIC, DATA, "pec-sql", {"privateEndpointConnectionName": "pe-other.1"}, "does not hold"),
        (PUBLIC, DATA, "sql-fw", {"startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0"}, "every Azure"),
        (
            PUBLIC,
            DATA,
            "sql-fw",
            {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"},
            "internet",
        ),
        (PUBLIC, DATA, "evhns-rules", {"publicNetworkAccess": None}, "default Enabled"),
        (PUBLIC, DATA, "evhns-rules", {"publicNetworkAccess": "Enabled"}, "whatever the namespace says"),
        (
            PUBLIC,
            DATA,
            "evh",
            {
                "captureDescription": {
                    "enabled": True,
                    "destination": {
                        "storageAccountResourceId": f"{OTHER}/Microsoft.Storage/storageAccounts/x"
                    },
                }
            },
            "names no StorageAccount",
        ),
        (
            PUBLIC,
            DATA,
            "peer",
            {"remoteVirtualNetwork": {"id": f"{OTHER}/Microsoft.Network/virtualNetworks/vnet-x"}},
            "names no VirtualNetwork",
        ),
        (PUBLIC, WEB, "lb-pool", {"loadBalancerName": "lb-shared"}, "not a resource of this stack"),
        (
            PUBLIC,
            WEB,
            "capp",
            {"configuration": {"ingress": {"external": True, "transport": "tcp", "exposedPort": 1433}}},
            "data port 1433",
        ),
        (
            "require-tls-1-2",
            WEB,
            "capp",
            {"configuration": {"ingress": {"external": True, "allowInsecure": True}}},
            "plain HTTP",
        ),
        (
            PUBLIC,
            WEB,
            "dcr",
            {"destinations": {"logAnalytics": [{"workspaceResourceId": f"{OTHER}/x/workspaces/log-x"}]}},
            "no store of this stack",
        ),
        (
            "require-customer-managed-keys",
            DATA,
            "store",
            {"encryption": {"keySource": "Microsoft.Keyvault"}},
            "Service",
        ),
    ],
)
def test_round9_mutation_blocks(rule, ok, name, inputs, fragment):
    resources = ok_case(ok)
    assert run(rule, resources) == []
    found = run(rule, _drop_refs(patch(resources, name, **inputs), name))
    assert any(fragment in m for _, m in found), found


def test_round9_dnat_to_a_data_port_behind_web_port_blocks():
    resources = ok_case(WEB)
    rcg = next(r for r in resources if r["name"] == "fw-dnat")
    rcg["inputs"]["ruleCollections"][0]["rules"][0]["translatedPort"] = "1433"
    found = run(PUBLIC, resources)
    assert any(n == "fw-dnat" and "data port 1433" in m for n, m in found), found


def test_round9_encryption_scope_needs_a_key_vault_key():
    from ruletest import res, with_

    scope = "azure-native:storage:EncryptionScope"
    rule = "require-customer-managed-keys"
    good = {"accountName": "stcorpus", "source": "Microsoft.KeyVault", "keyVaultProperties": {"keyUri": "k"}}
    assert run(rule, with_(ok_case(DATA), res("scope", scope, good))) == []
    found = run(rule, with_(ok_case(DATA), res("scope", scope, {**good, "source": None})))
    assert any(n == "scope" and "Microsoft-managed" in m for n, m in found), found


@pytest.mark.parametrize(
    "rule, ok, name, field",
    [
        (PUBLIC, DATA, "pec-sql", "privateLinkServiceConnectionState"),
        (PUBLIC, DATA, "sql-fw", "startIpAddress"),
        (PUBLIC, DATA, "evhns-rules", "publicNetworkAccess"),
        (PUBLIC, WEB, "capp", "configuration"),
        (PUBLIC, WEB, "dcr", "destinations"),
        (PUBLIC, WEB, "fw-dnat", "ruleCollections"),
    ],
)
def test_round9_unknown_values_fail_closed(rule, ok, name, field):
    from policies.core.view import UNKNOWN

    found = run(rule, patch(ok_case(ok), name, **{field: UNKNOWN}))
    assert any(n == name and "unknown" in m for n, m in found), found


@pytest.mark.parametrize(
    "rule, name, inputs, fragment",
    [
        (PUBLIC, "app-mount", {"properties": {"c": {"type": "AzureFiles", "accountName": "stx"}}}, "'stx'"),
        (PUBLIC, "app-backup", {"storageAccountUrl": "https://stx.blob.core.windows.net/b"}, "no storage"),
        (
            PUBLIC,
            "app-logs",
            {"httpLogs": {"azureBlobStorage": {"sasUrl": "https://stx.blob.core.windows.net/l?sig=x"}}},
            "httpLogs.azureBlobStorage.sasUrl",
        ),
        (PUBLIC, "flowlog", {"storageId": f"{OTHER}/Microsoft.Storage/storageAccounts/stx"}, "flow logs"),
        (PUBLIC, "defender-ws", {"workspaceId": f"{OTHER}/x/workspaces/log-x"}, "no Workspace"),
        ("require-tls-1-2", "apim-backend", {"url": "http://10.0.0.1/api"}, "plain text"),
        (PUBLIC, "bastion", {"enableShareableLink": True}, "without Entra"),
        (PUBLIC, "avnm-allow-https", {"destinationPortRanges": ["443", "1433"]}, "data port 1433"),
        (PUBLIC, "avnm-allow-https", {"destinationPortRanges": None}, "data port 22"),
        (PUBLIC, "cae-share", {"properties": {"azureFile": {"accountName": "stx"}}}, "'stx'"),
        (PUBLIC, "fw", {"firewallPolicy": {"id": f"{OTHER}/x/firewallPolicies/open"}}, "no FirewallPolicy"),
        ("require-tls-1-2", "apim-backend", {"tls": {"validateCertificateChain": False}}, "not checked"),
    ],
)
def test_round9_copies_go_to_stores_of_the_stack(rule, name, inputs, fragment):
    resources = ok_case(WEB)
    assert run(rule, resources) == []
    found = run(rule, _drop_refs(patch(resources, name, **inputs), name))
    assert any(n == name and fragment in m for n, m in found), found


def test_round9_environment_logs_must_go_to_a_workspace_of_the_stack():
    resources = _drop_refs(ok_case(WEB), "cae")
    found = run(PUBLIC, resources)
    assert any(n == "cae" and "customerId" in m for n, m in found), found


def _mutation_fails(case, rule: str, name: str, inputs: dict, fragment: str) -> None:
    """The compliant case passes the rule; with `inputs` changed on `name` it fails with `fragment`."""
    resources = ok_case(case)
    assert run(rule, resources) == []
    found = run(rule, patch(resources, name, **inputs))
    assert any(n == name and fragment in m for n, m in found), found


@pytest.mark.parametrize(
    "rule, inputs, fragment",
    [
        (PUBLIC, {"publicNetworkAccess": None}, "default Enabled"),
        ("require-entra-only-authentication", {"disableLocalAuth": False}, "disableLocalAuth"),
        ("require-customer-managed-keys", {"encryption": None}, "keyIdentifier"),
        ("require-deletion-protection", {"enablePurgeProtection": None}, "enablePurgeProtection"),
    ],
)
def test_round9_app_configuration_is_a_judged_store(rule, inputs, fragment):
    _mutation_fails(DATA, rule, "appcs", inputs, fragment)


@pytest.mark.parametrize(
    "rule, properties, fragment",
    [
        (PUBLIC, {"publicNetworkAccess": "Enabled"}, "reachable from the internet"),
        ("require-entra-only-authentication", {"disableLocalAuth": None}, "disableLocalAuth"),
        (
            "require-customer-managed-keys",
            {"encryption": {"keySource": "Microsoft.CognitiveServices"}},
            "keySource",
        ),
    ],
)
def test_round9_ai_services_account_is_a_judged_store(rule, properties, fragment):
    resources = ok_case(DATA)
    assert run(rule, resources) == []
    ai = next(r for r in resources if r["name"] == "ai")
    props = {k: v for k, v in {**ai["inputs"]["properties"], **properties}.items() if v is not None}
    found = run(rule, patch(resources, "ai", properties=props))
    assert any(n == "ai" and fragment in m for n, m in found), found


@pytest.mark.parametrize(
    "rule, inputs, fragment",
    [
        (PUBLIC, {"publicNetworkAccess": None}, "default Enabled"),
        (PUBLIC, {"anonymousPullEnabled": True}, "anyone can pull"),
        ("require-entra-only-authentication", {"adminUserEnabled": True}, "admin user"),
        ("require-customer-managed-keys", {"encryption": {"status": "disabled"}}, "Microsoft-managed"),
    ],
)
def test_round9_container_registry_is_a_judged_store(rule, inputs, fragment):
    _mutation_fails(WEB, rule, "acr", inputs, fragment)


@pytest.mark.parametrize(
    "rule, name, inputs, fragment",
    [
        (PUBLIC, "aks", {"apiServerAccessProfile": None}, "no authorized IP ranges"),
        (PUBLIC, "aks", {"apiServerAccessProfile": {"authorizedIPRanges": ["0.0.0.0/0"]}}, "0.0.0.0/0"),
        (PUBLIC, "aks-pool", {"enableNodePublicIP": True}, "public IP"),
        ("require-entra-only-authentication", "aks", {"disableLocalAccounts": None}, "disableLocalAccounts"),
        ("require-customer-managed-keys", "aks", {"diskEncryptionSetID": None}, "diskEncryptionSetID"),
        ("require-customer-managed-keys", "aks", {"securityProfile": None}, "etcd"),
    ],
)
def test_round9_aks_is_a_judged_store(rule, name, inputs, fragment):
    _mutation_fails(WEB, rule, name, inputs, fragment)


def test_round9_aks_api_server_behind_narrow_ranges_passes():
    narrow = {"authorizedIPRanges": ["203.0.113.0/28"]}
    assert run(PUBLIC, patch(ok_case(WEB), "aks", apiServerAccessProfile=narrow)) == []


@pytest.mark.parametrize(
    "ok, name, inputs",
    [
        (DATA, "peer", {"remoteVirtualNetwork": {"id": "UNKNOWN"}}),
        (
            DATA,
            "evh",
            {"captureDescription": {"enabled": True, "destination": {"storageAccountResourceId": "UNKNOWN"}}},
        ),
        (
            WEB,
            "cae",
            {
                "appLogsConfiguration": {
                    "destination": "log-analytics",
                    "logAnalyticsConfiguration": {"customerId": "UNKNOWN"},
                }
            },
        ),
        (WEB, "dcr", {"destinations": {"logAnalytics": [{"name": "la", "workspaceResourceId": "UNKNOWN"}]}}),
        (WEB, "fw", {"firewallPolicy": {"id": "UNKNOWN"}}),
        (WEB, "flowlog", {"storageId": "UNKNOWN"}),
    ],
)
def test_round9_ids_computed_from_stack_resources_pass_at_preview(ok, name, inputs):
    """An id computed from a resource of the stack is unknown at preview: its dependency says which."""
    from policies.core.view import UNKNOWN

    def unknown(v):
        if isinstance(v, dict):
            return {k: unknown(x) for k, x in v.items()}
        if isinstance(v, list):
            return [unknown(x) for x in v]
        return UNKNOWN if v == "UNKNOWN" else v

    resources = patch(ok_case(ok), name, **{k: unknown(v) for k, v in inputs.items()})
    assert run(PUBLIC, resources) == []
    found = run(PUBLIC, _drop_refs(resources, name))
    assert any(n == name for n, _ in found), found  # without it, the unknown id blocks


def test_round9_sql_sync_member_must_be_a_database_of_the_stack():
    from ruletest import res, with_

    member = {
        "resourceGroupName": "rg-corpus",
        "serverName": "sql-corpus",
        "databaseName": "app",
        "syncGroupName": "sg",
        "databaseType": "AzureSqlDatabase",
        "syncMemberAzureDatabaseResourceId": "/subscriptions/s/resourceGroups/rg-corpus/providers/"
        "Microsoft.Sql/servers/sql-corpus/databases/app",
    }
    sync = "azure-native:sql:SyncMember"
    assert (
        run(
            PUBLIC,
            with_(ok_case(DATA), res("m", sync, member, refs={"syncMemberAzureDatabaseResourceId": "sqldb"})),
        )
        == []
    )
    other = {**member, "syncMemberAzureDatabaseResourceId": f"{OTHER}/Microsoft.Sql/servers/x/databases/y"}
    found = run(PUBLIC, with_(ok_case(DATA), res("m", sync, other)))
    assert any(n == "m" and "names no Database" in m for n, m in found), found
