"""Red-team round 39 of the residency pack: Logic Apps managed-connector actions that name their target in
the action's path, Container Apps Dapr components (metadata names, secrets, types whose metadata places
nothing), Step Functions workflow variables, a webhook trigger's own callback URL and the azuresentinel
connector (corpus cases: tests/corpus/residency/{evil,good}/r39-*.yaml).
"""

from __future__ import annotations

from typing import Any

from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, pinned_res, res, unresolved

from policies.core.asl_variables import inline_variables
from policies.core.connector_paths import connector_path_refs
from policies.core.runtime_refs import computed_value

ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_PATH = "/v2/datasets/@{encodeURIComponent(encodeURIComponent('%s'))}/files"
ADF_PATH = ("/subscriptions/@{encodeURIComponent('%s')}/resourcegroups/@{encodeURIComponent('rg-weu')}/"
            "providers/Microsoft.DataFactory/factories/@{encodeURIComponent('adf')}/pipelines/"
            "@{encodeURIComponent('p')}/CreateRun")
SITE_NOTE = "; the pack cannot place that site in an allowed region, so keep the data in resources of the " \
            "stack's own regions"


def _workflow(*paths: str) -> Any:
    actions = {f"a{i}": {"type": "ApiConnection", "inputs": {"method": "post", "path": p, "host": {
        "connection": {"name": "@parameters('$connections')['x']['connectionId']"}}}}
        for i, p in enumerate(paths)}
    return res("azure-native:logic:Workflow", "wf", {
        "resourceGroupName": "rg-weu", "workflowName": "wf", "location": "westeurope",
        "definition": {"triggers": {"manual": {"type": "Request", "kind": "Http"}}, "actions": actions}})


def _account(name: str = "ownacct") -> Any:
    inputs = {"resourceGroupName": "rg-weu", "accountName": name, "name": name, "location": "westeurope"}
    return res(ACCOUNT, "sa", inputs)


def test_a_connector_action_path_names_its_target():
    at = "definition.actions.a0.inputs.path"
    partner = [(at, "named", f"{ACCOUNT}|partnerstore")]
    assert connector_path_refs(_workflow(BLOB_PATH % "partnerstore")) == partner
    sub = "99999999-0000-0000-0000-000000000000"
    assert connector_path_refs(_workflow(ADF_PATH % sub)) == [(at, "azure-id", (
        f"/subscriptions/{sub}/resourceGroups/rg-weu/providers/Microsoft.DataFactory/factories/adf"))]
    sentinel = "/Incidents/subscriptions/s-1/resourceGroups/rg/workspaces/law/alerts/x"
    assert connector_path_refs(_workflow(sentinel))[0][2] == (
        "/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law")
    assert connector_path_refs(_workflow("/v2/storageAccounts/@{encodeURIComponent('q1')}/queues/x")) == [
        (at, "named", f"{ACCOUNT}|q1")]
    # the connection's own account or server, a host spelled out in the text, a path naming nothing
    for own in (BLOB_PATH % "AccountNameFromSettings", "/datasets/default/files",
                BLOB_PATH % "a.blob.core.windows.net", "/v2/datasets/default,db/tables/t/items",
                "/@{encodeURIComponent('q')}/messages"):
        assert connector_path_refs(_workflow(own)) == [], own
    runtime = "/v2/datasets/@{triggerBody()?['account']}/files"
    assert connector_path_refs(_workflow(runtime)) == [(at, "runtime", runtime)]


def test_an_action_path_to_another_account_or_subscription_blocks():
    partner = _workflow(BLOB_PATH % "partnerstore", ADF_PATH % "99999999-0000-0000-0000-000000000000")
    assert sorted(messages(RESOLVED, graph(_account(), partner), ALLOWED)) == [
        ("wf", unresolved("definition.actions.a0.inputs.path", f"{ACCOUNT}|partnerstore")),
        ("wf", unresolved("definition.actions.a1.inputs.path", "/subscriptions/99999999-0000-0000-0000-"
                          "000000000000/resourceGroups/rg-weu/providers/Microsoft.DataFactory/factories/adf"))]
    factory = res("azure-native:datafactory:Factory", "adf", {
        "resourceGroupName": "rg-weu", "factoryName": "adf", "location": "westeurope",
        "id": f"{OWN}/Microsoft.DataFactory/factories/adf"})
    own = _workflow(BLOB_PATH % "ownacct", ADF_PATH % "00000000-0000-0000-0000-000000000000")
    assert messages(RESOLVED, graph(_account(), factory, own), ALLOWED) == []


