"""Red-team round 54 of the residency pack, a blind probe: Data Pipeline parameters, a Firehose stream named
in a JSON document's PascalCase keys, Kusto exports to external tables, Storage DataShare tenants, and a
Logic Apps Standard workflow app hosted on Container Apps (corpus: tests/corpus/residency/*/r54-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, res

from policies.core.view import ProviderView

TENANT, PARTNER = "11111111-2222-3333-4444-555555555555", "99999999-8888-7777-6666-555555555555"


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def _definition(values: list[dict[str, str]], path: str = "s3://#{myExportBucket}/dossiers/"):
    node = {"id": "Out", "name": "Out", "fields": [{"key": "type", "stringValue": "S3DataNode"},
                                                    {"key": "directoryPath", "stringValue": path}]}
    return res("aws:datapipeline/pipelineDefinition:PipelineDefinition", "def", {
        "pipelineId": "df-0123456789ABCDEFGHIJ", "parameterValues": values, "pipelineObjects": [node],
        "parameterObjects": [{"id": "myExportBucket",
                              "attributes": [{"key": "type", "stringValue": "String"}]}]})


def test_a_data_pipeline_parameter_in_a_url_is_judged_as_each_value_it_is_given():
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "eloket-exports"})
    own = [{"id": "myExportBucket", "stringValue": "eloket-exports"}]
    assert _blocking(bucket, _definition(own)) == []
    partner = _blocking(bucket, _definition([*own, {"id": "myExportBucket", "stringValue": "partner-x"}]))
    assert partner and all("partner-x" in m for _, m in partner)
    unfilled = _blocking(bucket, _definition([]))  # a value given only when the pipeline is activated
    assert unfilled and all("an expression filled in at run time" in m for _, m in unfilled)


def test_a_firehose_stream_named_in_a_json_document_s_pascal_case_keys_must_be_the_stack_s():
    stream = res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "fh",
                 {"name": "dosis-findings"})
    topic = res("aws:sns/topic:Topic", "t", {"name": "t", "arn": "arn:aws:sns:eu-west-1:123456789012:t"})
    policy = ('{"Statement":[{"Operation":{"Audit":{"FindingsDestination":{"Firehose":'
              '{"DeliveryStream":"%s"}}}}}]}')
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:t"

    def dpp(name):
        return res("aws:sns/dataProtectionPolicy:DataProtectionPolicy", "dpp",
                   {"arn": topic_arn, "policy": policy % name})

    assert _blocking(topic, stream, dpp("dosis-findings")) == []
    other = _blocking(topic, stream, dpp("partner-findings"))
    assert other and all("partner-findings" in m for _, m in other)


def _script(name: str, content: str):
    return res("azure-native:kusto:Script", name, {"resourceGroupName": "rg", "clusterName": "adx",
                                                   "databaseName": "db", "scriptName": name,
                                                   "scriptContent": content})


def test_a_kusto_export_to_an_external_table_needs_the_table_defined_by_the_stack():
    account = res("azure-native:storage:StorageAccount", "st", {
        "name": "dosisarchive", "accountName": "dosisarchive", "location": "westeurope"})
    cluster = res("azure-native:kusto:Cluster", "adx", {"name": "adx", "clusterName": "adx",
                                                        "resourceGroupName": "rg", "location": "westeurope"})
    define = (".create external table Archive (Id:string) kind=storage dataformat=parquet "
              "(h@'https://{}.blob.core.windows.net/archive;managed_identity=system')")
    export = ".create-or-alter continuous-export Feed to table {} with (intervalBetweenRuns=1h) <| Dossiers"
    assert _blocking(account, cluster, _script("d", define.format("dosisarchive")),
                     _script("e", export.format("Archive"))) == []
    hand_made = _blocking(account, cluster, _script("e", export.format("Landing")))
    assert hand_made and all("adx/db/Landing" in m for _, m in hand_made)
    once = _blocking(account, cluster, _script("e", ".export async to table ['Landing'] <| Dossiers"))
    assert once and all("a name the pack cannot read" in m for _, m in once)
    foreign = _blocking(account, cluster, _script("d", define.format("partnerlake")),
                        _script("e", export.format("Archive")))
    assert foreign and all("partnerlake.blob.core.windows.net" in m for _, m in foreign)


def _share(tenant: str, pinned: str | None):
    provider = ProviderView("pulumi:providers:azure-native", {"location": "westeurope", **(
        {"tenantId": pinned} if pinned else {})}, "urn:prov:az", "default")
    return res("azure-native:storage:DataShare", "share", {
        "resourceGroupName": "rg", "accountName": "dosisexports", "dataShareName": "s",
        "location": "westeurope", "properties": {"accessPolicies": [
            {"principalId": "7c1e4a2b-3d5f-4e6a-8b9c-0d1e2f3a4b5c", "tenantId": tenant,
             "permission": "Read"}]},
    }, provider=provider)


def test_a_storage_data_share_s_grantee_tenant_is_the_pinned_one_or_declared():
    identity = res("azure-native:managedidentity:UserAssignedIdentity", "id", {  # round 55: a stack identity
        "resourceGroupName": "rg", "resourceName": "id", "location": "westeurope",
        "principalId": "7c1e4a2b-3d5f-4e6a-8b9c-0d1e2f3a4b5c"})
    assert _blocking(identity, _share(TENANT, TENANT)) == []
    partner = _blocking(_share(PARTNER, TENANT))
    assert partner and all(PARTNER in m for _, m in partner)
    unpinned = _blocking(_share(TENANT, None))
    assert unpinned and all("pins no tenant" in m for _, m in unpinned)


def _container_workflow_app(env: dict[str, str]):
    listed = [{"name": k, "value": v} for k, v in env.items()]
    return res("azure-native:app:ContainerApp", "la", {
        "resourceGroupName": "rg", "containerAppName": "dosis-workflows", "location": "westeurope",
        "kind": "workflowapp", "template": {"containers": [{"name": "wf", "image": "x", "env": listed}]}})


def test_a_workflow_app_on_container_apps_joins_an_endpoint_from_two_env_variables():
    server = res("azure-native:sql:Server", "sql", {"name": "dosis-sql", "location": "westeurope"})
    own = {"sqlServerName": "dosis-sql", "sqlServerSuffix": "database.windows.net"}
    assert _blocking(server, _container_workflow_app(own)) == []
    other = _blocking(server, _container_workflow_app({**own, "sqlServerName": "dosis-sql-use"}))
    assert other and all("dosis-sql-use.database.windows.net" in m for _, m in other)
