"""Red-team round 21 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r21-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, azure_provider, graph, messages, pinned_res, res

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
QBUSINESS = "aws:qbusiness/application:Application"
PROFILE = "aws:appflow/connectorProfile:ConnectorProfile"
SYNAPSE = "azure-native:synapse:Workspace"
INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6"
UNDECLARED = ("which is neither a resource of this stack nor a declared external endpoint "
              "(stacks/records/endpoints.yaml: add it with its region and why)")


def _profile(kind: str, properties: dict[str, object] | None = None) -> object:
    config = {"connectorProfileProperties": properties or {}}
    return pinned_res(PROFILE, "p", {"name": "p", "connectionMode": "Public", "connectorType": kind,
                                     "connectorProfileConfig": config})


# ------------------------------------------------------------------ applications bound to Identity Center


def test_an_identity_center_instance_names_no_region():
    app = pinned_res(QBUSINESS, "q", {"displayName": "q", "identityCenterInstanceArn": INSTANCE})
    assert messages(REPLICATION, app, ALLOWED) == [
        f"`identityCenterInstanceArn` binds the IAM Identity Center instance {INSTANCE!r}, whose ARN names "
        "no region: the application is registered in the instance's region with its users' assignments and "
        "subscriptions, which may be outside the EEA; declare the instance (arns: [<instance ARN>]) with its "
        "region in stacks/records/endpoints.yaml"]
    nested = pinned_res("aws:opensearch/application:Application", "o", {
        "name": "o", "iamIdentityCenterOptions": {"enabled": True, "iamIdentityCenterInstanceArn": INSTANCE}})
    assert len(messages(REPLICATION, nested, ALLOWED)) == 1
    assert messages(REPLICATION, pinned_res(QBUSINESS, "q", {"displayName": "q"}), ALLOWED) == []


def test_permission_sets_stay_location_free():
    ps = pinned_res("aws:ssoadmin/permissionSet:PermissionSet", "ps", {"name": "ro", "instanceArn": INSTANCE})
    assert messages(REPLICATION, ps, ALLOWED) == []


# ------------------------------------------------------------------ AppFlow connector profiles


def test_a_snowflake_locator_is_judged_as_its_host():
    bare = _profile("Snowflake", {"snowflake": {"accountName": "xy12345", "stage": "s", "warehouse": "w"}})
    assert messages(REPLICATION, bare, ALLOWED) == [
        "`connectorProfileConfig.connectorProfileProperties.snowflake.accountName` sends to "
        f"xy12345.snowflakecomputing.com, {UNDECLARED}"]
    placed = _profile("Snowflake", {"snowflake": {"accountName": "XY12345", "region": "eu-west-1"}})
    assert "xy12345.eu-west-1.snowflakecomputing.com" in messages(REPLICATION, placed, ALLOWED)[0]


def test_a_snowflake_profile_without_account_blocks():
    assert messages(REPLICATION, _profile("Snowflake", {"snowflake": {"stage": "s"}}), ALLOWED) == [
        "`connectorProfileConfig.connectorProfileProperties.snowflake.accountName`: a Snowflake connector "
        "profile without `accountName` writes to whatever account its credentials sign in to; name the "
        "account (and its region); the pack cannot place that site in an allowed region, so keep the data in "
        "resources of the stack's own regions"]


def test_vendors_no_property_names_are_their_api_hosts():
    assert messages(REPLICATION, _profile("Amplitude"), ALLOWED) == [
        f"`connectorType` sends to amplitude.com, {UNDECLARED}"]
    url = {"datadog": {"instanceUrl": "https://api.datadoghq.example"}}
    assert messages(REPLICATION, _profile("Datadog", url), ALLOWED) == [  # the URL is scanned as any input
        "`connectorProfileConfig.connectorProfileProperties.datadog.instanceUrl` sends to "
        f"api.datadoghq.example, {UNDECLARED}"]


def test_an_unknown_connector_type_blocks():
    assert messages(REPLICATION, _profile("CustomConnector"), ALLOWED) == [
        "`connectorType`: an AppFlow connector profile of type 'CustomConnector' connects to a service the "
        "pack cannot place (a custom connector runs a Lambda registered outside the program and sends "
        "wherever it likes); use a connector type whose properties name the instance (a URL, a cluster, a "
        "Snowflake account and region) or add the type to policies/core/typed_places.py; the pack cannot "
        "place that site in an allowed region, so keep the data in resources of the stack's own regions"]


# ------------------------------------------------------------------ Synapse tenants allowed for linking


def _synapse(tenants: object) -> object:
    settings = {"preventDataExfiltration": True, "allowedAadTenantIdsForLinking": tenants}
    return res(SYNAPSE, "syn", {"workspaceName": "syn", "location": "westeurope",
                                "managedVirtualNetworkSettings": settings}, provider=azure_provider())


def test_a_tenant_allowed_for_linking_is_a_grantee():
    tenant = "9f8e7d6c-5b4a-3210-fedc-ba9876543210"
    assert messages(REPLICATION, _synapse([tenant.upper()]), ALLOWED) == [
        f"`managedVirtualNetworkSettings.allowedAadTenantIdsForLinking.0` shares data with the Entra tenant "
        f"{tenant!r}, whose own storage receives it (or whose people read it, delegated) from a place that "
        "cannot be judged; declare the tenant (azureIds: [/tenants/<id>]) with its region or jurisdiction in "
        "stacks/records/endpoints.yaml"]
    assert messages(REPLICATION, _synapse([]), ALLOWED) == []


def test_unknown_tenants_for_linking_fail_closed():
    found = messages(RESOLVED, graph(_synapse("04da6b54-80e4-46f7-96ec-b56ff0331ba9")), ALLOWED)
    assert [m for n, m in found if "allowedAadTenantIdsForLinking" in m] != []


# ------------------------------------------------------------------ AWS resource hosts: whose, not only where


HOST_DB = "analytics.c7xk2lq9zzzz.eu-west-1.rds.amazonaws.com"
BROKER = "b-1.analytics.x9y8z7.c2.kafka.eu-west-1.amazonaws.com"


def _fn(value: str) -> object:
    return pinned_res("aws:lambda/function:Function", "fn", {
        "name": "fn", "role": "arn:aws:iam::123456789012:role/fn",
        "environment": {"variables": {"TARGET": value}}})


def test_a_resource_host_outside_the_stack_blocks():
    for host in (HOST_DB, BROKER, "vpc-vec-abcdefghijklmnopqrstuvwxyz.eu-west-1.es.amazonaws.com",
                 "dwh.c7xk2lq9zzzz.eu-west-1.redshift.amazonaws.com"):
        found = messages(RESOLVED, graph(_fn(f"{host}:443")), ALLOWED)
        assert found == [
            ("fn", f"`environment.variables.TARGET` refers to {host!r}, which is neither a resource of "
                   "this stack (matched by its recorded id, ARN or endpoint, never by name) nor a declared "
                   "external endpoint (stacks/records/endpoints.yaml), so where it is cannot be judged")]


def test_a_resource_host_of_the_stack_is_placed_by_its_resource():
    db = pinned_res("aws:rds/instance:Instance", "db", {"identifier": "analytics", "engine": "postgres",
                                                         "address": HOST_DB})  # round 25: recorded
    kafka = pinned_res("aws:msk/cluster:Cluster", "k", {"clusterName": "analytics",
                                                        "bootstrapBrokersTls": BROKER})  # round 27: its id
    assert messages(RESOLVED, graph(db, kafka, _fn(f"{HOST_DB},{BROKER}")), ALLOWED) == []


def test_api_endpoints_stay_placed_by_their_region():
    for host in ("sqs.eu-west-1.amazonaws.com", "bedrock-runtime.eu-west-1.amazonaws.com"):
        assert messages(RESOLVED, graph(_fn(f"https://{host}/")), ALLOWED) == []
        assert messages(REPLICATION, _fn(f"https://{host}/"), ALLOWED) == []
    assert messages(REPLICATION, _fn(HOST_DB.replace("eu-west-1", "us-east-1")), ALLOWED) != []


def test_hosts_carrying_a_generated_id_are_matched_by_it():
    host = "k3q7x2lzw4v5n6m7b8c9d0f1g2h3j4k5.lambda-url.eu-west-1.on.aws"
    assert messages(RESOLVED, graph(_fn(f"https://{host}/")), ALLOWED) != []
    url = pinned_res("aws:lambda/functionUrl:FunctionUrl", "u",
                     {"functionName": "f", "urlId": host.split(".", 1)[0]})
    assert messages(RESOLVED, graph(url, _fn(f"https://{host}/")), ALLOWED) == []
    api = pinned_res("aws:apigateway/restApi:RestApi", "a", {"name": "a", "id": "a1b2c3d4e5"})
    target = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/intake"
    assert messages(RESOLVED, graph(_fn(target)), ALLOWED) != []
    assert messages(RESOLVED, graph(api, _fn(target)), ALLOWED) == []
