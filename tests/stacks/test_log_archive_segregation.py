"""The log archive is out of reach of the workload (issue 17, LOG-05): over the recorded graphs of
portal-prod and dosis-prod, no principal of the workload side - break-glass included - can stop, change
or delete the archive, nor write to it."""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from gate.recording import Graph, record_program

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "components" / "azure"))
from azure_support import locked_ids

from components.aws.log_archive import TAMPER_ACTIONS, TEN_YEARS_DAYS

PROJECT = Path(__file__).parents[2]
WORKLOAD = "111122223333"
ARCHIVE = "444455556666"
# What a workload principal would do to the archive: stop/change/delete, or write (forge) logs.
ATTACKS = (*TAMPER_ACTIONS, "s3:PutObject", "s3:PutObjectAcl", "s3:PutBucketAcl")


@pytest.fixture(scope="module")
def portal() -> Graph:
    return record_program(PROJECT, "portal-prod")


@pytest.fixture(scope="module")
def dosis() -> Graph:
    return record_program(PROJECT, "dosis-prod")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _hits(stmt: dict[str, Any], action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), str(a).lower()) for a in _list(stmt.get("Action")))


def _applies_to_workload(stmt: dict[str, Any], allow: bool = False) -> bool:
    """Whether a statement covers a request by any principal of the workload account. An unknown
    condition counts against the archive: it may hold for an Allow, it may not hold for a Deny."""
    principal = stmt.get("Principal")
    aws = _list(principal.get("AWS")) if isinstance(principal, dict) else [principal]
    if "*" not in aws and not any(WORKLOAD in str(p) for p in aws):
        return False
    condition = stmt.get("Condition") or {}
    for op, tests in condition.items():
        for key, want in tests.items():
            if key == "aws:PrincipalAccount" and op == "StringEquals":
                if WORKLOAD not in _list(want):
                    return False
            elif key == "aws:SecureTransport":
                continue  # TLS-only deny: holds for insecure requests too, irrelevant here
            else:
                return allow
    return True


def _denied(stmts: list[dict[str, Any]], action: str) -> bool:
    """A workload principal is refused `action`: an applicable Deny, or no applicable Allow (another
    account's bucket: without a bucket-policy Allow, cross-account access is refused)."""
    if any(s["Effect"] == "Deny" and _hits(s, action) and _applies_to_workload(s) for s in stmts):
        return True
    return not any(s["Effect"] == "Allow" and _hits(s, action) and _applies_to_workload(s, allow=True)
                   for s in stmts)


def _archive(graph: Graph) -> list[Any]:
    return [r for r in graph.resources if r.custom and graph.effective_provider(r)
            and graph.effective_provider(r).name == "log-archive"]


def test_the_archive_lives_in_the_log_archive_account(portal):
    (provider,) = [p for p in portal.by_type("pulumi:providers:aws") if p.name == "log-archive"]
    accounts = provider.inputs["allowedAccountIds"]
    assert (json.loads(accounts) if isinstance(accounts, str) else accounts) == [ARCHIVE]
    roles = provider.inputs["assumeRoles"]
    roles = json.loads(roles) if isinstance(roles, str) else roles
    role = roles[0].get("roleArn") or roles[0].get("role_arn")
    assert role.startswith(f"arn:aws:iam::{ARCHIVE}:role/")
    types = {r.type for r in _archive(portal)}
    assert {"aws:cloudtrail/trail:Trail", "aws:s3/bucket:Bucket", "aws:kms/externalKey:ExternalKey"} <= types
    trails = portal.by_type("aws:cloudtrail/trail:Trail")
    (trail,) = [t for t in trails if t.inputs.get("isOrganizationTrail")]
    assert portal.effective_provider(trail).name == "log-archive" and trail.protect


