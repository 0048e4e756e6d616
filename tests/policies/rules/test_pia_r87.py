"""Round-87 class (docs/pia-conditions.md, round 87): the directory roles that set a domain's federation
(Hybrid Identity, Domain Name and External Identity Provider Administrators) sign in as the domain's users,
so they hold the access-rights function. The cases are 2619cd57 (on 2f832caf); each test that fails on the
code before the fix says so."""

from __future__ import annotations

import pytest
from ruletest import case, run, says

SOD = "require-separation-of-duties"
MFA = "require-admin-mfa"
DBA_RIGHTS = "0000000000aa holds 2 separated functions: access rights, database structure"
KEYS_RIGHTS = "0000000000bb holds 2 separated functions: access rights, key administration"


@pytest.mark.parametrize("stem, fragment", [("r87p-01", DBA_RIGHTS), ("r87p-04", KEYS_RIGHTS)])
def test_hybrid_identity_administrator_is_access_rights(stem, fragment):
    """Fails before (2619cd57): Hybrid Identity Administrator counted only for admin MFA, not as a
    function, so the DBA or the key administrators held it beside their own and nothing fired."""
    assert says(run(SOD, case(stem)), fragment)


@pytest.mark.parametrize("stem", ["r87p-02", "r87p-03"])
def test_domain_and_idp_administrators_are_known_access_rights(stem):
    """Fails before (2619cd57): both were unknown templates, blocked only as roles that cannot be judged."""
    found = run(SOD, case(stem))
    assert says(found, DBA_RIGHTS) and not says(found, "neither a built-in role")


def test_a_standing_domain_name_administrator_is_privileged():
    """Fails before (2619cd57): the standing assignment was refused as an unknown role, not as privileged."""
    assert says(run(MFA, case("r87p-02")), "which changes federation: it is used without activation")


@pytest.mark.parametrize("stem", ["r87p-50", "r87p-51", "r87p-52"])
def test_an_identity_team_alone_and_readers_pass(stem):
    """Guard: passes before and after (one function; readers change nobody's sign-in)."""
    assert run(SOD, case(stem)) == []
