"""Hand-built checkpoints (``pulumi stack export`` v3) so these tests depend on no other engineer's code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROJECT = "dosis-eloket"
SECRET_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
TAGS = {"classification": "vertrouwelijk", "controller": "min-x", "system": "portal",
        "pia-reference": "PIA-1"}


def secret(value: Any) -> dict[str, Any]:
    return {SECRET_KEY: SECRET_SIG, "value": value}


def urn(stack: str, typ: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{typ}::{name}"


def checkpoint(stack: str, resources: list[tuple[str, str, dict[str, Any]]],
               deps: dict[str, dict[str, list[str]]] | None = None) -> dict[str, Any]:
    """A checkpoint holding the stack resource and ``resources`` as (type, name, inputs).

    ``deps`` maps a resource name to {property: [names of the resources it depends on]}.
    """
    deps = deps or {}
    by_name = {name: urn(stack, typ, name) for typ, name, _ in resources}
    stack_urn = urn(stack, "pulumi:pulumi:Stack", f"{PROJECT}-{stack}")
    out = [{"urn": stack_urn, "custom": False, "type": "pulumi:pulumi:Stack", "inputs": {}, "outputs": {},
            "dependencies": [], "propertyDependencies": {}, "protect": False}]
    for typ, name, inputs in resources:
        prop_deps = {p: [by_name[n] for n in names] for p, names in deps.get(name, {}).items()}
        out.append({"urn": urn(stack, typ, name), "custom": True, "id": "", "type": typ, "inputs": inputs,
                    "outputs": {}, "parent": stack_urn, "dependencies": sorted({u for v in prop_deps.values()
                                                                               for u in v}),
                    "propertyDependencies": prop_deps, "protect": False})
    return {"version": 3, "deployment": {"manifest": {"version": "test"}, "resources": out}}


PSK = "vpn-psk-Zq8!never-in-a-file"
DB_PASSWORD = "db-Pa55word-never-in-a-file"  # checkov:skip=CKV_SECRET_6: planted canary, not a credential

KV_PROPS = {"tenantId": "00000000-0000-0000-0000-000000000000",
            "sku": {"family": "A", "name": "standard"}}
GOOD_STORAGE = {"resourceGroupName": "rg", "location": "westeurope", "kind": "StorageV2",
                "sku": {"name": "Standard_GRS"}, "enableHttpsTrafficOnly": True,
                "minimumTlsVersion": "TLS1_2",
                "allowBlobPublicAccess": False, "tags": TAGS}


def scenarios() -> dict[str, dict[str, Any]]:
    """Stack name -> checkpoint. Names say what each resource should do under checkov."""
    aws = checkpoint("aws-cases", [
        ("aws:kms/key:Key", "key-no-rotation", {"enableKeyRotation": False, "tags": TAGS}),
        ("aws:kms/key:Key", "key-rotating", {"enableKeyRotation": True, "tags": TAGS}),
        ("aws:rds/instance:Instance", "db-plain", {"engine": "postgres", "instanceClass": "db.t3.micro",
                                                    "storageEncrypted": False, "publiclyAccessible": True,
                                                    "password": DB_PASSWORD}),
        ("aws:rds/instance:Instance", "db-encrypted", {"engine": "postgres", "instanceClass": "db.t3.micro",
                                                        "storageEncrypted": True, "publiclyAccessible": False,
                                                        "password": secret(DB_PASSWORD)}),
        ("aws:s3/bucket:Bucket", "bucket-blocked", {"bucket": "blocked", "tags": TAGS}),
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket-blocked-pab", {
            "bucket": UNKNOWN, "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True,
            "restrictPublicBuckets": True}),
        ("aws:s3/bucketV2:BucketV2", "bucket-open", {"bucket": "open", "tags": TAGS}),
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "half-pab", {
            "bucket": "other", "blockPublicAcls": False, "blockPublicPolicy": True, "ignorePublicAcls": True,
            "restrictPublicBuckets": True}),
        ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
         "bucket-blocked-sse", {"bucket": UNKNOWN, "rules": [{"applyServerSideEncryptionByDefault": {
             "sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}, "bucketKeyEnabled": True}]}),
        ("aws:ec2/securityGroup:SecurityGroup", "sg-ssh-world", {"ingress": [
            {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]}),
        ("aws:ec2/vpnConnection:VpnConnection", "vpn", {"type": "ipsec.1", "tunnel1PresharedKey": secret(PSK),
                                                       "tunnel2PresharedKey": PSK}),
        ("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "unmapped", {"vpcId": "vpc-1"}),
        ("aws:cloudwatch/logGroup:LogGroup", "logs-cmk-unknown", {"kmsKeyId": UNKNOWN,
                                                                  "retentionInDays": 400}),
        ("aws:cloudwatch/logGroup:LogGroup", "logs-no-cmk", {"retentionInDays": 400}),
    ], deps={"bucket-blocked-pab": {"bucket": ["bucket-blocked"]},
             "bucket-blocked-sse": {"bucket": ["bucket-blocked"], "rules": ["key-rotating"]}})
    azure = checkpoint("azure-cases", [
        ("azure-native:keyvault:Vault", "kv-protected", {
            "resourceGroupName": "rg", "vaultName": "kv1", "location": "westeurope", "tags": TAGS,
            "properties": {**KV_PROPS, "enablePurgeProtection": True, "enableSoftDelete": True}}),
        ("azure-native:keyvault:Vault", "kv-purgeable", {"resourceGroupName": "rg", "location": "westeurope",
                                                        "properties": dict(KV_PROPS)}),
        ("azure-native:storage:StorageAccount", "st-good", {**GOOD_STORAGE, "accountName": "stgood"}),
        ("azure-native:storage:StorageAccount", "st-http", {**GOOD_STORAGE, "enableHttpsTrafficOnly": False,
                                                           "minimumTlsVersion": "TLS1_0"}),
        ("azure-native:storage:StorageAccount", "st-tls-unknown", {**GOOD_STORAGE,
                                                                  "minimumTlsVersion": UNKNOWN}),
        ("azure-native:network:NetworkSecurityGroup", "nsg-rdp", {
            "resourceGroupName": "rg", "location": "westeurope", "securityRules": [{
                "name": "rdp", "protocol": "Tcp", "access": "Allow", "direction": "Inbound", "priority": 100,
                "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*",
                "destinationPortRange": "3389"}]}),
        ("azure-native:sql:Server", "sql-audited", {"resourceGroupName": "rg", "serverName": "sql-a",
                                                   "location": "westeurope", "minimalTlsVersion": "1.2"}),
        ("azure-native:sql:ExtendedServerBlobAuditingPolicy", "sql-audited-audit", {
            "resourceGroupName": "rg", "serverName": "sql-a", "blobAuditingPolicyName": "default",
            "state": "Enabled", "retentionDays": 400, "isAzureMonitorTargetEnabled": True}),
        ("azure-native:sql:Server", "sql-unaudited", {"resourceGroupName": "rg", "serverName": "sql-b",
                                                     "location": "westeurope", "minimalTlsVersion": "1.0"}),
        ("azure-native:keyvault:Secret", "kv-secret", {"resourceGroupName": "rg", "vaultName": "kv1",
                                                      "secretName": "s", "properties": {"value": PSK}}),
    ])
    return {"aws-cases": aws, "azure-cases": azure}


def failed(found: dict[str, list[Any]], stack: str, name: str) -> set[str]:
    """CKV ids that failed on the resource called ``name``."""
    return {v.policy for v in found[stack] if v.urn.endswith("::" + name)}


def exported_text(workdir: Path) -> str:
    return "\n".join(p.read_text() for p in sorted((workdir / "checkov").rglob("*.json")))


def load_json(path: Path) -> Any:
    return json.loads(path.read_text())


def sdk_program() -> None:
    """Real pulumi-aws / azure-native resources (recorded by gate.recording): the SDK's own input names."""
    import pulumi
    import pulumi_aws as aws
    import pulumi_azure_native as azure

    aws.kms.Key("sdk-key-no-rotation", enable_key_rotation=False)
    bucket = aws.s3.Bucket("sdk-bucket")
    aws.s3.BucketPublicAccessBlock("sdk-bucket-pab", bucket=bucket.id, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True,
                                   restrict_public_buckets=True)
    aws.s3.Bucket("sdk-bucket-open")
    aws.rds.Instance("sdk-db-plain", engine="postgres", instance_class="db.t3.micro", allocated_storage=20,
                     storage_encrypted=False, username="app", password=pulumi.Output.secret(DB_PASSWORD))
    azure.keyvault.Vault("sdk-kv-purgeable", resource_group_name="rg", location="westeurope",
                         properties=azure.keyvault.VaultPropertiesArgs(
                             tenant_id="00000000-0000-0000-0000-000000000000",
                             sku=azure.keyvault.SkuArgs(family="A", name=azure.keyvault.SkuName.STANDARD)))
    azure.storage.StorageAccount("sdk-st-http", resource_group_name="rg", location="westeurope",
                                 kind="StorageV2", sku=azure.storage.SkuArgs(name="Standard_GRS"),
                                 enable_https_traffic_only=False, minimum_tls_version="TLS1_0")
