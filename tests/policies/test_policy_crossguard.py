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


def test_residency_findings_are_not_waivable(stack_records):
    """DPA art. 12 is a contract term: a waiver naming a residency rule lifts nothing (issue 13 item 7)."""
    (stack_records / "waivers" / "test.yaml").write_text(
        "waivers:\n  - {rule: disallow-global-edge-services, resource: cdn, reason: 'marketing site during "
        "the migration', owner: web team, expires: 2099-12-31}\n"
    )
    policies = pack_policies(selected("eu-residency"))
    by_name = {p.name: p for p in policies}
    edge = by_name["disallow-global-edge-services"]
    assert run(edge, rargs("aws:cloudfront/distribution:Distribution", {}, name="cdn")) != []
    companion = by_name[WAIVED_POLICY]
    assert companion.enforcement_level == EnforcementLevel.ADVISORY
    found = run(companion, sargs(("aws:cloudfront/distribution:Distribution", "cdn", {})))
    assert found == []
    residency = {r.id for r, _ in selected("eu-residency")} - {"require-valid-waivers"}
    assert [r for r in residency if rule(r).waivable] == []


def test_expired_waiver_does_not_waive(stack_records):
    (stack_records / "waivers" / "test.yaml").write_text(
        "waivers:\n  - {rule: disallow-global-edge-services, resource: cdn, reason: 'marketing site during "
        "the "
        "migration', owner: web team, expires: 2001-01-01}\n"
    )
    by_name = {p.name: p for p in pack_policies(selected("eu-residency"))}
    assert (
        run(
            by_name["disallow-global-edge-services"],
            rargs("aws:cloudfront/distribution:Distribution", {}, name="cdn"),
        )
        != []
    )
    assert len(run(by_name["require-valid-waivers"], sargs())) == 1


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
    assert {level for _, level in selected("eu-residency") + selected("pia-conditions")} == {"mandatory"}
    from policies.rules import all_rules

    assert {r.id for r in all_rules()} == eu | pia
