"""Red-team round 27 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r27-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, RESOLVED, SUB, azure_rg, graph, messages, pinned_res, res

from policies.core.account_hosts import account_host, id_problem, owner_problem
from policies.core.account_urls import callback_problem, path_arn, workflow_key
from policies.core.host_classes import resource_id

PATH = "environment.variables.TARGET"
APP_PATH = "siteConfig.appSettings.0.TARGET"
ALB = "internal-intake-1722334455.eu-west-1.elb.amazonaws.com"
MSK = "b-1.events.t8x2pq.c2.kafka.eu-west-1.amazonaws.com"
ES = "search-logs-x4kq2mvw7rb3tn6yh5zj8pd1ce.eu-west-1.es.amazonaws.com"
CACHE = "sessions-9qz4tk.serverless.euw1.cache.amazonaws.com"
DCE = "shared-dce-k3m9.westeurope-1.ingest.monitor.azure.com"
WF_ID = "8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"
CALLBACK = f"https://prod-27.westeurope.logic.azure.com:443/workflows/{WF_ID}/triggers/manual/paths/invoke"


def _fn(value: str) -> object:
    return pinned_res("aws:lambda/function:Function", "fn", {
        "name": "fn", "role": "arn:aws:iam::123456789012:role/fn",
        "arn": "arn:aws:lambda:eu-west-1:123456789012:function:fn",
        "environment": {"variables": {"TARGET": value}}})


def _app(value: str) -> object:
    return res("azure-native:web:WebApp", "app", {
        "resourceGroupName": "rg-weu", "name": "app", "location": "westeurope",
        "siteConfig": {"appSettings": [{"name": "TARGET", "value": value}]}})


def _unresolved(path: str, value: str) -> str:
    return (f"`{path}` refers to {value!r}, which is neither a resource of this stack (matched by its "
            "recorded id, ARN or endpoint, never by name) nor a declared external endpoint "
            "(stacks/records/endpoints.yaml), so where it is cannot be judged")


# ------------------------------------------------------------------ a per-resource id is proven by a record


def test_the_per_resource_id_of_a_host_is_read():
    assert resource_id(ALB) == ("elb:intake", "1722334455")
    assert resource_id("dualstack.intake-0123abcd.elb.eu-west-1.amazonaws.com") == ("elb:intake", "0123abcd")
    assert resource_id(MSK) == ("kafka:events", "t8x2pq")
    assert resource_id(ES) == ("es:logs", "x4kq2mvw7rb3tn6yh5zj8pd1ce")
    assert resource_id(CACHE) == ("elasticache:sessions", "9qz4tk")
    # an account label, or no name in the host: nothing to prove by an id
    assert resource_id("master.grp.x7k2pq.euw1.cache.amazonaws.com") is None
    assert resource_id("boot-q8w7e6r5.c2.kafka-serverless.eu-west-1.amazonaws.com") is None


def test_a_name_match_without_a_recorded_id_blocks():
    stack = (
        pinned_res("aws:lb/loadBalancer:LoadBalancer", "lb", {"name": "intake"}),
        pinned_res("aws:msk/cluster:Cluster", "k", {"clusterName": "events"}),
        pinned_res("aws:opensearch/domain:Domain", "d", {"domainName": "logs"}),
        pinned_res("aws:elasticache/serverlessCache:ServerlessCache", "c", {"name": "sessions"}),
    )
    for host, rid in ((ALB, "1722334455"), (MSK, "t8x2pq"), (ES, "x4kq2mvw7rb3tn6yh5zj8pd1ce"),
                      (CACHE, "9qz4tk")):
        assert messages(RESOLVED, graph(*stack, _fn(host)), ALLOWED) == [("fn", id_problem(PATH, host, rid))]
    assert "carries the name of a resource of this stack but id '9qz4tk'" in id_problem(PATH, CACHE, "9qz4tk")


def test_a_recorded_address_proves_the_id_and_only_it():
    lb = pinned_res("aws:lb/loadBalancer:LoadBalancer", "lb", {"name": "intake", "dnsName": ALB})
    dualstack = f"dualstack.{ALB.removeprefix('internal-')}"
    assert messages(RESOLVED, graph(lb, _fn(f"http://{ALB}/x")), ALLOWED) == []
    assert messages(RESOLVED, graph(lb, _fn(dualstack)), ALLOWED) == []  # the same id, another form
    twin = ALB.replace("1722334455", "9988776655")
    assert messages(RESOLVED, graph(lb, _fn(twin)), ALLOWED) == [("fn", id_problem(PATH, twin, "9988776655"))]


def test_a_serverless_caches_endpoints_are_its_own():
    cache = pinned_res("aws:elasticache/serverlessCache:ServerlessCache", "c", {
        "name": "sessions", "endpoints": [{"address": CACHE, "port": 6379}],
        "readerEndpoints": [{"address": CACHE, "port": 6380}]})
    assert messages(RESOLVED, graph(cache, _fn(f"{CACHE}:6379")), ALLOWED) == []


# ------------------------------------------------------------------ Azure Monitor ingestion hosts


def test_monitor_ingestion_hosts_name_a_resource_and_front_ends_do_not():
    for host in (DCE, "amw-a1b2.westeurope-1.metrics.ingest.monitor.azure.com",
                 "dce-x.westeurope-1.handler.control.monitor.azure.com",
                 "amw-q1w2.westeurope.prometheus.monitor.azure.com"):
        assert account_host(host) == "resource", host
    assert account_host("westeurope.handler.control.monitor.azure.com") is None
    assert account_host("global.handler.control.monitor.azure.com") is None


def test_a_data_collection_endpoint_is_the_stacks_or_blocks():
    assert messages(RESOLVED, graph(azure_rg(), _app(f"https://{DCE}")), ALLOWED) == [
        ("app", owner_problem(APP_PATH, DCE, frozenset()))]
    dce = res("azure-native:monitor:DataCollectionEndpoint", "dce", {
        "resourceGroupName": "rg-weu", "dataCollectionEndpointName": "shared-dce", "location": "westeurope",
        "logsIngestion": {"endpoint": f"https://{DCE}"}})
    assert messages(RESOLVED, graph(azure_rg(), dce, _app(f"https://{DCE}")), ALLOWED) == []


def test_an_api_management_regional_gateway_output_is_its_own():
    gw = "dosis-apim-westeurope-01.regional.azure-api.net"
    apim = res("azure-native:apimanagement:ApiManagementService", "apim", {
        "resourceGroupName": "rg-weu", "serviceName": "dosis-apim", "location": "westeurope",
        "gatewayRegionalUrl": f"https://{gw}"})
    assert messages(RESOLVED, graph(azure_rg(), apim, _app(f"https://{gw}/x")), ALLOWED) == []
    assert messages(RESOLVED, graph(azure_rg(), _app(f"https://{gw}/x")), ALLOWED) != []


# ------------------------------------------------------------------ a scheme-less path-style URL


def test_a_scheme_less_path_style_url_names_its_bucket():
    api = "s3.eu-west-1.amazonaws.com"
    s = f"{api}/other/exports/"
    assert path_arn(api, s, len(api)) == "arn:aws:s3:::other"
    assert messages(RESOLVED, graph(_fn(s)), ALLOWED) == [("fn", _unresolved(PATH, "arn:aws:s3:::other"))]
    own = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "other", "id": "other"})
    assert messages(RESOLVED, graph(own, _fn(s)), ALLOWED) == []
    assert messages(RESOLVED, graph(_fn("s3.eu-west-1.amazonaws.com")), ALLOWED) == []  # the API itself


# ------------------------------------------------------------------ a Logic App callback names its workflow


def test_a_callback_url_names_its_workflow():
    assert workflow_key(CALLBACK) == f"azure-native:logic:Workflow|{WF_ID}"
    assert workflow_key("https://prod-12.westeurope.logic.azure.com/wf") is None


def test_a_callback_of_a_workflow_outside_the_stack_blocks():
    key = f"azure-native:logic:Workflow|{WF_ID}"
    assert messages(RESOLVED, graph(azure_rg(), _app(CALLBACK)), ALLOWED) == [
        ("app", callback_problem(APP_PATH, key))]
    assert f"calls Logic App workflow {WF_ID} by its callback URL" in callback_problem(APP_PATH, key)
    wf = res("azure-native:logic:Workflow", "wf", {
        "resourceGroupName": "rg-weu", "workflowName": "wf", "location": "westeurope",
        "id": f"{SUB}Microsoft.Logic/workflows/wf",
        "accessEndpoint": f"https://prod-27.westeurope.logic.azure.com:443/workflows/{WF_ID}"})
    assert messages(RESOLVED, graph(azure_rg(), wf, _app(CALLBACK)), ALLOWED) == []


# ------------------------------------------------------------------ closed world over Microsoft's domains


def test_any_microsoft_regional_host_names_a_resource_unless_a_front_end():
    for host in ("partner-risk-score.westeurope.inference.ml.azure.com", "cache.westeurope.redis.azure.net",
                 "a1b2c3d4-e5f6.workspace.westeurope.api.azureml.ms",
                 # round 29: a private link service alias names one subscription's service too
                 "partner.6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f.westeurope.azure.privatelinkservice"):
        assert account_host(host) == "resource", host
    for host in ("westeurope.monitoring.azure.com", "westeurope.tts.speech.microsoft.com",
                 "westeurope-5.in.applicationinsights.azure.com", "prod-12.westeurope.logic.azure.com"):
        assert account_host(host) is None, host


def test_a_microsoft_regional_resource_host_is_the_stacks_or_blocks():
    ml = "partner-risk-score.westeurope.inference.ml.azure.com"
    assert messages(RESOLVED, graph(azure_rg(), _app(f"https://{ml}/score")), ALLOWED) == [
        ("app", owner_problem(APP_PATH, ml, frozenset()))]
    redis = "dosis-cache.westeurope.redis.azure.net"
    own = res("azure-native:redisenterprise:RedisEnterprise", "cache", {
        "resourceGroupName": "rg-weu", "clusterName": "dosis-cache", "name": "dosis-cache",
        "location": "westeurope", "sku": {"name": "Balanced_B1"}})
    assert messages(RESOLVED, graph(azure_rg(), own, _app(f"{redis}:10000")), ALLOWED) == []
    assert messages(RESOLVED, graph(azure_rg(), _app(f"{redis}:10000")), ALLOWED) == [
        ("app", owner_problem(APP_PATH, redis, frozenset()))]
