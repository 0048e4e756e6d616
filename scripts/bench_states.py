"""Generated inputs of the gate's benchmark (scripts/bench_gate.py): exported states of any size (mixed
realistic AWS/Azure types with tags and regions, components, providers, dependencies, unknowns, secrets)
and a Pulumi program of about n resources."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

REAL_PACKS = [ROOT / "policies" / "eu_residency", ROOT / "policies" / "pia_conditions"]
FIXTURE_PACK = ROOT / "tests" / "gate" / "packs" / "fixture_pack"
PROJECT = "dosis-eloket"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "[secret]"}
ACCOUNT = "123456789012"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def packs_to_use() -> tuple[list[Path], str]:
    real = [p for p in REAL_PACKS if (p / "PulumiPolicy.yaml").is_file()]
    if real:
        return real, ", ".join(p.name for p in real)
    return [FIXTURE_PACK], "tests/gate/packs/fixture_pack (real packs not there yet)"


# ---------------------------------------------------------------------------------- generated states


BENCH_STACK = "dosis-prod"  # a stack with a PIA record, so the state is judged like a real one


def _pia_reference() -> str:
    record = ROOT / "stacks" / "records" / "pia" / f"{BENCH_STACK}.yaml"
    try:
        import yaml

        return str((yaml.safe_load(record.read_text(encoding="utf-8")) or {}).get("reference") or "PIA-BENCH")
    except (OSError, ValueError, ImportError):
        return "PIA-BENCH"


def _tags(pia: str) -> dict[str, str]:
    return {
        "classification": "vertrouwelijk",
        "controller": "Gemeente",
        "system": "dosis",
        "pia-reference": pia,
        "dosis-data": "none",
    }


def _aws(kind: int, i: int, region: str, key_arn: str, pia: str) -> tuple[str, dict[str, Any]]:
    name = f"r{i}"
    tags = _tags(pia)
    arn_key = key_arn if i % 13 else UNKNOWN  # some references are unknown during preview
    if kind == 0:
        return "aws:kms/key:Key", {
            "description": f"key {i}",
            "enableKeyRotation": True,
            "deletionWindowInDays": 30,
            "tags": tags,
        }
    if kind == 1:
        return "aws:s3/bucket:Bucket", {
            "bucket": f"bench-{name}",
            "forceDestroy": False,
            "tags": tags,
            "serverSideEncryptionConfiguration": {
                "rule": {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": arn_key,
                    }
                }
            },
        }
    if kind == 2:
        return "aws:rds/instance:Instance", {
            "engine": "postgres",
            "engineVersion": "16.3",
            "instanceClass": "db.t4g.medium",
            "allocatedStorage": 50,
            "storageEncrypted": True,
            "kmsKeyId": arn_key,
            "multiAz": True,
            "publiclyAccessible": False,
            "password": SECRET,
            "backupRetentionPeriod": 14,
            "tags": tags,
        }
    if kind == 3:
        return "aws:iam/role:Role", {
            "name": f"role-{name}",
            "assumeRolePolicy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        }
                    ],
                }
            ),
            "tags": tags,
        }
    if kind == 4:
        return "aws:ec2/securityGroup:SecurityGroup", {
            "vpcId": f"vpc-{i:08x}",
            "description": "app tier",
            "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.0.0/16"]}],
            "tags": tags,
        }
    if kind == 5:
        return "aws:sqs/queue:Queue", {
            "name": f"q-{name}",
            "kmsMasterKeyId": arn_key,
            "messageRetentionSeconds": 345600,
            "tags": tags,
        }
    return "aws:cloudwatch/logGroup:LogGroup", {
        "name": f"/bench/{name}",
        "retentionInDays": 365,
        "kmsKeyId": arn_key,
        "tags": tags,
    }


def _azure(kind: int, i: int, location: str, rg: str, pia: str) -> tuple[str, dict[str, Any]]:
    tags = _tags(pia)
    name = f"r{i}"
    if kind == 0:
        return "azure-native:resources:ResourceGroup", {
            "resourceGroupName": f"rg-{name}",
            "location": location,
            "tags": tags,
        }
    if kind == 1:
        return "azure-native:storage:StorageAccount", {
            "resourceGroupName": rg,
            "location": location,
            "kind": "StorageV2",
            "sku": {"name": "Standard_ZRS"},
            "minimumTlsVersion": "TLS1_2",
            "allowBlobPublicAccess": False,
            "enableHttpsTrafficOnly": True,
            "publicNetworkAccess": "Disabled",
            "encryption": {"keySource": "Microsoft.Keyvault"},
            "tags": tags,
        }
    if kind == 2:
        return "azure-native:keyvault:Vault", {
            "resourceGroupName": rg,
            "location": location,
            "properties": {
                "tenantId": "00000000-0000-0000-0000-000000000001",
                "sku": {"family": "A", "name": "premium"},
                "enablePurgeProtection": True,
                "enableRbacAuthorization": True,
                "publicNetworkAccess": "Disabled",
            },
            "tags": tags,
        }
    if kind == 3:
        return "azure-native:sql:Server", {
            "resourceGroupName": rg,
            "location": location,
            "administratorLogin": "dbadmin",
            "administratorLoginPassword": SECRET,
            "minimalTlsVersion": "1.2",
            "publicNetworkAccess": "Disabled",
            "tags": tags,
        }
    if kind == 4:
        return "azure-native:network:VirtualNetwork", {
            "resourceGroupName": rg,
            "location": location,
            "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
            "tags": tags,
        }
    return "azure-native:operationalinsights:Workspace", {
        "resourceGroupName": rg,
        "location": location,
        "retentionInDays": 730,
        "sku": {"name": "PerGB2018"},
        "tags": tags,
    }


def generate_state(n: int, stack: str = BENCH_STACK, seed: int = 7) -> dict[str, Any]:
    """A `pulumi stack export`-shaped checkpoint of `n` resources (providers and components included)."""
    rnd = random.Random(seed)
    pia = _pia_reference()
    prefix = f"urn:pulumi:{stack}::{PROJECT}::"
    resources: list[dict[str, Any]] = []

    def add(
        type_: str,
        name: str,
        inputs: dict[str, Any],
        *,
        custom: bool = True,
        parent: str = "",
        provider: str = "",
        deps: list[str] | None = None,
        protect: bool = False,
    ) -> dict[str, Any]:
        urn = f"{prefix}{type_}::{name}"
        r = {
            "urn": urn,
            "custom": custom,
            "type": type_,
            "inputs": inputs,
            "outputs": inputs,
            "parent": parent,
            "dependencies": deps or [],
            "propertyDependencies": {},
            "protect": protect,
        }
        if custom:
            r["id"] = f"{name}-{len(resources):06d}"
            r["provider"] = provider
        resources.append(r)
        return r

    stack_urn = add("pulumi:pulumi:Stack", f"{PROJECT}-{stack}", {}, custom=False)["urn"]

    def ref(p: dict[str, Any]) -> str:
        return f"{p['urn']}::{p['id']}"

    aws_default = ref(
        add("pulumi:providers:aws", "default_7_12_0", {"region": "eu-west-1", "version": "7.12.0"})
    )
    az_default = ref(
        add("pulumi:providers:azure-native", "default_3_9_0", {"location": "westeurope", "version": "3.9.0"})
    )
    aws_fra = ref(add("pulumi:providers:aws", "ireland", {"region": "eu-west-1"}, parent=stack_urn))
    az_ne = ref(
        add("pulumi:providers:azure-native", "failover", {"location": "northeurope"}, parent=stack_urn)
    )
    parent = stack_urn
    key_arn = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"
    rg = "rg-bench"
    last_key = ""
    i = 0
    while len(resources) < n:
        if i % 50 == 0:  # a component every 50 resources, as the project's components do
            parent = add("dosis:platform:Component", f"c{i}", {}, custom=False, parent=stack_urn)["urn"]
        if rnd.random() < 0.5:
            explicit = rnd.random() < 0.3
            region = "eu-west-1"
            kind = i % 7
            type_, inputs = _aws(kind, i, region, key_arn, pia)
            r = add(
                type_,
                f"r{i}",
                inputs,
                parent=parent,
                provider=aws_fra if explicit else aws_default,
                deps=[last_key] if last_key and kind else [],
                protect=kind in (0, 1, 2, 5, 6),
            )
            if kind == 0:
                last_key = r["urn"]
                key_arn = f"arn:aws:kms:{region}:{ACCOUNT}:key/{i:08d}-0000-0000-0000-000000000000"
        else:
            explicit = rnd.random() < 0.3
            location = "northeurope" if explicit else "westeurope"
            kind = i % 6
            type_, inputs = _azure(kind, i, location, rg, pia)
            r = add(
                type_,
                f"r{i}",
                inputs,
                parent=parent,
                provider=az_ne if explicit else az_default,
                protect=kind in (1, 2, 3, 5),
            )
            if kind == 0:
                rg = inputs["resourceGroupName"]
        i += 1
    return {
        "version": 3,
        "deployment": {
            "manifest": {"time": "2026-11-23T00:00:00Z", "magic": "", "version": "v3.272.0"},
            "resources": resources,
        },
    }


def project_pack_config(packs: list[Path]) -> dict[str, dict[str, Any]]:
    """The project's --policy-pack-config files (policies/config/<pack>.json), as README and CI pass them."""
    from gate.policyhost import load_pack_config

    specs = []
    for pack in packs:
        name = pack.name.replace("_", "-")
        file = ROOT / "policies" / "config" / f"{name}.json"
        if file.is_file():
            specs.append(f"{name}={file}")
    return load_pack_config(specs)