def test_no_workload_principal_can_stop_change_delete_or_write_the_archive(portal):
    buckets = {b.id for b in _archive(portal) if b.type == "aws:s3/bucket:Bucket"}
    policies = [
        p for p in portal.by_type("aws:s3/bucketPolicy:BucketPolicy") if p.inputs["bucket"] in buckets
    ]
    assert len(policies) == len(buckets) == 3
    for p in policies:
        stmts = json.loads(p.inputs["policy"])["Statement"]
        allowed = [a for a in ATTACKS if not _denied(stmts, a)]
        assert not allowed, f"{p.name}: a workload principal may {allowed}"
        # nobody at all deletes what the archive holds
        assert any(s["Effect"] == "Deny" and s.get("Principal") == {"AWS": "*"} and not s.get("Condition")
                   and _hits(s, "s3:DeleteObjectVersion") for s in stmts), p.name


def test_a_bucket_policy_allowing_the_workload_would_be_caught():
    """The check above can fail: an Allow for the workload account is seen."""
    root = f"arn:aws:iam::{WORKLOAD}:root"
    allow = {"Effect": "Allow", "Action": "s3:PutObject", "Principal": {"AWS": root}}
    assert not _denied([allow], "s3:PutObject")
    deny = {"Effect": "Deny", "Action": "s3:*", "Principal": {"AWS": "*"},
            "Condition": {"StringEquals": {"aws:PrincipalAccount": WORKLOAD}}}
    assert _denied([allow, deny], "s3:PutObject")
    conditional = {**allow, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}
    assert not _denied([conditional], "s3:PutObject")  # an Allow under an unknown condition still counts


def test_archive_objects_are_locked_ten_years_and_the_key_refuses_the_workload(portal):
    archive_ids = {b.id for b in _archive(portal) if b.type == "aws:s3/bucket:Bucket"}
    locks = {c.inputs["bucket"]: c.inputs["rule"]["defaultRetention"]
             for c in portal.by_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")}
    locked = {b for b in archive_ids if b in locks}
    assert len(locked) == 2  # the trail bucket and the portal log bucket (the access-log bucket expires)
    for b in locked:
        assert locks[b] == {"mode": "COMPLIANCE", "days": TEN_YEARS_DAYS}
    (key,) = [k for k in _archive(portal) if k.type == "aws:kms/externalKey:ExternalKey"]
    stmts = json.loads(key.inputs["policy"])["Statement"]
    assert all(_denied(stmts, a) for a in ("kms:Decrypt", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"))


def test_no_workload_iam_policy_names_the_archive(portal):
    names = {b.outputs.get("bucket") for b in _archive(portal) if b.type == "aws:s3/bucket:Bucket"}
    names.discard(None)
    assert names
    for r in portal.resources:
        if r.type.startswith("aws:iam/") and portal.effective_provider(r).name != "log-archive":
            text = json.dumps(r.inputs)
            assert not [n for n in names if n in text], r.name


def test_sentinel_archive_is_in_the_security_subscription_out_of_the_workload_roles(dosis):
    (provider,) = [p for p in dosis.by_type("pulumi:providers:azure-native") if p.name == "azure-security"]
    security_sub = provider.inputs["subscriptionId"]
    workspaces = [w for w in dosis.by_type("azure-native:operationalinsights:Workspace")
                  if dosis.effective_provider(w).name == "azure-security"]
    (archive,) = workspaces
    assert archive.protect and archive.id in locked_ids(dosis)
    assert security_sub == dosis.config["dosis-eloket:securitySubscriptionId"]
    # the workload never assigns a role in the security subscription (break-glass included)
    for ra in dosis.by_type("azure-native:authorization:RoleAssignment"):
        assert dosis.effective_provider(ra).name != "azure-security", ra.name
        assert security_sub not in json.dumps(ra.inputs), ra.name
    # the workload's activity log is exported into the archive from the workload subscription
    exports = [d for d in dosis.by_type("azure-native:monitor:SubscriptionDiagnosticSetting")
               if d.inputs.get("workspaceId") == archive.id]
    assert exports and all(dosis.effective_provider(d).name != "azure-security" for d in exports)
