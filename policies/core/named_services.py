"""Services a typed field names by a bare name, whose host the type implies (red-team round 14).

A Stream Analytics output names its Service Bus or Event Hubs namespace, function app, Cosmos DB account, SQL
server or table account by name only (an input, round 40: its Event Hubs namespace, IoT hub or SQL server); an
Event Hub's capture names its Data Lake Store account; a Data Factory Snowflake linked service names its
account by identifier, an Azure ML datastore its storage account by name (round 35); an ECS FireLens log
router names its output plugin and a Lambda a vendor's extension layer, whose default host is the vendor's. No
input spells out a host, so the scanner found nothing and the output passed whatever it named. Each is now
judged as the host the name makes (a resource of the stack found by its name, else a declared endpoint). An
output, input or capture of a kind the tables below do not know blocks (kind `untyped`): what it names, and
where, cannot be judged.
"""

from __future__ import annotations

import json
import re

from policies.core.view import UNKNOWN_VALUES, ResourceView

ASA_OUTPUT = "azure-native:streamanalytics:Output"
ASA_INPUT = "azure-native:streamanalytics:Input"
EVENT_HUB = "azure-native:eventhub:EventHub"
LINKED_SERVICE = "azure-native:datafactory:LinkedService"
LAMBDA = "aws:lambda/function:Function"
ML_DATASTORE = "azure-native:machinelearningservices:Datastore"
GLUE_CONNECTION = "aws:glue/connection:Connection"
APPS_ENVIRONMENT = "azure-native:app:ManagedEnvironment"
APPSTREAM_STACK = "aws:appstream/stack:Stack"
NAMED_SERVICE_TYPES = frozenset({ASA_OUTPUT, ASA_INPUT, EVENT_HUB, LINKED_SERVICE, LAMBDA, ML_DATASTORE,
                                 GLUE_CONNECTION, APPS_ENVIRONMENT, APPSTREAM_STACK})
# Vendors' telemetry extensions and tracers published as Lambda layers, known by the publisher's account or,
# republished under any account, by the layer's name. Each sends the function's logs, traces and payloads to
# the site its settings choose, or to the vendor's default (a US site) when one is left out: vendor ->
# (settings that together choose the site, the host a setting's value makes ("{}": the value is the host or
# URL itself, scanned as such), the default host). Lumigo's tracer has no site setting: always its edge host.
_VENDOR_ACCOUNTS = {
    "464622532012": "datadog", "451483290750": "newrelic", "702835727665": "honeycomb",
    "254067382080": "splunk", "114300393969": "lumigo", "725887861453": "dynatrace",
    "956882708938": "sumologic",
}
_VENDOR_NAMES = re.compile(r"(datadog|newrelic|new-relic|honeycomb|splunk|signalfx|lumigo|dynatrace|oneagent|"
                           r"sumologic|sumo-logic)", re.I)
