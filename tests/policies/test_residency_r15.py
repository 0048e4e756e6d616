"""Red-team round 15 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r15-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, aws_provider, graph, messages  # round 17: the account is pinned
from policy_testlib import pinned_res as res

from policies.core.references import references, scan

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
FN = "aws:lambda/function:Function"
LS = "azure-native:datafactory:LinkedService"
MWAA = "aws:mwaa/environment:Environment"
UNRESOLVED = (
    ", which is neither a resource of this stack (matched by its recorded id, ARN or endpoint, never by "
    "name) nor a declared external endpoint (stacks/records/endpoints.yaml), so where it is cannot be judged"
)
RELAY = (
    "; it passes on what it receives to destinations its own inputs set (a relay: a stream, topic, API, "
    "function or destination of another stack), so create it in this stack or declare it"
)
NOT_DECLARED = (
    ", which is neither a resource of this stack nor a declared external endpoint "
    "(stacks/records/endpoints.yaml: add it with its region and why)"
)


def _hosts(view) -> set[str]:
    return {r.value for r in references(view) if r.kind == "host"}


# ------------------------------------------------------------------ vendor telemetry layers


def _fn(layer: str, **env: str) -> object:
    return res(FN, "fn", {"layers": [layer], "environment": {"variables": env}})


def test_vendor_layers_are_their_default_site_unless_every_site_setting_is_set():
    defaults = {
        "451483290750:layer:NewRelicPython312:12": "log-api.newrelic.com",
        "702835727665:layer:honeycomb-lambda-extension-x86_64-v11-1-2:1": "api.honeycomb.io",
        "254067382080:layer:splunk-apm:110": "ingest.us0.signalfx.com",
        "114300393969:layer:lumigo-python-tracer:300": "ga-otlp.lumigo-tracer-edge.golumigo.com",
        "725887861453:layer:Dynatrace_OneAgent_1_291_2_python:1": "live.dynatrace.com",
        "956882708938:layer:sumologic-extension-amd64:12": "collection.sumologic.com",
        "123456789012:layer:Datadog-Extension:65": "datadoghq.com",  # republished: known by its name
        "123456789012:layer:newrelic-lambda-extension:3": "log-api.newrelic.com",
    }
    for layer, host in defaults.items():
        fn = _fn(f"arn:aws:lambda:eu-west-1:{layer}")
        assert messages(REPLICATION, fn, ALLOWED) == [f"`layers.0` sends to {host}" + NOT_DECLARED], layer
    nr = "arn:aws:lambda:eu-west-1:451483290750:layer:NewRelicPython312:12"
    half = _fn(nr, NEW_RELIC_LOG_ENDPOINT="https://log-api.eu.newrelic.com/log/v1")
    assert "log-api.newrelic.com" in _hosts(half)  # telemetry still goes to the default
    both = _fn(nr, NEW_RELIC_LOG_ENDPOINT="https://log-api.eu.newrelic.com/log/v1",
               NEW_RELIC_TELEMETRY_ENDPOINT="https://cloud-collector.eu01.nr-data.net")
    assert "log-api.newrelic.com" not in _hosts(both)
    own = _fn("arn:aws:lambda:eu-west-1:123456789012:layer:eloket-shared-libs:4")
    assert _hosts(own) == set()


def test_a_splunk_realm_makes_its_ingest_host():
    splunk = "arn:aws:lambda:eu-west-1:254067382080:layer:splunk-apm:110"
    assert _hosts(_fn(splunk, SPLUNK_REALM="eu0")) == {"ingest.eu0.signalfx.com"}
    unknown = _fn(splunk, SPLUNK_REALM="04da6b54-80e4-46f7-96ec-b56ff0331ba9")
    found = {(r.path, r.kind) for r in references(unknown)}
    assert ("environment.variables.SPLUNK_REALM", "unknown") in found


# ------------------------------------------------------------------ relays of other stacks by ARN


def test_relays_named_where_data_is_sent_must_be_the_stacks():
    relays = {
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": (
            "destinationArn", "arn:aws:firehose:eu-west-1:123456789012:deliverystream/relay"),
        "aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig": (
            "destinationArn", "arn:aws:logs:eu-west-1:999988887777:destination:central"),
        "aws:cloudwatch/eventTarget:EventTarget": (
            "arn", "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/POST/ingest"),
        "aws:cloudwatch/metricAlarm:MetricAlarm": (
            "alarmActions", "arn:aws:sns:eu-west-1:123456789012:ops"),
        "aws:lambda/eventSourceMapping:EventSourceMapping": (
            "functionName", "arn:aws:lambda:eu-west-1:123456789012:function:shared-forwarder"),
        "aws:scheduler/schedule:Schedule": (
            "target", "arn:aws:states:eu-west-1:123456789012:stateMachine:partner-sync"),
    }
    for typ, (field, arn) in relays.items():
        value = [arn] if field == "alarmActions" else {"arn": arn} if field == "target" else arn
        path = {"alarmActions": "alarmActions.0", "target": "target.arn"}.get(field, field)
        found = [f for f in messages(RESOLVED, graph(res(typ, "r", {field: value})), ALLOWED)
                 if " is a resource of account " not in f[1]]  # another account's: judged as such too
        assert found == [("r", f"`{path}` refers to {arn!r}" + UNRESOLVED + RELAY)], typ


def test_the_stacks_own_relay_resolves_and_a_source_is_no_relay():
    fh = res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "fh",
             {"name": "relay", "arn": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/relay"})
    sub = res("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "s",
              {"destinationArn": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/relay"})
    assert messages(RESOLVED, graph(fh, sub), ALLOWED) == []
    api = res("aws:apigateway/restApi:RestApi", "api",
              {"executionArn": "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"})
    target = res("aws:cloudwatch/eventTarget:EventTarget", "t",
                 {"arn": "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/POST/ingest"})
    assert messages(RESOLVED, graph(api, target), ALLOWED) == []
    fn = res(FN, "f", {"name": "fwd", "arn": "arn:aws:lambda:eu-west-1:123456789012:function:fwd"})
    alias = res("aws:lambda/eventSourceMapping:EventSourceMapping", "m",
                {"functionName": "arn:aws:lambda:eu-west-1:123456789012:function:fwd:live"})
    assert messages(RESOLVED, graph(fn, alias), ALLOWED) == []
    topic = "arn:aws:sns:eu-west-1:123456789012:alerts"
    subscription = res("aws:sns/topicSubscription:TopicSubscription", "s",
                       {"topic": topic, "protocol": "email", "endpoint": "soc@vlaanderen.be"})
    permission = res("aws:lambda/permission:Permission", "p", {"sourceArn": topic})
    assert messages(RESOLVED, graph(subscription, permission), ALLOWED) == []


def test_the_gates_mocks_give_relays_their_real_arn_format():
    from gate.aws_ids import aws_outputs

    fh = aws_outputs("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "f", {"name": "s"},
                     "eu-west-1", "f-1")
    assert fh["arn"] == "arn:aws:firehose:eu-west-1:123456789012:deliverystream/s"
    api = aws_outputs("aws:apigateway/restApi:RestApi", "a", {}, "eu-west-1", "a-1")
    assert api["executionArn"].startswith("arn:aws:execute-api:eu-west-1:123456789012:")
    fn = aws_outputs("aws:lambda/function:Function", "f", {"name": "fwd"}, "eu-west-1", "f-1")
    assert fn["arn"] == "arn:aws:lambda:eu-west-1:123456789012:function:fwd"


# ------------------------------------------------------------------ deliveries into another account


def test_deliveries_into_another_account_are_grants():
    pinned = aws_provider()
    pinned.inputs["allowedAccountIds"] = ["123456789012"]
    link = res("aws:oam/link:Link", "l", {"sinkIdentifier": "arn:aws:oam:eu-west-1:999988887777:sink/abc",
                                          "resourceTypes": ["AWS::Logs::LogGroup"]}, provider=pinned)
    assert messages(REPLICATION, link, ALLOWED) == [
        "`sinkIdentifier` grants '999988887777' a copy it can take to any region or read access from any "
        "region (a shared snapshot, image or data share is copied or read wherever the grantee likes, a Lake "
        "Formation, RAM or resource-policy grant read from there, telemetry delivered into its account by an "
        "observability link or cross-account flow logs read there); share only with the stack's own account, "
        "which the pack knows only when the resource's provider pins it (allowedAccountIds: ['<12 digits>']; "
        "under a provider that pins none, even the stack's own account blocks), or declare the account "
        "(arns: [arn:aws:iam::<id>:]) with its region or jurisdiction in stacks/records/endpoints.yaml"]
    own = res("aws:oam/link:Link", "l", {"sinkIdentifier": "arn:aws:oam:eu-west-1:123456789012:sink/abc"},
              provider=pinned)
    assert messages(REPLICATION, own, ALLOWED) == []
    flow = res("aws:ec2/flowLog:FlowLog", "f",
               {"deliverCrossAccountRole": "arn:aws:iam::999988887777:role/x",
                "logDestination": "arn:aws:logs:eu-west-1:999988887777:log-group:g"}, provider=pinned)
    found = [m.split(" grants ")[0] for m in messages(REPLICATION, flow, ALLOWED)]
    assert found == ["`deliverCrossAccountRole`"]


# ------------------------------------------------------------------ stores: linked services, backends, files


def test_a_key_vault_field_is_read_through_a_linked_service_of_the_stack_credential_or_not():
    store = {"referenceName": "kv-shared", "type": "LinkedServiceReference"}
    pw = {"type": "AzureKeyVaultSecret", "store": store, "secretName": "pw"}
    sftp = res(LS, "sftp", {"linkedServiceName": "sftp", "properties": {"type": "Sftp", "password": pw}})
    assert messages(RESOLVED, graph(sftp), ALLOWED) == [("sftp", (
        "`properties.password` is read from a Key Vault through the linked service 'kv-shared', which is no "
        "resource of this stack, so which vault it reads, and where that vault is, cannot be judged; define "
        "the Key Vault linked service in the stack (its `baseUrl` is judged)"))]
    kv = res(LS, "kv", {"linkedServiceName": "kv-shared", "name": "kv-shared",
                        "properties": {"type": "AzureKeyVault", "baseUrl": "https://kv.vault.azure.net/"}})
    assert not [m for _, m in messages(RESOLVED, graph(sftp, kv), ALLOWED) if "linked service" in m]


def test_an_airflow_backend_reads_its_default_prefixes_and_an_unknown_backend_blocks():
    vault = {"secrets.backend": "airflow.providers.hashicorp.secrets.vault.VaultBackend",
             "secrets.backend_kwargs": json.dumps({"connections_path": None, "variables_path": None})}
    env = res(MWAA, "e", {"airflowConfigurationOptions": vault})
    assert messages(RESOLVED, graph(env), ALLOWED) == [("e", (
        "`airflowConfigurationOptions` reads every parameter or secret under the prefix 'config' at run time "
        "(an Airflow secrets backend, by its kwargs or its default); what is stored under a prefix is set "
        "outside any program, so the destinations it holds cannot be judged; set the prefix to null (or drop "
        "the backend) and keep connections in settings the program states"))]
    vault["secrets.backend_kwargs"] = json.dumps(
        {"connections_path": None, "variables_path": None, "config_path": None, "url": "https://vault.vlaanderen.be"})
    assert messages(RESOLVED, graph(res(MWAA, "e", {"airflowConfigurationOptions": vault})), ALLOWED) == []
    odd = {"secrets.backend": "acme.airflow.secrets.ConsulBackend"}
    unknown = res(MWAA, "e", {"airflowConfigurationOptions": odd})
    assert messages(RESOLVED, graph(unknown), ALLOWED) == [("e", (
        "`airflowConfigurationOptions` configures the Airflow secrets backend 'acme.airflow.secrets."
        "ConsulBackend', which reads connections, variables and configuration from a store the pack cannot "
        "enumerate or does not know, so the destinations it holds cannot be judged; use a backend listed in "
        "policies/core/airflow_backends.py with every prefix set to null, or keep connections in settings "
        "the program states"))]
    ecs = [{"name": "s", "image": "apache/airflow:2.10.3", "environment": [
        {"name": "AIRFLOW__SECRETS__BACKEND",
         "value": "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"}]}]
    task = res("aws:ecs/taskDefinition:TaskDefinition", "t", {"containerDefinitions": json.dumps(ecs)})
    found = {m.split("prefix ")[1].split(" ")[0] for _, m in messages(RESOLVED, graph(task), ALLOWED)}
    assert found == {"'airflow/connections'", "'airflow/variables'", "'airflow/config'"}


def test_an_agents_configuration_file_must_be_an_object_of_the_stack_with_readable_content():
    uri = "s3://otel-cfg.s3.eu-west-1.amazonaws.com/collector.yaml"
    fn = res(FN, "fn", {"environment": {"variables": {"OPENTELEMETRY_COLLECTOR_CONFIG_URI": uri}}})
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "otel-cfg"})
    found = messages(RESOLVED, graph(bucket, fn), ALLOWED)
    assert found and found[0][1].startswith(
        "`environment.variables.OPENTELEMETRY_COLLECTOR_CONFIG_URI` is read at run time from the S3 object "
        "'otel-cfg/collector.yaml', which is no resource of this stack")
    obj = res("aws:s3/bucketObjectv2:BucketObjectv2", "o", {"bucket": "otel-cfg", "key": "collector.yaml",
                                                            "content": "exporters: {awsxray: {}}\n"})
    assert messages(RESOLVED, graph(bucket, obj, fn), ALLOWED) == []
    packaged = {"OPENTELEMETRY_COLLECTOR_CONFIG_URI": "/var/task/c.yaml"}  # in the deployment package
    local = res(FN, "fn", {"environment": {"variables": packaged}})
    assert messages(RESOLVED, graph(local), ALLOWED) == []


# ------------------------------------------------------------------ GUIDs in connection strings and agents


def test_an_instrumentation_key_in_a_connection_string_and_an_agents_wsid_name_their_resource():
    guid = "3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f"
    conn = {"APPLICATIONINSIGHTS_CONNECTION_STRING": f"InstrumentationKey={guid};IngestionEndpoint=https://x"}
    assert ("guid", guid) in {(r.kind, r.value) for r in scan({"variables": conn})}
    ama = {"configurationSettings": {"amalogs.secret.wsid": guid.upper()}}
    assert ("guid", guid) in {(r.kind, r.value) for r in scan(ama)}
    comp = res("azure-native:applicationinsights:Component", "ai",
               {"instrumentationKey": guid, "location": "westeurope"})
    app = res("azure-native:web:WebApp", "app", {"siteConfig": {"appSettings": [
        {"name": "APPLICATIONINSIGHTS_CONNECTION_STRING", "value": f"InstrumentationKey={guid}"}]}})
    assert messages(RESOLVED, graph(app), ALLOWED) == [("app", (
        f"`siteConfig.appSettings.0.APPLICATIONINSIGHTS_CONNECTION_STRING` refers to {guid!r}" + UNRESOLVED))]
    assert messages(RESOLVED, graph(comp, app), ALLOWED) == []
