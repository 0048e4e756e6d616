"""Red-team round 12 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r12-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, aws_provider, graph, messages  # round 17: the account is pinned
from policy_testlib import pinned_res as res

from policies.core.references import scan
from policies.core.stored_refs import credential_name, setting_name

REPL, RESOLVED = "disallow-non-eea-replication", "require-resolved-references"
OPAQUE = "disallow-opaque-deployers"
FN = "aws:lambda/function:Function"
SM = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:eloket/app-config"


def _held(variables: dict[str, str]) -> set[str]:
    return {r.value for r in scan({"environment": {"variables": variables}}) if r.kind == "held"}


def _fn(variables: dict[str, str]):
    return res(FN, "fn", {"environment": {"variables": variables}})


# ------------------------------------------------------------------ secrets under neutral setting names


def test_setting_names_are_read_as_environment_names():
    assert setting_name("exportTarget") == "EXPORT_TARGET"
    assert setting_name("Settings__Source") == "SETTINGS__SOURCE"
    for name in ("DB_PASSWORD", "dbPassword", "DB_CREDENTIALS_SECRET_ARN", "API_KEY", "apiKey", "JWT_SECRET",
                 "SAS_TOKEN"):
        assert credential_name(setting_name(name)), name
    for name in ("APP_CONFIG", "SETTINGS", "exportTarget", "Routing__Target", "KEYCLOAK_URL"):
        assert not credential_name(setting_name(name)), name


def test_secret_stores_under_neutral_names_are_followed_and_credentials_are_not():
    sm = "aws:secretsmanager/secret:Secret|eloket/app"  # `-config` reads as AWS's suffix (matched: _named)
    assert _held({"APP_CONFIG": SM}) == {sm}
    assert _held({"appConfig": SM}) == {sm}
    kv = "@Microsoft.KeyVault(VaultName=dosis-kv;SecretName=integration)"
    assert _held({"INTEGRATION": kv}) == {"azure-native:keyvault:Secret|integration"}
    for credential in ("DB_CREDENTIALS_SECRET_ARN", "dbPassword", "SMTP_PASSWORD"):
        assert not [r for r in scan({"variables": {credential: SM}}) if r.kind in ("held", "stored")]


def test_a_secret_store_of_the_stack_must_have_a_readable_value():
    fn = _fn({"APP_CONFIG": SM})
    secret = res("aws:secretsmanager/secret:Secret", "s", {"name": "eloket/app-config"})
    unreadable = res("aws:secretsmanager/secretVersion:SecretVersion", "v",
                     {"secretId": SM, "secretString": "[secret]"})
    readable = res("aws:secretsmanager/secretVersion:SecretVersion", "v",
                   {"secretId": SM, "secretString": '{"sink":"https://api.vlaanderen.be"}'})
    assert "no resource of this stack" in messages(RESOLVED, graph(fn), ALLOWED)[0][1]
    assert "name the setting as the credential" in messages(RESOLVED, graph(fn, secret), ALLOWED)[0][1]
    assert "name the setting" in messages(RESOLVED, graph(fn, secret, unreadable), ALLOWED)[0][1]
    assert messages(RESOLVED, graph(fn, secret, readable), ALLOWED) == []
    suffixed = _fn({"APP_CONFIG": SM + "-Ab12Cd"})  # the ARN AWS returns, with its random suffix
    assert messages(RESOLVED, graph(suffixed, secret, readable), ALLOWED) == []


# ------------------------------------------------------------------ lower-case setting names


def test_lower_case_setting_names_are_followed_like_environment_names():
    ssm = "aws:ssm/parameter:Parameter|shared/settings"
    assert _held({"settings_parameter": "/shared/settings"}) == {ssm}
    assert _held({"exportTarget": "/shared/settings"}) == {ssm}  # a parameter path under a destination name
    ecs = {"secrets": [{"name": "Settings__Source", "valueFrom": "/shared/settings"}]}
    assert {r.value for r in scan(ecs) if r.kind == "held"} == {ssm}
    build = {"environmentVariables": [{"name": "settingsSource", "type": "PARAMETER_STORE",
                                       "value": "/shared/settings"}]}
    assert {r.value for r in scan(build) if r.kind == "held"} == {ssm}
    # paths stay paths: a path-named setting, a file-system path, a single segment, a schema field
    paths = {"EXPORT_PATH": "/shared/settings", "uploadDir": "/mnt/efs/uploads",
             "callbackRoute": "/auth/callback", "EXPORT_TARGET": "/exports", "logLevel": "info"}
    assert _held(paths) == set()
    assert not [r for r in scan({"exportTarget": "/shared/settings"}) if r.kind == "held"]


def test_identity_settings_and_guids_keep_their_meaning_as_setting_names():
    app = {"siteConfig": {"appSettings": [{"name": "AzureWebJobsStorage__accountName", "value": "acct"}]}}
    assert ("named", "azure-native:storage:StorageAccount|acct") in {(r.kind, r.value) for r in scan(app)}
    guid = "0b5c4f2e-1a2b-4c3d-8e9f-001122334455"
    assert ("guid", guid) in {(r.kind, r.value) for r in scan({"variables": {"instrumentationKey": guid}})}


# ------------------------------------------------------------------ Key Vault references of linked services


def test_linked_service_fields_read_from_key_vault_are_stores_unless_credentials():
    ref = {"type": "AzureKeyVaultSecret", "store": {"referenceName": "kv", "type": "LinkedServiceReference"},
           "secretName": "dwh-connection"}
    found = {(r.kind, r.value) for r in scan({"properties": {"connectionString": ref, "host": ref}})}
    assert found == {("stored", "azure-native:keyvault:Secret|dwh-connection"),  # and since round 15 the
                     ("keyed", "azure-native:datafactory:LinkedService|kv")}   # linked service it is read by
    assert not [r for r in scan({"properties": {"password": ref, "servicePrincipalKey": ref}})
                if r.kind == "stored"]
    ls = res("azure-native:datafactory:LinkedService", "ls", {"properties": {"type": "Sftp", "host": ref}})
    assert "no resource of this stack" in messages(RESOLVED, graph(ls), ALLOWED)[0][1]


# ------------------------------------------------------------------ built-in deployIfNotExists assignments


def test_policy_assignments_with_an_identity_of_built_in_definitions_are_deployers():
    pa = "azure-native:authorization:PolicyAssignment"
    built_in = "/providers/Microsoft.Authorization/policyDefinitions/bef3f64c-5290-43b7-85b0-9b254eef4c47"
    initiative = "/providers/Microsoft.Authorization/policySetDefinitions/924bfe3a-762f-40e7-86dd-5c8b95eb09e"
    custom = "/subscriptions/0/providers/Microsoft.Authorization/policyDefinitions/dosis-locations"
    mi = {"identity": {"type": "SystemAssigned"}, "location": "westeurope"}
    for definition in (built_in, initiative):
        found = messages(OPAQUE, res(pa, "a", {"policyDefinitionId": definition, **mi}))
        assert "managed identity" in found[0]
    assert messages(OPAQUE, res(pa, "a", {"policyDefinitionId": built_in})) == []  # audit or deny only
    none = {"policyDefinitionId": built_in, "identity": {"type": "None"}}
    assert messages(OPAQUE, res(pa, "a", none)) == []
    # a custom definition is judged as a definition
    assert messages(OPAQUE, res(pa, "a", {"policyDefinitionId": custom, **mi})) == []


# ------------------------------------------------------------------ grants: the own account needs a pin


def test_an_own_account_grant_under_an_unpinned_provider_says_to_pin_it():
    lf = "aws:lakeformation/permissions:Permissions"
    own = {"permissions": ["SELECT"], "table": {"databaseName": "d", "name": "t"},
           "principal": "arn:aws:iam::123456789012:role/analyst"}
    message = messages(REPL, res(lf, "g", own, provider=aws_provider()))[0]
    assert "pins it (allowedAccountIds" in message and "even the stack's own account blocks" in message
