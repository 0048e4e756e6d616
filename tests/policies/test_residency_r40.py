"""Red-team round 40 of the residency pack: Stream Analytics jobs and inputs that name their storage
account, Event Hubs namespace, IoT hub or SQL server by a bare name, and an IoT hub's host placed on the
stack's own hub (corpus cases: tests/corpus/residency/{evil,good}/r40-*.yaml).
"""

from __future__ import annotations

from typing import Any

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, unresolved
from policy_testlib import pinned_res as res

JOB = "azure-native:streamanalytics:StreamingJob"
INPUT = "azure-native:streamanalytics:Input"
ACCOUNT = "azure-native:storage:StorageAccount"
UNKNOWN_KIND = (
    " is a kind of destination the pack does not know, so what it names and where it is cannot be judged; "
    "use a kind listed in policies/core/named_services.py (or add this one with the field that names its "
    "service)"
)


def _job(**inputs: Any) -> Any:
    base = {"resourceGroupName": "rg-weu", "jobName": "asa", "location": "westeurope"}
    return res(JOB, "job", {**base, **inputs})


def _input(datasource: dict[str, Any], kind: str = "Stream") -> Any:
    return res(INPUT, "in", {"resourceGroupName": "rg-weu", "jobName": "asa", "inputName": "in",
                             "properties": {"type": kind, "datasource": datasource}})


def _account(name: str) -> Any:
    return res(ACCOUNT, "sa", {"resourceGroupName": "rg-weu", "accountName": name, "name": name,
                               "location": "westeurope"})


def test_a_job_s_own_storage_blocks_name_a_storage_account():
    job = _job(jobStorageAccount={"accountName": "partnerckpt", "authenticationMode": "Msi"},
               externals={"container": "udf", "storageAccount": {"accountName": "partnerudf"}})
    assert sorted(messages(RESOLVED, graph(job), ALLOWED)) == [
        ("job", unresolved("externals.storageAccount.accountName", f"{ACCOUNT}|partnerudf")),
        ("job", unresolved("jobStorageAccount.accountName", f"{ACCOUNT}|partnerckpt"))]
    own = _job(jobStorageAccount={"accountName": "ownckpt"},
               externals={"storageAccount": {"accountName": "ownckpt"}})
    assert messages(RESOLVED, graph(_account("ownckpt"), own), ALLOWED) == []


def test_an_input_is_judged_as_the_service_its_name_makes():
    cases = {
        ("Microsoft.EventHub/EventHub", "serviceBusNamespace", "evhns-p"): "evhns-p.servicebus.windows.net",
        ("Microsoft.ServiceBus/EventHub", "serviceBusNamespace", "evhns-q"): "evhns-q.servicebus.windows.net",
        ("Microsoft.Devices/IotHubs", "iotHubNamespace", "iot-p"): "iot-p.azure-devices.net",
        ("Microsoft.Sql/Server/Database", "server", "sql-p"): "sql-p.database.windows.net",
    }
    for (kind, field, name), host in cases.items():
        path = f"properties.datasource.{field}"
        assert messages(RESOLVED, graph(_input({"type": kind, field: name})), ALLOWED) == [
            ("in", unresolved(path, host))], kind
    # the device's own file and message bus, a blob input's listed accounts (read as named accounts)
    for local in ({"type": "File", "path": "/data/ref.csv"}, {"type": "GatewayMessageBus", "topic": "t"}):
        assert messages(RESOLVED, graph(_input(local, "Reference")), ALLOWED) == [], local


def test_an_input_of_an_unknown_kind_blocks():
    odd = _input({"type": "Microsoft.Kafka/Clusters", "bootstrapServers": "k:9092"})
    assert messages(REPLICATION, odd, ALLOWED) == [
        "`properties.datasource.type` = 'Microsoft.Kafka/Clusters'" + UNKNOWN_KIND]


def test_the_stack_s_own_hub_and_namespace_named_by_an_input_resolve():
    where = {"resourceGroupName": "rg-weu", "location": "westeurope"}
    hub = res("azure-native:iothub:IotHubResource", "hub", {**where, "name": "iot-own"})
    ns = res("azure-native:eventhub:Namespace", "ns", {**where, "name": "evhns-own"})
    inputs = [_input({"type": "Microsoft.Devices/IotHubs", "iotHubNamespace": "iot-own"}),
              _input({"type": "Microsoft.EventHub/EventHub", "serviceBusNamespace": "evhns-own"})]
    for i in inputs:
        assert messages(RESOLVED, graph(hub, ns, i), ALLOWED) == []


def test_a_four_part_engine_version_is_no_address():
    inputs = {"clusterIdentifier": "g", "engine": "neptune", "engineVersion": "1.3.2.1"}
    assert messages(RESOLVED, graph(res("aws:neptune/cluster:Cluster", "g", inputs)), ALLOWED) == []
    # a version field keeps its meaning deeper down (as before); an address in another top field is read
    hosted = {**inputs, "replicationSourceIdentifier": "203.0.113.9"}
    assert messages(RESOLVED, graph(res("aws:neptune/cluster:Cluster", "g", hosted)), ALLOWED) == [
        ("g", unresolved("replicationSourceIdentifier", "203.0.113.9"))]
