"""Red-team round 42 of the residency pack: a Managed Microsoft AD accepted from another account by a bare
share id, an Azure NetApp Files cache of an external ONTAP origin, an Azure id below a Site Recovery fabric
the stack does not create, DynamoDB tables named where a flow writes or reads, and a `NewBucket` flag read as
a bucket (corpus cases: tests/corpus/residency/{evil,good}/r42-*.yaml).
"""

from __future__ import annotations

import json
from typing import Any

from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, unresolved
from policy_testlib import pinned_res as res

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # an output unknown during preview
TABLE = "aws:dynamodb/table:Table"
SITE = ("; the pack cannot place that site in an allowed region, so keep the data in resources of the "
        "stack's own regions")
CHOSEN = ("the table is taken from the request, so which table (and where its replicas are) cannot be "
          "judged; name a table of this stack" + SITE)


# ------------------------------------------------------------------ a directory share accepted by bare id

ACCEPTER = "aws:directoryservice/sharedDirectoryAccepter:SharedDirectoryAccepter"
SHARE = "aws:directoryservice/sharedDirectory:SharedDirectory"


def test_a_directory_share_accepted_by_a_bare_id_must_be_the_stack_s():
    acc = res(ACCEPTER, "accept", {"sharedDirectoryId": "d-9367a1b2c3"})
    assert messages(RESOLVED, graph(acc), ALLOWED) == [
        ("accept", unresolved("sharedDirectoryId", f"{SHARE}|d-9367a1b2c3"))]


def test_the_stack_s_own_share_accepted_by_its_output_passes():
    share = res(SHARE, "share", {"directoryId": "d-93676e1a2b", "sharedDirectoryId": "d-9367a1b2c3",
                                  "target": {"id": "111122223333", "type": "ACCOUNT"}})
    by_output = res(ACCEPTER, "accept", {"sharedDirectoryId": "d-9367a1b2c3"})
    assert messages(RESOLVED, graph(share, by_output), ALLOWED) == []
    unknown = res(ACCEPTER, "accept", {"sharedDirectoryId": UNKNOWN},
                  property_dependencies={"sharedDirectoryId": (share.urn,)})
    assert messages(RESOLVED, graph(share, unknown), ALLOWED) == []


# ------------------------------------------------------------------ an ANF cache of an external origin

def _cache(origin: dict[str, Any] | None) -> Any:
    props: dict[str, Any] = {"filepath": "cases-cache", "size": 107374182400, "writeBack": "Disabled"}
    if origin is not None:
        props["originClusterInformation"] = origin
    return res("azure-native:netapp:CapacityPoolCache", "cache", {
        "resourceGroupName": "rg-weu", "accountName": "anf", "poolName": "premium", "cacheName": "c",
        "location": "westeurope", "properties": props})


def test_an_anf_cache_of_an_external_ontap_origin_blocks():
    origin = {"peerClusterName": "ontap-dc2", "peerAddresses": ["10.90.1.11"], "peerVserverName": "svm",
              "peerVolumeName": "cases"}
    assert messages(REPLICATION, _cache(origin), ALLOWED) == [
        "`properties.originClusterInformation`: an Azure NetApp Files cache volume reads from, and passes "
        "every write on to (write-around or write-back), its origin: a volume of an external ONTAP cluster "
        "named by cluster and SVM name at intercluster addresses that say nothing of where it is (a private "
        "address is on a network outside any region); keep the data on a volume of the stack (replicated by "
        "`dataProtection.replication` to another volume of the stack)" + SITE]
    assert messages(REPLICATION, _cache(None), ALLOWED) == messages(REPLICATION, _cache(origin), ALLOWED)


# ------------------------------------------------------------------ below a Site Recovery fabric

VAULT = f"{OWN}/Microsoft.RecoveryServices/vaults/asr"


