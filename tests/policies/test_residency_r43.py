"""Red-team round 43 of the residency pack: Cosmos DB restore sources, a Container Apps environment's Azure
Files account, Spark's `local:///` files, cross-subscription restore of backup vaults, an ANF migration
volume's external ONTAP source, and the tables an API Gateway DynamoDB template names without `"TableName"`
(corpus cases: tests/corpus/residency/{evil,good}/r43-*.yaml).
"""

from __future__ import annotations

from typing import Any

from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, unresolved
from policy_testlib import pinned_res as res

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # an output unknown during preview
SITE = ("; the pack cannot place that site in an allowed region, so keep the data in resources of the "
        "stack's own regions")
TABLE = "aws:dynamodb/table:Table"
COSMOS = "azure-native:cosmosdb:DatabaseAccount"
INSTANCE = "7c1f3a52-2b4e-4d6f-8a90-b1c2d3e4f506"
SUBSCRIPTION = OWN.split("/resourceGroups/", 1)[0]


# ------------------------------------------------------------------ Cosmos DB restore sources

def _restorable(subscription: str = SUBSCRIPTION, location: str = "westeurope",
                instance: str = INSTANCE) -> str:
    return (f"{subscription}/providers/Microsoft.DocumentDB/locations/{location}/restorableDatabaseAccounts/"
            f"{instance}")


def _restored(source: str) -> Any:
    return res(COSMOS, "restored", {
        "resourceGroupName": "rg-weu", "accountName": "restored", "location": "westeurope",
        "databaseAccountOfferType": "Standard", "createMode": "Restore",
        "restoreParameters": {"restoreMode": "PointInTime", "restoreSource": source,
                              "restoreTimestampInUtc": "2026-11-30T06:00:00Z"}})


def _source() -> Any:
    return res(COSMOS, "source", {
        "resourceGroupName": "rg-weu", "accountName": "source", "location": "westeurope",
        "databaseAccountOfferType": "Standard", "instanceId": INSTANCE,
        "id": f"{OWN}/Microsoft.DocumentDB/databaseAccounts/source"})


def test_a_cosmos_restore_source_must_be_the_stack_s_account():
    other = "/subscriptions/99999999-0000-0000-0000-000000000000"
    for source in (_restorable(subscription=other), _restorable(instance=UNKNOWN.replace("04", "05"))):
        assert messages(RESOLVED, graph(_source(), _restored(source)), ALLOWED) == [
            ("restored", unresolved("restoreParameters.restoreSource", source))], source


def test_the_stack_s_own_account_restored_by_its_instance_id_passes():
    assert messages(RESOLVED, graph(_source(), _restored(_restorable())), ALLOWED) == []
    assert messages(REPLICATION, _restored(_restorable()), ALLOWED) == []


def test_a_restore_source_outside_the_allowed_regions_blocks_by_its_location():
    found = messages(REPLICATION, _restored(_restorable(location="eastus")), ALLOWED)
    assert len(found) == 1 and "'eastus'" in found[0]
    assert found[0].startswith("`restoreParameters.restoreSource`")


# ------------------------------------------------------------------ an app env's Azure Files account

def _env_storage(account: str) -> Any:
    return res("azure-native:app:ManagedEnvironmentsStorage", "share", {
        "resourceGroupName": "rg-weu", "environmentName": "env", "storageName": "exports",
        "properties": {"azureFile": {"accountName": account, "shareName": "exports",
                                     "accessMode": "ReadWrite"}}})


def test_an_environment_s_azure_files_account_must_be_the_stack_s():
    own = res("azure-native:storage:StorageAccount", "st", {
        "resourceGroupName": "rg-weu", "accountName": "dosisexports", "location": "westeurope",
        "name": "dosisexports", "id": f"{OWN}/Microsoft.Storage/storageAccounts/dosisexports"})
    assert messages(RESOLVED, graph(own, _env_storage("dosisexports")), ALLOWED) == []
    assert messages(RESOLVED, graph(own, _env_storage("partnerexports")), ALLOWED) == [
        ("share", unresolved("properties.azureFile.accountName",
                             "azure-native:storage:StorageAccount|partnerexports"))]


