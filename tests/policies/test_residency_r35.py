"""Red-team round 35 of the residency pack: a Lambda function's partial ARN, buckets named by a command option
or an SDK argument, S3 ACL grantees, Event Grid partner destinations, Azure ML datastores named by account,
Import/Export return addresses, a tenant other than the pinned one (corpus cases:
tests/corpus/residency/{evil,good}/r35-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import (
    ALLOWED,
    OWN,
    REPLICATION,
    RESOLVED,
    codebuild_running,
    grant_message,
    graph,
    messages,
    pinned_res,
    res,
)

from policies.core.command_buckets import option_buckets
from policies.core.view import ProviderView

OTHER = "999988887777"
ACCOUNT = "123456789012"
OWNER = "a84f1b8059cd18ec3aa6ca35dfe421a725a304dd86efb7b045593574bb0c51f9"
READER = "b669f090d73f9b263ab89efec18bbc34f625cc5ff43804e2565bc44a9e0f2c57"
_HOW = ("grant only to the ACL's owner (its `owner.id`) or S3's log delivery group, and share with another "
        "account through a bucket policy naming its account id (declared with arns: [arn:aws:iam::<id>:] and "
        "its region in stacks/records/endpoints.yaml)")
_SITE = ("; the pack cannot place that site in an allowed region, so keep the data in resources of the "
         "stack's own regions")


def _unresolved(path: str, value: str) -> str:
    return (f"`{path}` refers to {value!r}, which is neither a resource of this stack (matched by its "
            "recorded id, ARN or endpoint, never by name) nor a declared external endpoint (stacks/records/"
            "endpoints.yaml), so where it is cannot be judged")


def _machine(function: str) -> object:
    state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": function, "Payload.$": "$"}, "End": True}
    return pinned_res("aws:sfn/stateMachine:StateMachine", "m", {
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/sfn",
        "definition": json.dumps({"StartAt": "Go", "States": {"Go": state}})})


def test_a_lambda_partial_arn_of_another_account_is_a_grantee():
    path = "definition(json).States.Go.Parameters.FunctionName"
    assert messages(REPLICATION, _machine(f"{OTHER}:function:partner-ingest"), ALLOWED) == [
        grant_message(path, OTHER)]
    assert messages(REPLICATION, _machine(f"{ACCOUNT}:function:own"), ALLOWED) == []
    assert messages(REPLICATION, _machine("own:live"), ALLOWED) == []


def test_buckets_named_by_a_command_option_or_an_sdk_argument():
    assert option_buckets("aws s3api put-object --bucket drop-999988887777 --key k --body f") == [
        ("bucket", "drop-999988887777", False)]
    assert option_buckets("aws lambda update-function-code --s3-bucket=code-b --s3-key k") == [
        ("bucket", "code-b", False)]
    assert option_buckets('s3.put_object(Bucket="drop", Key="k")') == [("bucket", "drop", False)]
    owner = f"aws s3api head-bucket --expected-bucket-owner {ACCOUNT} --bucket-key-enabled"
    assert option_buckets(owner) == []
    # round 36: a shell variable is returned as written (unresolved)
    assert option_buckets("aws s3api put-object --bucket $BUCKET") == [("bucket", "$BUCKET", False)]


def _build(command: str) -> object:
    return codebuild_running(command, ACCOUNT)


def test_a_bucket_a_command_option_names_must_be_a_resource_of_the_stack():
    bucket = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "own-drop"})
    path = "source.buildspec(yaml).phases.build.commands.0"
    outside = _build("aws s3api put-object --bucket partner-drop --key k --body f")
    assert messages(RESOLVED, graph(bucket, outside), ALLOWED) == [("p", _unresolved(path, "partner-drop"))]
    own = _build("aws s3api put-object --bucket own-drop --key k --body f")
    assert messages(RESOLVED, graph(bucket, own), ALLOWED) == []


def _acl(*grants: dict) -> object:
    return pinned_res("aws:s3/bucketAclV2:BucketAclV2", "acl", {"bucket": "b", "accessControlPolicy": {
        "owner": {"id": OWNER}, "grants": [{"grantee": g, "permission": "READ"} for g in grants]}})


def test_s3_acl_grantees_other_than_the_owner_and_log_delivery_block():
    owner = {"type": "CanonicalUser", "id": OWNER}
    logs = {"type": "Group", "uri": "http://acs.amazonaws.com/groups/s3/LogDelivery"}
    assert messages(REPLICATION, _acl(owner, logs), ALLOWED) == []
    path = "accessControlPolicy.grants.1.grantee"
    assert messages(REPLICATION, _acl(owner, {"type": "CanonicalUser", "id": READER}), ALLOWED) == [
        f"`{path}.id`: grants access to the canonical user {READER!r}, not the owner an ACL of the resource "
        "names: another AWS account, named by an id no record can declare, reads the objects from wherever "
        f"it runs; {_HOW}{_SITE}"]
    mail = {"type": "AmazonCustomerByEmail", "emailAddress": "lab@vlaanderen.be"}
    assert messages(REPLICATION, _acl(owner, mail), ALLOWED) == [
        f"`{path}.emailAddress`: grants access to the AWS account registered to 'lab@vlaanderen.be': an "
        "e-mail grantee names an account the pack cannot judge, which reads the objects from wherever it "
        f"runs; {_HOW}{_SITE}"]
    public = "http://acs.amazonaws.com/groups/global/AllUsers"
    assert messages(REPLICATION, _acl(owner, {"type": "Group", "uri": public}), ALLOWED) == [
        f"`{path}.uri`: grants access to the group {public!r} (every AWS account, or anyone, for the global "
        f"groups; a group the pack does not know otherwise), read from anywhere; {_HOW}{_SITE}"]


def test_a_canonical_user_principal_of_a_policy_blocks():
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"CanonicalUser": READER},
                             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
    view = pinned_res("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "b", "policy": json.dumps(policy)})
    assert [m.split(":", 1)[0] for m in messages(REPLICATION, view, ALLOWED)] == [
        "`policy(json).Statement.0.Principal.CanonicalUser`"]


def test_an_event_grid_partner_destination_names_a_partner_to_declare():
    partner = "3f2c8a61-7d4e-4b1a-9c05-e8d7b6a5f413"
    view = res("azure-native:eventgrid:PartnerDestination", "pd", {
        "resourceGroupName": "rg-weu", "location": "westeurope", "activationState": "Activated",
        "partnerRegistrationImmutableId": partner.upper()})
    assert messages(REPLICATION, view, ALLOWED) == [
        f"`partnerRegistrationImmutableId` delivers events to the Event Grid partner whose registration is "
        f"{partner!r}: the partner's SaaS receives them wherever it runs, which the id does not say; deliver "
        "to a resource of the stack, or declare the partner (azureIds: [/partnerRegistrations/<immutable "
        "id>]) with its region or jurisdiction in stacks/records/endpoints.yaml"]


def _datastore(account: str, kind: str = "AzureBlob", **more: str) -> object:
    return res("azure-native:machinelearningservices:Datastore", "ds", {
        "resourceGroupName": "rg-weu", "workspaceName": "ml", "name": "d", "datastoreProperties": {
            "datastoreType": kind, "accountName": account, "containerName": "c",
            "endpoint": "core.windows.net", "credentials": {"credentialsType": "None"}, **more}})


def test_an_ml_datastore_names_its_storage_account_by_name():
    store = res("azure-native:storage:StorageAccount", "acct", {
        "resourceGroupName": "rg-weu", "accountName": "ownml", "location": "westeurope",
        "sku": {"name": "Standard_ZRS"}, "id": f"{OWN}/Microsoft.Storage/storageAccounts/ownml"})
    assert messages(RESOLVED, graph(store, _datastore("ownml")), ALLOWED) == []
    assert messages(RESOLVED, graph(store, _datastore("partnerlake", "AzureDataLakeGen2")), ALLOWED) == [
        ("ds", _unresolved("datastoreProperties.accountName", "partnerlake.dfs.core.windows.net"))]
    assert messages(REPLICATION, _datastore("ownml", endpoint="core.usgovcloudapi.net"), ALLOWED)
    assert messages(REPLICATION, _datastore("ownml", "Kusto"), ALLOWED) == [
        "`datastoreProperties.datastoreType` = 'Kusto' is a kind of destination the pack does not know, so "
        "what it names and where it is cannot be judged; use a kind listed in policies/core/named_services."
        "py (or add this one with the field that names its service)"]


def _job(country: str) -> object:
    return res("azure-native:importexport:Job", "j", {
        "resourceGroupName": "rg-weu", "jobName": "j", "location": "westeurope", "properties": {
            "jobType": "Export", "storageAccountId": f"{OWN}/Microsoft.Storage/storageAccounts/acct",
            "returnAddress": {"recipientName": "r", "city": "c", "postalCode": "1000",
                              "countryOrRegion": country, "phone": "+32 2 553 00 00"}}})


def test_an_import_export_job_returns_its_drives_to_an_eea_address_only():
    for country in ("Belgium", "BE", "the Netherlands", "Norway"):
        assert messages(REPLICATION, _job(country), ALLOWED) == []
    assert messages(REPLICATION, _job("United States"), ALLOWED) == [
        "`properties.returnAddress.countryOrRegion`: an Import/Export job ships drives holding the data to "
        "an address in 'United States', which is not an EEA state the pack knows (write its ISO 3166-1 "
        "alpha-2 code, e.g. BE; alpha-3 codes and the state's name in English, its own languages, Dutch, "
        "French or German are also read)" + _SITE]


def _vault(tenant: str, pinned: str | None) -> object:
    provider = ProviderView("pulumi:providers:azure-native", {"location": "westeurope", **(
        {"tenantId": pinned} if pinned else {})}, "urn:prov:az", "default")
    return res("azure-native:keyvault:Vault", "kv", {"resourceGroupName": "rg-weu", "vaultName": "kv",
               "location": "westeurope", "properties": {"tenantId": tenant, "sku": {"family": "A",
                                                                                    "name": "standard"}}},
               provider=provider)


def test_a_tenant_other_than_the_pinned_one_is_a_party():
    own, other = "11111111-2222-3333-4444-555555555555", "7c1e5a90-3b2d-4f6e-8a1c-9d0b2e4f6a83"
    assert messages(REPLICATION, _vault(own.upper(), own), ALLOWED) == []
    assert messages(REPLICATION, _vault(other, None), ALLOWED) == []  # no pin: the own tenant is unknown
    assert messages(REPLICATION, _vault(other, own), ALLOWED) == [
        f"`properties.tenantId` shares data with the Entra tenant {other!r}, whose own storage receives it "
        "(or whose people read it, delegated) from a place that cannot be judged; declare the tenant "
        "(azureIds: [/tenants/<id>]) with its region or jurisdiction in stacks/records/endpoints.yaml"]
