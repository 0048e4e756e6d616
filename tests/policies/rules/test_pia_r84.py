"""Round-84 class (docs/pia-conditions.md, round 84). Wave 1, the paths an auditor asks about first: a person
who writes a Key Vault's access policies gives itself its keys' use, Secure Key Release is key use, Key Vault
data-plane roles on parent scopes, Authentication Administrator and directory roles held over an
administrative unit. The cases are f33fe351 (on 66ccdf6e); each test that fails on the code before the fix
says so."""

from __future__ import annotations

import copy
import importlib

import pytest
from ruletest import case, patch, res, run

SOD = "require-separation-of-duties"
MFA = "require-admin-mfa"
USES = "administers keys and can also use them"
DBA_RIGHTS = "0000000000aa holds 2 separated functions: access rights, database structure"
SUB_RG = "/subscriptions/s/resourceGroups/"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # Pulumi's unknown value


def _says(found: list[tuple[str, str]], fragment: str) -> bool:
    return any(fragment in m for _, m in found)


@pytest.mark.parametrize("stem", ["r84p-01", "r84p-02", "r84p-03", "r84p-04"])
def test_a_key_administrator_who_may_self_grant_or_release_keys_uses_them(stem):
    """Fails before (f33fe351): only data actions and access-policy permissions of the five cryptographic
    operations counted as key use; writing an access-policy vault's policies and release did not."""
    assert _says(run(SOD, case(stem)), USES)


@pytest.mark.parametrize("stem", ["r84p-05", "r84p-06", "r84p-09"])
def test_authentication_administrator_and_unit_roles_are_access_rights(stem):
    """Fails before (f33fe351): Authentication Administrator was no access-rights role, and roles held over
    an administrative unit were not read."""
    assert _says(run(SOD, case(stem)), DBA_RIGHTS)


def test_a_unit_role_named_by_a_literal_object_id_cannot_be_judged():
    """Fails before (f33fe351): AdministrativeUnitRoleMember was not read at all."""
    found = run(SOD, case("r84p-07"))
    assert [n for n, _ in found] == ["au-ops-dba-admin"] and "roleObjectId" in found[0][1]


def test_a_data_plane_role_on_a_management_group_counts_as_on_the_vault():
    """Guard: blocked before and after (an assignment counts at any scope)."""
    assert _says(run(SOD, case("r84p-08")), "database structure, key administration")


@pytest.mark.parametrize("stem", [f"r84p-5{i}" for i in range(5)])
def test_rbac_vaults_spared_release_readers_and_other_vaults_pass(stem):
    assert run(SOD, case(stem)) == []


@pytest.mark.parametrize(
    "flag, blocks",
    [(True, False), (False, True), (None, True), (UNKNOWN, True)],  # left out: ARM's default
)
def test_the_vaults_permission_model_decides(flag, blocks):
    resources = copy.deepcopy(case("r84p-01"))
    vault = next(r for r in resources if r["name"] == "vault-ap")
    props = vault["inputs"]["properties"]
    props.pop("enableRbacAuthorization")
    if flag is not None:
        props["enableRbacAuthorization"] = flag
    assert _says(run(SOD, resources), USES) is blocks


@pytest.mark.parametrize(
    "scope, blocks",
    [
        (SUB_RG + "rg-other", False),  # another resource group
        (SUB_RG + "rg-corpus/providers/Microsoft.KeyVault/vaults/kv-corpus", False),  # the RBAC vault
        (SUB_RG + "rg-corpus", True),
        ("/subscriptions/s", True),
        ("/providers/Microsoft.Management/managementGroups/mg-corpus", True),  # a parent scope
    ],
)
def test_the_policy_writers_scope_is_compared_with_the_vault(scope, blocks):
    resources = patch(case("r84p-02"), "ra-kv-ops", scope=scope)
    assert _says(run(SOD, resources), USES) is blocks


def test_the_finding_names_the_policy_writer():
    """A policy writer administers keys (it writes `accessPolicies`) and, on that vault, uses them."""
    found = run(SOD, case("r84p-02"))
    assert any(n == "ra-kv-ops" and "0000000000ac" in m and USES in m for n, m in found)