PROGRAM = '''"""Generated benchmark program: {n} resources over aws and azure-native."""
import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native

TAGS = {{"classification": "vertrouwelijk", "controller": "Gemeente", "system": "dosis",
        "pia-reference": "PIA-2026-001"}}
ireland = aws.Provider("ireland", region="eu-west-1")
rg = azure_native.resources.ResourceGroup("rg", location="westeurope", tags=TAGS)
for i in range({groups}):
    opts = pulumi.ResourceOptions(provider=ireland) if i % 4 == 0 else None
    key = aws.kms.Key(f"key{{i}}", enable_key_rotation=True, deletion_window_in_days=30, tags=TAGS, opts=opts)
    bucket_opts = pulumi.ResourceOptions(depends_on=[key], provider=ireland if i % 4 == 0 else None)
    aws.s3.Bucket(f"bucket{{i}}", tags=TAGS, opts=bucket_opts)
    aws.sqs.Queue(f"queue{{i}}", kms_master_key_id=key.arn, tags=TAGS, opts=opts)
    azure_native.storage.StorageAccount(f"sa{{i}}", resource_group_name=rg.name, location="westeurope",
                                        kind="StorageV2", sku={{"name": "Standard_ZRS"}},
                                        minimum_tls_version="TLS1_2", allow_blob_public_access=False,
                                        tags=TAGS)
'''
