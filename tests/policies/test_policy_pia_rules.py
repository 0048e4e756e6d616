"""pia-conditions rules: a compliant fixture and one failing mutation per message."""

from __future__ import annotations

import json

import pytest
from policy_testlib import TAGS, UNKNOWN, graph, messages, res

from policies.core import records
from policies.core.view import unknown_message

PORTAL_TAGS = {**TAGS, "dosis-data": "none"}
KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/k1"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# ---------------------------------------------------------------- require-pia-record

PIA = """
reference: PIA-T
classification: vertrouwelijk
platform: aws
action_points:
  identity-management-separation: {status: implemented}
  two-factor-authentication: {status: implemented}
  security-settings-separation: implemented
  siem: {status: implemented}
  residual-risk-accepted: {status: implemented}
  access-management: {status: implemented}
  encryption-at-rest: {status: implemented}
  privileged-access-management: {status: implemented}
  information-classification: {status: implemented}
residual_risk: {accepted_by: "leidend ambtenaar X", accepted_on: 2026-01-01, expires: 2099-01-01}
"""


@pytest.fixture
def records_dir(tmp_path, monkeypatch):
    (tmp_path / "pia").mkdir()
    (tmp_path / "waivers").mkdir()
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    records.clear_cache()
    yield tmp_path
    records.clear_cache()


def msgs_pia(view):
    return [m for _, m in messages("require-pia-record", graph(view))]


def test_pia_record_compliant(records_dir):
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == []
    assert msgs_pia(res("aws:iam/role:Role", "r", {})) == []  # not data-bearing


def test_pia_record_missing(records_dir):
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        f"the PIA preconditions of stack test are not met (D36 §132): {records_dir}/pia/test.yaml: no PIA "
        f"record "
        "for this stack"
    ]


def test_pia_record_expired_and_open_point(records_dir):
    text = PIA.replace("expires: 2099-01-01", "expires: 2020-01-01").replace(
        "siem: {status: implemented}", "siem: {status: in-progress}"
    )
    (records_dir / "pia" / "test.yaml").write_text(text)
    p = f"{records_dir}/pia/test.yaml"
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        f"the PIA preconditions of stack test are not met (D36 §132): {p}: action_points.siem: D36 §101 "
        f"(6th) is "
        f"not implemented (status 'in-progress'); {p}: residual_risk.expires: acceptance expired on "
        f"2020-01-01"
    ]


def test_pia_record_reference_mismatch(records_dir):
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "pia-reference": "X"}})) == [
        f"tag `pia-reference` is 'X' but the stack's PIA record ({records_dir}/pia/test.yaml) is 'PIA-T'"
    ]


def test_pia_parse_problems():
    on = records.dt.date(2026, 6, 1)
    status = records.parse_pia(
        {
            "reference": "R",
            "classification": "geheim",
            "platform": "azure",
            "action_points": {},
            "residual_risk": {"accepted_on": "2027-01-01", "expires": "soon"},
        },
        "f.yaml",
        on,
    )
    assert (
        status.problems[0] == "f.yaml: classification: must be one of publiek, intern, vertrouwelijk, "
        "strikt-vertrouwelijk"
    )
    assert "f.yaml: residual_risk.accepted_by: name of the leading official is missing" in status.problems
    assert "f.yaml: residual_risk.accepted_on: 2027-01-01 lies in the future" in status.problems
    assert "f.yaml: residual_risk.expires: not a date (YYYY-MM-DD)" in status.problems
    assert not status.ok


def test_project_pia_records_are_valid():
    for stack in ("dosis-prod", "portal-prod", "interconnect-prod"):
        status = records.load_pia(stack)
        assert status.ok, status.problems


# ---------------------------------------------------------------- disallow-dosis-data-on-portal