def test_a_standing_unit_role_of_a_privileged_template_needs_pim():
    """Fails before (f33fe351): require-admin-mfa read only assignments and members of directory roles."""
    found = run(MFA, case("r84p-06"))
    assert any(n == "au-keys-dba-admin" and "fe930be7" in m for n, m in found)
    assert run(MFA, case("r84p-53")) == []


def test_vaults_are_visited_only_by_persons_who_write_policies(monkeypatch):
    """Counted, not timed: ten groups holding SQL DB Contributor never visit the vaults; the one policy writer
    visits the access-policy vault once (fails before: the module did not exist)."""
    grants = importlib.import_module("policies.core.iam.azure_vault_grants")
    calls: list[str] = []
    real = grants.reaches
    monkeypatch.setattr(grants, "reaches", lambda g, a, v: calls.append(a.name) or real(g, a, v))
    resources = case("r84p-02")
    for i in range(10):
        resources.append(res(f"ra-db-{i}", "azure-native:authorization:RoleAssignment", {
            "principalId": f"00000000-0000-0000-0000-0000000001{i:02d}", "principalType": "Group",
            "scope": SUB_RG + "rg-corpus",
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/"
                                "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec"}))
    assert _says(run(SOD, resources), USES)
    assert calls == ["ra-kv-ops"]


# Wave 2 (cases 69fbcf35, on e8a46cb2): a person holding a function who may redirect, switch off or delete
# what the SIEM records of it.
SIEM = "SIEM logging"
ROLE_ID = "5b0c1a2e-0000-4000-8000-00000000c0b2"


@pytest.mark.parametrize("stem", [f"r84p-{i}" for i in range(10, 21)])
def test_a_function_holder_who_may_silence_the_siem_holds_two_functions(stem):
    """Fails before (69fbcf35 for r84p-10 to -16, f1ed642c for the probe's -17 to -20): diagnostic settings,
    SQL auditing, the workspace and Sentinel's rules, then its incidents, connectors, watchlists and
    onboarding, were nobody's function."""
    assert any("holds 2 separated functions" in m and SIEM in m for _, m in run(SOD, case(stem)))


@pytest.mark.parametrize("stem", [f"r84p-6{i}" for i in range(6)])
def test_the_soc_alone_readers_alerts_and_sql_server_contributor_pass(stem):
    assert run(SOD, case(stem)) == []


@pytest.mark.parametrize(
    "action, blocks",
    [
        ("Microsoft.Insights/diagnosticSettings/write", True),
        ("Microsoft.Insights/*", True),
        ("Microsoft.Sql/servers/databases/extendedAuditingSettings/write", True),
        ("Microsoft.OperationalInsights/workspaces/tables/delete", True),
        ("Microsoft.Insights/diagnosticSettings/read", False),
        ("Microsoft.Insights/metricAlerts/write", False),
        ("Microsoft.SecurityInsights/incidents/read", False),
        ("Microsoft.SecurityInsights/incidents/*", True),  # Sentinel Responder's
        ("Microsoft.SecurityInsights/incidents/comments/write", False),
    ],
)
def test_which_operations_silence_the_siem(action, blocks):
    resources = patch(case("r84p-10"), "extra-role", permissions=[{"actions": [action]}])
    assert (SIEM in str(run(SOD, resources))) is blocks


def test_sql_db_and_server_contributor_are_denied_the_auditing_settings():
    """Fails before (69fbcf35) once SIEM logging is a function: the transcribed notActions of both roles
    stopped before the auditing settings, so the base stack's DBA would have held it."""
    azure = importlib.import_module("policies.core.iam.azure")
    for guid in ("9b7fa17d-e63e-47b0-bb0a-15c516ac86ec", "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437"):
        r = azure.builtin_roles()[guid]
        perms = [{k: r.get(k, []) for k in ("actions", "notActions", "dataActions", "notDataActions")}]
        assert not azure.covers(perms, "Microsoft.Sql/servers/databases/auditingSettings/write")
        assert not azure.covers(perms, "Microsoft.Sql/servers/databases/extendedAuditingSettings/write")
        assert azure.functions_of(perms) == {"database structure"}


