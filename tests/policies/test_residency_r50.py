"""Red-team round 50 of the residency pack: a QuickSight source naming a record of the stack's private zone
(corpus cases: tests/corpus/residency/{evil,good}/r50-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, res

ZONE, RECORD = "aws:route53/zone:Zone", "aws:route53/record:Record"
SOURCE = "aws:quicksight/dataSource:DataSource"
VPC = res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})


def _zone_record(kind: str, value: str):
    zone = res(ZONE, "zone", {"name": "dosis.internal", "zoneId": "Z0123",
                              "vpcs": [{"vpcId": "vpc-0a1b", "vpcRegion": "eu-west-1"}]})
    return zone, res(RECORD, "db", {"zoneId": "Z0123", "name": "db", "type": kind, "records": [value]})


def _source(host: str):
    mysql = {"host": host, "port": 3306, "database": "dossiers"}
    inputs = {"dataSourceId": "d", "name": "d", "type": "MYSQL", "parameters": {"mysql": mysql}}
    return res(SOURCE, "mysql", inputs)


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def test_a_quicksight_source_naming_a_zone_record_in_the_stack_s_vpc_passes():
    assert _blocking(VPC, *_zone_record("A", "10.0.2.20"), _source("db.dosis.internal")) == []


def test_a_quicksight_source_naming_a_zone_record_outside_the_stack_s_networks_blocks_at_the_record():
    found = _blocking(VPC, *_zone_record("A", "10.200.0.20"), _source("db.dosis.internal"))
    assert [name for name, _ in found] == ["db"] and "records[0]` is 10.200.0.20" in found[0][1]


def test_a_quicksight_source_naming_a_zone_name_no_record_holds_blocks():
    found = _blocking(VPC, *_zone_record("A", "10.0.2.20"), _source("replica.dosis.internal"))
    assert found and all(name == "mysql" for name, _ in found)
    assert any("replica.dosis.internal, a name in a private DNS zone" in m for _, m in found)


def test_a_quicksight_source_naming_a_private_address_still_blocks():
    found = _blocking(VPC, _source("10.0.2.20"))
    assert any("whatever network its VPC connection routes to" in m for _, m in found)


def _workflow_app(location: str):
    settings = [{"name": "APP_KIND", "value": "workflowApp"},
                {"name": "WORKFLOWS_LOCATION_NAME", "value": location}]
    return res("azure-native:web:WebApp", "la", {
        "resourceGroupName": "rg", "name": "dosis-workflows", "location": "westeurope",
        "kind": "functionapp,workflowapp", "siteConfig": {"appSettings": settings}})


def test_a_workflow_app_s_managed_connections_region_setting_is_judged_as_a_region():
    found = messages(REPLICATION, _workflow_app("eastus"), ALLOWED)
    assert len(found) == 1 and "eastus" in found[0]
    assert messages(REPLICATION, _workflow_app("westeurope"), ALLOWED) == []
