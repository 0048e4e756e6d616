"""The exporters alone (no checkov run): type mapping, property shapes, references, redaction, tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from checkov_states import PSK, TAGS, UNKNOWN, checkpoint, secret
from gate.checkov import arm, terraform
from gate.checkov.names import singular, snake
from gate.checkov.runner import export_stack

DATA = Path(__file__).resolve().parents[2] / "scripts" / "gate" / "checkov" / "data"


def _plan(resources, deps=None):
    return terraform.export(checkpoint("s", resources, deps))


def test_names() -> None:
    assert snake("serverSideEncryptionConfiguration") == "server_side_encryption_configuration"
    assert snake("BucketV2") == "bucket_v2"
    assert [singular(w) for w in ("rules", "policies", "ingress", "address")] == ["rule", "policy", "ingress",
                                                                               "address"]


@pytest.mark.parametrize(("token", "tf_type"), [
    ("aws:s3/bucket:Bucket", "aws_s3_bucket"),
    ("aws:s3/bucketV2:BucketV2", "aws_s3_bucket"),
    ("aws:rds/instance:Instance", "aws_db_instance"),
    ("aws:ec2/instance:Instance", "aws_instance"),
    ("aws:kms/key:Key", "aws_kms_key"),
    ("aws:cloudtrail/trail:Trail", "aws_cloudtrail"),
    ("aws:lb/loadBalancer:LoadBalancer", "aws_lb"),
    ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws_s3_bucket_public_access_block"),
    ("aws:ec2/securityGroup:SecurityGroup", "aws_security_group"),
    ("aws:elasticache/replicationGroup:ReplicationGroup", "aws_elasticache_replication_group"),
])
def test_aws_type_mapping(token: str, tf_type: str) -> None:
    assert terraform.type_table()[token] == tf_type


@pytest.mark.parametrize(("token", "arm_type"), [
    ("azure-native:keyvault:Vault", "Microsoft.KeyVault/vaults"),
    ("azure-native:storage:StorageAccount", "Microsoft.Storage/storageAccounts"),
    ("azure-native:storage:BlobContainer", "Microsoft.Storage/storageAccounts/blobServices/containers"),
    ("azure-native:network:NetworkSecurityGroup", "Microsoft.Network/networkSecurityGroups"),
    ("azure-native:sql:Server", "Microsoft.Sql/servers"),
])
def test_azure_type_mapping(token: str, arm_type: str) -> None:
    info = arm.type_table()[token]
    assert info["arm_type"] == arm_type
    assert info["api_version"][:2] == "20"


def test_terraform_plan_shape_blocks_maps_and_lists() -> None:
    out = _plan([("aws:s3/bucketV2:BucketV2", "b", {
        "bucket": "b", "tags": TAGS,
        "serverSideEncryptionConfiguration": {"rule": {"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms"}}},
        "lifecycleRules": [{"enabled": True}], "corsRules": []},
    )])
    res = out.plan["planned_values"]["root_module"]["resources"][0]
    assert (res["address"], res["type"], res["name"]) == ("aws_s3_bucket.b", "aws_s3_bucket", "b")
    assert res["mode"] == "managed"
    values = res["values"]
    assert values["tags"] == TAGS
    assert values["server_side_encryption_configuration"][0]["rule"][0][
        "apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert values["lifecycle_rule"] == [{"enabled": True}]
    assert out.plan["resource_changes"][0]["change"]["actions"] == ["create"]
    assert out.urns == {"aws_s3_bucket.b": "urn:pulumi:s::dosis-eloket::aws:s3/bucketV2:BucketV2::b"}


def test_property_dependencies_become_references_and_unknowns_are_left_to_them() -> None:
    out = _plan([("aws:s3/bucket:Bucket", "data", {"bucket": "x"}),
                 ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data", {"bucket": UNKNOWN})],
                deps={"data": {}})
    # same logical name for both types is fine: addresses differ by type
    assert set(out.urns) == {"aws_s3_bucket.data", "aws_s3_bucket_public_access_block.data"}
    out = _plan([("aws:s3/bucket:Bucket", "bkt", {"bucket": "x"}),
                 ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {"bucket": UNKNOWN})],
                deps={"pab": {"bucket": ["bkt"]}})
    conf = out.plan["configuration"]["root_module"]["resources"][1]
    assert conf["expressions"]["bucket"]["references"] == ["aws_s3_bucket.bkt.id", "aws_s3_bucket.bkt"]
    pab = out.plan["planned_values"]["root_module"]["resources"][1]
    assert "bucket" not in pab["values"]
    assert out.plan["resource_changes"][1]["change"]["after_unknown"] == {"bucket": True}


def test_duplicate_names_get_unique_addresses_and_unmapped_types_are_counted() -> None:
    out = _plan([("aws:kms/key:Key", "k.1", {}), ("aws:kms/key:Key", "k 1", {}),
                 ("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "a", {})])
    assert sorted(out.urns) == ["aws_kms_key.k_1", "aws_kms_key.k_1_2"]
    assert out.unmapped == {"aws:ec2transitgateway/vpcAttachment:VpcAttachment": 1}


def test_arm_moves_flattened_inputs_under_properties_and_renames() -> None:
    out = arm.export(checkpoint("s", [("azure-native:storage:StorageAccount", "st", {
        "resourceGroupName": "rg", "accountName": "st1", "location": "westeurope", "kind": "StorageV2",
        "sku": {"name": "Standard_GRS"}, "tags": TAGS, "enableHttpsTrafficOnly": True,
        "minimumTlsVersion": "TLS1_2", "networkRuleSet": {"defaultAction": "Deny"}})]))
    res = out.template["resources"][0]
    assert res["type"] == "Microsoft.Storage/storageAccounts" and res["name"] == "st1"  # the Azure name
    assert (res["location"], res["kind"], res["sku"], res["tags"]) == ("westeurope", "StorageV2",
                                                                       {"name": "Standard_GRS"}, TAGS)
    assert res["properties"] == {"supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2",
                                 "networkAcls": {"defaultAction": "Deny"}}
    assert out.template["$schema"].endswith("deploymentTemplate.json#")


def test_arm_keeps_explicit_properties_and_nests_security_rules() -> None:
    out = arm.export(checkpoint("s", [
        ("azure-native:keyvault:Vault", "kv", {"resourceGroupName": "rg", "vaultName": "v", "location": "x",
                                              "properties": {"enablePurgeProtection": True}}),
        ("azure-native:network:NetworkSecurityGroup", "nsg", {"resourceGroupName": "rg", "securityRules": [
            {"name": "r", "access": "Allow"}]})]))
    kv, nsg = out.template["resources"]
    assert (kv["name"], nsg["name"]) == ("v", "nsg")  # set name, else the Pulumi logical name
    assert kv["properties"] == {"enablePurgeProtection": True}
    assert nsg["properties"]["securityRules"] == [{"name": "r", "properties": {"access": "Allow"}}]


def test_secrets_never_reach_the_files(tmp_path: Path) -> None:
    state = checkpoint("s", [
        ("aws:ec2/vpnConnection:VpnConnection", "vpn", {"tunnel1PresharedKey": secret(PSK),
                                                       "tunnel2PresharedKey": PSK}),
        ("aws:rds/instance:Instance", "db", {"password": PSK, "masterUserSecrets": [{"secretArn": "arn"}]}),
        ("azure-native:keyvault:Secret", "sec", {"resourceGroupName": "rg", "properties": {"value": PSK}}),
        ("azure-native:network:VirtualNetworkGatewayConnection", "conn", {"sharedKey": secret(PSK)}),
        ("azure-native:storage:StorageAccount", "st", {"tags": {"note": secret(PSK)}}),
    ])
    export_stack("s", state, tmp_path)
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    assert PSK not in text
    assert text.count("[secret]") >= 4


def test_tables_and_mandatory_list_are_consistent() -> None:
    targets = json.loads((DATA / "targets.json").read_text())
    known = set(targets["terraform"]) | set(targets["arm"])
    mandatory = yaml.safe_load((DATA / "mandatory.yaml").read_text())
    assert set(mandatory) <= known
    assert all(len(v["reason"]) >= 20 and v["severity"] in ("low", "medium", "high", "critical")
               for v in mandatory.values())
    aws_targeted = {t for c in targets["terraform"].values() for t in c["types"] if t.startswith("aws_")}
    assert set(terraform.type_table().values()) <= aws_targeted


def test_arm_nests_separate_sql_settings_into_their_parent() -> None:
    out = arm.export(checkpoint("s", [
        ("azure-native:sql:Server", "sql", {"resourceGroupName": "rg", "serverName": "dosis-sql"}),
        ("azure-native:sql:ExtendedServerBlobAuditingPolicy", "audit", {
            "resourceGroupName": "rg", "serverName": "dosis-sql", "blobAuditingPolicyName": "default",
            "state": "Enabled", "retentionDays": 400}),
        ("azure-native:sql:ServerSecurityAlertPolicy", "orphan", {"serverName": "other", "state": "Enabled"}),
    ]))
    (server,) = out.template["resources"]
    assert server["resources"] == [{"type": "Microsoft.Sql/servers/auditingSettings", "name": "default",
                                    "properties": {"state": "Enabled", "retentionDays": 400}}]


def test_coverage_script_reports_the_figure(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    script = runpy.run_path(str(DATA.parents[2] / "dev" / "checkov_coverage.py"))
    cov = script["coverage"](json.loads((DATA / "targets.json").read_text()))
    tf, az = cov["terraform_aws"], cov["arm"]
    assert tf["mapped"] / tf["types"] > 0.95 and az["mapped"] / az["types"] > 0.9
    assert "aws_db_instance" not in tf["missing"] and "microsoft.keyvault/vaults" not in az["missing"]
    assert script["main"](["--offline"]) == 0
    assert "checkov-targeted types mapped from Pulumi:" in capsys.readouterr().out
