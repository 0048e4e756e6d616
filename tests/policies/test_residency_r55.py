"""Red-team round 55 of the residency pack: a blind probe (all eight blocked before any change) and round 54's
leads, Data Pipeline expressions naming the object's own fields and a Storage DataShare's grantee principal in
the stack's own tenant (corpus: tests/corpus/residency/*/r55-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, res

from policies.core.view import ProviderView

TENANT = "11111111-2222-3333-4444-555555555555"
READER = "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f"


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def _definition(target: str, parent: bool = False):
    """An S3 data node whose path joins two user fields, held by the node itself or by its parent."""
    fields = [{"key": "myScheme", "stringValue": "s3://"}, {"key": "myTarget", "stringValue": target}]
    node = {"id": "Out", "name": "Out", "fields": [
        {"key": "type", "stringValue": "S3DataNode"},
        {"key": "directoryPath", "stringValue": "#{myScheme}#{myTarget}/dossiers/"},
        *([{"key": "parent", "refValue": "Base"}] if parent else fields)]}
    base = {"id": "Base", "name": "Base", "fields": fields}
    return res("aws:datapipeline/pipelineDefinition:PipelineDefinition", "def", {
        "pipelineId": "df-0123456789ABCDEFGHIJ", "pipelineObjects": [base, node] if parent else [node]})


def test_a_data_pipeline_path_built_from_the_object_s_own_fields_is_judged_as_filled():
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "eloket-exports"})
    assert _blocking(bucket, _definition("eloket-exports")) == []
    for parent in (False, True):
        partner = _blocking(bucket, _definition("partner-dossier-drop", parent))
        assert partner and all("partner-dossier-drop" in m for _, m in partner)


def _share(principal: str):
    provider = ProviderView("pulumi:providers:azure-native", {"location": "westeurope", "tenantId": TENANT},
                            "urn:prov:az", "default")
    return res("azure-native:storage:DataShare", "share", {
        "resourceGroupName": "rg", "accountName": "dosisexports", "dataShareName": "s",
        "location": "westeurope", "properties": {"accessPolicies": [
            {"principalId": principal, "tenantId": TENANT, "permission": "Read"}]},
    }, provider=provider)


def test_a_data_share_s_grantee_in_the_own_tenant_is_a_managed_identity_of_the_stack():
    reader = res("azure-native:managedidentity:UserAssignedIdentity", "reader", {
        "resourceGroupName": "rg", "resourceName": "reader", "location": "westeurope", "principalId": READER})
    app = res("azure-native:web:WebApp", "app", {
        "resourceGroupName": "rg", "name": "app", "location": "westeurope",
        "identity": {"type": "SystemAssigned", "principalId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}})
    assert _blocking(reader, _share(READER)) == []
    assert _blocking(app, _share("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")) == []
    vendor = _blocking(reader, app, _share("7c1e4a2b-3d5f-4e6a-8b9c-0d1e2f3a4b5c"))
    assert vendor and all("no managed identity of this stack" in m for _, m in vendor)
