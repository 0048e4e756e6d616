"""Red-team round 13 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r13-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, graph, messages  # round 17: the account is pinned
from policy_testlib import pinned_res as res

from policies.core.references import scan
from policies.core.stored_refs import settings_map

RESOLVED = "require-resolved-references"
FN = "aws:lambda/function:Function"
PA = "azure-native:authorization:PolicyAssignment"
SM = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:partner/settings-Ab12Cd"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"


def _kinds(variables: dict[str, str], kind: str) -> set[str]:
    return {r.value for r in scan({"environment": {"variables": variables}}) if r.kind == kind}


def test_credential_named_settings_are_followed_to_their_stores():
    for name in ("SETTINGS_SECRET", "ROUTING_KEY", "exportApiKey", "DB_PASSWORD"):
        assert _kinds({name: SM}, "keyed") == {"aws:secretsmanager/secret:Secret|partner/settings"}, name
    ssm = "aws:ssm/parameter:Parameter|shared/signing"
    assert _kinds({"SIGNING_KEY_PARAMETER": "/shared/signing"}, "keyed") == {ssm}
    # since round 14 a Key Vault reference is followed too (a hand-set secret in the own vault blocks,
    # tests/policies/test_residency_r14.py); a path under a credential's name is a path
    kv = "@Microsoft.KeyVault(SecretUri=https://kv-dosis-we.vault.azure.net/secrets/db-password/)"
    assert _kinds({"DB_PASSWORD": kv, "API_KEY_FILE": "/run/secrets/api-key"}, "keyed") == {
        "azure-native:keyvault:Secret|db-password"}


def test_a_credential_store_must_be_the_stacks_but_need_not_be_readable():
    fn = res(FN, "fn", {"environment": {"variables": {"SETTINGS_SECRET": SM}}})
    secret = res("aws:secretsmanager/secret:Secret", "s", {"name": "partner/settings"})
    found = messages(RESOLVED, graph(fn), ALLOWED)
    assert found and "a credential's store must be the stack's too" in found[0][1]
    assert messages(RESOLVED, graph(fn, secret), ALLOWED) == []  # its value (a secret) is not read


def test_settings_maps_are_known_by_their_name_family():
    for key in ("variables", "environment", "appSettings", "environmentVariables", "defaultArguments",
                "nonOverridableArguments", "arguments", "runtimeEnvironmentSecrets",
                "airflowConfigurationOptions"):
        assert settings_map(key), key
    for key in ("secrets", "loggingOptions", "settings", "parameters", "tags", "properties"):
        assert not settings_map(key), key
    found = {r.value for r in scan({"nonOverridableArguments": {"--exportTarget": "/shared/target"}})
             if r.kind == "held"}
    assert found == {"aws:ssm/parameter:Parameter|shared/target"}


def test_parameter_paths_under_neutral_names_are_stores_but_files_and_paths_are_not():
    feed = "aws:ssm/parameter:Parameter|shared/feed/endpoint"
    assert _kinds({"FEED": "/shared/feed/endpoint"}, "held") == {feed}
    paths = {"CONFIG": "/config/app.json", "TEMPLATE": "/opt/templates/mail.html", "DATA": "/var/task/data",
             "HEALTH_ROUTE": "/api/health", "UPLOAD_PREFIX": "/incoming/dossiers", "FEED": "/feed"}
    assert _kinds(paths, "held") == set()


def test_assignments_with_an_identity_name_a_custom_definition_of_the_stack():
    mi = {"identity": {"type": "SystemAssigned"}}
    custom = f"{SUB}/providers/Microsoft.Authorization/policyDefinitions/central-export"
    initiative = ("/providers/Microsoft.Management/managementGroups/platform/providers/"
                  "Microsoft.Authorization/policySetDefinitions/platform-logging")
    for definition in (custom, initiative):
        a = res(PA, "a", {"policyDefinitionId": definition, **mi})
        assert messages(RESOLVED, graph(a), ALLOWED), definition
        assert messages(RESOLVED, graph(res(PA, "a", {"policyDefinitionId": definition})), ALLOWED) == []
    own = res("azure-native:authorization:PolicyDefinition", "d",
              {"policyDefinitionName": "central-export", "policyRule": {"then": {"effect": "audit"}}})
    assert messages(RESOLVED, graph(res(PA, "a", {"policyDefinitionId": custom, **mi}), own), ALLOWED) == []
    own_set = res("azure-native:authorization:PolicySetDefinitionAtManagementGroup", "s",
                  {"policySetDefinitionName": "platform-logging", "managementGroupId": "platform"})
    a = res(PA, "a", {"policyDefinitionId": initiative, **mi})
    assert messages(RESOLVED, graph(a, own_set), ALLOWED) == []
