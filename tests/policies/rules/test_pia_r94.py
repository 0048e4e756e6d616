"""Round-94 class (docs/pia-conditions.md, round 94): a session tag bound in any statement of a trust, or
carried in as a transitive tag from a role the program does not show, names one person; a role session name
Identity Center, a SAML provider or a trust sets to a person's name does too (`aws:userid`); a machine that
is not the stack's must collect both systems' sign-ins; a database's server must be the stack's for its key,
its public access and its TLS alike. The cases are those of the round's first commit; each test that fails
on the code before the fix says so. Each mutation makes one compliant fixture non-compliant and must block
with the message its check gives."""

from __future__ import annotations

import json

import pytest
from ruletest import case, patch, run, says

USERS = "disallow-direct-user-grants"
SIEM = "require-siem-logging"
CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
TLS = "require-tls-1-2"
SESSION_TAG = "may carry in as a transitive tag"
SESSION_NAME = "a role session name"
NOT_STACK_MACHINE = "is not a VM or scale set of this stack"
NOT_STACK_SERVER = "of this stack"
KEYS, EXPOSURE, LINK = "its key (", "its public network access", "its minimum TLS version"


def _trust(rs: list[dict], name: str, *statements: dict) -> list[dict]:
    doc = json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, separators=(",", ":"))
    return patch(rs, name, assumeRolePolicy=doc)


@pytest.mark.parametrize("stem", ["r94p-02", "r94p-11"])
def test_a_session_tag_bound_or_carried_in_names_one_person(stem):
    """Fails before: -02 (the binding in the AssumeRole statement, TagSession allowed by another) and -11
    (a role the stack does not show chaining in with sts:TagSession) passed every rule."""
    assert says(run(USERS, case(stem)), "grants to one user (`aws:principaltag/person` erik")


def test_a_transitive_tag_bound_in_the_first_trust_blocks():
    """Guard: r94p-01 was blocked before and after (bound keys are the stack's, whichever role reads them)."""
    assert says(run(USERS, case("r94p-01")), "grants to one user")


@pytest.mark.parametrize("stem", ["r94p-03", "r94p-04", "r94p-12"])
def test_a_session_name_set_to_a_person_names_one_person(stem):
    """Fails before: `aws:userid` named a user only by an IAM user's unique id."""
    assert says(run(USERS, case(stem)), SESSION_NAME)


@pytest.mark.parametrize("stem", ["r94p-50", "r94p-51", "r94p-54"])
def test_the_session_look_alikes_pass(stem):
    assert run(USERS, case(stem)) == []


def test_a_transitive_team_tag_from_an_unseen_role_blocks_once_the_keys_are_open():
    """Mutation of r94p-50: the second role trusts a role the stack does not create, without listing the
    keys it takes; its grant narrowed to a literal tag may then be one person's."""
    hop = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/people-hop"},
           "Action": ["sts:AssumeRole", "sts:TagSession"],
           "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
    rs = _trust(case("r94p-50"), "readers", hop)
    assert says(run(USERS, rs), SESSION_TAG)


def test_an_unseen_role_limited_to_other_keys_passes():
    """The same trust listing the keys it takes (`ForAllValues:StringEquals aws:TagKeys`), not the grant's
    key: no tag of that key reaches the session (a listed key may carry anything, as from an IdP)."""
    hop = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/people-hop"},
           "Action": ["sts:AssumeRole", "sts:TagSession"],
           "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                         "ForAllValues:StringEquals": {"aws:TagKeys": ["project"]}}}
    assert run(USERS, _trust(case("r94p-50"), "readers", hop)) == []


def test_a_function_session_name_blocks_once_a_saml_trust_names_sessions():
    """Mutation of r94p-54: with a SAML-federated role in the stack, a literal session name may be a
    person's (the assertion's RoleSessionName)."""
    rs = case("r94p-54") + [r for r in case("r94p-04") if r["name"] in ("entra-saml", "readers")]
    assert says(run(USERS, rs), SESSION_NAME)


@pytest.mark.parametrize("stem", ["r94p-05", "r94p-06", "r94p-07"])
def test_a_machine_not_of_the_stack_must_collect_both_systems(stem):
    """Fails before: a machine the stack does not create counted either source."""
    assert says(run(SIEM, case(stem)), NOT_STACK_MACHINE)


def test_the_arc_server_collecting_both_passes():
    assert run(SIEM, case("r94p-52")) == []


def test_the_arc_server_collecting_one_system_blocks():
    """Mutation of r94p-52: the rule keeps only the Syslog source."""
    rs = case("r94p-52")
    dcr = next(r for r in rs if r["name"] == "dcr")
    sources = {"syslog": dcr["inputs"]["dataSources"]["syslog"]}
    assert says(run(SIEM, patch(rs, "dcr", dataSources=sources)), NOT_STACK_MACHINE)


@pytest.mark.parametrize("stem", ["r94p-08", "r94p-09", "r94p-10"])
@pytest.mark.parametrize(("rule", "concern"), [(CMK, KEYS), (PUBLIC, EXPOSURE), (TLS, LINK)])
def test_a_database_on_a_server_not_of_the_stack_blocks_in_each_rule(stem, rule, concern):
    """Fails before for PUBLIC and TLS (all three stems) and CMK (-09, -10): "judged on its server"."""
    found = run(rule, case(stem))
    assert says(found, NOT_STACK_SERVER) and says(found, concern)


@pytest.mark.parametrize("rule", [CMK, PUBLIC, TLS])
def test_a_database_on_the_stack_server_passes(rule):
    assert run(rule, case("r94p-53")) == []


@pytest.mark.parametrize(("rule", "concern"), [(CMK, KEYS), (PUBLIC, EXPOSURE), (TLS, LINK)])
def test_the_stack_database_moved_to_another_server_blocks(rule, concern):
    """Mutation of r94p-53: serverName no longer fed from the stack's server, a vendor's name instead."""
    rs = patch(case("r94p-53"), "dossier-db", serverName="pg-vendor-analytics", resourceGroupName="rg-vendor")
    rs = [{**r, "refs": {}} if r["name"] == "dossier-db" else r for r in rs]
    found = run(rule, rs)
    assert says(found, "'pg-vendor-analytics' is not a PostgreSQL flexible server") and says(found, concern)


def test_tls_reads_the_server_a_database_is_fed_from():
    """The TLS rule judges one resource: a literal name of the stack's server is not enough there
    (limits/r94p-60); the keys rule places the name."""
    rs = [{**r, "refs": {}} if r["name"] == "dossier-db" else r for r in case("r94p-53")]
    assert says(run(TLS, rs), "reads what it is fed from or its parent") and run(CMK, rs) == []


def test_tls_reads_the_server_a_database_is_created_under():
    """A database created under the stack's server (its parent, as the stacks' component does; the policy
    plugin gives a resource rule no property dependencies) passes the TLS rule with a literal name."""
    rs = [{**r, "refs": {}, "parent": "pgflex"} if r["name"] == "dossier-db" else r for r in case("r94p-53")]
    assert run(TLS, rs) == []