def _site_recovery(target: str, *, fabric: str | None = None) -> Any:
    vault = res("azure-native:recoveryservices:Vault", "vault", {
        "resourceGroupName": "rg-weu", "vaultName": "asr", "location": "northeurope", "id": VAULT})
    fabrics = [res("azure-native:recoveryservices:ReplicationFabric", "fabric", {
        "resourceGroupName": "rg-weu", "resourceName": "asr", "fabricName": fabric,
        "properties": {"customDetails": {"instanceType": "Azure", "location": "northeurope"}}},
        property_dependencies={"resourceName": (vault.urn,)})] if fabric else []
    mapping = res("azure-native:recoveryservices:ReplicationProtectionContainerMapping", "mapping", {
        "resourceGroupName": "rg-weu", "resourceName": "asr", "fabricName": "we", "mappingName": "m",
        "protectionContainerName": "we-container",
        "properties": {"policyId": f"{VAULT}/replicationPolicies/a2a",
                       "targetProtectionContainerId": target}})
    return graph(vault, *fabrics, mapping)


def test_an_id_below_a_fabric_the_stack_does_not_create_is_not_the_vault_s():
    target = f"{VAULT}/replicationFabrics/asr-eastus/replicationProtectionContainers/eastus"
    assert messages(RESOLVED, _site_recovery(target, fabric="asr-northeurope"), ALLOWED) == [
        ("mapping", unresolved("properties.targetProtectionContainerId", target))]
    other = "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/rg-weu/providers"
    target = f"{other}/Microsoft.RecoveryServices/vaults/asr/replicationFabrics/asr-northeurope/x/ne"
    assert messages(RESOLVED, _site_recovery(target, fabric="asr-northeurope"), ALLOWED) == [
        ("mapping", unresolved("properties.targetProtectionContainerId", target))]


def test_an_id_below_the_stack_s_own_fabric_resolves_to_it():
    target = f"{VAULT}/replicationFabrics/ASR-NorthEurope/replicationProtectionContainers/ne"
    assert messages(RESOLVED, _site_recovery(target, fabric="asr-northeurope"), ALLOWED) == []


# ------------------------------------------------------------------ DynamoDB tables named by a flow

def _table(name: str = "dossier-status") -> Any:
    return res(TABLE, "table", {"name": name, "arn": f"arn:aws:dynamodb:eu-west-1:123456789012:table/{name}"})


def _rule(**actions: Any) -> Any:
    return res("aws:iot/topicRule:TopicRule", "rule", {
        "name": "r", "enabled": True, "sql": "SELECT * FROM 't'", "sqlVersion": "2016-03-23", **actions})


def test_iot_dynamodb_actions_name_a_table_of_the_stack():
    put = {"putItem": {"tableName": "shared"}, "roleArn": "arn:aws:iam::123456789012:role/r"}
    v1 = {"tableName": "shared", "hashKeyField": "id", "hashKeyValue": "x",
          "roleArn": "arn:aws:iam::123456789012:role/r"}
    rule = _rule(dynamodbv2s=[put], dynamodbs=[v1], errorAction={"dynamodbv2": put})
    assert messages(RESOLVED, graph(_table(), rule), ALLOWED) == [
        ("rule", unresolved(path, f"{TABLE}|shared")) for path in (
            "dynamodbs.0.tableName", "dynamodbv2s.0.putItem.tableName",
            "errorAction.dynamodbv2.putItem.tableName")]
    own = _rule(dynamodbv2s=[{**put, "putItem": {"tableName": "dossier-status"}}])
    assert messages(RESOLVED, graph(_table(), own), ALLOWED) == []


def test_a_table_named_by_arn_is_the_stack_s_table_of_that_name():
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/{}"
    source = {"apiId": "a", "name": "d", "type": "AMAZON_DYNAMODB", "dynamodbConfig": {"tableName": ""}}
    for name, found in (("dossier-status", []), ("shared", [unresolved("dynamodbConfig.tableName",
                                                                     f"{TABLE}|shared")])):
        source["dynamodbConfig"]["tableName"] = arn.format(name)
        ds = res("aws:appsync/dataSource:DataSource", "ds", source)
        assert [m for _, m in messages(RESOLVED, graph(_table(), ds), ALLOWED)] == found, name


