"""checkov over exported Pulumi checkpoints: expected ids fail on bad resources, pass on good ones.

All tests here share ONE checkov run (session fixture ``checkov_run``)."""

from __future__ import annotations

from typing import Any

import pytest
from checkov_states import DB_PASSWORD, PSK, exported_text, failed

pytestmark = pytest.mark.slow


@pytest.fixture
def found(checkov_run: dict[str, Any]) -> dict[str, list[Any]]:
    return checkov_run["found"]


@pytest.mark.parametrize(("stack", "bad", "good", "ids"), [
    ("aws-cases", "key-no-rotation", "key-rotating", {"CKV_AWS_7"}),
    ("aws-cases", "db-plain", "db-encrypted", {"CKV_AWS_16", "CKV_AWS_17"}),
    ("aws-cases", "half-pab", "bucket-blocked-pab", {"CKV_AWS_53"}),
    ("aws-cases", "logs-no-cmk", "logs-cmk-unknown", {"CKV_AWS_158"}),
    ("azure-cases", "kv-purgeable", "kv-protected", {"CKV_AZURE_110", "CKV_AZURE_42"}),
    ("azure-cases", "st-http", "st-good", {"CKV_AZURE_3", "CKV_AZURE_44"}),
    ("azure-cases", "sql-unaudited", "sql-audited", {"CKV_AZURE_23", "CKV_AZURE_24", "CKV_AZURE_52"}),
])
def test_bad_fails_and_good_passes(found: dict[str, list[Any]], stack: str, bad: str, good: str,
                                   ids: set[str]) -> None:
    assert ids <= failed(found, stack, bad)
    assert not ids & failed(found, stack, good)


def test_unknown_value_fails_a_value_comparison(found: dict[str, list[Any]]) -> None:
    """An input unknown at preview is "set" (previous test) but never passes a comparison: fail closed."""
    assert "CKV_AZURE_44" in failed(found, "azure-cases", "st-tls-unknown")
    assert "CKV_AZURE_3" not in failed(found, "azure-cases", "st-tls-unknown")


@pytest.mark.parametrize(("name", "ids"), [
    ("sdk-key-no-rotation", {"CKV_AWS_7"}),
    ("sdk-db-plain", {"CKV_AWS_16"}),
    ("sdk-bucket-open", {"CKV2_AWS_6"}),
    ("sdk-kv-purgeable", {"CKV_AZURE_110", "CKV_AZURE_42"}),
    ("sdk-st-http", {"CKV_AZURE_3", "CKV_AZURE_44"}),
])
def test_recorded_sdk_resources(found: dict[str, list[Any]], name: str, ids: set[str]) -> None:
    """The same checks through gate.recording: real SDK input names survive the export."""
    assert ids <= failed(found, "sdk-cases", name)


def test_recorded_bucket_with_block_passes_graph_check(found: dict[str, list[Any]]) -> None:
    assert "CKV2_AWS_6" not in failed(found, "sdk-cases", "sdk-bucket")


def test_nsg_rule_open_to_internet_fails(found: dict[str, list[Any]]) -> None:
    assert "CKV_AZURE_9" in failed(found, "azure-cases", "nsg-rdp")


def test_graph_check_sees_separate_public_access_block(found: dict[str, list[Any]]) -> None:
    """CKV2_AWS_6 connects the bucket to its block through the exported property dependency."""
    assert "CKV2_AWS_6" not in failed(found, "aws-cases", "bucket-blocked")
    assert "CKV2_AWS_6" in failed(found, "aws-cases", "bucket-open")


def test_graph_check_sees_separate_encryption_configuration(found: dict[str, list[Any]]) -> None:
    assert "CKV_AWS_145" not in failed(found, "aws-cases", "bucket-blocked")
    assert "CKV_AWS_145" in failed(found, "aws-cases", "bucket-open")


def test_violation_shape(found: dict[str, list[Any]]) -> None:
    v = next(v for v in found["aws-cases"] if v.policy == "CKV_AWS_7")
    assert (v.pack, v.level, v.severity, v.type) == ("checkov", "mandatory", "high", "aws:kms/key:Key")
    assert v.urn == "urn:pulumi:aws-cases::dosis-eloket::aws:kms/key:Key::key-no-rotation"
    assert v.message == "Ensure rotation for customer created CMKs is enabled"
    assert v.blocking


def test_uncurated_ids_are_advisory(found: dict[str, list[Any]]) -> None:
    advisory = [v for v in found["aws-cases"] if v.policy == "CKV_AWS_18"]  # S3 access logging
    assert advisory
    assert all(v.level == "advisory" and not v.blocking for v in advisory)


def test_waiver_applies_to_checkov_id(found: dict[str, list[Any]]) -> None:
    v = next(v for v in found["aws-cases"] if v.policy == "CKV_AWS_24")
    assert v.waiver is not None and v.waiver["owner"] == "platform-team"
    assert v.message.startswith("[waived: CKV_AWS_24 until 2027-10-31, owner platform-team] ")
    assert not v.blocking


def test_expired_waiver_waives_nothing(found: dict[str, list[Any]]) -> None:
    v = next(v for v in found["aws-cases"] if v.policy == "CKV_AWS_16")
    assert v.waiver is None and v.blocking


def test_no_secret_in_exported_files_or_findings(checkov_run: dict[str, Any]) -> None:
    text = exported_text(checkov_run["workdir"])
    assert "aws_vpn_connection" in text and "Microsoft.KeyVault/vaults/secrets" in text
    findings = repr(checkov_run["found"])
    for value in (PSK, DB_PASSWORD):
        assert value not in text
        assert value not in findings
    assert "[secret]" in text


def test_runs_count_passes_and_failures_per_check(checkov_run: dict[str, Any]) -> None:
    """Passing checks are evidence too: one run per check id, resources checked and how many failed."""
    runs = {r.policy: r for r in checkov_run["runs"]["aws-cases"]}
    rotation = runs["CKV_AWS_7"]   # key-rotating passes, key-no-rotation fails
    assert (rotation.pack, rotation.resources_checked, rotation.violations) == ("checkov", 2, 1)
    assert rotation.level == "mandatory" and rotation.description
    assert all(r.violations <= r.resources_checked for r in runs.values())
    assert any(r.violations == 0 and r.resources_checked > 0 for r in runs.values())
