"""Round-43 classes (docs/pia-conditions.md, round 43): every statement list of the PIA record validated entry
by entry when the pack loads and when the evidence export reads it; … One failing mutation per message,
exact text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gate.errors import UsageError
from gate.packs import load_pack
from ruletest import case, patch, run
from ruletest import messages_of as _of

from policies.core import pia_attestations as att

MFA = "require-admin-mfa"
REPO = Path(__file__).resolve().parents[3]
PATH = "stacks/records/pia/s.yaml"
ON = att.evaluation_date()
ROLE = "arn:aws:iam::111122223333:role/break-glass"
TENANT = "00000000-0000-0000-0000-000000000001"
GOOD = {
    "break_glass": [{"principal": ROLE, "reason": "sealed", "alarm": "break-glass-used"},
                    {"principal": "00000000-0000-0000-0000-0000000000b9", "reason": "Entra emergency"},
                    {"principal": "eloket-break-glass", "reason": "sealed", "alarm": "bg"}],
    "identity_center_mfa": [{"instance": "arn:aws:sso:::instance/ssoins-1", "mfa": "always-on",
                             "verified_on": "2026-11-02"}],
    "saml_providers_mfa": [{"provider": "arn:aws:iam::111122223333:saml-provider/entra-client-vpn",
                            "idp": "Entra ID", "mfa": "enforced", "how": "CA-07",
                            "verified_on": "2026-11-02"},
                           {"provider": f"https://sts.windows.net/{TENANT}/", "idp": "Entra ID",
                            "mfa": "enforced", "how": "CA-07", "verified_on": "2026-11-02"}],
    "entra_external_mfa": [{"tenant": TENANT, "inbound_mfa_trust": "none", "verified_on": "2026-11-02"}],
}


def _problem(key: str, **change) -> str:
    """The error of the GOOD record with its `key` list's first entry changed (None: the field removed)."""
    entry = {k: v for k, v in {**GOOD[key][0], **change}.items() if v is not None}
    with pytest.raises(att.PiaRecordError) as e:
        att.validate({key: [entry]}, PATH, ON)
    return str(e.value).removeprefix(f"{PATH}: ")


def test_the_statements_of_the_records_are_valid():
    assert att.validate(GOOD, PATH, ON) is None
    for record in ("stacks/records/pia/portal-prod.yaml", "stacks/records/pia/dosis-prod.yaml",
                   "stacks/records/pia/interconnect-prod.yaml", "tests/corpus/pia/records/pia/corpus.yaml"):
        assert att.validate_file(REPO / record, ON) is None


def test_break_glass_entries_are_validated():
    assert _problem("break_glass", alarms="x") == (
        "break_glass[0].alarms: unknown key (known: alarm, principal, reason)")
    assert _problem("break_glass", reason=None) == "break_glass[0].reason: required key is missing"
    assert _problem("break_glass", reason=7) == (
        "break_glass[0].reason: must be text (why the account exists and how its use is watched)")
    assert _problem("break_glass", principal="arn:aws:iam::111122223333:roles/break-glass") == (
        "break_glass[0].principal: 'arn:aws:iam::111122223333:roles/break-glass' is not a principal the "
        "rules can match: an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), its name, or an "
        "Entra object id")
    assert _problem("break_glass", alarm=None) == (
        "break_glass[0].alarm: required for an IAM principal (the event rule or metric alarm that watches "
        "its use)")
    assert _problem("break_glass", alarm=["a"]) == (
        "break_glass[0].alarm: must be text (the event rule or metric alarm that watches its use)")


def test_identity_center_entries_are_validated():
    assert _problem("identity_center_mfa", verified="2026-11-02") == (
        "identity_center_mfa[0].verified: unknown key (known: how, instance, mfa, verified_on)")
    assert _problem("identity_center_mfa", instance="ssoins-1") == (
        "identity_center_mfa[0].instance: 'ssoins-1' is not an Identity Center instance ARN (arn:aws:sso:::"
        "instance/ssoins-<id>), as a permission set's instanceArn gives it")
    assert _problem("identity_center_mfa", mfa=True) == (
        "identity_center_mfa[0].mfa: True must be always-on | context-aware")
    assert _problem("identity_center_mfa", verified_on=None) == (
        "identity_center_mfa[0].verified_on: required key is missing")
    assert _problem("identity_center_mfa", verified_on="2026-13-01") == (
        "identity_center_mfa[0].verified_on: not a date (YYYY-MM-DD)")
    assert _problem("identity_center_mfa", verified_on="2099-01-01") == (
        "identity_center_mfa[0].verified_on: 2099-01-01 lies in the future")
    assert _problem("identity_center_mfa", how=" ") == (
        "identity_center_mfa[0].how: must be text (who verified it where)")


