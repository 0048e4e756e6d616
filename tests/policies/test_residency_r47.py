"""Red-team round 47 of the residency pack: the private hosts a QuickSight data source reaches through its VPC
connection, and the manifest an S3 source reads its file list from (corpus cases:
tests/corpus/residency/{evil,good}/r47-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, res, unresolved

DATA_SOURCE = "aws:quicksight/dataSource:DataSource"
BUCKET = "aws:s3/bucketV2:BucketV2"
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
MANIFEST = {"bucket": "dosis-manifests", "key": "dossiers/manifest.json"}
OWN_BUCKET = res(BUCKET, "b", {"bucket": "dosis-manifests"})


def _source(parameters: dict) -> object:
    return res(DATA_SOURCE, "qs", {"dataSourceId": "d", "name": "d", "parameters": parameters})


@pytest.mark.parametrize("parameters", [
    {"mysql": {"host": "10.20.1.15", "port": 3306, "database": "d"}},
    {"sqlServer": {"host": "sqlprod01", "port": 1433, "database": "d"}},
])
def test_a_private_host_of_a_quicksight_source_blocks(parameters):
    found = messages(REPLICATION, _source(parameters), ALLOWED)
    assert len(found) == 1 and "its VPC connection routes to" in found[0]


@pytest.mark.parametrize("parameters", [
    {"teradata": {"host": "td.dosis.corp", "port": 1025, "database": "d"}},
    {"jira": {"siteBaseUrl": "https://jira.dosis.internal/"}},
])
def test_a_private_zone_name_of_a_quicksight_source_no_record_of_the_stack_holds_blocks(parameters):
    """Round 50: such a name is placed as a record of the stack's private zone, else blocks as unresolved."""
    found = messages(RESOLVED, graph(_source(parameters)), ALLOWED)
    assert len(found) == 1 and "a name in a private DNS zone" in found[0][1]


def test_a_public_host_of_a_quicksight_source_is_judged_by_its_region():
    host = "dossiers.c9akciq32xyz.eu-west-1.rds.amazonaws.com"
    assert messages(REPLICATION, _source({"postgresql": {"host": host, "port": 5432, "database": "d"}}),
                    ALLOWED) == []


def _manifest_source():
    return res(DATA_SOURCE, "qs", {"dataSourceId": "d", "name": "d", "type": "S3",
                                   "parameters": {"s3": {"manifestFileLocation": MANIFEST}}})


def test_a_manifest_no_resource_of_the_stack_writes_blocks():
    found = messages(RESOLVED, graph(OWN_BUCKET, _manifest_source()),
                     ALLOWED)
    assert len(found) == 1 and "no resource of this stack" in found[0][1]


def test_a_manifest_object_of_the_stack_uploaded_from_a_file_blocks():
    obj = res(OBJECT, "m", {**MANIFEST, "source": {"path": "./manifest.json"}})
    found = messages(RESOLVED, graph(OWN_BUCKET, obj, _manifest_source()),
                     ALLOWED)
    assert len(found) == 1 and "write the file's settings inline" in found[0][1]


def test_a_manifest_object_of_the_stack_with_literal_content_passes():
    content = '{"fileLocations":[{"URIs":["s3://dosis-manifests/dossiers/2026-11.csv"]}]}'
    obj = res(OBJECT, "m", {**MANIFEST, "content": content})
    assert messages(RESOLVED, graph(OWN_BUCKET, obj, _manifest_source()),
                    ALLOWED) == []


GATEWAY = "aws:storagegateway/gateway:Gateway"
INSTANCE = "aws:ec2/instance:Instance"


def _gateway(**activation: str):
    return res(GATEWAY, "gw", {"gatewayName": "g", "gatewayTimezone": "GMT", "gatewayType": "FILE_S3",
                               **activation})


def test_a_storage_gateway_activated_by_key_blocks():
    found = messages(REPLICATION, _gateway(activationKey="ABCDE-12345-FGHIJ-67890-KLMNO"), ALLOWED)
    assert len(found) == 1 and "run it on an EC2 instance of the stack" in found[0]


def test_a_storage_gateway_at_an_address_of_no_instance_of_the_stack_blocks():
    found = messages(RESOLVED, graph(_gateway(gatewayIpAddress="10.40.2.17")), ALLOWED)
    assert found == [("gw", unresolved("gatewayIpAddress", f"{INSTANCE}|10.40.2.17"))]


def test_a_storage_gateway_on_an_instance_of_the_stack_passes():
    vm = res(INSTANCE, "vm", {"ami": "ami-0a1b2c3d", "instanceType": "m5.xlarge", "privateIp": "10.0.1.20"})
    assert messages(RESOLVED, graph(vm, _gateway(gatewayIpAddress="10.0.1.20")), ALLOWED) == []


GATEWAY_ARN = "arn:aws:storagegateway:eu-west-1:123456789012:gateway/sgw-12A3456B"
SHARE = "aws:storagegateway/nfsFileShare:NfsFileShare"


def _share():
    return res(SHARE, "nfs", {"gatewayArn": GATEWAY_ARN, "locationArn": "arn:aws:s3:::b", "roleArn": "r",
                              "clientLists": ["10.0.0.0/16"]})


def test_a_file_share_on_a_gateway_the_stack_does_not_create_blocks():
    found = messages(RESOLVED, graph(_share()), ALLOWED)
    assert ("nfs", unresolved("gatewayArn", f"{GATEWAY}|{GATEWAY_ARN}")) in found


def test_a_file_share_on_the_stack_s_gateway_is_judged_as_that_gateway():
    vm = res(INSTANCE, "vm", {"ami": "ami-0a1b2c3d", "instanceType": "m5.xlarge", "privateIp": "10.0.1.20"})
    gw = res(GATEWAY, "gw", {"gatewayName": "g", "gatewayTimezone": "GMT", "gatewayIpAddress": "10.0.1.20",
                             "arn": GATEWAY_ARN})
    found = messages(RESOLVED, graph(vm, gw, res(BUCKET, "b", {"bucket": "b"}), _share()), ALLOWED)
    assert found == []


@pytest.mark.parametrize("host", ["ip-10-20-1-5.us-east-1.compute.internal", "ip-10-20-1-6.ec2.internal"])
def test_an_ec2_private_dns_name_is_placed_by_its_region(host):
    fn = res("aws:lambda/function:Function", "fn", {"name": "f", "role": "r", "runtime": "python3.12",
                                                    "environment": {"variables": {"DB_HOST": host}}})
    found = messages(REPLICATION, fn, ALLOWED)
    assert len(found) == 1 and "'us-east-1', which is outside the EEA" in found[0]


def test_an_ec2_private_dns_name_of_an_allowed_region_passes_as_a_quicksight_host():
    host = "ip-10-0-1-7.eu-west-1.compute.internal"
    assert messages(REPLICATION, _source({"spark": {"host": host, "port": 10001}}), ALLOWED) == []
