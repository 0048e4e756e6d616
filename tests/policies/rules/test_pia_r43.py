"""Round-43 classes (docs/pia-conditions.md, round 43): every statement list of the PIA record validated entry
by entry when the pack loads and when the evidence export reads it; … One failing mutation per message,
exact text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gate.errors import UsageError
from gate.packs import load_pack
from ruletest import case, patch, run, with_
from ruletest import messages_of as _of

from policies.core import pia_attestations as att
from policies.core.view import UNKNOWN

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


CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
CLOSED = "require-judgeable-data-types"
TLS = "require-tls-1-2"
RULES = (CMK, PUBLIC, MFA, "require-separation-of-duties", "require-siem-logging", CLOSED,
         "require-deletion-protection", TLS)


def test_compliant_programs_pass():
    for stem in ("r43p-50", "r43p-51", "r43p-52", "r43p-53", "r24p-56", "r14p-45", "r20p-53", "r18p-55"):
        for rule in RULES:
            assert run(rule, case(stem)) == [], (stem, rule)


CREATOR = (
    "`accessConfig.bootstrapClusterCreatorAdminPermissions` is not false (default true): whoever creates the "
    "cluster (a person's session or the pipeline, outside the program) keeps a cluster-admin access entry no "
    "program declares; set it false and grant rights by access entries to roles of this stack"
)


def _config_map(mode: object) -> str:
    return (
        f"`accessConfig.authenticationMode` is {mode!r} (CONFIG_MAP when left out): the aws-auth ConfigMap, "
        "edited inside the cluster where the program does not see it, maps IAM principals to Kubernetes "
        "groups (system:masters is cluster admin, every secret); set API and grant rights by access entries"
    )


def test_an_eks_cluster_admits_no_one_outside_its_access_entries():
    assert _of(run(MFA, case("r43p-04")), "eks") == [CREATOR]
    assert _of(run(MFA, case("r43p-03")), "eks") == [_config_map("API_AND_CONFIG_MAP")]
    left_out = patch(case("r24p-56"), "eks", accessConfig=None)
    assert _of(run(MFA, left_out), "eks") == [_config_map(None), CREATOR]
    unknown = patch(case("r24p-56"), "eks", accessConfig=UNKNOWN)
    assert _of(run(MFA, unknown), "eks") == [
        "`accessConfig` is unknown during preview, so who may use the cluster outside its access entries "
        "cannot be judged; the resource is treated as non-compliant (fail closed)"
    ]


def test_an_opensearch_master_user_is_a_role_of_the_stack():
    assert _of(run(MFA, case("r43p-05")), "search") == [
        "the master user arn:aws:iam::111122223333:user/jan.peeters is no role of this stack: it administers "
        "every index and the security plugin's role mappings while whether it signs in with MFA cannot be "
        "judged; make it a role of this stack that people assume with MFA"
    ]
    options = {"enabled": True, "anonymousAuthEnabled": False, "internalUserDatabaseEnabled": False,
               "masterUserOptions": {"masterUserArn": "arn:aws:iam::111122223333:role/db-admin"}}
    own_role = patch(case("r43p-05"), "search", advancedSecurityOptions=options)
    assert _of(run(MFA, own_role), "search") == []  # the base's db-admin role, assumed with MFA
    options["masterUserOptions"] = {"masterUserArn": UNKNOWN}
    assert _of(run(MFA, patch(case("r43p-05"), "search", advancedSecurityOptions=options)), "search") == [
        "`advancedSecurityOptions.masterUserOptions` is unknown during preview, so who administers the "
        "domain cannot be judged; the resource is treated as non-compliant (fail closed)"
    ]


def test_a_synapse_workspace_writes_to_a_lake_of_the_stack():
    assert _of(run(CMK, case("r43p-01")), "syn") == [
        "`defaultDataLakeStorage.accountUrl` https://stsynapselink.dfs.core.windows.net is no storage "
        "account of this stack: the workspace's Spark pools and Synapse Link write their copies there, "
        "under a key nothing judges; create the data lake in this stack (its key, exposure and deletion "
        "protection are judged there)"
    ]
    assert _of(run(CLOSED, case("r43p-01")), "syn-spark") == []  # judged through its workspace
    lake = {"accountUrl": UNKNOWN, "filesystem": "curated"}
    assert _of(run(CMK, patch(case("r43p-52"), "syn", defaultDataLakeStorage=lake)), "syn") == [
        "`defaultDataLakeStorage.accountUrl` is unknown during preview, so where the workspace writes its "
        "data cannot be judged; the resource is treated as non-compliant (fail closed)"
    ]


OPEN_API = (
    "the API asks no subscription key (subscriptionRequired false) and its own inbound policy validates no "
    "token (validate-jwt or validate-azure-ad-token): every caller that reaches the gateway reads what its "
    "backend returns; require a subscription, or validate an Entra token in the API's policy"
)


def test_an_api_management_api_asks_a_key_or_a_token():
    assert _of(run(PUBLIC, case("r43p-07")), "api") == [OPEN_API]
    policy = next(r for r in case("r43p-51") if r["name"] == "api-policy")
    assert _of(run(PUBLIC, with_(case("r43p-07"), policy)), "api") == []  # validate-jwt in its own policy
    empty = "<policies><inbound><base /></inbound></policies>"
    no_token = dict(policy, inputs={**policy["inputs"], "value": empty})
    assert _of(run(PUBLIC, with_(case("r43p-07"), no_token)), "api") == [OPEN_API]
    assert _of(run(PUBLIC, patch(case("r43p-51"), "api", subscriptionRequired=False)), "api") == []


def test_an_api_management_product_is_not_self_service():
    assert _of(run(PUBLIC, case("r43p-06")), "product") == [
        "the product is published to the built-in developers group with approvalRequired False (default "
        "false): whoever signs up on the developer portal gets a subscription key at once and calls its "
        "APIs; require approval, or show it only to a group the platform team manages"
    ]
    assert _of(run(PUBLIC, patch(case("r43p-06"), "product", approvalRequired=True)), "product") == []
    assert _of(run(PUBLIC, patch(case("r43p-06"), "product", state="notPublished")), "product") == []
    assert _of(run(PUBLIC, patch(case("r43p-51"), "product", subscriptionRequired=False)), "product") == [
        "the product is open (subscriptionRequired false): its APIs answer callers without a subscription "
        "key; require subscriptions with approval"
    ]