_ALIASES = {"new-relic": "newrelic", "signalfx": "splunk", "oneagent": "dynatrace", "sumo-logic": "sumologic"}
_VENDORS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "datadog": (("DD_SITE",), "{}", "datadoghq.com"),
    "newrelic": (("NEW_RELIC_TELEMETRY_ENDPOINT", "NEW_RELIC_LOG_ENDPOINT"), "{}", "log-api.newrelic.com"),
    "honeycomb": (("LIBHONEY_API_HOST",), "{}", "api.honeycomb.io"),
    "splunk": (("SPLUNK_REALM",), "ingest.{}.signalfx.com", "ingest.us0.signalfx.com"),
    "lumigo": ((), "{}", "ga-otlp.lumigo-tracer-edge.golumigo.com"),
    "dynatrace": (("DT_CONNECTION_BASE_URL",), "{}", "live.dynatrace.com"),
    "sumologic": (("SUMO_HTTP_ENDPOINT",), "{}", "collection.sumologic.com"),
    # error trackers and log services configured by a key alone in any workload (round 17): their SDKs
    # post each exception (with the request's data) or log line to the vendor's default (US) intake
    "rollbar": ((), "{}", "api.rollbar.com"),
    "honeybadger": (("HONEYBADGER_ENDPOINT",), "{}", "api.honeybadger.io"),
    "raygun": ((), "{}", "api.raygun.com"),
    "airbrake": (("AIRBRAKE_HOST",), "{}", "api.airbrake.io"),
    "loggly": ((), "{}", "logs-01.loggly.com"),
}
# The credential settings of each vendor's extension or tracer: a function that carries one runs the vendor's
# code (from a layer of any name, or bundled in the package), which sends to the vendor's site.
_VENDOR_KEYS: dict[str, str] = {
    **dict.fromkeys(
        ("DD_API_KEY", "DD_API_KEY_SECRET_ARN", "DD_KMS_API_KEY", "DD_API_KEY_SSM_NAME"), "datadog"),
    **dict.fromkeys(("NEW_RELIC_LICENSE_KEY", "NEW_RELIC_LICENSE_KEY_SECRET"), "newrelic"),
    **dict.fromkeys(("LIBHONEY_API_KEY", "HONEYCOMB_API_KEY"), "honeycomb"),
    "SPLUNK_ACCESS_TOKEN": "splunk",
    "LUMIGO_TRACER_TOKEN": "lumigo",
    "DT_CONNECTION_AUTH_TOKEN": "dynatrace",
    "ROLLBAR_ACCESS_TOKEN": "rollbar",
    "HONEYBADGER_API_KEY": "honeybadger",
    **dict.fromkeys(("RAYGUN_APIKEY", "RAYGUN_API_KEY"), "raygun"),
    "AIRBRAKE_PROJECT_KEY": "airbrake",
    **dict.fromkeys(("LOGGLY_TOKEN", "LOGGLY_CUSTOMER_TOKEN"), "loggly"),
}
# Every setting name that says a vendor's agent or SDK runs, or where it sends (read in any workload's
# settings by the scanner: an ECS sidecar's environment and secrets, app settings, Lambda variables).
VENDOR_SETTINGS = frozenset(_VENDOR_KEYS) | frozenset(n for names, _, _ in _VENDORS.values() for n in names)

_BUS = ("serviceBusNamespace", ".servicebus.windows.net")
_LAKE = ".azuredatalakestore.net"  # Data Lake Storage Gen1 (retired): no resource type of the SDK holds it
# Stream Analytics output `datasource.type` -> (the field naming the service, the host suffix it makes);
# None: the inputs spell the place out (storageAccounts[].accountName, a cluster or payload URL: scanned) or
# it stays on the device (an IoT Edge job's message bus). Power BI: the tenant's service (named by no input).
_ASA: dict[str, tuple[str, str] | None] = {
    "Microsoft.ServiceBus/Queue": _BUS,
    "Microsoft.ServiceBus/Topic": _BUS,
    "Microsoft.ServiceBus/EventHub": _BUS,
    "Microsoft.EventHub/EventHub": _BUS,
    "Microsoft.AzureFunction": ("functionAppName", ".azurewebsites.net"),
    "Microsoft.Storage/DocumentDB": ("accountId", ".documents.azure.com"),
    "Microsoft.Sql/Server/Database": ("server", ".database.windows.net"),
    "Microsoft.Sql/Server/DataWarehouse": ("server", ".database.windows.net"),
    "Microsoft.Storage/Table": ("accountName", ".table.core.windows.net"),
    "Microsoft.DataLake/Accounts": ("accountName", _LAKE),
    "Microsoft.Storage/Blob": None,
    "Microsoft.Kusto/clusters/databases": None,
    "Raw": None,
    "GatewayMessageBus": None,
    "PowerBI": None,
}
# A Stream Analytics input's `properties.datasource.type` -> the same (round 40): a stream read from an Event
# Hub or IoT Hub, a reference table from a SQL server, all named by bare name; a blob input lists its accounts
# (`storageAccounts[].accountName`, read as named accounts), an IoT Edge job's file or message bus stays on
# the device. A type not listed blocks (`untyped`), as for outputs.
_ASA_INPUT: dict[str, tuple[str, str] | None] = {
    "Microsoft.ServiceBus/EventHub": _BUS,
    "Microsoft.EventHub/EventHub": _BUS,
    "Microsoft.Devices/IotHubs": ("iotHubNamespace", ".azure-devices.net"),
    "Microsoft.Sql/Server/Database": ("server", ".database.windows.net"),
    "Microsoft.Storage/Blob": None,
    "Raw": None,
    "File": None,
    "GatewayMessageBus": None,
}
# An Event Hub capture `destination.name` -> the same; a block-blob capture names its account by Azure id.
_CAPTURE: dict[str, tuple[str, str] | None] = {
    "EventHubArchive.AzureBlockBlob": None,
    "EventHubArchive.AzureDataLake": ("dataLakeAccountName", _LAKE),
}
# Data Factory linked services that name a vendor account by identifier, and the host it makes.
_LINKED: dict[str, tuple[str, str]] = {
    "SnowflakeV2": ("accountIdentifier", ".snowflakecomputing.com"),
    # a BigQuery project keeps each dataset where it was created (the US multi-region by default); no input of
    # the linked service says where: the project is judged as a host to declare with its datasets' location
    "GoogleBigQuery": ("project", ".bigquery.googleapis.com"),
    "GoogleBigQueryV2": ("projectId", ".bigquery.googleapis.com"),
}