# ------------------------------------------------------------------ Spark's local:/// files

def test_a_local_url_is_a_file_in_the_image_and_another_hostless_scheme_still_blocks():
    def template(entry: str) -> Any:
        return res("aws:emrcontainers/jobTemplate:JobTemplate", "t", {"name": "t", "jobTemplateData": {
            "executionRoleArn": "arn:aws:iam::123456789012:role/r", "releaseLabel": "emr-7.2.0-latest",
            "jobDriver": {"sparkSubmitJobDriver": {"entryPoint": entry}}}})
    assert messages(REPLICATION, template("local:///opt/jobs/aggregate.py"), ALLOWED) == []
    assert messages(REPLICATION, template("tunnel:///jobs/aggregate.py"), ALLOWED) == [
        "`jobTemplateData.jobDriver.sparkSubmitJobDriver.entryPoint`: tunnel:///… is a URL with no host: it "
        "goes to wherever the client serving that scheme runs (a tunnel on a developer's machine, a local "
        "agent); name a host of the stack or a declared one" + SITE]


# ------------------------------------------------------------------ cross-subscription restore

BACKUP_VAULT = "azure-native:dataprotection:BackupVault"
RS_VAULT = "azure-native:recoveryservices:Vault"
BV_PATH = "properties.featureSettings.crossSubscriptionRestoreSettings.state"
RS_PATH = "properties.restoreSettings.crossSubscriptionRestoreSettings.crossSubscriptionRestoreState"


def _vault(typ: str, state: Any) -> Any:
    props: dict[str, Any] = {"storageSettings": [{"datastoreType": "VaultStore", "type": "LocallyRedundant"}]}
    if typ == BACKUP_VAULT and state is not None:
        props["featureSettings"] = {"crossSubscriptionRestoreSettings": {"state": state}}
    if typ == RS_VAULT:
        props = {"publicNetworkAccess": "Disabled"}
        if state is not None:
            settings = {"crossSubscriptionRestoreState": state}
            props["restoreSettings"] = {"crossSubscriptionRestoreSettings": settings}
    return res(typ, "vault", {"resourceGroupName": "rg-weu", "vaultName": "v", "location": "westeurope",
                              "properties": props})


def _restore_message(path: str, state: str) -> str:
    return (f"`{path}` is {state}: anyone with restore rights in another subscription of the tenant can "
            "restore the vault's backups there, into resources this stack neither creates nor places (that "
            "subscription keeps or copies them where it likes); set it to 'Disabled' (or "
            "'PermanentlyDisabled') and restore into resources of this stack")


def test_a_vault_must_turn_cross_subscription_restore_off():
    for typ, path in ((BACKUP_VAULT, BV_PATH), (RS_VAULT, RS_PATH)):
        assert messages(REPLICATION, _vault(typ, None), ALLOWED) == [
            _restore_message(path, "not set (the API's default is 'Enabled')")], typ
        assert messages(REPLICATION, _vault(typ, "Enabled"), ALLOWED) == [
            _restore_message(path, "'Enabled'")], typ
        assert messages(REPLICATION, _vault(typ, UNKNOWN), ALLOWED) == [
            f"`{path}` is unknown during preview, so whether backups can be restored into other "
            "subscriptions cannot be judged; the resource is treated as non-compliant (fail closed)"], typ
        for off in ("Disabled", "PermanentlyDisabled"):
            assert messages(REPLICATION, _vault(typ, off), ALLOWED) == [], (typ, off)


# ------------------------------------------------------------------ an ANF migration volume

