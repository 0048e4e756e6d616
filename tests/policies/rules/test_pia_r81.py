"""Round-81 class (docs/pia-conditions.md, round 81). Whoever may run code on a resource acts as the managed
identity or role it runs as: Container Apps and their jobs, App Service slots, Data Factory, AKS (its
kubelet identity), Container Instances and Logic Apps on Azure; State Manager associations, EMR steps,
launch template versions and SageMaker Studio on AWS. An Azure assignment counts only where its scope may
contain the resource. The cases are d25b63f0 and 239d53c6; each test that fails on the code before the fix
says so."""

from __future__ import annotations

import pytest
from ruletest import case, patch, res, run

SOD = "require-separation-of-duties"
DBA = "principal 00000000-0000-0000-0000-0000000000aa holds 2 separated functions: database structure, key"
AWS_DBA = "holds 2 separated functions: database structure, key administration (through running code as"
KVA = "/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483"
KV = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.KeyVault/vaults/kv-corpus"
TAGS = {"classification": "vertrouwelijk", "controller": "AIV", "system": "corpus", "pia-reference": "PIA-C"}


@pytest.mark.parametrize("stem", ["r81p-01", "r81p-02", "r81p-03", "r81p-04", "r81p-05", "r81p-06"])
def test_a_person_who_runs_code_on_more_azure_types_holds_their_identities_functions(stem):
    """Fails before: only VMs, scale sets, web apps and Automation accounts were read."""
    assert any(DBA in m for _, m in run(SOD, case(stem)))


@pytest.mark.parametrize("stem", ["r81p-11", "r81p-12"])
def test_a_deployment_source_or_a_published_runbook_draft_runs_code_as_the_identity(stem):
    """Fails before (the cases: 239d53c6): only settings, publishing, runbook writes and jobs were read."""
    assert any(DBA in m for _, m in run(SOD, case(stem)))


@pytest.mark.parametrize("stem", ["r81p-07", "r81p-08", "r81p-09", "r81p-10"])
def test_a_person_who_runs_code_as_an_aws_role_by_other_services_holds_its_functions(stem):
    """Fails before: associations, EMR steps, template versions and Studio URLs ran nothing as a role."""
    assert any(AWS_DBA in m for n, m in run(SOD, case(stem)) if n == "db-admin-policy" or n == "db-admin")


@pytest.mark.parametrize("stem", ["r81p-50", "r81p-52", "r81p-53"])
def test_reading_or_running_as_an_identity_without_a_function_passes(stem):
    assert run(SOD, case(stem)) == []


def test_a_role_on_another_resource_group_does_not_run_code_on_the_app():
    """Fails before: every assignment counted at any scope (r81p-51 was blocked)."""
    assert run(SOD, case("r81p-51")) == []


@pytest.mark.parametrize(
    "scope",
    [
        "/subscriptions/s",
        "/subscriptions/s/resourceGroups/RG-CORPUS",
        "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Web/sites/app-corpus",
        "/providers/Microsoft.Management/managementGroups/vlaanderen",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # unknown at preview
    ],
)
def test_a_scope_that_may_contain_the_app_still_counts(scope):
    resources = patch(case("r81p-51"), "ra-dba-web", scope=scope)
    assert any(DBA in m for _, m in run(SOD, resources))


def test_another_app_in_the_same_group_does_not_count():
    """Fails before."""
    other = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Web/sites/reporting"
    assert run(SOD, patch(case("r81p-51"), "ra-dba-web", scope=other)) == []


def test_a_group_unknown_at_preview_counts():
    """A group fed from a resource group whose name is unknown too cannot be told apart."""
    resources = patch(case("r81p-51"), "app", resourceGroupName="04da6b54-80e4-46f7-96ec-b56ff0331ba9")
    resources = patch(resources, "rg", resourceGroupName="04da6b54-80e4-46f7-96ec-b56ff0331ba9")
    assert any(DBA in m for _, m in run(SOD, resources))


def _unfed(resources: list[dict], field: str) -> list[dict]:
    return [{**r, "refs": {k: v for k, v in (r.get("refs") or {}).items() if k != field}} for r in resources]


def test_the_kubelet_identity_named_only_by_resource_id_counts():
    """Fails before: identityProfile was not read."""
    assert any(DBA in m for _, m in run(SOD, _unfed(case("r81p-05"), "identityProfile")))


def test_a_cluster_without_a_kubelet_identity_of_the_stack_passes():
    resources = _unfed(patch(case("r81p-05"), "aks", identityProfile=None), "identityProfile")
    assert run(SOD, resources) == []


@pytest.mark.parametrize(
    "type_, inputs, action",
    [
        ("azure-native:logic:Workflow", {"workflowName": "wf-corpus"}, "Microsoft.Logic/workflows/write"),
        (
            "azure-native:containerinstance:ContainerGroup",
            {"containerGroupName": "ci-corpus", "osType": "Linux", "containers": []},
            "Microsoft.ContainerInstance/containerGroups/containers/exec/action",
        ),
    ],
)
def test_logic_apps_and_container_groups_run_as_their_identities(type_, inputs, action):
    """Fails before."""
    held = res("held", type_, {"resourceGroupName": "rg-corpus", "identity": {"type": "SystemAssigned"},
                               "tags": TAGS, **inputs})
    keys = res("ra-keys", "azure-native:authorization:RoleAssignment",
               {"principalId": "x", "principalType": "ServicePrincipal", "scope": KV,
                "roleDefinitionId": KVA}, refs={"principalId": "held"})
    role = res("run", "azure-native:authorization:RoleDefinition",
               {"roleName": "run", "scope": "/subscriptions/s", "permissions": [{"actions": [action]}]})
    dba = res("ra-dba", "azure-native:authorization:RoleAssignment",
              {"principalId": "00000000-0000-0000-0000-0000000000aa", "principalType": "Group",
               "scope": "/subscriptions/s/resourceGroups/rg-corpus", "roleDefinitionId": "run"},
              refs={"roleDefinitionId": "run"})
    resources = [*case("r81p-50"), held, keys, role, dba]
    assert any(DBA in m for _, m in run(SOD, resources))


def test_another_name_input_of_the_app_is_no_name_of_it():
    """A web app whose name is left to autonaming, beside a workload profile named like the scoped app:
    the scope may hold it (it blocks)."""
    other = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Web/sites/reporting"
    resources = patch(case("r81p-51"), "ra-dba-web", scope=other)
    resources = patch(resources, "app", workloadProfileName="reporting")
    next(r for r in resources if r["name"] == "app")["inputs"].pop("name")
    assert any(DBA in m for _, m in run(SOD, resources))


def test_a_role_on_another_resource_group_of_the_stack_by_reference_does_not_run_code_on_the_app():
    """Fails before (the case: 49606664): a scope unknown at preview reached every resource."""
    assert run(SOD, case("r81p-54")) == []


@pytest.mark.parametrize("group", ["rg-corpus", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"])
def test_a_scope_fed_from_the_apps_own_or_an_unknown_group_still_counts(group):
    resources = patch(case("r81p-54"), "rg-tools", resourceGroupName=group)
    assert any(DBA in m for _, m in run(SOD, resources))


def test_a_scope_fed_from_another_resource_still_counts():
    resources = [{**r, "refs": {"scope": ["rg-tools", "app"]}} if r["name"] == "ra-dba-web" else r
                 for r in case("r81p-54")]
    assert any(DBA in m for _, m in run(SOD, resources))