# An Azure ML datastore names its storage by account name beside a subscription, resource group and endpoint
# suffix (round 35): `datastoreType` -> (the field, the host suffix; one ending in `.` takes the datastore's
# `endpoint`, core.windows.net by default, so a sovereign suffix makes a sovereign host). A OneLake datastore
# names a Microsoft Fabric workspace, kept where its capacity is: a host to declare (the SDK's five kinds).
_ML: dict[str, tuple[str, str]] = {
    "AzureBlob": ("accountName", ".blob."), "AzureFile": ("accountName", ".file."),
    "AzureDataLakeGen2": ("accountName", ".dfs."), "AzureDataLakeGen1": ("storeName", _LAKE),
    "OneLake": ("oneLakeWorkspaceName", ".onelake.dfs.fabric.microsoft.com"),
}

Found = list[tuple[str, str, str]]


def _host(path: str, name: object, suffix: str) -> Found:
    if not isinstance(name, str) or name in UNKNOWN_VALUES or not name:
        return [(path, "unknown", "")]
    name = name.lower()
    return [(path, "host", name if "." in name and name.endswith(suffix) else f"{name}{suffix}")]


def _typed(view: ResourceView, kind_path: str, table: dict[str, tuple[str, str] | None], base: str) -> Found:
    kind = view.get(kind_path)
    if kind is None:
        return []
    if not isinstance(kind, str) or kind in UNKNOWN_VALUES or kind not in table:
        return [(kind_path, "untyped", str(kind))]
    spec = table[kind]
    if spec is None:
        return [(kind_path, "host", "api.powerbi.com")] if kind == "PowerBI" else []
    field, suffix = spec
    return _host(f"{base}.{field}", view.get(f"{base}.{field}"), suffix)


def named_service_refs(view: ResourceView) -> Found:
    """(path, kind, value) of the services a resource names by a bare name (NAMED_SERVICE_TYPES)."""
    if view.type == ASA_OUTPUT:
        return _typed(view, "datasource.type", _ASA, "datasource")
    if view.type == ASA_INPUT:
        return _typed(view, "properties.datasource.type", _ASA_INPUT, "properties.datasource")
    if view.type == LAMBDA:
        return _vendor_layers(view)
    if view.type == ML_DATASTORE:
        return _datastore(view, "datastoreProperties")
    if view.type == EVENT_HUB:
        if view.get("captureDescription.enabled") is False:
            return []
        return _typed(view, "captureDescription.destination.name", _CAPTURE, "captureDescription.destination")
    if view.type == GLUE_CONNECTION:
        return _glue_connection(view)
    if view.type == APPS_ENVIRONMENT:
        return _otel_datadog(view)
    if view.type == APPSTREAM_STACK:
        return _storage_connectors(view)
    spec = _LINKED.get(str(view.get("properties.type")))
    return _host(f"properties.{spec[0]}", view.get(f"properties.{spec[0]}"), spec[1]) if spec else []


# Glue connection types whose place the connection's own properties spell out (a JDBC or MongoDB URL, broker
# list, Cosmos DB or OpenSearch endpoint, Snowflake URL: scanned), that stay in the account (a VPC, DynamoDB),
# or whose connector is code (marketplace, custom: its URL is scanned). Any other (a SaaS type the Glue API
# adds, Google Analytics, Sheets…) names no place: it blocks as a kind the pack does not know.
_GLUE_TYPES = frozenset({"JDBC", "KAFKA", "MONGODB", "NETWORK", "MARKETPLACE", "CUSTOM", "DYNAMODB",
                         "AZURECOSMOS", "AZURESQL", "OPENSEARCH", "SNOWFLAKE"})


