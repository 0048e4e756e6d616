"""Red-team round 59 of the residency pack: round 58's lead (a percent-encoded host outside a URL), Data
Pipeline fields named through an object (`#{node.myField}`, `#{output.field}`) and a Data Explorer script
loaded from a blob (corpus: tests/corpus/residency/*/r59-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, pinned_res, res

from policies.core.pipeline_parameters import filled_definition

OPAQUE = "disallow-opaque-deployers"


def _lambda(value: str, key: str = "EXPORT"):
    return pinned_res("aws:lambda/function:Function", "fn", {
        "role": "arn:aws:iam::123456789012:role/dosis-export", "runtime": "python3.12",
        "handler": "app.handler", "environment": {"variables": {key: value}}})


@pytest.mark.parametrize(("value", "host"), [
    ("s3%2Eus-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"),
    ("dosis-exports.s3%2eus-east-1%2Eamazonaws%2ecom", "dosis-exports.s3.us-east-1.amazonaws.com"),
    ("b-1.x.a1b2c3.c2.kafka%2Eus-east-1.amazonaws.com:9098", "b-1.x.a1b2c3.c2.kafka.us-east-1.amazonaws.com"),
    ("s3%2Eus%2Deast%2D1%2Eamazonaws%2Ecom", "s3.us-east-1.amazonaws.com"),
])
def test_a_percent_encoded_host_without_a_scheme_is_judged_as_the_decoded_host(value, host):
    found = messages(REPLICATION, _lambda(value), ALLOWED)
    assert any(f"({host}) is in 'us-east-1'" in m for m in found), found
    # an encoded file name decodes to no host
    assert messages(REPLICATION, _lambda("maandrapport%2Edossiers%2Exlsx", "REPORT_NAME"), ALLOWED) == []


@pytest.mark.parametrize(("value", "host"), [
    ("dosisexport%2Eblob.core.windows.net", "dosisexport.blob.core.windows.net"),
    ("Server=tcp:partnerexports%2Edatabase.windows.net,1433;Database=d",
     "partnerexports.database.windows.net"),
])
def test_a_percent_encoded_azure_host_is_named_as_decoded_not_from_its_escape(value, host):
    app = res("azure-native:web:WebApp", "app", {
        "resourceGroupName": "rg", "location": "westeurope", "serverFarmId": "/x",
        "siteConfig": {"appSettings": [{"name": "EXPORT", "value": value}]}})
    found = messages(RESOLVED, graph(app), ALLOWED)
    assert found and all(host in m for _, m in found), found
    assert not any("2e" + host.split(".", 1)[1] in m for _, m in found), found


def _definition(target: str, path: str):
    """An S3 data node joining user fields through `node.`, and a shell command copying to `output.`."""
    out = {"id": "Out", "name": "Out", "fields": [
        {"key": "type", "stringValue": "S3DataNode"}, {"key": "myScheme", "stringValue": "s3://"},
        {"key": "myTarget", "stringValue": target}, {"key": "directoryPath", "stringValue": path}]}
    ship = {"id": "Ship", "name": "Ship", "fields": [
        {"key": "type", "stringValue": "ShellCommandActivity"}, {"key": "output", "refValue": "Out"},
        {"key": "command", "stringValue": "aws s3 cp --recursive /tmp/d #{output.directoryPath}"}]}
    return res("aws:datapipeline/pipelineDefinition:PipelineDefinition", "def", {
        "pipelineId": "df-0123456789ABCDEFGHIJ", "pipelineObjects": [out, ship]})


def _blocking(*views):
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def test_a_data_pipeline_field_named_through_an_object_is_judged_as_filled():
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "eloket-exports"})
    path = "#{node.myScheme}#{node.myTarget}/dossiers/"
    assert _blocking(bucket, _definition("eloket-exports", path)) == []
    partner = _blocking(bucket, _definition("partner-dossier-drop", path))
    assert partner and all("partner-dossier-drop" in str(m) for m in partner), partner
    # the command names the node's path through `output.`, itself filled from the node's own fields
    v = _definition("partner-dossier-drop", path)
    ship = filled_definition(v, dict(v.inputs))["pipelineObjects"][1]
    assert ship["fields"][2]["stringValue"].endswith(" s3://partner-dossier-drop/dossiers/"), ship


@pytest.mark.parametrize("path", ["#{node.undefinedField}/dossiers/", "#{format(node.myTarget)}/d"])
def test_a_data_pipeline_path_headed_by_an_expression_nothing_fills_blocks(path):
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "eloket-exports"})
    found = _blocking(bucket, _definition("eloket-exports", path))
    assert found and all("begins with an expression filled in at run time" in str(m) for m in found), found


def _script(**inputs):
    return res("azure-native:kusto:Script", "script", {
        "resourceGroupName": "rg", "clusterName": "adx", "databaseName": "db", "scriptName": "s", **inputs})


def test_a_data_explorer_script_loaded_from_a_blob_blocks_and_an_inline_one_is_scanned():
    loaded = messages(OPAQUE, _script(scriptUrl="https://stdosis.blob.core.windows.net/kql/x.kql"), ALLOWED)
    assert loaded and "write the script inline as `scriptContent`" in loaded[0], loaded
    inline = _script(scriptContent=".create-merge table Dossiers (Id: string)")
    assert messages(OPAQUE, inline, ALLOWED) == []
