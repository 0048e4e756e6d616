"""Red-team round 46 of the residency pack: an App Compliance Automation report's own storage account named
by bare name, and the RDS instance, Redshift cluster or Athena workgroup a QuickSight data source names by
bare id or name (corpus cases: tests/corpus/residency/{evil,good}/r46-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, res, unresolved

STORAGE = "azure-native:storage:StorageAccount"
REPORT = "azure-native:appcomplianceautomation:Report"
DATA_SOURCE = "aws:quicksight/dataSource:DataSource"


def _report(account: str):
    return res(REPORT, "r", {"reportName": "dosis", "timeZone": "UTC", "triggerTime": "2026-12-04T02:00:00Z",
                             "storageInfo": {"accountName": account, "location": "westeurope"}})


def test_a_report_s_storage_account_named_by_bare_name_must_be_the_stack_s():
    found = messages(RESOLVED, graph(_report("sharedauditstore")), ALLOWED)
    assert found == [("r", unresolved("storageInfo.accountName", f"{STORAGE}|sharedauditstore"))]


def test_a_report_on_the_stack_s_own_storage_account_passes():
    own = res(STORAGE, "sa", {
        "resourceGroupName": "rg-weu", "accountName": "dosisaudit", "location": "westeurope",
        "name": "dosisaudit", "id": f"{OWN}/Microsoft.Storage/storageAccounts/dosisaudit"})
    assert messages(RESOLVED, graph(own, _report("dosisaudit")), ALLOWED) == []


# (the data source's parameters, the path of the name, the type and inputs of the stack's resource so named)
SOURCES = [
    ({"rds": {"instanceId": "dossiers-db", "database": "d"}}, "parameters.rds.instanceId",
     "aws:rds/instance:Instance", {"identifier": "dossiers-db", "engine": "postgres"}),
    ({"redshift": {"clusterId": "dossiers-dw", "database": "d"}}, "parameters.redshift.clusterId",
     "aws:redshift/cluster:Cluster", {"clusterIdentifier": "dossiers-dw", "nodeType": "ra3.xlplus"}),
    ({"athena": {"workGroup": "dossiers-wg"}}, "parameters.athena.workGroup",
     "aws:athena/workgroup:Workgroup", {"name": "dossiers-wg"}),
]


@pytest.mark.parametrize(("parameters", "path", "type_", "inputs"), SOURCES)
def test_a_quicksight_source_named_by_bare_id_must_be_the_stack_s(parameters, path, type_, inputs):
    source = res(DATA_SOURCE, "qs", {"dataSourceId": "d", "name": "d", "parameters": parameters})
    name = next(iter(next(iter(parameters.values())).values()))
    assert messages(RESOLVED, graph(source), ALLOWED) == [("qs", unresolved(path, f"{type_}|{name}"))]
    assert messages(RESOLVED, graph(res(type_, "own", inputs), source), ALLOWED) == []


@pytest.mark.parametrize("inputs", [{"type": "ATHENA"}, {"parameters": {"athena": {}}}])
def test_an_athena_source_without_a_workgroup_blocks(inputs):
    source = res(DATA_SOURCE, "qs", {"dataSourceId": "d", "name": "d", **inputs})
    found = messages(REPLICATION, source, ALLOWED)
    assert len(found) == 1 and "`primary` workgroup" in found[0]
    assert "name a workgroup of the stack" in found[0]