def test_dosis_data_on_portal():
    cache = {"engine": "memcached", "tags": {**PORTAL_TAGS, "data-retention": "transient"}}
    assert messages("disallow-dosis-data-on-portal", res("aws:elasticache/cluster:Cluster", "c", cache)) == []
    assert messages("disallow-dosis-data-on-portal", res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        "portal data store must be tagged `dosis-data: none` (found None)"
    ]
    assert messages(
        "disallow-dosis-data-on-portal",
        res("aws:elasticache/cluster:Cluster", "c", {**cache, "engine": "redis"}),
    ) == ["the portal cache must be Memcached (transient, no persistence); found 'redis'"]
    assert messages(
        "disallow-dosis-data-on-portal",
        res("aws:elasticache/cluster:Cluster", "c", {**cache, "tags": PORTAL_TAGS}),
    ) == ["the portal cache must be tagged `data-retention: transient`"]
    assert messages(
        "disallow-dosis-data-on-portal",
        res("aws:elasticache/cluster:Cluster", "c", {**cache, "engine": UNKNOWN}),
    ) == [unknown_message("engine", "whether the cache persists data")]


# ---------------------------------------------------------------- require-eea-backups


def test_eea_backups():
    db = {"backupRetentionPeriod": 35}
    assert messages("require-eea-backups", res("aws:rds/instance:Instance", "db", db)) == []
    assert messages(
        "require-eea-backups", res("aws:rds/instance:Instance", "db", {"backupRetentionPeriod": 1})
    ) == ["`backupRetentionPeriod` is 1; keep automated backups at least 7 days"]
    plan = {
        "rules": [{"copyActions": [{"destinationVaultArn": "arn:aws:backup:us-east-1:1:backup-vault:v"}]}]
    }
    assert messages("require-eea-backups", res("aws:backup/plan:Plan", "p", plan)) == [
        "backup copy `rules.0.copyActions.0.destinationVaultArn` is in 'us-east-1', which is outside the EEA"
    ]
    sqldb = res(
        "azure-native:sql:Database",
        "d",
        {"location": "westeurope", "requestedBackupStorageRedundancy": "Geo"},
    )
    assert messages("require-eea-backups", sqldb, {"allowedRegions": ["westeurope", "northeurope"]}) == []
    assert messages("require-eea-backups", sqldb, {"allowedRegions": ["westeurope"]}) == [
        "geo-redundant backups (`requestedBackupStorageRedundancy` 'Geo') is in 'northeurope', which is not "
        "an "
        "allowed region (allowed: westeurope)"
    ]
    assert messages("require-eea-backups", res("aws:dynamodb/table:Table", "t", {})) == [
        "`pointInTimeRecovery.enabled` is not true: the table cannot be restored"
    ]


# ---------------------------------------------------------------- require-strong-ipsec-crypto


def test_ipsec_crypto_wraps_vpn_check():
    from components.interconnect.crypto import IpsecCrypto, aws_tunnel_args  # noqa: F401

    weak = res("aws:ec2/vpnConnection:VpnConnection", "vpn", {"tunnel1IkeVersions": ["ikev1"]})
    found = messages("require-strong-ipsec-crypto", graph(weak))
    assert found and all(name == "vpn" for name, _ in found)
    assert messages("require-strong-ipsec-crypto", graph(res("aws:s3/bucket:Bucket", "b", {}))) == []


# ---------------------------------------------------------------- require-valid-waivers


LB = "urn:pulumi:test::p::aws:lb/listener:Listener::lb"


def _waiver(rule: str, resource: str, reason: str = "legacy client needs a migration window", *,
            decided: str = "2026-11-01", expires: str = "2027-05-31", owner: str = "o") -> str:
    return (f"  - {{rule: {rule}, resource: '{resource}', reason: '{reason}', owner: {owner}, "
            f"decided: {decided}, expires: {expires}}}\n")


