"""Ten years, immutable, wherever DPA annex 1 requires it (issue 16 item 6): logs of transactions, access
and privacy on both clouds, judged on the recorded graphs of the real stack programs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate.recording import Graph, record_program

PROJECT = Path(__file__).parents[2]
TEN_YEARS = 3650


@pytest.fixture(scope="module")
def portal() -> Graph:
    return record_program(PROJECT, "portal-prod")


@pytest.fixture(scope="module")
def dosis() -> Graph:
    return record_program(PROJECT, "dosis-prod")


def _by_name(graph: Graph, typ: str) -> dict:
    return {r.name: r for r in graph.by_type(typ)}


def test_portal_trail_is_object_locked_ten_years(portal):
    locks = _by_name(portal, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    rule = locks["audit-bucket"].inputs["rule"]["defaultRetention"]
    assert rule["mode"] == "COMPLIANCE" and rule["days"] >= TEN_YEARS


def test_portal_log_groups_of_access_and_privacy_keep_ten_years(portal):
    groups = {g.inputs.get("name"): g for g in portal.by_type("aws:cloudwatch/logGroup:LogGroup")}
    for name in (
        "/eloket/privacy",
        "/aws/rds/instance/eloket-mysql/audit",
        "/aws/rds/instance/eloket-mysql/iam-db-auth-error",
    ):
        assert groups[name].inputs["retentionInDays"] >= TEN_YEARS, name
        assert groups[name].protect, name


def test_portal_alb_and_s3_access_logs_ten_years_and_undeletable(portal):
    (lifecycle,) = [
        r
        for r in portal.by_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        if r.name == "access-logs"
    ]
    expiry = [r["expiration"]["days"] for r in lifecycle.inputs["rules"] if "expiration" in r]
    assert expiry and min(expiry) >= TEN_YEARS
    (alb,) = portal.by_type("aws:lb/loadBalancer:LoadBalancer")
    assert alb.inputs["accessLogs"]["enabled"] is True
    (policy,) = [p for p in portal.by_type("aws:s3/bucketPolicy:BucketPolicy") if p.name == "access-logs"]
    sids = {s.get("Sid"): s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert "LogsCannotBeDeleted" in sids and "OnlyThePipelineChangesRetention" in sids


def test_dosis_tables_keep_ten_years(dosis):
    tables = {
        t.inputs["tableName"]: t.inputs for t in dosis.by_type("azure-native:operationalinsights:Table")
    }
    required = {
        "AzureActivity",
        "AzureDiagnostics",
        "SigninLogs",
        "AuditLogs",  # who did what (annex 3 b.vii)
        "AppServiceHTTPLogs",
        "AppServiceAuditLogs",  # transactions of DOSIS-IN/UIT
        "StorageBlobLogs",  # CSV bulk loads
        "LAQueryLogs",  # who queried the SIEM
    }
    assert required <= set(tables)
    assert all(tables[t]["totalRetentionInDays"] >= TEN_YEARS for t in required)


def test_dosis_logs_reach_the_workspace_and_it_cannot_be_deleted(dosis):
    # The workload's SIEM workspace; the security subscription's archive is test_log_archive_segregation's.
    (ws,) = [
        w
        for w in dosis.by_type("azure-native:operationalinsights:Workspace")
        if dosis.effective_provider(w).name != "azure-security"
    ]
    diags = {
        d.inputs["resourceUri"]: d.inputs for d in dosis.by_type("azure-native:monitor:DiagnosticSetting")
    }
    for app in dosis.by_type("azure-native:web:WebApp"):
        assert diags[app.id]["workspaceId"] == ws.id and diags[app.id]["logs"] == [
            {"categoryGroup": "allLogs", "enabled": True}
        ], app.name
    accounts = dosis.by_type("azure-native:storage:StorageAccount")
    assert len(accounts) == 2  # the CSV account and e-loket's off-vendor copies (issue 17, LOC-03)
    for account in accounts:
        assert diags[f"{account.id}/blobServices/default"]["workspaceId"] == ws.id, account.name
    locks = {r.inputs["scope"] for r in dosis.by_type("azure-native:authorization:ManagementLockByScope")}
    assert ws.id in locks and ws.protect
    (ltr,) = dosis.by_type("azure-native:sql:BackupLongTermRetentionPolicy")
    assert ltr.inputs["yearlyRetention"] == "P10Y"
    for server in dosis.by_type("azure-native:sql:Server"):  # SQL audit -> SQLSecurityAuditEvents
        assert diags[f"{server.id}/databases/master"]["workspaceId"] == ws.id