def test_a_siem_function_holder_needs_mfa_like_any_function_holder():
    """Fails before (69fbcf35): a SOC group that may silence the SIEM was no administrator, so a Conditional
    Access policy excluding it still covered "the administrators"."""
    resources = copy.deepcopy(case("r84p-60"))
    ca = next(r for r in resources if r["name"] == "ca-mfa")
    assert run(MFA, resources) == []
    ca["inputs"]["conditions"]["users"]["excludedGroups"] = ["00000000-0000-0000-0000-0000000000ae"]
    assert any("0000000000ae" in m for _, m in run(MFA, resources))


def test_a_pim_for_groups_eligibility_to_authentication_administrators_is_access_rights():
    """Written after wave 1's fix (f1ed642c): the group path needed nothing new; fails on 66ccdf6e, where
    Authentication Administrator was no access-rights role."""
    assert any(DBA_RIGHTS in m for _, m in run(SOD, case("r84p-21")))


# Probe of wave 1 (cases c100753d, on 42de1916): custom directory roles and roles defined elsewhere.
@pytest.mark.parametrize("stem", ["r84p-22", "r84p-23", "r84p-24"])
def test_a_custom_directory_role_that_changes_members_owners_or_credentials_is_access_rights(stem):
    """Fails before (c100753d): only built-in templates counted; a custom role counted for nothing."""
    assert any(DBA_RIGHTS in m for _, m in run(SOD, case(stem)))


def test_a_directory_role_neither_built_in_nor_of_the_stack_counts_beside_another_function():
    """Fails before (c100753d): an unknown template counted for nothing. Alone it is its holder's one function
    (r84p-68, blocked on bdb07fb3, where any unknown template was refused)."""
    found = run(SOD, case("r84p-25"))
    assert any("2 separated functions: database structure, directory role 22222222" in m for _, m in found)
    assert run(SOD, case("r84p-68")) == []


@pytest.mark.parametrize("stem", ["r84p-66", "r84p-67", "r84p-68"])
def test_a_custom_reader_role_or_one_function_passes(stem):
    assert run(SOD, case(stem)) == []


@pytest.mark.parametrize(
    "actions, blocks",
    [
        (["microsoft.directory/groups.security/members/update"], True),
        (["microsoft.directory/groups/allProperties/allTasks"], True),
        (["microsoft.directory/applications/credentials/update"], True),
        (["microsoft.directory/users/password/update"], False),  # a password alone: the victim's MFA stays
        (["microsoft.directory/groups/basic/update"], False),
        ([UNKNOWN], None),  # cannot be read: blocks with its own message
    ],
)
def test_which_custom_directory_actions_are_access_rights(actions, blocks):
    resources = patch(case("r84p-22"), "custom-dir-role", permissions=[{"allowedResourceActions": actions}])
    found = run(SOD, resources)
    if blocks is None:
        assert any("cannot be read" in m for _, m in found)
    else:
        assert any(DBA_RIGHTS in m for _, m in found) is blocks


def test_a_custom_role_named_by_its_literal_id_is_read_as_the_stacks():
    """A grant naming the stack's custom role by its literal template id, not fed from it."""
    resources = copy.deepcopy(case("r84p-22"))
    role = next(r for r in resources if r["name"] == "custom-dir-role")
    role["inputs"]["templateId"] = "22222222-3333-4444-5555-666666666601"
    grant = next(r for r in resources if r["name"] == "dba-eligible-custom")
    grant.pop("refs")
    assert any(DBA_RIGHTS in m for _, m in run(SOD, resources))


@pytest.mark.parametrize(
    "template", ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "158c047a-c907-4556-b7ef-446551a6b5f7"]
)
def test_application_administrators_are_access_rights(template):
    """Fails before (c100753d): they add credentials to any service principal, which holds Azure roles."""
    resources = patch(case("r84p-25"), "dba-eligible-elsewhere", roleDefinitionId=template)
    assert any(DBA_RIGHTS in m for _, m in run(SOD, resources))
