"""portal-prod, issue 16: key-policy lock-out and escalation, ordering, Drupal that runs, declared egress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from gate.recording import Graph, record_program

from components.aws import analysis

PROJECT = Path(__file__).parents[2]
ACCOUNT = "111122223333"
KEY_ADMIN_BY_NAME = f"arn:aws:iam::{ACCOUNT}:role/human/eloket-key-admin"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return record_program(PROJECT, "portal-prod")


def _doc(value):
    return json.loads(value) if isinstance(value, str) else value


def _deps(r) -> set[str]:
    return set(r.dependencies) | {u for us in r.property_dependencies.values() for u in us}


def test_key_policies_survive_a_recreated_admin_role_and_never_grant(graph):
    """Root statement scoped by aws:PrincipalArn + MFA (no lock-out); admins never hold kms:CreateGrant."""
    for key in graph.by_type("aws:kms/key:Key"):
        stmts = {s.get("Sid"): s for s in analysis.statements(_doc(key.inputs["policy"]))}
        root = stmts["RootDelegatedKeyAdministration"]
        assert root["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
        assert root["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [KEY_ADMIN_BY_NAME]
        assert root["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
        assert not analysis.covers_action(root, "kms:Decrypt") and not analysis.covers_action(
            root, "kms:CreateGrant"
        )
        assert stmts["RootDelegatedDeployer"]["Condition"] == {
            "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/eloket-deployer"}
        }
        admin = stmts["KeyAdministration"]
        assert not analysis.covers_action(admin, "kms:CreateGrant"), key.name
        assert "kms:CreateGrant" in stmts["KeyAdministratorsCannotUseKey"]["Action"]
        for stmt in stmts.values():
            assert "kms:*" not in stmt["Action"], key.name


def test_no_person_can_decrypt_secrets(graph):
    (secrets,) = [k for k in graph.by_type("aws:kms/key:Key") if k.inputs["tags"]["purpose"] == "secrets"]
    human = {
        r.outputs["arn"]
        for r in graph.by_type("aws:iam/role:Role")
        if (r.inputs.get("tags") or {}).get("human-role")
    }
    for stmt in analysis.statements(_doc(secrets.inputs["policy"])):
        if stmt["Effect"] == "Allow" and analysis.covers_action(stmt, "kms:Decrypt"):
            assert not set(analysis.principals(stmt)) & human, stmt.get("Sid")


def test_alb_waits_for_its_log_bucket_policy(graph):
    (alb,) = graph.by_type("aws:lb/loadBalancer:LoadBalancer")
    (policy,) = [p for p in graph.by_type("aws:s3/bucketPolicy:BucketPolicy") if p.name == "access-logs"]
    assert policy.urn in _deps(alb)


def test_mysql_is_in_standard_support_and_audit_logs_keep_ten_years(graph):
    (db,) = graph.by_type("aws:rds/instance:Instance")
    assert db.inputs["engineVersion"] == "8.4"
    (params,) = graph.by_type("aws:rds/parameterGroup:ParameterGroup")
    assert params.inputs["family"] == "mysql8.4"
    groups = {lg.inputs.get("name"): lg.inputs for lg in graph.by_type("aws:cloudwatch/logGroup:LogGroup")}
    for log in ("audit", "iam-db-auth-error"):
        assert groups[f"/aws/rds/instance/eloket-mysql/{log}"]["retentionInDays"] == 3653


def test_drupal_has_writable_shared_files(graph):
    """Issue 16: Drupal ran read-only without a writable volume (container JSON: tests/components/aws)."""
    (task,) = [
        t
        for t in graph.by_type("aws:ecs/taskDefinition:TaskDefinition")
        if t.inputs["family"] == "eloket-drupal"
    ]
    volumes = {v["name"]: v for v in task.inputs["volumes"]}
    efs = volumes["files"]["efsVolumeConfiguration"]
    assert efs["transitEncryption"] == "ENABLED" and efs["authorizationConfig"]["iam"] == "ENABLED"
    assert "scratch0" in volumes
    (fs,) = graph.by_type("aws:efs/fileSystem:FileSystem")
    assert fs.inputs["encrypted"] is True and fs.protect
    (files_key,) = [k for k in graph.by_type("aws:kms/key:Key") if k.inputs["tags"]["purpose"] == "files"]
    assert fs.inputs["kmsKeyId"] == files_key.outputs["arn"]


def test_access_logs_cannot_be_deleted(graph):
    (policy,) = [p for p in graph.by_type("aws:s3/bucketPolicy:BucketPolicy") if p.name == "access-logs"]
    stmts = {s.get("Sid"): s for s in analysis.statements(_doc(policy.inputs["policy"]))}
    deny = stmts["LogsCannotBeDeleted"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"} and "Condition" not in deny
    assert {"s3:DeleteObject", "s3:DeleteObjectVersion"} <= set(deny["Action"])


def test_magda_egress_is_exactly_the_declared_endpoint(graph):
    """D36 §109: the e-loket reaches MAGDA GeefOnderneming, and nothing else on the internet."""
    record = yaml.safe_load((PROJECT / "stacks/records/endpoints.yaml").read_text())
    (magda,) = [e for e in record["endpoints"] if e["id"] == "magda"]
    config = yaml.safe_load((PROJECT / "stacks/Pulumi.portal-prod.yaml").read_text())["config"]
    assert magda["cidrs"] == config["dosis-eloket:magdaEgressCidrs"]
    external = [
        r.inputs["cidrIpv4"]
        for r in graph.by_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        if "cidrIpv4" in r.inputs and not r.inputs["cidrIpv4"].startswith("10.")
    ]
    assert external == magda["cidrs"]


def test_dosis_uit_addresses_are_declared_as_dosis_prod_configures_them():
    """interconnect-prod's Route 53 records hold DOSIS-UIT's private endpoint addresses; the residency pack
    places them by the endpoints record's `cidrs`, which must be the addresses dosis-prod gives them."""
    from stacks.dosis_config import DosisConfig

    record = yaml.safe_load((PROJECT / "stacks/records/endpoints.yaml").read_text())
    declared = {e["id"]: e["cidrs"] for e in record["endpoints"] if e["id"].startswith("dosis-uit")}
    config = yaml.safe_load((PROJECT / "stacks/Pulumi.dosis-prod.yaml").read_text())["config"]
    defaults = DosisConfig(pia_reference="any")
    primary = config.get("dosis-eloket:dosisUitPrivateIp", defaults.dosis_uit_private_ip)
    failover = config.get("dosis-eloket:dosisUitFailoverPrivateIp", defaults.dosis_uit_failover_private_ip)
    assert declared == {"dosis-uit": [f"{primary}/32"], "dosis-uit-failover": [f"{failover}/32"]}