def test_saml_provider_entries_are_validated():
    assert _problem("saml_providers_mfa", provider="entra-client-vpn") == (
        "saml_providers_mfa[0].provider: 'entra-client-vpn' is not a SAML provider ARN (arn:aws:iam::"
        "<account>:saml-provider/<name>) nor an identity provider's entity ID (a URL or URN)")
    assert _problem("saml_providers_mfa", mfa="yes") == "saml_providers_mfa[0].mfa: 'yes' must be enforced"
    assert _problem("saml_providers_mfa", how=None) == "saml_providers_mfa[0].how: required key is missing"
    assert _problem("saml_providers_mfa", idp=1) == (
        "saml_providers_mfa[0].idp: must be text (which identity provider)")


def test_external_mfa_entries_are_validated():
    assert _problem("entra_external_mfa", tenant=TENANT.upper().replace("0", "A")) == (
        "entra_external_mfa[0].tenant: 'AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAA1' is not a lower-case Entra "
        "tenant id")
    assert _problem("entra_external_mfa", inbound_mfa_trust=False) == (
        "entra_external_mfa[0].inbound_mfa_trust: False must be none")
    assert _problem("entra_external_mfa", tenant=None) == (
        "entra_external_mfa[0].tenant: required key is missing")


RECORD = ("reference: PIA-1\nclassification: vertrouwelijk\nplatform: aws\naction_points: {}\n"
          "residual_risk: {accepted_by: x, accepted_on: 2026-01-01, expires: 2027-01-01}\n")


def test_a_bad_statement_stops_the_pack_naming_file_and_key(tmp_path, monkeypatch):
    (tmp_path / "pia").mkdir()
    (tmp_path / "pia" / "s.yaml").write_text(
        RECORD + "identity_center_mfa:\n  - {instance: arn:aws:sso:::instance/ssoins-1, mfa: always-on}\n")
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    monkeypatch.setenv("PULUMI_STACK", "s")
    with pytest.raises(UsageError) as e:
        load_pack(REPO / "policies" / "pia_conditions")
    assert str(e.value).endswith(
        f"pack failed to load: PiaRecordError: {tmp_path}/pia/s.yaml: identity_center_mfa[0].verified_on: "
        "required key is missing")


def test_the_evidence_export_refuses_a_bad_statement(tmp_path, capsys):
    from evidence import cli

    project = tmp_path / "project"
    shutil.copytree(REPO / "stacks" / "records", project / "stacks" / "records")
    record = project / "stacks" / "records" / "pia" / "portal-prod.yaml"
    text = record.read_text()
    assert "    alarm: security-break-glass-use\n" in text
    record.write_text(text.replace("    alarm: security-", "    alarms: security-"))
    out = tmp_path / "bundle"
    assert cli.main(["export", "--all", "--program", str(project), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "evidence: error: stacks/records/pia/portal-prod.yaml: break_glass[0].alarms: unknown key (known: "
        "alarm, principal, reason)\n")
    assert not out.exists()


def test_an_access_package_offered_to_the_directory_with_guests():
    assert _of(run(MFA, case("r43p-20")), "package-policy") == [
        "the access package's assignment policy lets every user of the directory, guests included "
        "(requestorSettings.scopeType 'AllExistingDirectorySubjects') request membership of group "
        "00000000-0000-0000-0000-0000000000aa, which holds an Azure role: guests among them, whose second "
        "factor may be accepted from their home tenant and whose accounts leave with another organisation; "
        "limit requestors to this tenant's users (AllExistingDirectoryMemberUsers or "
        "SpecificDirectorySubjects)"
    ]
    settings = {"scopeType": "AllExistingDirectoryMemberUsers", "requestsAccepted": True}
    members = patch(case("r43p-20"), "package-policy", requestorSettings=settings)
    assert _of(run(MFA, members), "package-policy") == []
