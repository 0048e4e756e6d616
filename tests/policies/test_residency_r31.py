"""Red-team round 31 of the residency pack: parties named by a bare id under any key (accounts, also inside
JSON documents held in strings; organisations), an Entra issuer of another tenant, a ForeignGroup principal
(the corpus cases are tests/corpus/residency/{evil,good}/r31-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res, res

from policies.core.azure_ids import id_problem
from policies.core.trust_parties import subject_problem
from policies.core.view import ProviderView

OTHER = "999988887777"
OWN = "123456789012"
OTHER_TENANT = "7f3c2a10-5b6d-4e8f-9a0b-1c2d3e4f5a6b"
OWN_TENANT = "11111111-2222-3333-4444-555555555555"


def _site(path: str, text: str) -> str:
    return (f"`{path}`: {text}; the pack cannot place that site in an allowed region, so keep the data in "
            "resources of the stack's own regions")


def _org_message(path: str, org: str) -> str:
    return _site(path, (
        f"names the AWS organisation or organisational unit {org!r}: every account of it gets the access, "
        "in whatever region it runs (accounts the pack cannot list); name the accounts instead (the stack's "
        "own, pinned by allowedAccountIds, or one declared with arns: [arn:aws:iam::<id>:] and its region "
        "in stacks/records/endpoints.yaml)"))


FOREIGN_GROUP = _site("principalType", (
    "a principal of type ForeignGroup is a group of another Entra tenant (a managing tenant reached through "
    "a delegation), whose members use the access from wherever they work; assign the role to a principal of "
    "the stack's own tenant, or let the other tenant in through a Lighthouse registration definition naming "
    "it (declared with azureIds: [/tenants/<id>] and its jurisdiction in stacks/records/endpoints.yaml)"))


def _state_machine(account: str) -> object:
    definition = {"StartAt": "Share", "States": {"Share": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rds:modifyDBClusterSnapshotAttribute",
        "Parameters": {"DbClusterSnapshotIdentifier.$": "$.s", "AttributeName": "restore",
                       "ValuesToAdd": [account]}, "End": True}}}
    return pinned_res("aws:sfn/stateMachine:StateMachine", "sm", {
        "roleArn": f"arn:aws:iam::{OWN}:role/sfn", "definition": json.dumps(definition)})


def test_an_account_id_under_any_key_and_inside_a_json_document_is_a_grantee():
    path = "definition(json).States.Share.Parameters.ValuesToAdd.0"
    assert messages(REPLICATION, _state_machine(OTHER), ALLOWED) == [grant_message(path, OTHER)]
    assert messages(REPLICATION, _state_machine(OWN), ALLOWED) == []
    schedule = pinned_res("aws:scheduler/schedule:Schedule", "s", {
        "scheduleExpression": "rate(1 day)", "flexibleTimeWindow": {"mode": "OFF"},
        "target": {"arn": "arn:aws:scheduler:::aws-sdk:ec2:modifySnapshotAttribute",
                   "roleArn": f"arn:aws:iam::{OWN}:role/s",
                   "input": json.dumps({"CreateVolumePermission": {"Add": [{"UserId": OTHER}]}})}})
    assert messages(REPLICATION, schedule, ALLOWED) == [
        grant_message("target.input(json).CreateVolumePermission.Add.0.UserId", OTHER)]
    table = pinned_res("aws:glue/catalogTable:CatalogTable", "t", {
        "catalogId": OTHER, "databaseName": "shared", "name": "cases"})
    assert messages(REPLICATION, table, ALLOWED) == [grant_message("catalogId", OTHER)]
    fn = pinned_res("aws:lambda/function:Function", "f", {
        "role": f"arn:aws:iam::{OWN}:role/f", "environment": {"variables": {"TARGET": OTHER, "SELF": OWN}}})
    assert messages(REPLICATION, fn, ALLOWED) == [grant_message("environment.variables.TARGET", OTHER)]
    param = pinned_res("aws:ssm/parameter:Parameter", "p", {
        "name": "/x", "type": "StringList", "value": f"{OWN},{OTHER}"})
    assert messages(REPLICATION, param, ALLOWED) == [grant_message("value", OTHER)]


def test_a_kms_caller_account_condition_names_a_grantee_though_caller_keys_elsewhere_narrow():
    def key(account: str) -> object:
        return pinned_res("aws:kms/key:Key", "k", {"policy": json.dumps({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:CallerAccount": account}}}]})})
    # round 74: a key policy is a read grant, its `kms:CallerAccount` read as the statement's callers
    found = messages(REPLICATION, key(OTHER), ALLOWED)
    assert found == [grant_message("policy.Statement.0.Condition", OTHER)]
    assert messages(REPLICATION, key(OWN), ALLOWED) == []
    fn = pinned_res("aws:lambda/function:Function", "f", {
        "role": f"arn:aws:iam::{OWN}:role/f", "environment": {"variables": {"callerAccount": OTHER}}})
    assert messages(REPLICATION, fn, ALLOWED) == []


def test_describing_narrowing_filtering_denying_and_targeting_keys_name_no_party():
    tagged = pinned_res("aws:lambda/function:Function", "f", {
        "role": f"arn:aws:iam::{OWN}:role/f", "description": OTHER, "tags": {"costCentre": OTHER},
        "environment": {"variables": {"RUN": f"job {OTHER} nightly"}}})
    assert messages(REPLICATION, tagged, ALLOWED) == []
    rule = pinned_res("aws:cloudwatch/eventRule:EventRule", "r", {
        "eventPattern": json.dumps({"account": [OTHER], "source": ["aws.s3"]})})
    assert messages(REPLICATION, rule, ALLOWED) == []
    key = pinned_res("aws:kms/key:Key", "k", {"policy": json.dumps({"Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": [OWN, OTHER]}}},
        {"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:Encrypt*",
         "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": OTHER}}}]})})
    assert messages(REPLICATION, key, ALLOWED) == []
    assignment = pinned_res("aws:ssoadmin/accountAssignment:AccountAssignment", "a", {
        "instanceArn": "arn:aws:sso:::instance/ssoins-1", "principalType": "GROUP", "principalId": "g",
        "permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-1/ps-1", "targetId": OTHER,
        "targetType": "AWS_ACCOUNT"})
    assert messages(REPLICATION, assignment, ALLOWED) == []


def test_an_organisation_named_under_any_key_blocks():
    layer = pinned_res("aws:lambda/layerVersionPermission:LayerVersionPermission", "l", {
        "layerName": "refdata", "versionNumber": 1, "statementId": "s", "action": "lambda:GetLayerVersion",
        "principal": "*", "organizationId": "o-zz9y8x7w6v"})
    assert messages(REPLICATION, layer, ALLOWED) == [_org_message("organizationId", "o-zz9y8x7w6v")]
    ou = f"arn:aws:organizations::{OTHER}:ou/o-zz9y8x7w6v/ou-ab12-cdefgh34"
    perm = pinned_res("aws:lambda/permission:Permission", "p", {
        "function": "f", "action": "lambda:InvokeFunction", "principal": "*", "principalOrgId": ou})
    assert messages(REPLICATION, perm, ALLOWED) == [_org_message("principalOrgId", ou)]


def _azure(type_: str, inputs: dict[str, object], tenant: str | None = OWN_TENANT) -> object:
    provider = ProviderView("pulumi:providers:azure-native", {"location": "westeurope", **(
        {"tenantId": tenant} if tenant else {})}, "urn:prov:az", "default")
    return res(type_, "x", inputs, provider=provider)


def _credential(issuer: str, tenant: str | None = OWN_TENANT) -> object:
    return _azure("azure-native:managedidentity:FederatedIdentityCredential", {
        "resourceGroupName": "rg", "resourceName": "id", "issuer": issuer, "subject": "s",
        "audiences": ["api://AzureADTokenExchange"]}, tenant)


def test_a_federated_credential_trusting_another_entra_tenant_shares_with_that_tenant():
    for issuer in (f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",
                   f"https://sts.windows.net/{OTHER_TENANT.upper()}/"):
        assert messages(REPLICATION, _credential(issuer), ALLOWED) == [
            id_problem("tenant", "issuer", f"/tenants/{OTHER_TENANT}")]
    own = f"https://login.microsoftonline.com/{OWN_TENANT}/v2.0"
    assert messages(REPLICATION, _credential(own), ALLOWED) == []
    # the own tenant is known only when the provider pins it
    assert messages(REPLICATION, _credential(own, tenant=None), ALLOWED) == [
        id_problem("tenant", "issuer", f"/tenants/{OWN_TENANT}")]
    # round 33: a CI service's issuer is no tenant; its subject must name a declared owner ('s' names none)
    assert messages(REPLICATION, _credential("https://token.actions.githubusercontent.com"), ALLOWED) == [
        subject_problem("subject", "s")]


def test_a_foreign_group_principal_blocks():
    def assignment(kind: str) -> object:
        return _azure("azure-native:authorization:RoleAssignment", {
            "scope": "/subscriptions/00000000-0000-0000-0000-000000000000",
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7",
            "principalId": "6c1e9a57-3b2d-4f80-9e4a-7d5c2b1a0f93", "principalType": kind})
    assert messages(REPLICATION, assignment("ForeignGroup"), ALLOWED) == [FOREIGN_GROUP]
    assert messages(REPLICATION, assignment("Group"), ALLOWED) == []
