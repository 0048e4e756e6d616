"""Redaction, control verdicts with live checks, and the register loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evidence import register
from evidence.assess import assess, shown_properties
from evidence.errors import EvidenceError
from evidence.export import export
from evidence.model import LiveCheck
from evidence.redact import Redactor, is_secret_key
from evidence_fixtures import DB_PASSWORD, PROJECT, PSK, SIG, catalogue, checkpoint, fake_collect, rule_meta


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "masterPassword",
        "tunnel1PresharedKey",
        "sharedKey",
        "psk",
        "adminPassword",
        "authToken",
        "connectionString",
        "privateKey",
        "clientSecret",
    ],
)
def test_credential_keys_are_secret(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "kmsKeyId",
        "secretArn",
        "minimumPasswordLength",
        "passwordReusePrevention",
        "additionalSecretOutputs",
        "enableKeyRotation",
        "tokenName",
        "keyVaultId",
    ],
)
def test_reference_keys_are_not_secret(key: str) -> None:
    assert not is_secret_key(key)


def test_redactor_scrubs_secret_values_everywhere() -> None:
    r = Redactor()
    data = {
        "inputs": {"sharedKey": PSK, "pw": {**SIG, "value": DB_PASSWORD}},
        "message": f"tunnel uses {PSK}",
        "additionalSecretOutputs": ["password"],
    }
    r.collect(data)
    out = r.redact(data)
    assert out == {
        "inputs": {"sharedKey": "[secret]", "pw": "[secret]"},
        "message": "tunnel uses [secret]",
        "additionalSecretOutputs": ["password"],
    }
    assert r.leaks(PSK.encode()) and not r.leaks(json.dumps(out).encode())


def test_live_failure_fails_the_control_and_live_pass_verifies() -> None:
    evidence = fake_collect(PROJECT, ["portal-prod"], None)
    trail = "aws:cloudtrail/trail:Trail"
    checks = [LiveCheck("aws", "aws.cloudtrail.validation", "arn:trail", "pass", "on", resource_type=trail)]
    results = {r.control.id: r for r in assess(catalogue(), evidence, checks, rule_meta())}
    assert results["LOG-TRAIL"].status == "verified"
    checks.append(LiveCheck("aws", "aws.cloudtrail.logging", "arn:trail", "fail", "off", resource_type=trail))
    results = {r.control.id: r for r in assess(catalogue(), evidence, checks, rule_meta())}
    assert results["LOG-TRAIL"].status == "failed"


def test_live_errors_never_verify_a_control() -> None:
    evidence = fake_collect(PROJECT, ["portal-prod"], None)
    checks = [
        LiveCheck(
            "aws",
            "aws.cloudtrail.validation",
            "",
            "error",
            "missing permission: AccessDenied",
            resource_type="aws:cloudtrail/trail:Trail",
        ),
        LiveCheck(
            "aws",
            "aws.cloudtrail.logging",
            "",
            "not-verified",
            "no credentials",
            resource_type="aws:cloudtrail/trail:Trail",
        ),
    ]
    results = {r.control.id: r for r in assess(catalogue(), evidence, checks, rule_meta())}
    assert results["LOG-TRAIL"].status == "not-verified"


def test_export_with_live_writes_live_json(tmp_path: Path, export_kwargs) -> None:
    def live(evidence):
        return [
            LiveCheck(
                "aws",
                "aws.kms.rotation",
                "arn:key",
                "fail",
                f"rotation off ({PSK})",
                resource_type="aws:kms/key:Key",
                actual={"sharedKey": PSK},
                drift=True,
            )
        ]

    out = tmp_path / "b"
    export(PROJECT, out, stacks=["portal-prod"], live=True, live_collect=live, **export_kwargs)
    checks = json.loads((out / "live.json").read_text())
    assert checks[0]["status"] == "fail" and checks[0]["actual"] == {"sharedKey": "[secret]"}
    assert checks[0]["detail"] == "rotation off ([secret])"
    assert 'id="live"' in (out / "report.html").read_text()
    assert json.loads((out / "manifest.json").read_text())["live"] is True


def test_shown_properties_prefer_what_the_control_names() -> None:
    inputs = checkpoint()["deployment"]["resources"][1]["inputs"]
    assert shown_properties(inputs, ["aws:kms/key:Key.enableKeyRotation"]) == {"enableKeyRotation": True}
    assert "description" in shown_properties(inputs, [])


def test_register_from_the_repository_has_every_art30_heading() -> None:
    reg = register.load(PROJECT / register.DEFAULT_PATH)
    text = register.to_markdown(reg)
    for heading in (
        "Purposes",
        "Categories of data subjects",
        "Categories of personal data",
        "Recipients",
        "Locations",
        "Retention",
        "Processors and sub-processors",
    ):
        assert f"### {heading}" in text
    assert "Amazon Web Services EMEA SARL" in text and "D36 §59" in text


def test_register_yaml_error_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("version: 1\nactivities: [\n")
    with pytest.raises(EvidenceError, match=r"r.yaml: line \d+: not valid YAML"):
        register.load(bad)


def test_waiver_reported_under_the_packs_waiver_policy_counts_for_its_rule() -> None:
    from gate.model import Violation

    evidence = fake_collect(PROJECT, ["portal-prod"], None)
    urn = "urn:pulumi:portal-prod::dosis-eloket::aws:kms/key:Key::data"
    evidence[0].report.violations.append(
        Violation(
            "pia-conditions",
            "report-waived-findings",
            "advisory",
            "",
            urn,
            "aws:kms/key:Key",
            "[waived: require-kms-rotation until 2027-01-01, owner ciso] imported key",
            {
                "rule": "require-kms-rotation",
                "resource": urn,
                "reason": "imported",
                "owner": "ciso",
                "expires": "2027-01-01",
            },
        )
    )
    results = {r.control.id: r for r in assess(catalogue(), evidence, [], rule_meta())}
    assert results["ENC-KEY-ROTATION"].status == "waived"
    assert [v["rule"] for v in results["ENC-KEY-ROTATION"].violations] == ["require-kms-rotation"]


def test_component_entries_select_the_resources_the_component_creates() -> None:
    from evidence_fixtures import Catalogue, Control, Source

    evidence = fake_collect(PROJECT, ["portal-prod"], None)
    urn = "urn:pulumi:portal-prod::dosis-eloket::dosis-eloket:aws:SecureBucket$aws:s3/bucket:Bucket::cfg"
    evidence[0].state["deployment"]["resources"].append(
        {"urn": urn, "type": "aws:s3/bucket:Bucket", "custom": True, "inputs": {"bucket": "cfg"}}
    )
    cat = Catalogue(
        [
            Control(
                "S3-01",
                "Buckets",
                "Private buckets.",
                "technical",
                [Source("D36", "§110")],
                components=["SecureBucket"],
            )
        ]
    )
    (result,) = assess(cat, evidence, [], {})
    assert [s["urn"] for s in result.subjects] == [urn]
    assert result.status == "organisational"  # no rule, no clause: nothing checks it


def test_live_checks_reach_the_controls_of_the_rule_they_verify() -> None:
    from evidence.live import link_rules

    checks = link_rules(
        [
            LiveCheck("aws", "aws.kms.rotation", "arn:k", "fail", "rotation off"),
            LiveCheck("azure", "azure.rbac.separation", "p1", "pass", "ok"),
            LiveCheck("aws", "aws.unmapped", "", "pass", "?"),
        ]
    )
    assert [c.rules for c in checks] == [
        ["require-customer-managed-keys"],
        ["require-separation-of-duties"],
        [],
    ]
    evidence = fake_collect(PROJECT, ["portal-prod"], None)
    meta = {**rule_meta()}
    cat = catalogue()
    cat.controls[0].rules.append("require-customer-managed-keys")
    results = {r.control.id: r for r in assess(cat, evidence, checks, meta)}
    assert results["ENC-KEY-ROTATION"].status == "failed"
    assert [c.check for c in results["ENC-KEY-ROTATION"].live] == ["aws.kms.rotation"]


def test_open_violation_fails_even_an_organisational_control() -> None:
    evidence = fake_collect(PROJECT, ["portal-prod"], None)
    cat = catalogue()
    cat.control("ORG-PIA").rules.append("require-eea-location")  # violated by the fixture report
    results = {r.control.id: r for r in assess(cat, evidence, [], rule_meta())}
    assert results["ORG-PIA"].status == "failed"
