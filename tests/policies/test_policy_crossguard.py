"""The CrossGuard adapter: unknown values fail closed, waivers downgrade to the advisory companion, errors "
"block."""

from __future__ import annotations

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy

from policies.core import records
from policies.core.crossguard import WAIVED_POLICY, pack_policies, to_policy
from policies.core.rule import Rule
from policies.core.view import UNKNOWN, unknown_message
from policies.packs import selected
from policies.rules import rule

TAGS = {"classification": "vertrouwelijk", "pia-reference": "P"}


def opts(protect=False):
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def rargs(type_, props, name="r", provider_props=None, config=None):
    provider = PolicyProviderResource(
        "pulumi:providers:aws",
        unknown_checking_proxy(provider_props or {"region": "eu-west-1"}),
        "urn:prov",
        "default",
    )
    return ResourceValidationArgs(
        type_,
        unknown_checking_proxy(props),
        f"urn:pulumi:test::p::{type_}::{name}",
        name,
        opts(),
        provider,
        config or {},
        {},
    )


def sargs(*resources, config=None):
    items = [
        PolicyResource(
            t, unknown_checking_proxy(p), f"urn:pulumi:test::p::{t}::{n}", n, opts(), None, None, [], {}
        )
        for t, n, p in resources
    ]
    return StackValidationArgs(items, config or {}, {})


def run(policy, args):
    found = []
    policy.validate(args, lambda message, urn=None: found.append((message, urn)))
    return found


@pytest.fixture
def stack_records(tmp_path, monkeypatch):
    (tmp_path / "pia").mkdir()
    (tmp_path / "waivers").mkdir()
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    monkeypatch.setenv("PULUMI_STACK", "test")
    records.clear_cache()
    yield tmp_path
    records.clear_cache()


def test_policy_metadata_and_fast_path():
    p = to_policy(rule("require-tls-1-2"), "mandatory")
    assert isinstance(p, ResourceValidationPolicy)
    assert (p.name, p.description, p.enforcement_level) == (
        "require-tls-1-2",
        rule("require-tls-1-2").title,
        EnforcementLevel.MANDATORY,
    )
    assert p.resource_types == rule("require-tls-1-2").resource_types
    stack = to_policy(rule("require-eea-inherited-location"))
    assert isinstance(stack, StackValidationPolicy)
    assert "allowedRegions" in stack.config_schema.properties
    assert not hasattr(stack, "resource_types")


def test_unknown_value_is_a_mandatory_violation_not_a_skip(stack_records):
    """CrossGuard's proxy would raise UnknownValueError (advisory skip); the rule reports instead."""
    p = to_policy(rule("require-tls-1-2"))
    found = run(p, rargs("aws:lb/listener:Listener", {"protocol": "HTTPS", "sslPolicy": UNKNOWN}))
    assert found == [(unknown_message("sslPolicy", "the TLS version"), None)]
    loc = to_policy(rule("require-eea-location"))
    found = run(loc, rargs("azure-native:storage:StorageAccount", {"location": UNKNOWN}, name="acct"))
    assert found == [(unknown_message("location", "the resource's location"), None)]


def test_other_types_are_noops():
    p = to_policy(rule("require-tls-1-2"))
    assert run(p, rargs("aws:iam/role:Role", {"assumeRolePolicy": UNKNOWN})) == []


def test_rule_that_raises_fails_closed():
    def boom(view, ctx):
        raise RuntimeError("bad input")

    r = Rule(
        id="require-anything",
        title="Anything is fine in this test.",
        severity="low",
        remediation="Nothing to remediate here.",
        controls=("ACC-01",),
        check=boom,
        module="tests.require_anything",
    )
    found = run(to_policy(r), rargs("aws:s3/bucket:Bucket", {}))
    assert found == [
        (
            "rule require-anything could not judge this resource (RuntimeError: bad input); it is "
            "treated as non-compliant (fail closed)",
            None,
        )
    ]


TLS_LB = "urn:pulumi:test::p::aws:lb/listener:Listener::lb"
_HTTP = {"protocol": "HTTP", "port": 80}