def test_valid_waivers(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        + _waiver("require-tls-1-2", LB)
        + _waiver("require-tls-1-2", LB + "2", "short")
        + _waiver("require-tls-1-2", LB + "3", decided="2026-01-01", expires="2026-11-29")
        + _waiver("require-tls-1-2", "lb4")
        + _waiver("require-tls-1-2", "urn:pulumi:prod::p::aws:lb/listener:Listener::lb")
        + _waiver("require-tls-1-2", LB, decided="2026-11-01", expires="2027-11-02")
        + _waiver("require-tls-1-2", LB, decided="2026-12-01")
        + _waiver("require-tls-1-2", LB, decided="")
    )
    p = f"{records_dir}/waivers/test.yaml"
    assert messages("require-valid-waivers", graph(res("aws:lb/listener:Listener", "lb"))) == [
        ("", f"{p}: waivers[1].reason: must explain the exception in at least 20 characters"),
        ("", f"{p}: waivers[2]: waiver of require-tls-1-2 for {LB}3 expired on 2026-11-29"),
        ("", f"{p}: waivers[3].resource: 'lb4' is not a URN; name the waived resource by its exact URN "
             "(urn:pulumi:<stack>::<project>::<type>::<name>, as the gate report shows it)"),
        ("", f"{p}: waivers[4].resource: the URN belongs to stack 'prod', not 'test'"),
        ("", f"{p}: waivers[5].expires: 2027-11-02 lies more than 12 months after the decision of "
             "2026-11-01 (at most 2027-11-01); decide again instead"),
        ("", f"{p}: waivers[6].decided: 2026-12-01 lies after the evaluation date 2026-11-30"),
        ("", f"{p}: waivers[7]: missing decided"),
    ]
    (records_dir / "waivers" / "test.yaml").write_text("waivers: [")
    records.clear_cache()
    assert messages("require-valid-waivers", graph()) == [("", f"{p}: not valid YAML at line 1")]


def test_waiver_must_name_a_waivable_rule_and_a_resource_of_the_stack(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        + _waiver("require-tls-1-2", LB)
        + _waiver("require-eea-location", LB)
        + _waiver("require-tls-9", LB)
        + _waiver("require-tls-1-2", LB + "-renamed")
    )
    p = f"{records_dir}/waivers/test.yaml"
    assert messages("require-valid-waivers", graph(res("aws:lb/listener:Listener", "lb"))) == [
        ("", f"{p}: waiver of require-eea-location for {LB}: rule require-eea-location cannot be waived; "
             "fix the finding instead"),
        ("", f"{p}: waiver of require-tls-9 for {LB}: no rule 'require-tls-9' exists; it waives nothing"),
        ("", f"{p}: waiver of require-tls-1-2 for {LB}-renamed: no resource with this URN in the stack "
             "(stale waiver); remove it"),
    ]


def test_waiver_matches_the_exact_urn_only(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text("waivers:\n" + _waiver("require-tls-1-2", LB))
    waivers = records.load_waivers("test")
    assert waivers.find("require-tls-1-2", LB) is not None
    assert waivers.find("require-tls-1-2", "urn:pulumi:test::p::aws:lb/loadBalancer:LoadBalancer::lb") is None
    assert waivers.find("require-customer-managed-keys", LB) is None


def test_waivers_take_checkov_ids_and_judge_them_like_rule_ids(records_dir):
    """One waiver file serves the packs and checkov: a checkov waiver is validated by the same rules."""
    key = "urn:pulumi:test::p::aws:kms/key:Key::key"
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        + _waiver("CKV_AWS_7", key, "HSM-backed replacement key due in Q3")
        + _waiver("CKV2_AWS_62", key, "events are read through CloudTrail", decided="2020-01-01",
                  expires="2020-06-01")
        + _waiver("ckv_aws_7", key, "lower-case ids are not checkov ids")
    )
    records.clear_cache()
    p = f"{records_dir}/waivers/test.yaml"
    assert messages("require-valid-waivers", graph(res("aws:kms/key:Key", "key"))) == [
        ("", f"{p}: waivers[1]: waiver of CKV2_AWS_62 for {key} expired on 2020-06-01"),
        ("", f"{p}: waivers[2].rule: 'ckv_aws_7' is not a rule id"),
    ]
    assert records.load_waivers("test").find("CKV_AWS_7", key) is not None
