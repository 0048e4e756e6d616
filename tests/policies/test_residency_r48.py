"""Red-team round 48 of the residency pack: the subnets of a QuickSight VPC connection, and names in a custom
private DNS zone (corpus cases: tests/corpus/residency/{evil,good}/r48-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import ALLOWED, RESOLVED, graph, messages, res, unresolved

CONNECTION = "aws:quicksight/vpcConnection:VpcConnection"
SUBNET = "aws:ec2/subnet:Subnet"
CONNECTION_ARN = "arn:aws:quicksight:eu-west-1:123456789012:vpcConnection/elsewhere"


def _connection(*subnets: str, **outputs: str):
    return res(CONNECTION, "qsvpc", {"vpcConnectionId": "c", "roleArn": "r", "securityGroupIds": ["sg-0a1b"],
                                     "subnetIds": list(subnets), **outputs})


def test_a_vpc_connection_in_subnets_the_stack_does_not_create_blocks():
    found = messages(RESOLVED, graph(_connection("subnet-0f9e8d7c")), ALLOWED)
    assert found == [("qsvpc", unresolved("subnetIds.0", f"{SUBNET}|subnet-0f9e8d7c"))]


def test_a_vpc_connection_in_the_stack_s_subnets_passes():
    subnet = res(SUBNET, "a", {"vpcId": "vpc-0a1b", "cidrBlock": "10.0.1.0/24", "id": "subnet-0a1b2c3d"})
    assert messages(RESOLVED, graph(subnet, _connection("subnet-0a1b2c3d")), ALLOWED) == []


def _source():
    return res("aws:quicksight/dataSource:DataSource", "qs", {
        "dataSourceId": "d", "name": "d",
        "parameters": {"postgresql": {"host": "d.c9akciq32xyz.eu-west-1.rds.amazonaws.com", "port": 5432,
                                      "database": "d"}},
        "vpcConnectionProperties": {"vpcConnectionArn": CONNECTION_ARN}})


def test_a_quicksight_source_through_a_vpc_connection_the_stack_does_not_create_blocks():
    found = messages(RESOLVED, graph(_source()), ALLOWED)
    path = "vpcConnectionProperties.vpcConnectionArn"
    assert ("qs", unresolved(path, f"{CONNECTION}|{CONNECTION_ARN}")) in found


def _function(host: str):
    return res("aws:lambda/function:Function", "fn", {"name": "f", "role": "r", "runtime": "python3.12",
                                                      "environment": {"variables": {"DB_HOST": host}}})


@pytest.mark.parametrize("host", ["db.dosis.internal", "sql.dossiers.corp", "nas01.office.lan"])
def test_a_name_in_a_private_zone_the_stack_does_not_create_blocks(host):
    found = messages(RESOLVED, graph(_function(host)), ALLOWED)
    assert len(found) == 1 and "a name in a private DNS zone" in found[0][1]


def test_a_record_of_the_stack_s_private_zone_passes():
    zone = res("aws:route53/zone:Zone", "zone", {"name": "dosis.internal", "zoneId": "Z0123",
                                                 "vpcs": [{"vpcId": "vpc-0a1b", "vpcRegion": "eu-west-1"}]})
    record = res("aws:route53/record:Record", "db", {"zoneId": "Z0123", "name": "db", "type": "A",
                                                     "records": ["10.0.1.5"]})
    vpc = res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})  # round 49: its address is the stack's
    assert messages(RESOLVED, graph(vpc, zone, record, _function("db.dosis.internal")), ALLOWED) == []


def test_the_loopback_and_ec2_names_are_no_zone_names():
    for host in ("localhost", "api.localhost", "ip-10-0-1-7.eu-west-1.compute.internal"):
        assert messages(RESOLVED, graph(_function(host)), ALLOWED) == []


FHIR = "azure-native:healthcareapis:FhirService"


def _fhir(store: str):
    return res(FHIR, "fhir", {"resourceGroupName": "rg", "workspaceName": "w", "fhirServiceName": "f",
                              "importConfiguration": {"enabled": True, "integrationDataStore": store}})


def test_a_fhir_service_importing_from_an_account_the_stack_does_not_create_blocks():
    found = messages(RESOLVED, graph(_fhir("dossiersimportus")), ALLOWED)
    path = "importConfiguration.integrationDataStore"
    assert ("fhir", unresolved(path, "azure-native:storage:StorageAccount|dossiersimportus")) in found
