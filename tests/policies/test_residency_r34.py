"""Red-team round 34 of the residency pack: an account id joined to a registry host in a command line, Azure
services' first-party applications, a child or data-plane scope below a resource of the stack under the
namespace its offline id spells otherwise (corpus cases: tests/corpus/residency/{evil,good}/r34-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, grant_message, graph, messages, pinned_res, res

OTHER = "999988887777"
OWN = "123456789012"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-weu/providers"


def _task(command: str) -> object:
    return pinned_res("aws:ecs/taskDefinition:TaskDefinition", "t", {
        "family": "feed", "containerDefinitions": json.dumps([{"name": "c", "image": "x",
                                                                "command": [command]}])})


def test_an_account_id_joined_by_a_dot_or_colon_in_a_command_is_a_grantee():
    path = "containerDefinitions(json).0.command.0"
    push = f"docker push {OTHER}.dkr.ecr.eu-west-1.amazonaws.com/feed:nightly"
    assert messages(REPLICATION, _task(push), ALLOWED) == [grant_message(path, OTHER)]
    assert messages(REPLICATION, _task(push.replace(OTHER, OWN)), ALLOWED) == []
    joined = f"aws ram create-resource-share --principals aws:{OTHER} --name feed"
    assert messages(REPLICATION, _task(joined), ALLOWED) == [grant_message(path, OTHER)]
    assert messages(REPLICATION, _task("aws s3 cp s3://b/x.tar.gz . --region eu-west-1"), ALLOWED) == []


def _principal(client_id: str) -> object:
    return res("azuread:index/servicePrincipal:ServicePrincipal", "sp",
               {"clientId": client_id, "useExisting": True})


def test_an_azure_service_first_party_application_is_the_platforms_own():
    for app in ("abfa0a7c-a6b6-4736-8310-5855508787cd", "CFA8B339-82A2-471A-A3C9-0FC0BE7A4093",
                "e406a681-f3d4-42a8-90b6-c2b029497af1", "022907d3-0f1b-48f7-badc-1ba6abab6d66"):
        assert messages(REPLICATION, _principal(app), ALLOWED) == []
    devops = "499b84ac-1321-427f-aa17-267ca6975798"  # a SaaS whose organisation may be hosted anywhere
    assert messages(REPLICATION, _principal(devops), ALLOWED) == [
        f"`clientId` creates a service principal for the Entra application {devops!r}, which is not an "
        "application of this stack: its owner (a vendor's multi-tenant app, another tenant's) runs it with "
        "whatever access the principal gets, from a place that cannot be judged; create the application in "
        "this stack and pass its `client_id` output, or declare it (azureIds: [/applications/<client id>]) "
        "with its region or jurisdiction in stacks/records/endpoints.yaml"]


def _assignment(account: str) -> object:
    under = f"{SUB}/Microsoft.DocumentDB/databaseAccounts/{account}"
    return res("azure-native:cosmosdb:SqlResourceSqlRoleAssignment", "ra", {
        "resourceGroupName": "rg-weu", "accountName": account, "roleAssignmentId": "ra",
        "roleDefinitionId": f"{under}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002",
        "scope": f"{under}/dbs/dossier", "principalId": "p"})


def test_a_scope_below_a_resource_of_the_stack_resolves_whatever_namespace_its_id_spells():
    account = res("azure-native:cosmosdb:DatabaseAccount", "acct", {
        "resourceGroupName": "rg-weu", "accountName": "cosmos-we", "location": "westeurope",
        "id": f"{SUB}/Microsoft.Cosmosdb/databaseAccounts/cosmos-we"})
    assert messages(RESOLVED, graph(account, _assignment("cosmos-we")), ALLOWED) == []
    outside = messages(RESOLVED, graph(account, _assignment("cosmos-archive")), ALLOWED)
    under = f"{SUB}/Microsoft.DocumentDB/databaseAccounts/cosmos-archive"
    role = f"{under}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002"
    assert [m for _, m in outside] == [
        f"`{path}` refers to {value!r}, which is neither a resource of this stack (matched by its recorded "
        "id, ARN or endpoint, never by name) nor a declared external endpoint (stacks/records/endpoints."
        "yaml), so where it is cannot be judged"
        for path, value in (("roleDefinitionId", role), ("scope", f"{under}/dbs/dossier"))]
