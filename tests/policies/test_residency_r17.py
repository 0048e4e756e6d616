"""Red-team round 17 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r17-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, aws_provider, azure_provider, azure_rg, graph, messages, pinned_res, res
from test_residency_r16 import _foreign

from policies.core.references import references, scan

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
ROLE = "arn:aws:iam::123456789012:role/r"
UNRESOLVED = (
    ", which is neither a resource of this stack (matched by its recorded id, ARN or endpoint, never by "
    "name) nor a declared external endpoint (stacks/records/endpoints.yaml), so where it is cannot be judged"
)
NOT_DECLARED = (
    ", which is neither a resource of this stack nor a declared external endpoint "
    "(stacks/records/endpoints.yaml: add it with its region and why)"
)
SITE = ("; the pack cannot place that site in an allowed region, so keep the data in resources of the "
        "stack's "
        "own regions")


def _stored(path: str, what: str, name: str) -> str:
    return (f"`{path}` is read at run time from {what} {name!r}, which is no resource of this stack, so the "
            "destination it may hold is set outside any program and cannot be judged; create it in the stack "
            "with a plain value (judged there) or write the setting itself")


# ------------------------------------------------------------------ typed fields that name a place


def test_transfer_paths_land_in_the_bucket_or_file_system_of_their_first_segment():
    user = "aws:transfer/user:User"

    def home(**inputs: object) -> object:
        return pinned_res(user, "u", {"serverId": "s", "userName": "a", "role": ROLE, **inputs})

    assert messages(RESOLVED, graph(home(homeDirectory="/acme-exchange-us/vlaio")), ALLOWED) == [
        ("u", "`homeDirectory` refers to 'acme-exchange-us'" + UNRESOLVED)]
    bucket = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "dosis-inbox", "id": "dosis-inbox"})
    mapped = home(homeDirectoryType="LOGICAL",
                  homeDirectoryMappings=[{"entry": "/", "target": "/dosis-inbox/${transfer:UserName}"}])
    assert messages(RESOLVED, graph(bucket, mapped), ALLOWED) == []
    assert messages(RESOLVED, graph(mapped), ALLOWED) == [
        ("u", "`homeDirectoryMappings.0.target` refers to 'dosis-inbox'" + UNRESOLVED)]
    agreement = pinned_res("aws:transfer/agreement:Agreement", "g", {"baseDirectory": "/partner-landing/in"})
    assert messages(RESOLVED, graph(agreement), ALLOWED) == [
        ("g", "`baseDirectory` refers to 'partner-landing'" + UNRESOLVED)]
    assert messages(REPLICATION, home(homeDirectory="/"), ALLOWED) == [
        "`homeDirectory`: the path '/' names no bucket or file system (its first segment), so where the "
        "files land cannot be judged; start it with a bucket or file system of the stack" + SITE]
    efs = [r for r in references(home(homeDirectory="/fs-0123456789abcdef0/a")) if r.kind == "named"]
    assert [r.value for r in efs] == ["aws:efs/fileSystem:FileSystem|fs-0123456789abcdef0"]


def test_a_dms_endpoint_reading_its_server_from_a_secret_needs_a_readable_secret_of_the_stack():
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dms/replica-Ab12Cd"
    endpoint = pinned_res("aws:dms/endpoint:Endpoint", "d", {"endpointId": "r", "secretsManagerArn": arn})
    assert messages(RESOLVED, graph(endpoint), ALLOWED) == [
        ("d", _stored("secretsManagerArn", "the Secrets Manager secret", "dms/replica"))]
    secret = pinned_res("aws:secretsmanager/secret:Secret", "s", {"name": "dms/replica"})
    version = pinned_res("aws:secretsmanager/secretVersion:SecretVersion", "v", {
        "secretId": arn, "secretString": '{"host":"replica.c1.eu-west-1.rds.amazonaws.com","port":3306}'})
    db = pinned_res("aws:rds/instance:Instance", "db", {  # round 21: host's db; 25: its recorded address
        "identifier": "replica", "address": "replica.c1.eu-west-1.rds.amazonaws.com"})
    assert messages(RESOLVED, graph(endpoint, secret, version, db), ALLOWED) == []


def test_a_cassandra_cluster_with_external_seed_nodes_is_a_site():
    def cluster(**props: object) -> object:
        return res("azure-native:cosmosdb:CassandraCluster", "c", {
            "resourceGroupName": "rg-weu", "clusterName": "c", "location": "westeurope", "properties": props})

    assert messages(REPLICATION, cluster(externalSeedNodes=[{"ipAddress": "10.40.1.11"}]), ALLOWED) == [
        "`properties.externalSeedNodes`: a managed Cassandra cluster joined to unmanaged data centres by "
        "their seed nodes replicates every row to nodes wherever those data centres are (a private "
        "address is on a "
        "network outside any region)" + SITE]
    assert messages(REPLICATION, cluster(cassandraVersion="4.0"), ALLOWED) == []


def test_object_replication_to_an_account_by_bare_name_must_be_the_stacks():
    def policy(dest: str) -> object:
        return res("azure-native:storage:ObjectReplicationPolicy", "o", {
            "resourceGroupName": "rg-weu", "accountName": "own", "objectReplicationPolicyId": "default",
            "sourceAccount": "own", "destinationAccount": dest}, provider=azure_provider())

    assert messages(RESOLVED, graph(azure_rg(), policy("partnerdocs")), ALLOWED) == [
        ("o", "`destinationAccount` refers to 'azure-native:storage:StorageAccount|partnerdocs'"
         + UNRESOLVED)]
    twin = res("azure-native:storage:StorageAccount", "twin", {
        "resourceGroupName": "rg-weu", "name": "dosistwin", "location": "northeurope"})
    assert messages(RESOLVED, graph(azure_rg(), twin, policy("dosistwin")), ALLOWED) == []


def test_salesforce_without_an_instance_url_is_its_login_host():
    adf = res("azure-native:datafactory:LinkedService", "l", {
              "resourceGroupName": "rg-weu", "factoryName": "f", "linkedServiceName": "s",
              "properties": {"type": "Salesforce", "username": "a@vlaanderen.be"}})
    assert messages(REPLICATION, adf, ALLOWED) == [
        "`properties.environmentUrl` sends to login.salesforce.com" + NOT_DECLARED]
    profile = "connectorProfileConfig.connectorProfileProperties.salesforce"
    appflow = pinned_res("aws:appflow/connectorProfile:ConnectorProfile", "p", {
        "name": "p", "connectorType": "Salesforce", "connectionMode": "Public",
        "connectorProfileConfig": {"connectorProfileProperties": {"salesforce": {
            "isSandboxEnvironment": False}}}})
    assert messages(REPLICATION, appflow, ALLOWED) == [
        f"`{profile}.instanceUrl` sends to login.salesforce.com" + NOT_DECLARED]
    with_url = res(adf.type, "l", {**adf.inputs, "properties": {
        "type": "Salesforce", "environmentUrl": "https://crm.vlaanderen.be"}})
    assert messages(REPLICATION, with_url, ALLOWED) == []  # the URL is scanned as any (a declared host)


def test_an_outpost_arn_is_a_site_whatever_region_it_names():
    arn = "arn:aws:s3-outposts:eu-west-1:123456789012:outpost/op-0a1b2c3d4e5f60718/accesspoint/onsite"
    loc = pinned_res("aws:datasync/s3Location:S3Location", "s", {"s3BucketArn": arn, "subdirectory": "/"})
    assert messages(REPLICATION, loc, ALLOWED) == [
        f"`s3BucketArn` = {arn!r} is on an AWS Outpost, a rack installed at a site of the customer's "
        "choosing (anywhere), whatever region the ARN names; keep the data in the region itself (an S3 "
        "bucket, not S3 "
        "on Outposts)"]


# ------------------------------------------------------------------ accounts


def test_an_sqs_queue_url_names_its_account():
    def rule(url: str) -> object:
        return pinned_res("aws:iot/topicRule:TopicRule", "i", {
            "name": "r", "sql": "x", "sqs": [{"queueUrl": url, "roleArn": ROLE, "useBase64": False}]})

    assert messages(RESOLVED, graph(rule("https://sqs.eu-west-1.amazonaws.com/999988887777/q")), ALLOWED) == [
        ("i", _foreign("sqs.0.queueUrl", "arn:aws:sqs:eu-west-1:999988887777:q"))]
    legacy = [r.value for r in scan({"q": "https://eu-west-1.queue.amazonaws.com/999988887777/q"})]
    assert "arn:aws:sqs:eu-west-1:999988887777:q" in legacy
    point = "drop-999988887777.s3-accesspoint.eu-west-1.amazonaws.com"  # an S3 access point host
    fn = pinned_res("aws:lambda/function:Function", "f", {"environment": {"variables": {
        "EXPORT_URL": f"https://{point}/cases"}}})
    assert messages(RESOLVED, graph(fn), ALLOWED) == [
        ("f", _foreign("environment.variables.EXPORT_URL",
                       "arn:aws:s3:eu-west-1:999988887777:accesspoint/drop"))]
    own = rule("https://sqs.eu-west-1.amazonaws.com/123456789012/q")
    assert messages(RESOLVED, graph(own), ALLOWED) == []


def test_under_an_unpinned_provider_an_arn_is_judged_against_the_recorded_accounts():
    target = "aws:cloudwatch/eventTarget:EventTarget"
    bus = "arn:aws:events:eu-west-1:999988887777:event-bus/central"
    rule = res("aws:cloudwatch/eventRule:EventRule", "rule",
               {"arn": "arn:aws:events:eu-west-1:123456789012:rule/r"})
    fwd = res(target, "fwd", {"rule": "r", "arn": bus})
    assert messages(RESOLVED, graph(rule, fwd), ALLOWED) == [("fwd", _foreign("arn", bus))]
    own = res(target, "fwd", {"rule": "r", "arn": "arn:aws:events:eu-west-1:123456789012:event-bus/x"})
    assert messages(RESOLVED, graph(rule, own), ALLOWED) == []
    # nothing recorded tells the stack's account: pin it
    assert messages(RESOLVED, graph(own), ALLOWED) == [
        ("fwd", _foreign("arn", "arn:aws:events:eu-west-1:123456789012:event-bus/x"))]
    assert messages(RESOLVED, graph(res(target, "fwd", dict(own.inputs), provider=aws_provider(
        account="123456789012"))), ALLOWED) == []


# ------------------------------------------------------------------ computed and provided values


def test_a_workflow_expression_that_computes_a_destination_blocks():
    def wf(uri: str) -> object:
        return res("azure-native:logic:Workflow", "w", {
                   "resourceGroupName": "rg-weu", "location": "westeurope",
                   "definition": {"actions": {"p": {"type": "Http", "inputs": {"uri": uri}}}}})

    uri = "@{concat('https://', 'ingest', '.io')}"
    assert messages(REPLICATION, wf(uri), ALLOWED) == [
        f"`definition.actions.p.inputs.uri` = {uri!r} computes the destination with workflow functions the "
        "pack does not evaluate, so where the data goes cannot be judged; write the URL (at least its scheme "
        "and host) literally, or as a workflow parameter's value"]
    for fine in ("@{parameters('endpoint')}", "https://api.vlaanderen.be/cases/@{encodeUriComponent('a')}",
                 "@Microsoft.KeyVault(VaultName=kv;SecretName=s)"):
        assert not [r for r in scan({"uri": fine}) if r.kind == "computed"], fine


def test_a_configuration_provider_placeholder_reads_a_store_of_the_stack():
    def sink(url: str) -> object:
        return pinned_res("aws:mskconnect/connector:Connector", "m", {"connectorConfiguration": {
            "http.api.url": url}})

    assert messages(RESOLVED, graph(sink("${secretManager:partner/sink:url}")), ALLOWED) == [
        ("m", _stored("connectorConfiguration.http.api.url",
                      "the parameter or secret (a configuration provider's)", "partner/sink"))]
    param = pinned_res("aws:ssm/parameter:Parameter", "p", {"name": "/eloket/sink", "type": "String",
                       "value": "https://api.vlaanderen.be/events"})
    assert messages(RESOLVED, graph(sink("${ssm::/eloket/sink}"), param), ALLOWED) == []
    assert not [r for r in scan({"resourceUrl": "arn:aws:s3:::b/${aws:username}/*"}) if r.kind == "stored"]


# ------------------------------------------------------------------ vendors' code in any workload


def test_vendor_credential_settings_send_to_the_vendors_default_site_in_any_workload():
    ecs = pinned_res("aws:ecs/taskDefinition:TaskDefinition", "t", {"family": "f", "containerDefinitions": (
        '[{"name":"dd","secrets":[{"name":"DD_API_KEY","valueFrom":"arn:aws:ssm:eu-west-1:123456789012:'
        'parameter/dd"}]}]')})
    assert messages(REPLICATION, ecs, ALLOWED) == [
        "`containerDefinitions(json).0.secrets.0.valueFrom(DD_API_KEY)` sends to datadoghq.com"
        + NOT_DECLARED]
    eu = [r.value for r in references(pinned_res(ecs.type, "t", {"family": "f", "containerDefinitions": (
        '[{"name":"dd","environment":[{"name":"DD_SITE","value":"datadoghq.eu"}],"secrets":[{"name":'
        '"DD_API_KEY","valueFrom":"arn:aws:ssm:eu-west-1:123456789012:parameter/dd"}]}]')}))]
    assert "datadoghq.com" not in eu and "datadoghq.eu" in eu
    app = res("azure-native:web:WebApp", "a", {"resourceGroupName": "rg-weu", "location": "westeurope",
              "siteConfig": {"appSettings": [{"name": "DD_API_KEY", "value": "k"}]}})
    assert messages(REPLICATION, app, ALLOWED) == [
        "`siteConfig.appSettings.0.value(DD_API_KEY)` sends to datadoghq.com" + NOT_DECLARED]
    settings = res("azure-native:web:WebAppApplicationSettings", "s", {"resourceGroupName": "rg-weu",
                   "name": "app", "properties": {"DD_API_KEY": "k"}})  # a setting's name as a key anywhere
    assert messages(REPLICATION, settings, ALLOWED) == [
        "`properties.DD_API_KEY` sends to datadoghq.com" + NOT_DECLARED]
    fn = pinned_res("aws:lambda/function:Function", "f", {"environment": {"variables": {
        "ROLLBAR_ACCESS_TOKEN": "t", "DD_API_KEY": "k"}},
        "layers": ["arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Extension:65"]})
    found = messages(REPLICATION, fn, ALLOWED)
    assert found == ["`environment.variables.ROLLBAR_ACCESS_TOKEN` sends to api.rollbar.com" + NOT_DECLARED,
                     "`layers.0` sends to datadoghq.com" + NOT_DECLARED]  # the layer's: one per place


# ------------------------------------------------------------------ XML documents


def test_xml_namespaces_name_no_place_and_character_references_are_decoded():
    doc = '<broker xmlns="http://activemq.apache.org/schema/core"><networkConnectors/></broker>'
    assert scan({"data": doc}) == []
    host = "".join(f"&#x{ord(c):x};" for c in "b-1.mq.us-east-1.amazonaws.com")
    hidden = f'<broker><networkConnector uri="static:(ssl://{host}:61617)"/></broker>'
    assert ("host", "b-1.mq.us-east-1.amazonaws.com") in [(r.kind, r.value) for r in scan({"data": hidden})]


def test_the_gates_mocks_give_web_apps_and_plans_their_real_arm_ids():
    from gate.azure_ids import azure_outputs

    plan = azure_outputs("azure-native:web:AppServicePlan", "p", {"resourceGroupName": "rg", "name": "asp"},
                         None)
    assert plan["id"].endswith("/resourceGroups/rg/providers/Microsoft.Web/serverfarms/asp")
    app = azure_outputs("azure-native:web:WebApp", "a", {"resourceGroupName": "rg", "name": "app"}, None)
    assert app["id"].endswith("/providers/Microsoft.Web/sites/app")
    amw = azure_outputs("azure-native:monitor:AzureMonitorWorkspace", "w",
                        {"resourceGroupName": "rg", "azureMonitorWorkspaceName": "amw"}, None)
    assert amw["id"].endswith("/providers/Microsoft.Monitor/accounts/amw")