def _dapr(kind: str, metadata: list[dict[str, str]], secrets: list[dict[str, str]] | None = None) -> Any:
    inputs: dict[str, Any] = {"resourceGroupName": "rg-weu", "environmentName": "cae", "componentName": "c",
                              "componentType": kind, "metadata": metadata}
    if secrets is not None:
        inputs["secrets"] = secrets
    return res("azure-native:app:DaprComponent", "c", inputs)


def test_a_dapr_component_names_its_azure_resource_by_a_bare_name():
    state = _dapr("state.azure.blobstorage", [{"name": "accountName", "value": "partnerstore"},
                                               {"name": "containerName", "value": "state"}])
    assert messages(RESOLVED, graph(_account(), state), ALLOWED) == [
        ("c", unresolved("metadata.0.value", f"{ACCOUNT}|partnerstore"))]
    own = _dapr("state.azure.blobstorage", [{"name": "accountName", "value": "ownacct"}])
    assert messages(RESOLVED, graph(_account(), own), ALLOWED) == []


def test_a_dapr_setting_read_from_an_unreadable_secret_blocks():
    bus = _dapr("pubsub.azure.servicebus.topics", [{"name": "connectionString", "secretRef": "sb"}],
                [{"name": "sb", "value": "[secret]"}])
    assert messages(RESOLVED, graph(bus), ALLOWED) == [(
        "c", "`secrets.0.value` is a secret the policy cannot read and computed from no resource of this "
        "stack, so where data is sent there cannot be judged (fail closed); make the destination a known, "
        "non-secret value")]
    # a credential's secret says nothing about the place
    metadata = [{"name": "bucket", "value": "b"}, {"name": "region", "value": "eu-west-1"},
                {"name": "secretKey", "secretRef": "k"}]
    keyed = _dapr("bindings.aws.s3", metadata, [{"name": "k", "value": "[secret]"}])
    s3 = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "b"})
    assert messages(RESOLVED, graph(s3, keyed), ALLOWED) == []
    missing = _dapr("pubsub.azure.servicebus.topics", [{"name": "connectionString", "secretRef": "nope"}])
    assert messages(REPLICATION, missing, ALLOWED) == [
        "`metadata.0.secretRef`: the metadata 'connectionString' reads the secret 'nope', which the "
        "component does not define; define it in `secrets`" + SITE_NOTE]


def test_a_dapr_component_whose_metadata_places_nothing_blocks():
    sms = _dapr("bindings.twilio.sms", [{"name": "toNumber", "value": "+3225530000"}])
    assert messages(REPLICATION, sms, ALLOWED) == [
        "`componentType`: a Dapr component of type 'bindings.twilio.sms' sends to or keeps data at a service "
        "its metadata does not place (a vendor's API, a project or tenant named without its location); use a "
        "component whose metadata names a resource of the stack or a host (Azure, AWS, Redis, PostgreSQL, "
        "Kafka, HTTP, …), or add the type to policies/core/dapr_places.py with where it sends" + SITE_NOTE]
    for free in ("state.in-memory", "bindings.cron", "secretstores.local.env", "middleware.http.ratelimit"):
        assert messages(REPLICATION, _dapr(free, []), ALLOWED) == [], free


def test_step_functions_variables_are_read_as_their_literals():
    doc = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"t": "drop-a", "u.$": "$.b", "n": 3}, "Next": "B"},
        "B": {"Type": "Task", "Assign": {"t": "drop-b"}, "Parameters": {
            "Bucket.$": "$t", "Other.$": "$u", "Key.$": "$.k", "Count.$": "$n"}},
        "C": {"Type": "Task", "Arguments": {"Bucket": "{% $t %}", "Input": "{% $states.input.b %}"}}}}
    out = inline_variables(doc)
    assert out["States"]["B"]["Parameters"] == {"Bucket": ["drop-a", "drop-b"], "Other.$": "$u",
                                                "Key.$": "$.k", "Count.$": "$n"}
    assert out["States"]["C"]["Arguments"] == {"Bucket": ["drop-a", "drop-b"],
                                               "Input": "{% $states.input.b %}"}
    assert inline_variables({"a": "$t"}) == {"a": "$t"}  # not a state machine


def test_a_webhook_trigger_s_own_callback_url_is_not_computed():
    assert not computed_value("@{listCallbackUrl()}")
    assert computed_value("@{concat('https://x.example/?cb=', listCallbackUrl())}")