def _integration(templates: Any) -> Any:
    inputs = {"restApi": "a", "resourceId": "r", "httpMethod": "POST", "type": "AWS",
              "uri": "arn:aws:apigateway:eu-west-1:dynamodb:action/PutItem"}
    if templates is not None:
        inputs["requestTemplates"] = templates
    return res("aws:apigateway/integration:Integration", "put", inputs)


def test_an_api_gateway_dynamodb_integration_names_the_stack_s_table_in_its_template():
    own = _integration({"application/json": '{"TableName": "dossier-status", "Item": {}}'})
    assert messages(RESOLVED, graph(_table(), own), ALLOWED) == []
    other = _integration({"application/json": '{"TableName": "shared", "Item": {}}'})
    assert messages(RESOLVED, graph(_table(), other), ALLOWED) == [
        ("put", unresolved("requestTemplates.application/json", f"{TABLE}|shared"))]


def test_a_table_the_request_chooses_blocks():
    chosen = _integration({"application/json": '{"TableName": "$input.params(\'t\')", "Item": {}}'})
    assert messages(REPLICATION, chosen, ALLOWED) == [f"`requestTemplates.application/json`: {CHOSEN}"]
    assert messages(REPLICATION, _integration(None), ALLOWED) == [f"`requestTemplates`: {CHOSEN}"]
    sfn = _machine({"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                    "Parameters": {"TableName.$": "$.table", "Key": {}}, "End": True})
    assert messages(REPLICATION, sfn, ALLOWED) == [f"`definition.States.S.TableName`: {CHOSEN}"]


def _machine(*states: dict[str, Any]) -> Any:
    doc = {"StartAt": "S", "States": {"S": states[0]} if len(states) == 1 else {
        "S": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": s}} for s in states],
              "End": True}}}
    return res("aws:sfn/stateMachine:StateMachine", "sm", {"name": "sm", "roleArn": "arn:aws:iam::1:role/r",
                                                         "definition": json.dumps(doc)})


def test_step_functions_dynamodb_tasks_name_tables_of_the_stack():
    put = {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
           "Parameters": {"TableName": "shared", "Item": {}}, "End": True}
    batch = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:batchWriteItem",
             "Arguments": {"RequestItems": {"dossier-status": [], "other": []}}, "End": True}
    found = messages(RESOLVED, graph(_table(), _machine(put, batch)), ALLOWED)
    assert sorted(found) == sorted([
        ("sm", unresolved("definition.States.S.Branches.0.States.T.TableName", f"{TABLE}|shared")),
        ("sm", unresolved("definition.States.S.Branches.1.States.T.TableName", f"{TABLE}|other"))])
    own = {**put, "Parameters": {"TableName": "dossier-status", "Item": {}}}
    assert messages(RESOLVED, graph(_table(), _machine(own)), ALLOWED) == []


# ------------------------------------------------------------------ a flag under a bucket key

def test_a_true_or_false_flag_under_a_bucket_key_is_no_bucket():
    def selection(overrides: dict[str, str]) -> Any:
        return res("aws:backup/restoreTestingSelection:RestoreTestingSelection", "s3", {
            "name": "s3", "restoreTestingPlanName": "p", "protectedResourceType": "S3",
            "iamRoleArn": "arn:aws:iam::123456789012:role/r", "restoreMetadataOverrides": overrides})
    assert messages(RESOLVED, graph(selection({"NewBucket": "false"})), ALLOWED) == []
    other = selection({"DestinationBucketName": "partner", "NewBucket": "true"})
    assert messages(RESOLVED, graph(other), ALLOWED) == [
        ("s3", unresolved("restoreMetadataOverrides.DestinationBucketName", "partner"))]
