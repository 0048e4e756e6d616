"""require-judgeable-data-types: a store or a control no PIA check reads blocks, as does a regional type
without a role; judged types, parts, location-free types and components pass."""

from __future__ import annotations

import pytest
from policy_testlib import messages, res

from policies.rules import require_judgeable_data_types as rule

RULE = "require-judgeable-data-types"
ROLES = {
    "aws:s3/bucket:Bucket": "store",
    "aws:s3/bucketPolicy:BucketPolicy": "control",
    "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2": "part",
    "aws:qldb/ledger:Ledger": "store",
    "aws:s3/accessPoint:AccessPoint": "control",
}


@pytest.fixture(autouse=True)
def roles(monkeypatch):
    """Roles and judged sets pinned, so the rule is tested apart from the data files."""
    monkeypatch.setattr(rule, "pia_role", ROLES.get)
    monkeypatch.setattr(rule, "PIA_DATA_STORES", frozenset({"aws:s3/bucket:Bucket"}))
    monkeypatch.setattr(rule, "PIA_CONTROLS", frozenset({"aws:s3/bucketPolicy:BucketPolicy"}))
    monkeypatch.setattr(rule, "judged_elsewhere", dict)


def test_judged_stores_controls_parts_global_types_and_components_pass():
    for token in (
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2",
        "aws:iam/role:Role",
    ):
        assert messages(RULE, res(token, "x")) == [], token
    assert messages(RULE, res("aws:qldb/ledger:Ledger", "c", custom=False)) == []


def test_a_store_no_check_reads_blocks():
    assert messages(RULE, res("aws:qldb/ledger:Ledger", "l")) == [
        "aws:qldb/ledger:Ledger keeps data, and no pia-conditions check reads its key, public exposure, TLS "
        "and deletion protection: use a judged store (docs/pia-conditions.md#checks-per-control) or add the "
        "checks"
    ]


def test_a_store_judged_through_the_store_holding_it_passes(monkeypatch):
    monkeypatch.setattr(rule, "judged_elsewhere", lambda: {"aws:qldb/ledger:Ledger": "why"})
    assert messages(RULE, res("aws:qldb/ledger:Ledger", "l")) == []


def test_a_control_no_check_reads_blocks():
    assert messages(RULE, res("aws:s3/accessPoint:AccessPoint", "ap")) == [
        "aws:s3/accessPoint:AccessPoint decides how a data store is encrypted, exposed or read, and no "
        "pia-conditions check reads it: leave it out, or add a check "
        "(docs/pia-conditions.md#checks-per-control)"
    ]


def test_a_control_judged_on_the_store_passes(monkeypatch):
    monkeypatch.setattr(rule, "judged_elsewhere", lambda: {"aws:s3/accessPoint:AccessPoint": "why"})
    assert messages(RULE, res("aws:s3/accessPoint:AccessPoint", "ap")) == []


def test_a_regional_type_without_a_role_blocks():
    assert messages(RULE, res("aws:ec2/vpc:Vpc", "v")) == [
        "aws:ec2/vpc:Vpc has no PIA role in policies/data/pia_roles/, so whether it keeps data cannot be "
        "judged"
    ]
