"""require-pia-record: a valid, accepted PIA record covers the stack, and every data-bearing resource carries
its reference; otherwise every data-bearing resource is blocked, naming each problem of the record."""

from __future__ import annotations

from policy_testlib import TAGS, UNKNOWN, graph, messages, res

from policies.core import records
from policies.core.view import unknown_message

RULE = "require-pia-record"
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


def msgs_pia(view):
    return [m for _, m in messages(RULE, graph(view))]


def test_pia_record_compliant(records_dir):
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == []
    assert msgs_pia(res("aws:iam/role:Role", "r", {})) == []  # not data-bearing


def test_pia_record_missing(records_dir):
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        f"the PIA preconditions of stack test are not met (D36 §132): {records_dir}/pia/test.yaml: no PIA "
        "record for this stack"
    ]


def test_pia_record_expired_and_open_point(records_dir):
    text = PIA.replace("expires: 2099-01-01", "expires: 2020-01-01").replace(
        "siem: {status: implemented}", "siem: {status: in-progress}"
    )
    (records_dir / "pia" / "test.yaml").write_text(text)
    p = f"{records_dir}/pia/test.yaml"
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        f"the PIA preconditions of stack test are not met (D36 §132): {p}: action_points.siem: D36 §101 "
        f"(6th) is not implemented (status 'in-progress'); {p}: residual_risk.expires: acceptance expired on "
        "2020-01-01"
    ]


def test_pia_record_reference_mismatch(records_dir):
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "pia-reference": "X"}})) == [
        f"tag `pia-reference` is 'X' but the stack's PIA record ({records_dir}/pia/test.yaml) is 'PIA-T'"
    ]


def test_unknown_tags_fail_closed(records_dir):
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    assert msgs_pia(res("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "pia-reference": UNKNOWN}})) == [
        unknown_message("tags.pia-reference", "the classification")
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
