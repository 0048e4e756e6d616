"""Red-team round 14 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r14-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, graph, messages  # round 17: the account is pinned
from policy_testlib import pinned_res as res

from policies.core.references import references, scan

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
EDGE = "disallow-global-edge-services"
ASA = "azure-native:streamanalytics:Output"
HUB = "azure-native:eventhub:EventHub"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
APP = "azure-native:web:WebApp"
KV = "azure-native:keyvault:Secret"
UNKNOWN_KIND = (
    " is a kind of destination the pack does not know, so what it names and where it is cannot be judged; "
    "use a kind listed in policies/core/named_services.py (or add this one with the field that names its "
    "service)"
)


def _hosts(view) -> set[str]:
    return {r.value for r in references(view) if r.kind == "host"}


def test_stream_analytics_outputs_are_judged_as_the_service_their_name_makes():
    cases = {
        ("Microsoft.ServiceBus/Queue", "serviceBusNamespace", "bus"): "bus.servicebus.windows.net",
        ("Microsoft.EventHub/EventHub", "serviceBusNamespace", "hub"): "hub.servicebus.windows.net",
        ("Microsoft.AzureFunction", "functionAppName", "fn"): "fn.azurewebsites.net",
        ("Microsoft.Storage/DocumentDB", "accountId", "cdb"): "cdb.documents.azure.com",
        ("Microsoft.Sql/Server/Database", "server", "sql"): "sql.database.windows.net",
        ("Microsoft.Sql/Server/Database", "server", "sql.database.windows.net"): "sql.database.windows.net",
        ("Microsoft.Storage/Table", "accountName", "tbl"): "tbl.table.core.windows.net",
        ("Microsoft.DataLake/Accounts", "accountName", "lake"): "lake.azuredatalakestore.net",
    }
    for (kind, field, name), host in cases.items():
        out = res(ASA, "o", {"jobName": "j", "datasource": {"type": kind, field: name}})
        assert host in _hosts(out), kind
    assert _hosts(res(ASA, "o", {"datasource": {"type": "PowerBI", "dataset": "d"}})) == {"api.powerbi.com"}
    assert _hosts(res(ASA, "o", {"datasource": {"type": "GatewayMessageBus", "topic": "t"}})) == set()


def test_an_output_of_an_unknown_kind_blocks():
    pg = "Microsoft.DBForPostgreSQL/servers/databases"
    out = res(ASA, "o", {"datasource": {"type": pg, "server": "pg"}})
    assert messages(REPLICATION, out, ALLOWED) == [
        "`datasource.type` = 'Microsoft.DBForPostgreSQL/servers/databases'" + UNKNOWN_KIND]


def test_the_stacks_own_server_named_by_an_output_resolves():
    sql = res("azure-native:sql:Server", "sql", {"serverName": "dosis-sql", "name": "dosis-sql",
                                                 "location": "westeurope"})
    out = res(ASA, "o", {"datasource": {"type": "Microsoft.Sql/Server/Database", "server": "dosis-sql"}})
    assert messages(RESOLVED, graph(sql, out), ALLOWED) == []
    assert messages(RESOLVED, graph(out), ALLOWED)


def test_event_hub_capture_to_a_data_lake_account_and_unknown_destinations():
    lake = {"name": "EventHubArchive.AzureDataLake", "dataLakeAccountName": "lake"}
    hub = res(HUB, "h", {"captureDescription": {"enabled": True, "destination": lake}})
    assert _hosts(hub) == {"lake.azuredatalakestore.net"}
    off = res(HUB, "h", {"captureDescription": {"enabled": False, "destination": lake}})
    assert _hosts(off) == set()
    odd = res(HUB, "h", {"captureDescription": {"enabled": True, "destination": {"name": "Archive.Other"}}})
    assert messages(REPLICATION, odd, ALLOWED) == [
        "`captureDescription.destination.name` = 'Archive.Other'" + UNKNOWN_KIND]


def test_a_snowflake_linked_service_is_its_account_host():
    ls = res("azure-native:datafactory:LinkedService", "ls",
             {"properties": {"type": "SnowflakeV2", "accountIdentifier": "org-acct", "database": "D"}})
    assert _hosts(ls) == {"org-acct.snowflakecomputing.com"}
    found = messages(REPLICATION, ls, ALLOWED)
    assert found and "org-acct.snowflakecomputing.com" in found[0]


def _task(options: dict[str, str]) -> object:
    container = {"name": "web", "image": "web:1", "logConfiguration": {"logDriver": "awsfirelens",
                                                                       "options": options}}
    return res(TASK, "t", {"containerDefinitions": json.dumps([container])})


def test_firelens_plugins_without_a_host_are_judged_by_their_default_endpoint():
    assert _hosts(_task({"Name": "datadog", "dd_service": "web"})) == {"http-intake.logs.datadoghq.com"}
    assert "http-intake.logs.datadoghq.eu" in _hosts(_task({"Name": "datadog",
                                                            "Host": "http-intake.logs.datadoghq.eu"}))
    assert "http-intake.logs.datadoghq.com" not in _hosts(_task({"Name": "datadog", "Host": "127.0.0.1"}))
    for local in ({"Name": "cloudwatch_logs", "region": "eu-west-1"}, {"Name": "forward"}):
        assert messages(REPLICATION, _task(local), ALLOWED) == [], local
    assert messages(REPLICATION, _task({"Name": "sumologic"}), ALLOWED) == [
        "`containerDefinitions(json).0.logConfiguration` = 'FireLens output sumologic'" + UNKNOWN_KIND]


def test_a_vendor_extension_layer_without_its_site_setting_is_the_vendors_default_site():
    layers = ["arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Extension:65",
              "arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python312:104"]
    fn = res("aws:lambda/function:Function", "fn", {"layers": layers})
    assert messages(REPLICATION, fn, ALLOWED) == [
        "`layers.0` sends to datadoghq.com, which is neither a resource of this stack nor a declared "
        "external endpoint (stacks/records/endpoints.yaml: add it with its region and why)"]
    eu = res("aws:lambda/function:Function", "fn",
             {"layers": layers, "environment": {"variables": {"DD_SITE": "datadoghq.eu"}}})
    assert "datadoghq.com" not in _hosts(eu)
    other = ["arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:53"]
    assert _hosts(res("aws:lambda/function:Function", "fn", {"layers": other})) == set()


def test_an_airflow_secrets_backend_prefix_blocks_unless_null():
    kwargs = {"secrets.backend_kwargs": json.dumps({"connections_prefix": "/shared/conn",
                                                    "variables_prefix": None})}
    env = res("aws:mwaa/environment:Environment", "e", {"airflowConfigurationOptions": kwargs})
    assert messages(RESOLVED, graph(env), ALLOWED) == [("e", (
        "`airflowConfigurationOptions.secrets.backend_kwargs(json)` reads every parameter or secret under "
        "the prefix '/shared/conn' at run time (an Airflow secrets backend, by its kwargs or its default); "
        "what is stored under a prefix is set outside any program, so the destinations it holds cannot be "
        "judged; set the prefix to null (or drop the backend) and keep connections in settings the program "
        "states"))]
    none = {"secrets.backend_kwargs": json.dumps({"connections_prefix": None})}
    assert messages(RESOLVED, graph(res("aws:mwaa/environment:Environment", "e",
                                        {"airflowConfigurationOptions": none})), ALLOWED) == []


def _env_file_task() -> object:
    files = [{"type": "s3", "value": "arn:aws:s3:::cfg-bucket/app/prod.env"}]
    return res(TASK, "t", {"containerDefinitions": json.dumps([{"name": "a", "image": "a:1",
                                                                "environmentFiles": files}])})


def test_an_environment_file_must_be_an_object_of_the_stack_with_readable_content():
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "cfg-bucket"})
    found = messages(RESOLVED, graph(bucket, _env_file_task()), ALLOWED)
    assert found and "S3 object 'cfg-bucket/app/prod.env', which is no resource of this stack" in found[0][1]
    asset = res("aws:s3/bucketObjectv2:BucketObjectv2", "o",
                {"bucket": "cfg-bucket", "key": "app/prod.env", "source": {"path": "./prod.env"}})
    assert messages(RESOLVED, graph(bucket, asset, _env_file_task()), ALLOWED) == [("t", (
        "`containerDefinitions(json).0.environmentFiles.0` is read at run time from the S3 object "
        "'cfg-bucket/app/prod.env' of this stack, whose value is a secret or unknown during preview, so the "
        "settings it holds (a destination among them) cannot be judged; write the file's settings inline "
        "(`content`)"))]
    inline = res("aws:s3/bucketObjectv2:BucketObjectv2", "o",
                 {"bucket": "cfg-bucket", "key": "/app/prod.env", "content": "LOG_LEVEL=INFO\n"})
    assert messages(RESOLVED, graph(bucket, inline, _env_file_task()), ALLOWED) == []


def test_key_vault_secrets_under_credential_names_and_container_app_secrets_must_be_the_stacks():
    ref = "@Microsoft.KeyVault(SecretUri=https://kv-own.vault.azure.net/secrets/partner-key/)"
    app = res(APP, "app", {"siteConfig": {"appSettings": [{"name": "PARTNER_API_KEY", "value": ref}]}})
    found = messages(RESOLVED, graph(app), ALLOWED)
    assert any("Key Vault secret 'partner-key', which is no resource of this stack" in m for _, m in found)
    secret = res(KV, "s", {"vaultName": "kv-own", "secretName": "partner-key", "name": "partner-key",
                           "properties": {"value": "[secret]"}})
    assert not any("Key Vault secret" in m for _, m in messages(RESOLVED, graph(app, secret), ALLOWED))
    url = "https://kv-own.vault.azure.net/secrets/partner-key"
    refs = scan({"configuration": {"secrets": [{"name": "k", "keyVaultUrl": url, "identity": "system"}]}})
    assert {(r.kind, r.value) for r in refs if r.kind == "keyed"} == {("keyed", f"{KV}|partner-key")}


def test_developer_tier_deployments_are_routed():
    d = res("azure-native:cognitiveservices:Deployment", "d", {"sku": {"name": "DeveloperTier"}})
    assert messages(REPLICATION, d, ALLOWED) == [
        "`sku.name` = 'DeveloperTier' processes requests outside the resource's region (Global: any region "
        "worldwide; DataZone: across the data zone; Developer: no data residency); use a regional SKU "
        "(Standard, ProvisionedManaged)"]


def test_a_static_web_app_with_the_enterprise_edge_is_edge():
    site = res("azure-native:web:StaticSite", "s", {"enterpriseGradeCdnStatus": "Enabled"})
    assert messages(EDGE, site, ALLOWED) == [
        "`enterpriseGradeCdnStatus` = 'Enabled' serves the site through Azure Front Door's edge locations "
        "worldwide; leave it Disabled"]
    off = res("azure-native:web:StaticSite", "s", {"enterpriseGradeCdnStatus": "Disabled"})
    assert messages(EDGE, off, ALLOWED) == []


def test_an_api_destination_must_be_the_stacks_and_an_event_target_is_not_its_target():
    arn = "arn:aws:events:eu-west-1:123456789012:api-destination/crm/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    target = res("aws:cloudwatch/eventTarget:EventTarget", "t", {"rule": "r", "arn": arn})
    assert messages(RESOLVED, graph(target), ALLOWED) == [("t", (
        f"`arn` refers to {arn!r}, which is neither a resource of this stack (matched by its recorded id, "
        "ARN or endpoint, never by name) nor a declared external endpoint (stacks/records/endpoints.yaml), "
        "so where it is cannot be judged; it passes on what it receives to destinations its own inputs set "
        "(a relay: a stream, topic, API, function or destination of another stack), so create it in this "
        "stack or declare it"))]
    own = res("aws:cloudwatch/eventApiDestination:EventApiDestination", "d", {"arn": arn})
    assert messages(RESOLVED, graph(target, own), ALLOWED) == []
    queue = "arn:aws:sqs:eu-west-1:123456789012:q"  # an ARN that says where the data is stays local
    assert messages(RESOLVED, graph(res("aws:cloudwatch/eventTarget:EventTarget", "t", {"arn": queue})),
                    ALLOWED) == []


def test_the_gates_mocks_echo_an_input_arn():
    from gate.aws_ids import aws_outputs

    out = aws_outputs("aws:cloudwatch/eventTarget:EventTarget", "t", {"arn": "arn:aws:sqs:eu-west-1:1:q"},
                      "eu-west-1", "t-1")
    assert out["arn"] == "arn:aws:sqs:eu-west-1:1:q"
    assert aws_outputs("aws:sqs/queue:Queue", "q", {"name": "q"}, "eu-west-1", "q")["arn"].endswith(":q")
