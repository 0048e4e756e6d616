"""Red-team round 37 of the residency pack: S3 URLs of other schemes (MediaLive's `s3ssl://`), the parameters
by which Logic Apps managed connectors name their resource, Glue connection types that name no place (a
BigQuery project, a SaaS type), a Container Apps environment's Datadog destination without a site, a Key Vault
compound identity's application, `Principal: *` narrowed to a VPC endpoint or VPC (corpus cases:
tests/corpus/residency/{evil,good}/r37-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, pinned_res, res

from policies.core.view import ProviderView

ACCOUNT = "123456789012"
CONNECTOR = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Web/locations/westeurope"
TENANT = "3f2a9c4e-7b1d-4e8a-9c2f-5d6e7a8b9c0d"
VENDOR_APP = "9c2e7f41-5a3b-4d6e-8f1a-0b7c3d5e9a26"
STORE, VAULT = "azure-native:storage:StorageAccount", "azure-native:keyvault:Vault"
COSMOS, ENDPOINT = "azure-native:cosmosdb:DatabaseAccount", "aws:ec2/vpcEndpoint:VpcEndpoint"


def _unresolved(path: str, value: str) -> str:
    return (f"`{path}` refers to {value!r}, which is neither a resource of this stack (matched by its "
            "recorded id, ARN or endpoint, never by name) nor a declared external endpoint (stacks/records/"
            "endpoints.yaml), so where it is cannot be judged")


def _sends(path: str, host: str) -> str:
    return (f"`{path}` sends to {host}, which is neither a resource of this stack nor a declared external "
            "endpoint (stacks/records/endpoints.yaml: add it with its region and why)")


def _channel(url: str) -> object:
    destinations = [{"id": "a", "settings": [{"url": url}]}]
    return pinned_res("aws:medialive/channel:Channel", "ch", {"name": "ch", "destinations": destinations})


def test_s3_url_schemes_name_a_bucket():
    bucket = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "own-media"})
    for scheme in ("s3ssl", "s3a", "s3n"):
        assert messages(RESOLVED, graph(bucket, _channel(f"{scheme}://own-media/archive")), ALLOWED) == []
        outside = _channel(f"{scheme}://partner-media/archive")
        assert messages(RESOLVED, graph(bucket, outside), ALLOWED) == [
            ("ch", _unresolved("destinations.0.settings.0.url", "partner-media"))]


def _connection(api: str, values: dict[str, str], key: str = "parameterValues") -> object:
    return res("azure-native:web:Connection", "conn", {
        "resourceGroupName": "rg-weu", "connectionName": "c", "location": "westeurope",
        "properties": {"api": {"id": f"{CONNECTOR}/managedApis/{api}"}, key: values}})


def test_a_connector_names_its_resource_by_its_own_parameter():
    own = [res(STORE, "st", {"accountName": "ownstore", "name": "ownstore", "location": "westeurope"}),
           res(COSMOS, "db", {"accountName": "own-db", "name": "own-db", "location": "westeurope"}),
           res(VAULT, "kv", {"vaultName": "own-kv", "name": "own-kv", "location": "westeurope"})]
    cases = [("azuretables", "parameterValues", "storageaccount", STORE, "store"),
             ("documentdb", "parameterValues", "databaseAccount", COSMOS, "db"),
             ("keyvault", "nonSecretParameterValues", "vaultName", VAULT, "kv")]
    for api, block, param, target, name in cases:
        mine = _connection(api, {param: f"own{'' if name == 'store' else '-'}{name}"}, block)
        assert messages(RESOLVED, graph(*own, mine), ALLOWED) == []
        theirs = _connection(api, {param: f"partner{name}"}, block)
        assert messages(RESOLVED, graph(*own, theirs), ALLOWED) == [
            ("conn", _unresolved(f"properties.{block}.{param}", f"{target}|partner{name}"))]


def test_the_log_collector_connector_names_its_workspace_by_guid():
    workspace = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    outside = _connection("azureloganalyticsdatacollector", {"username": workspace})
    assert messages(RESOLVED, graph(outside), ALLOWED) == [
        ("conn", _unresolved("properties.parameterValues.username", workspace))]
    own = res("azure-native:operationalinsights:Workspace", "ws", {
        "workspaceName": "w", "customerId": workspace, "location": "westeurope"})
    assert messages(RESOLVED, graph(own, outside), ALLOWED) == []


def _glue(kind: str, spark: dict[str, str] | None = None) -> object:
    props = {"SparkProperties": json.dumps(spark)} if spark is not None else {}
    return pinned_res("aws:glue/connection:Connection", "conn", {
        "name": "c", "connectionType": kind, "connectionProperties": props})


def test_a_glue_bigquery_connection_is_its_project_or_the_api():
    path = "connectionProperties.SparkProperties"
    api = _sends(path, "bigquery.googleapis.com")
    assert messages(REPLICATION, _glue("BIGQUERY", {"secretId": "s"}), ALLOWED) == [api]
    project = _glue("BIGQUERY", {"secretId": "s", "parentProject": "partner-prod"})
    host = "partner-prod.bigquery.googleapis.com"
    assert messages(REPLICATION, project, ALLOWED) == [_sends(f"{path}.parentProject", host)]


def test_a_glue_connection_type_that_names_no_place_blocks():
    assert messages(REPLICATION, _glue("GOOGLEANALYTICS4"), ALLOWED) == [(
        "`connectionType` = 'GOOGLEANALYTICS4' is a kind of destination the pack does not know, so what it "
        "names and where it is cannot be judged; use a kind listed in policies/core/named_services.py (or "
        "add this one with the field that names its service)")]
    assert messages(REPLICATION, _glue("DYNAMODB"), ALLOWED) == []


def _environment(datadog: dict[str, str]) -> object:
    return res("azure-native:app:ManagedEnvironment", "env", {
        "resourceGroupName": "rg-weu", "environmentName": "e", "location": "westeurope",
        "openTelemetryConfiguration": {"destinationsConfiguration": {"dataDogConfiguration": datadog},
                                       "tracesConfiguration": {"destinations": ["dataDog"]}}})


def test_a_container_apps_datadog_destination_without_a_site_is_us1():
    path = "openTelemetryConfiguration.destinationsConfiguration.dataDogConfiguration.site"
    assert messages(REPLICATION, _environment({"key": "k"}), ALLOWED) == [_sends(path, "datadoghq.com")]
    us5 = _environment({"key": "k", "site": "us5.datadoghq.com"})
    assert messages(REPLICATION, us5, ALLOWED) == [_sends(path, "us5.datadoghq.com")]  # scanned as written


def _vault(application: str) -> object:
    provider = ProviderView("pulumi:providers:azure-native", {"location": "westeurope", "tenantId": TENANT},
                            "urn:prov:az", "default")
    policy = {"tenantId": TENANT, "objectId": "6a1f0c3e-2b4d-4e8f-9a7c-5d3e1f0b2c4a",
              "applicationId": application, "permissions": {"secrets": ["get"]}}
    return res("azure-native:keyvault:AccessPolicy", "ap", {
        "resourceGroupName": "rg-weu", "vaultName": "kv", "policy": policy}, provider=provider)


def test_a_key_vault_compound_identity_application_is_a_party():
    assert messages(REPLICATION, _vault(VENDOR_APP), ALLOWED) == [(
        f"`policy.applicationId` lets its principal at the vault through the Entra application "
        f"{VENDOR_APP!r}, which is not an application of this stack: its owner (a vendor's multi-tenant app, "
        "another tenant's) runs it with whatever access the principal gets, from a place that cannot be "
        "judged; create the application in this stack and pass its `client_id` output, or declare it "
        "(azureIds: [/applications/<client id>]) with its region or jurisdiction in "
        "stacks/records/endpoints.yaml")]
    app_service = "abfa0a7c-a6b6-4736-8310-5855508787cd"  # Microsoft's, the same in every tenant
    assert messages(REPLICATION, _vault(app_service), ALLOWED) == []


def _policy(condition: dict[str, str]) -> object:
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
        "Condition": {"StringEquals": condition}}]}
    return pinned_res("aws:s3/bucketPolicy:BucketPolicy", "pol", {"bucket": "b", "policy": json.dumps(doc)})


def test_any_principal_narrowed_to_a_network_must_name_the_stacks_own():
    endpoint = pinned_res(ENDPOINT, "vpce", {"id": "vpce-0aa", "vpcId": "vpc-0bb"})
    vpc = pinned_res("aws:ec2/vpc:Vpc", "vpc", {"id": "vpc-0bb", "cidrBlock": "10.0.0.0/16"})
    bucket = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "b"})
    for key, own, other, target in (("aws:SourceVpce", "vpce-0aa", "vpce-0ff", ENDPOINT),
                                    ("aws:SourceVpc", "vpc-0bb", "vpc-0ff", "aws:ec2/vpc:Vpc")):
        assert messages(RESOLVED, graph(bucket, endpoint, vpc, _policy({key: own})), ALLOWED) == []
        assert messages(RESOLVED, graph(bucket, endpoint, vpc, _policy({key: other})), ALLOWED) == [
            ("pol", _unresolved("policy.Statement.0.Condition", f"{target}|{other}"))]
    # narrowed to the own account as well: the account decides (round 20)
    both = _policy({"aws:SourceVpce": "vpce-0ff", "aws:PrincipalAccount": ACCOUNT})
    assert messages(RESOLVED, graph(bucket, endpoint, vpc, both), ALLOWED) == []
