"""Round 95 (docs/pia-conditions.md): Conditional Access may exclude as a group only a break-glass principal
the PIA record names; an Application Gateway's SSL profiles and layer-4 listeners are judged like its own
policy; a stack key created disabled writes no trail log file, takes no event into the trail's log group and
publishes no alarm on the SOC topic. Cases: the round's first commit (a test failing before the fix says
so); every mutation turns one compliant fixture non-compliant, and must block with its check's message."""

from __future__ import annotations

import copy

import pytest
from ruletest import base, case, patch, res, run, says, with_

MFA, TLS, SIEM = "require-admin-mfa", "require-tls-1-2", "require-siem-logging"
GROUPS = "whose members the program does not state"
PROFILE = "`sslProfiles[0].sslPolicy (partners-mtls)`"
LAYER4 = "layer-4 listener 'pg-tls' has protocol 'Tcp'"
TRAIL_KEY = "the trail's KMS key 'key' is disabled"
GROUP_KEY = "the trail's log group is encrypted with the disabled KMS key 'key'"
NO_ALARM = "no CloudWatch alarm with actions (or event rule) on root account use"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the corpus's placeholder for a value known only at update


@pytest.mark.parametrize("stem", ["r95p-04", "r95p-11"])
def test_an_excluded_group_the_program_does_not_state_blocks(stem):
    """Fails before (-04 passed every rule; -11 was blocked by its eligibility only): a group's members were
    read from the stack's memberships alone, so a group of unknown members lifted MFA for no one."""
    assert says(run(MFA, case(stem)), GROUPS)


@pytest.mark.parametrize("stem", ["r95p-50", "r95p-52", "r95p-53", "r95p-54"])
def test_the_look_alikes_pass(stem):
    for rule in (MFA, TLS, SIEM):
        assert run(rule, case(stem)) == [], rule


def _ca_users(resources: list[dict], **users) -> list[dict]:
    out = copy.deepcopy(resources)
    ca = next(r for r in out if r["name"] == "ca-mfa")
    ca["inputs"]["conditions"]["users"].update(users)
    return out


def test_mutation_a_group_excluded_beside_the_emergency_account_blocks():
    ok = case("r95p-52")
    bad = _ca_users(ok, excludedGroups=["00000000-0000-0000-0000-0000000000e7"])
    assert says(run(MFA, bad), GROUPS)
    # the recorded break-glass principal may stand in excludedGroups too (the record names an object id)
    assert run(MFA, _ca_users(ok, excludedGroups=["00000000-0000-0000-0000-0000000000b9"])) == []


def _agw(resources: list[dict], **over) -> list[dict]:
    out = copy.deepcopy(resources)
    agw = next(r for r in out if r["name"] == "agw")
    for k, v in over.items():
        path, _, leaf = k.partition("__")
        agw["inputs"][path][0][leaf] = v
    return out


def test_mutation_an_ssl_profile_below_tls_1_2_blocks():
    """Fails before (r95p-06 passed every rule): only the gateway's `sslPolicy` was read."""
    assert says(run(TLS, case("r95p-06")), "`sslProfiles[0].sslPolicy (legacy-clients)`")
    weak = {"policyType": "Predefined", "policyName": "AppGwSslPolicy20150501"}
    assert says(run(TLS, _agw(case("r95p-50"), sslProfiles__sslPolicy=weak)), PROFILE)


def test_mutation_unknown_ssl_profiles_block():
    assert says(run(TLS, patch(case("r95p-50"), "agw", sslProfiles=UNKNOWN)), "sslProfiles")


def test_mutation_a_layer_4_tcp_listener_blocks():
    """Fails before (r95p-10 passed every rule): the v2 gateway's `listeners` were not read."""
    assert says(run(TLS, case("r95p-10")), "layer-4 listener 'pg-tcp' has protocol 'Tcp'")
    assert says(run(TLS, _agw(case("r95p-50"), listeners__protocol="Tcp")), LAYER4)


def _disabled(resources: list[dict], name: str = "key", value: object = False) -> list[dict]:
    return patch(resources, name, isEnabled=value)


def test_mutation_a_disabled_trail_key_blocks_the_log_group_and_the_trail():
    """Fails before (r95p-12 passed every rule): a key's switch was never read."""
    aws = base("aws")
    assert run(SIEM, aws) == []
    found = run(SIEM, _disabled(aws))
    assert says(found, GROUP_KEY) and says(found, NO_ALARM)
    alone = _disabled(with_(aws, drop=("org-trail",)))  # no other trail records the account
    assert says(run(SIEM, alone), TRAIL_KEY)


def test_mutation_a_key_whose_switch_is_unknown_blocks():
    assert says(run(SIEM, _disabled(base("aws"), value=UNKNOWN)), GROUP_KEY)


def test_mutation_a_disabled_key_through_an_alias_blocks():
    alias = res("key-alias", "aws:kms/alias:Alias", {"name": "alias/siem", "targetKeyId": "k"},
                refs={"targetKeyId": "key"})
    aws = with_(base("aws"), alias)
    for r in aws:
        if r["name"] == "trail-logs":
            r["refs"] = {"kmsKeyId": "key-alias"}
    assert run(SIEM, aws) == []
    assert says(run(SIEM, _disabled(aws)), GROUP_KEY)


def test_mutation_the_soc_topic_under_a_disabled_key_notifies_no_one():
    """Fails before (r95p-14 passed every rule): a topic of the stack counted as told, whatever its key."""
    assert says(run(SIEM, case("r95p-14")), NO_ALARM)
    assert run(SIEM, patch(case("r95p-14"), "soc-key", isEnabled=True)) == []