def _volume(replication: dict[str, Any] | None) -> Any:
    inputs: dict[str, Any] = {"resourceGroupName": "rg-weu", "accountName": "anf", "poolName": "premium",
                              "volumeName": "archive", "location": "westeurope", "creationToken": "archive",
                              "usageThreshold": 107374182400, "subnetId": f"{OWN}/Microsoft.Network/x"}
    if replication is not None:
        inputs["dataProtection"] = {"replication": replication}
    return res("azure-native:netapp:CapacityPoolVolume", "vol", inputs)


def test_an_anf_volume_migrated_from_an_external_ontap_cluster_blocks():
    remote = {"endpointType": "dst", "replicationSchedule": "hourly",
              "remotePath": {"externalHostName": "ontap-cl01", "serverName": "svm", "volumeName": "v"}}
    assert messages(REPLICATION, _volume(remote), ALLOWED) == [
        "`dataProtection.replication.remotePath`: an Azure NetApp Files migration volume is a SnapMirror "
        "peer of a volume on an external ONTAP cluster (named by host, server and volume name; the peering "
        "addresses say nothing of where it is): the data comes from, and until the relationship is broken "
        "off stays in step with, a place the pack cannot place; copy the data in from a resource of the "
        "stack instead" + SITE]
    assert messages(REPLICATION, _volume(None), ALLOWED) == []


# ------------------------------------------------------------------ API Gateway DynamoDB templates

def _table(name: str = "dossier-status") -> Any:
    return res(TABLE, "table", {"name": name, "arn": f"arn:aws:dynamodb:eu-west-1:123456789012:table/{name}"})


def _integration(action: str, template: str) -> Any:
    return res("aws:apigateway/integration:Integration", "api", {
        "restApi": "a", "resourceId": "r", "httpMethod": "POST", "type": "AWS",
        "uri": f"arn:aws:apigateway:eu-west-1:dynamodb:action/{action}",
        "requestTemplates": {"application/json": template}})


def test_a_batch_template_names_its_tables_as_request_items_keys():
    batch = '{"RequestItems": {"dossier-status": [], "%s": []}}'
    assert messages(RESOLVED, graph(_table(), _integration("BatchWriteItem", batch % "dossier-status")),
                    ALLOWED) == []
    assert messages(RESOLVED, graph(_table(), _integration("BatchWriteItem", batch % "shared")), ALLOWED) == [
        ("api", unresolved("requestTemplates.application/json", f"{TABLE}|shared"))]
    vtl = '{"RequestItems": {"dossier-status": $input.json(\'$.items\')}}'
    assert messages(REPLICATION, _integration("BatchWriteItem", vtl), ALLOWED) == [
        "`requestTemplates.application/json`: a batch call's `RequestItems` in a template that is not "
        "JSON (VTL directives or an unquoted value) cannot be read, so which tables it writes to cannot be "
        "judged; write the template as JSON naming tables of this stack" + SITE]


def test_a_partiql_template_names_its_table_in_the_statement():
    for statement, found in (('UPDATE \\"dossier-status\\" SET s = ? WHERE id = ?', []),
                             ("SELECT * FROM dossier-status WHERE id = ?", []),
                             ('INSERT INTO \\"shared\\" VALUE {}', [f"{TABLE}|shared"])):
        api = _integration("ExecuteStatement", '{"Statement": "' + statement + '", "Parameters": []}')
        assert messages(RESOLVED, graph(_table(), api), ALLOWED) == [
            ("api", unresolved("requestTemplates.application/json", v)) for v in found], statement


def test_an_action_that_names_no_table_passes_and_a_template_naming_none_still_blocks():
    assert messages(REPLICATION, _integration("ListTables", '{"Limit": 10}'), ALLOWED) == []
    assert messages(REPLICATION, _integration("PutItem", '{"Item": {"note": {"S": "from the portal"}}}'),
                    ALLOWED) == [
        "`requestTemplates.application/json`: the table is taken from the request, so which table (and "
        "where its replicas are) cannot be judged; name a table of this stack" + SITE]
