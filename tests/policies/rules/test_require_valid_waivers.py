"""require-valid-waivers: every waiver is well-formed, current, and names a waivable rule (or a checkov id)
and a resource of the stack by its exact URN."""

from __future__ import annotations

from policy_testlib import LB, graph, messages, res, waiver

from policies.core import records

RULE = "require-valid-waivers"


def test_a_valid_waiver_passes(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text("waivers:\n" + waiver("require-tls-1-2", LB))
    assert messages(RULE, graph(res("aws:lb/listener:Listener", "lb"))) == []


def test_valid_waivers(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        + waiver("require-tls-1-2", LB)
        + waiver("require-tls-1-2", LB + "2", "short")
        + waiver("require-tls-1-2", LB + "3", decided="2026-01-01", expires="2026-11-29")
        + waiver("require-tls-1-2", "lb4")
        + waiver("require-tls-1-2", "urn:pulumi:prod::p::aws:lb/listener:Listener::lb")
        + waiver("require-tls-1-2", LB, decided="2026-11-01", expires="2027-11-02")
        + waiver("require-tls-1-2", LB, decided="2026-12-01")
        + waiver("require-tls-1-2", LB, decided="")
    )
    p = f"{records_dir}/waivers/test.yaml"
    assert messages(RULE, graph(res("aws:lb/listener:Listener", "lb"))) == [
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
    assert messages(RULE, graph()) == [("", f"{p}: not valid YAML at line 1")]


def test_waiver_must_name_a_waivable_rule_and_a_resource_of_the_stack(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        + waiver("require-tls-1-2", LB)
        + waiver("require-eea-location", LB)
        + waiver("require-tls-9", LB)
        + waiver("require-tls-1-2", LB + "-renamed")
    )
    p = f"{records_dir}/waivers/test.yaml"
    assert messages(RULE, graph(res("aws:lb/listener:Listener", "lb"))) == [
        ("", f"{p}: waiver of require-eea-location for {LB}: rule require-eea-location cannot be waived; "
             "fix the finding instead"),
        ("", f"{p}: waiver of require-tls-9 for {LB}: no rule 'require-tls-9' exists; it waives nothing"),
        ("", f"{p}: waiver of require-tls-1-2 for {LB}-renamed: no resource with this URN in the stack "
             "(stale waiver); remove it"),
    ]


def test_waiver_matches_the_exact_urn_only(records_dir):
    (records_dir / "waivers" / "test.yaml").write_text("waivers:\n" + waiver("require-tls-1-2", LB))
    waivers = records.load_waivers("test")
    assert waivers.find("require-tls-1-2", LB) is not None
    assert waivers.find("require-tls-1-2", "urn:pulumi:test::p::aws:lb/loadBalancer:LoadBalancer::lb") is None
    assert waivers.find("require-customer-managed-keys", LB) is None


def test_waivers_take_checkov_ids_and_judge_them_like_rule_ids(records_dir):
    """One waiver file serves the packs and checkov: a checkov waiver is validated by the same rules."""
    key = "urn:pulumi:test::p::aws:kms/key:Key::key"
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n"
        + waiver("CKV_AWS_7", key, "HSM-backed replacement key due in Q3")
        + waiver("CKV2_AWS_62", key, "events are read through CloudTrail", decided="2020-01-01",
                 expires="2020-06-01")
        + waiver("ckv_aws_7", key, "lower-case ids are not checkov ids")
    )
    records.clear_cache()
    p = f"{records_dir}/waivers/test.yaml"
    assert messages(RULE, graph(res("aws:kms/key:Key", "key"))) == [
        ("", f"{p}: waivers[1]: waiver of CKV2_AWS_62 for {key} expired on 2020-06-01"),
        ("", f"{p}: waivers[2].rule: 'ckv_aws_7' is not a rule id"),
    ]
    assert records.load_waivers("test").find("CKV_AWS_7", key) is not None