def _tls_waiver(expires: str, resource: str = TLS_LB) -> str:
    return ("waivers:\n  - {rule: require-tls-1-2, resource: '" + resource + "', reason: 'legacy client "
            "during the migration window', owner: web team, decided: 2026-11-01, expires: " + expires + "}\n")


def test_waived_finding_moves_to_advisory_companion(stack_records):
    (stack_records / "waivers" / "test.yaml").write_text(_tls_waiver("2027-05-31"))
    by_name = {p.name: p for p in pack_policies(selected("pia-conditions"))}
    tls = by_name["require-tls-1-2"]
    listener = "aws:lb/listener:Listener"
    assert run(tls, rargs(listener, _HTTP, name="lb")) == []
    assert run(tls, rargs(listener, _HTTP, name="other")) != []
    companion = by_name[WAIVED_POLICY]
    assert companion.enforcement_level == EnforcementLevel.ADVISORY
    found = run(companion, sargs((listener, "lb", _HTTP), (listener, "other", _HTTP)))
    assert [(m.split("] ", 1)[0] + "]", urn) for m, urn in found] == [
        ("[waived: require-tls-1-2 until 2027-05-31, owner web team]", TLS_LB)
    ]


def test_waiver_by_name_or_for_another_type_waives_nothing(stack_records):
    """Exact URN only: neither the logical name nor a resource of another type with that name matches."""
    (stack_records / "waivers" / "test.yaml").write_text(
        _tls_waiver("2027-05-31", "urn:pulumi:test::p::aws:lb/loadBalancer:LoadBalancer::lb"))
    tls = to_policy(rule("require-tls-1-2"))
    assert run(tls, rargs("aws:lb/listener:Listener", _HTTP, name="lb")) != []


def test_residency_findings_cannot_be_waived(stack_records):
    cdn = "aws:cloudfront/distribution:Distribution"
    (stack_records / "waivers" / "test.yaml").write_text(
        "waivers:\n  - {rule: disallow-global-edge-services, "
        "resource: 'urn:pulumi:test::p::" + cdn + "::cdn', "
        "reason: 'marketing site during the migration', owner: web team, decided: 2026-11-01, "
        "expires: 2027-05-31}\n")
    by_name = {p.name: p for p in pack_policies(selected("eu-residency"))}
    assert run(by_name["disallow-global-edge-services"], rargs(cdn, {}, name="cdn")) != []
    assert run(by_name[WAIVED_POLICY], sargs((cdn, "cdn", {}))) == []
    [(message, _)] = run(by_name["require-valid-waivers"], sargs((cdn, "cdn", {})))
    assert "rule disallow-global-edge-services cannot be waived" in message


def test_expired_waiver_does_not_waive(stack_records):
    (stack_records / "waivers" / "test.yaml").write_text(_tls_waiver("2026-11-29"))
    by_name = {p.name: p for p in pack_policies(selected("pia-conditions"))}
    assert run(by_name["require-tls-1-2"], rargs("aws:lb/listener:Listener", _HTTP, name="lb")) != []
    assert len(run(by_name["require-valid-waivers"], sargs(("aws:lb/listener:Listener", "lb", _HTTP)))) == 1


def test_pia_record_is_not_waivable(stack_records):
    (stack_records / "waivers" / "test.yaml").write_text(
        "waivers:\n  - {rule: require-pia-record, resource: b, reason: 'we would rather not have a PIA at "
        "all', "
        "owner: x, expires: 2099-01-01}\n"
    )
    p = to_policy(rule("require-pia-record"))
    assert len(run(p, sargs(("aws:s3/bucket:Bucket", "b", {"tags": TAGS})))) == 1


def test_packs_choose_rules_and_levels():
    eu = {r.id for r, _ in selected("eu-residency")}
    pia = {r.id for r, _ in selected("pia-conditions")}
    assert "require-eea-location" in eu and "require-pia-record" in pia
    levels = {r.id: level for r, level in selected("eu-residency") + selected("pia-conditions")}
    assert {rid for rid, level in levels.items() if level != "mandatory"} == {"require-timely-record-renewal"}
    from policies.rules import all_rules

    assert {r.id for r in all_rules()} == eu | pia