def _glue_connection(view: ResourceView) -> Found:
    kind = view.get("connectionType")
    if kind is None or kind in _GLUE_TYPES:  # JDBC by default
        return []
    if kind == "BIGQUERY":
        return _glue_bigquery(view)
    return [("connectionType", "untyped", str(kind))]


def _glue_bigquery(view: ResourceView) -> Found:
    """Round 37: a Glue BIGQUERY connection holds a secret id only (the Google Cloud project is in the
    secret's service account key or the job's options), and BigQuery keeps each dataset where it was created
    (the US multi-region by default): the `parentProject` of its SparkProperties makes the host to declare
    (as Data Factory's BigQuery project); without one, the BigQuery API itself must be declared."""
    path = "connectionProperties.SparkProperties"
    spark = view.get(path)
    if not isinstance(spark, str) or spark in UNKNOWN_VALUES:
        return [(path, "unknown", "")]
    try:
        project = json.loads(spark).get("parentProject")
    except (ValueError, AttributeError):
        project = None
    if project is None:
        return [(path, "host", "bigquery.googleapis.com")]
    return _host(f"{path}.parentProject", project, ".bigquery.googleapis.com")


def _otel_datadog(view: ResourceView) -> Found:
    """Round 37: a Container Apps environment's managed OpenTelemetry agent sends to Datadog at its `site`, or
    at Datadog's default site, US1 (datadoghq.com), when none is given; a given site is scanned as a host."""
    path = "openTelemetryConfiguration.destinationsConfiguration.dataDogConfiguration"
    datadog = view.get(path)
    if not isinstance(datadog, dict) or datadog.get("site") is not None:
        return []
    return [(f"{path}.site", "host", _VENDORS["datadog"][2])]


# Round 51: an AppStream 2.0 stack's storage connectors keep its users' session files: home folders in an S3
# bucket of the stack's own region; Google Drive and OneDrive in the Google Workspace or Microsoft 365 tenant
# of the connector's `domains`, wherever that keeps them: the service's host is judged (a declared endpoint
# with its place). A connector type the table does not know blocks (`untyped`).
_STORAGE_CONNECTORS = {
    "HOMEFOLDERS": None, "GOOGLE_DRIVE": "drive.google.com", "ONE_DRIVE": "my.sharepoint.com"}


def _storage_connectors(view: ResourceView) -> Found:
    connectors = view.get("storageConnectors")
    out: Found = []
    for i, connector in enumerate(connectors if isinstance(connectors, list) else ()):
        kind = connector.get("connectorType") if isinstance(connector, dict) else None
        path = f"storageConnectors.{i}.connectorType"
        if not isinstance(kind, str) or kind not in _STORAGE_CONNECTORS:
            out.append((path, "untyped", str(kind)))
        elif host := _STORAGE_CONNECTORS[kind]:
            out.append((path, "host", host))
    return out


def _datastore(view: ResourceView, base: str) -> Found:
    kind = view.get(f"{base}.datastoreType")
    if not isinstance(kind, str) or kind not in _ML:
        return [(f"{base}.datastoreType", "untyped", str(kind))]
    field, suffix = _ML[kind]
    if suffix.endswith("."):
        endpoint = view.get(f"{base}.endpoint")
        known = isinstance(endpoint, str) and endpoint not in UNKNOWN_VALUES and endpoint
        suffix += endpoint.lower().strip(".") if known else "core.windows.net"
    return _host(f"{base}.{field}", view.get(f"{base}.{field}"), suffix)


def layer_vendor(arn: object) -> str | None:
    """The observability vendor whose extension or tracer a layer ARN is (by publisher, else by name)."""
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) < 7 or parts[5] != "layer":
        return None
    if vendor := _VENDOR_ACCOUNTS.get(parts[4]):
        return vendor
    m = _VENDOR_NAMES.search(parts[6])
    return _ALIASES.get(m.group(1).lower(), m.group(1).lower()) if m else None


