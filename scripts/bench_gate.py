"""Benchmark of the offline gate (not a test): `uv run python scripts/bench_gate.py [--quick] [--checkov]`.

1. `gate preview` on a generated 1,000-resource Pulumi program (aws + azure-native, explicit and default
   providers), run as the CLI with `--timings`: program run, evaluation, reporting.
2. `gate analyze`-equivalent evaluation of generated exported states of 10,000 and 100,000 resources
   (mixed realistic AWS/Azure types with tags and regions, components, providers, dependencies, unknowns,
   secrets) with the project's packs (policies/eu_residency and policies/pia_conditions; the test fixture
   pack until those exist): load, evaluation, reporting, resources/s, and the 100k/10k ratio.
Targets (issue #6): >= 20,000 resources/s evaluating both packs; the 100k run <= 11x the 10k run.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

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


def bench_state(n: int, packs: list[Path], workdir: Path) -> dict[str, float]:
    """Write a generated state, then load + evaluate + report it as `gate analyze --format json` would."""
    from gate.policyhost import evaluate
    from gate.report import render

    path = workdir / f"bench-{n}.state.json"
    path.write_text(json.dumps(generate_state(n)), encoding="utf-8")
    t0 = time.perf_counter()
    gc.disable()  # as a loader of large JSON should: the cyclic GC otherwise rescans every new dict
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    finally:
        gc.enable()
    t1 = time.perf_counter()
    c1 = time.process_time()
    report = evaluate(
        state,
        stack=BENCH_STACK,
        project=PROJECT,
        stack_config={
            "aws:region": "eu-west-1",
            "azure-native:location": "westeurope",
            f"{PROJECT}:system": "dosis",
        },
        packs=packs,
        pack_config=project_pack_config(packs),
        mode="inprocess",
        source=str(path),
    )
    t2 = time.perf_counter()
    c2 = time.process_time()
    buf = io.StringIO()
    render(report, "json", buf)
    t3 = time.perf_counter()
    return {
        "resources": report.resources,
        "load": t1 - t0,
        "evaluation": t2 - t1,
        "evaluation_cpu": c2 - c1,
        "reporting": t3 - t2,
        "violations": len(report.violations),
        "blocked": float(report.blocked),
    }


# -------------------------------------------------------------------------------- generated program


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


def bench_program(n: int, packs: list[Path], workdir: Path, checkov: bool) -> str:
    """Run the real CLI on a generated program; returns its timings line (or why it was skipped)."""
    import importlib.util

    missing = [m for m in ("gate.cli", "gate.recording") if importlib.util.find_spec(m) is None]
    if missing:
        return f"skipped: {', '.join(missing)} not available yet"
    program = workdir / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: bench\nruntime: python\ndescription: generated benchmark\n")
    (program / "Pulumi.bench.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  azure-native:location: westeurope\n"
    )
    groups = max(1, (n - 2) // 4)
    (program / "__main__.py").write_text(PROGRAM.format(n=groups * 4 + 2, groups=groups))
    cmd = [
        sys.executable,
        "-m",
        "gate",
        "preview",
        "--program",
        str(program),
        "--stack",
        "bench",
        "--format",
        "json",
        "--out",
        str(workdir / "out"),
        "--timings",
    ]
    for p in packs:
        cmd += ["--policy-pack", str(p)]
    if not checkov:
        cmd.append("--no-checkov")
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        lines = [x for x in proc.stderr.splitlines() if x.strip()]
        return f"failed (exit {proc.returncode}): {lines[-1] if lines else ''}"
    found = re.search(r"gate: timings: (.*)", proc.stderr)
    try:
        resources = json.loads(proc.stdout)["resources"]
    except (ValueError, KeyError, TypeError):
        resources = "?"
    timing = found.group(1) if found else "no timings printed"
    return f"{resources} resources, wall {wall:.2f}s (process start included); {timing}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k states only, no program run")
    parser.add_argument("--checkov", action="store_true", help="include checkov in the program run")
    parser.add_argument("--sizes", type=int, nargs="*", help="state sizes (default 10000 100000)")
    args = parser.parse_args()
    packs, label = packs_to_use()
    print(f"packs: {label}")
    with tempfile.TemporaryDirectory(prefix="bench-gate-") as tmp:
        workdir = Path(tmp)
        if not args.quick:
            line = bench_program(1000, packs, workdir, args.checkov)
            print(f"gate preview, generated 1,000-resource program: {line}")
        sizes = args.sizes or ([1000, 10000] if args.quick else [10000, 100000])
        results = {}
        for n in sizes:
            r = bench_state(n, packs, workdir)
            results[n] = r
            total = r["load"] + r["evaluation"] + r["reporting"]
            print(
                f"gate analyze, {int(r['resources']):>7,} resources: load {r['load']:.2f}s, evaluation "
                f"{r['evaluation']:.2f}s (cpu {r['evaluation_cpu']:.2f}s), reporting {r['reporting']:.2f}s; "
                f"total {total:.2f}s; "
                f"evaluation {r['resources'] / r['evaluation']:,.0f} resources/s "
                f"({r['resources'] / r['evaluation_cpu']:,.0f}/s of CPU), end to end "
                f"{r['resources'] / total:,.0f} resources/s; {int(r['violations'])} findings"
            )
        if 10000 in results and 100000 in results:

            def total_of(x: dict[str, float]) -> float:
                return x["load"] + x["evaluation"] + x["reporting"]

            ratio = total_of(results[100000]) / total_of(results[10000])
            eval_ratio = results[100000]["evaluation"] / results[10000]["evaluation"]
            print(f"100k / 10k: total {ratio:.1f}x, evaluation {eval_ratio:.1f}x (target <= 11x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