def _vendor_layers(view: ResourceView) -> Found:
    """Where a vendor's layer sends (a layer republished under a neutral name is found by its credential
    settings in any workload: vendor_hosts)."""
    settings = view.get("environment.variables")
    values = {(n := str(k).upper()): (f"environment.variables.{n}", v)
              for k, v in settings.items()} if isinstance(settings, dict) else {}
    found_by = [(f"layers.{i}", layer_vendor(arn)) for i, arn in enumerate(view.input("layers") or [])]
    return _vendor_places(found_by, values)


def _vendor_places(found_by: list[tuple[str, str | None]], values: dict[str, tuple[str, object]]) -> Found:
    """The vendor's default host when a site setting is left out, the host a setting's value makes when it
    is not the host itself (a set host or URL is scanned as any setting); one finding per place."""
    out: Found = []
    for where, vendor in found_by:
        if vendor is None:
            continue
        names, template, default = _VENDORS[vendor]
        if not names or any(n not in values for n in names):
            found = (where, "host", default)
        elif template == "{}":
            continue
        else:
            at, v = values[names[0]]
            unknown = not isinstance(v, str) or v in UNKNOWN_VALUES or not v
            found = (at, "unknown" if unknown else "host",
                     "" if unknown else template.format(str(v).lower()))
        if all(found[1:] != seen[1:] for seen in out):  # one finding per place (an extension + a tracer)
            out.append(found)
    return out


def vendor_hosts(settings: list[tuple[str, str, object]], implied: set[tuple[str, str]]) -> Found:
    """Where the vendors whose credential settings a workload carries send (settings: (path, upper-cased
    name, value) of every VENDOR_SETTINGS entry the scanner found, in any workload): the vendor's code runs
    there whatever layer, image or package carries it (rounds 16 and 17). A place an implied reference
    already names (a Lambda's vendor layer: `implied`, (kind, value)) is not named twice."""
    values = {name: (path, value) for path, name, value in settings}
    found_by = [(path, _VENDOR_KEYS[name]) for path, name, _ in settings if name in _VENDOR_KEYS]
    return [f for f in _vendor_places(found_by, values) if (f[1], f[2]) not in implied]


def untyped_problem(path: str, value: str) -> str:
    """Why an output or capture destination of an unknown kind cannot be judged."""
    return (
        f"`{path}` = {value!r} is a kind of destination the pack does not know, so what it names and where "
        "it is cannot be judged; use a kind listed in policies/core/named_services.py (or add this one with "
        "the field that names its service)"
    )


# FireLens (Fluent Bit) output plugins, by the `Name` option of an ECS `awsfirelens` log configuration: AWS's
# write to a stream, group or bucket of the region their options name (scanned); plugins whose default
# host is local (a sidecar) need none; the vendor plugins post to the vendor's default intake unless `Host`
# says otherwise (Datadog's US1 intake, New Relic's US endpoint). An unknown plugin without a host blocks.
_FIRELENS_LOCAL = frozenset({
    "cloudwatch", "cloudwatch_logs", "kinesis_firehose", "firehose", "kinesis_streams", "kinesis", "s3",
    "forward", "http", "splunk", "loki", "es", "opensearch", "gelf", "tcp", "influxdb", "null", "stdout",
    "counter", "file"})
_FIRELENS_DEFAULT_HOSTS = {
    "datadog": "http-intake.logs.datadoghq.com", "newrelic": "log-api.newrelic.com",
    "logdna": "logs.logdna.com", "stackdriver": "logging.googleapis.com",
}
_HOST_OPTIONS = frozenset({"host", "url", "uri", "endpoint", "brokers", "customer_id", "account_name",
                           "dd_url", "base_uri"})


def firelens_refs(config: dict[str, object]) -> list[tuple[str, str, bool]]:
    """The destination an ECS FireLens log configuration implies by its output plugin (none: named by its
    options, which are scanned)."""
    options = config.get("options")
    if config.get("logDriver") != "awsfirelens" or not isinstance(options, dict):
        return []
    keys = {str(k).lower(): v for k, v in options.items()}
    name = keys.get("name")
    if not isinstance(name, str) or name in UNKNOWN_VALUES:
        return [("untyped", str(name), False)]
    plugin = name.lower()
    if plugin in _FIRELENS_LOCAL or _HOST_OPTIONS.intersection(keys):
        return []
    host = _FIRELENS_DEFAULT_HOSTS.get(plugin)
    return [("host", host, False)] if host else [("untyped", f"FireLens output {name}", False)]
