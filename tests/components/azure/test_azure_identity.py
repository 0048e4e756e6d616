"""SeparationOfDuties / AdminMfaPolicy: five closed groups, separated functions, JIT, no Owner, MFA."""

import pytest
from azure_support import SUB, record

from components.azure.common import KEY_ADMIN_ROLE, ROLES
from components.azure.identity import (
    FUNCTIONS,
    TRIAD,
    AdminMfaPolicy,
    AdminMfaPolicyArgs,
    SeparationOfDuties,
    SeparationOfDutiesArgs,
    check_separation,
)

GROUP = "azuread:index/group:Group"
ELIGIBLE = "azure-native:authorization:PimRoleEligibilitySchedule"
ASSIGNED = "azure-native:authorization:RoleAssignment"


def _duties(**kwargs):
    return record(lambda opts: SeparationOfDuties("sod", SeparationOfDutiesArgs(SUB, **kwargs), opts=opts))


def _role(r):
    return next(name for name, guid in ROLES.items() if r.inputs["roleDefinitionId"].endswith(guid))


def test_defaults_are_compliant():
    g = _duties()
    groups = {r.inputs["displayName"]: r for r in g.by_type(GROUP)}
    assert set(groups) == {f"dosis-{f}" for f in FUNCTIONS}
    assert all(r.inputs["securityEnabled"] and not r.inputs["mailEnabled"] for r in groups.values())
    by_group = {}
    for r in g.by_type(ELIGIBLE) + g.by_type(ASSIGNED):
        assert r.inputs["scope"] == f"/subscriptions/{SUB}"
        by_group.setdefault(r.inputs["principalId"], []).append((r.type == ELIGIBLE, _role(r)))
    ids = {
        name.removeprefix("dosis-"): g.by_type(GROUP)[i].outputs.get("objectId")
        for i, name in enumerate(groups)
    }
    roles = {f: by_group[ids[f]] for f in FUNCTIONS}
    # privileged roles only just-in-time, read-only roles standing, nobody Owner or User Access Administrator
    assert (True, KEY_ADMIN_ROLE) in roles["key-admin"]
    assert (True, "Role Based Access Control Administrator") in roles["access-rights-admin"]
    assert (True, "SQL DB Contributor") in roles["db-structure-admin"]
    assert all(not eligible for eligible, _ in roles["security-auditor"])
    every = [name for pairs in roles.values() for _, name in pairs]
    assert "Owner" not in every and "User Access Administrator" not in every
    privileged = {
        KEY_ADMIN_ROLE,
        "Role Based Access Control Administrator",
        "SQL DB Contributor",
        "SQL Server Contributor",
        "Website Contributor",
    }
    assert all(eligible for pairs in roles.values() for eligible, name in pairs if name in privileged)
    # each triad role belongs to exactly one function
    for role in (KEY_ADMIN_ROLE, "Role Based Access Control Administrator", "SQL DB Contributor"):
        assert sum(role in [n for _, n in roles[f]] for f in TRIAD) == 1
    rbac = next(r for r in g.by_type(ELIGIBLE) if _role(r) == "Role Based Access Control Administrator")
    assert rbac.inputs["conditionVersion"] == "2.0"
    for protected in ("Owner", "User Access Administrator", KEY_ADMIN_ROLE):
        assert ROLES[protected] in rbac.inputs["condition"]
    assert all(r.inputs["scheduleInfo"]["expiration"]["duration"] == "P365D" for r in g.by_type(ELIGIBLE))


def test_options_members_and_standing_assignments():
    g = _duties(
        members={"key-admin": ["k1"], "operator": ["d1", "o1"], "db-structure-admin": ["d1"]},
        just_in_time=False,
        group_prefix="x",
    )
    groups = {r.inputs["displayName"]: r.inputs for r in g.by_type(GROUP)}
    assert groups["x-key-admin"]["members"] == ["k1"]
    assert groups["x-operator"]["members"] == ["d1", "o1"]  # an operator may also administer the DB structure
    assert not g.by_type(ELIGIBLE)
    assert {_role(r) for r in g.by_type(ASSIGNED)} >= {KEY_ADMIN_ROLE, "SQL DB Contributor"}


@pytest.mark.parametrize(
    "members",
    [
        {"key-admin": ["p"], "db-structure-admin": ["p"]},
        {"access-rights-admin": ["p"], "key-admin": ["p"]},
        {"key-admin": ["p"], "operator": ["p"]},
        {"auditor": ["p"]},
    ],
)
def test_rejects_principal_in_two_functions(members):
    with pytest.raises(ValueError, match=r"separation of duties|unknown functions"):
        check_separation(members)
    with pytest.raises(Exception, match=r"separation of duties|unknown functions"):
        _duties(members=members)


def test_mfa_policies_cover_admins_and_untrusted_locations():
    g = record(
        lambda opts: AdminMfaPolicy(
            "mfa",
            AdminMfaPolicyArgs(
                admin_group_ids=["g1", "g2"],
                trusted_ip_ranges=["193.191.0.0/18"],
                break_glass_object_ids=["bg"],
            ),
            opts=opts,
        )
    )
    policies = {
        r.inputs["displayName"]: r.inputs
        for r in g.by_type("azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy")
    }
    admins = policies["DOSIS: administrators require MFA"]
    outside = policies["DOSIS: MFA outside trusted locations"]
    for p in (admins, outside):
        assert p["state"] == "enabled" and p["grantControls"]["builtInControls"] == ["mfa"]
        assert p["conditions"]["users"]["excludedUsers"] == ["bg"]
        assert p["conditions"]["applications"]["includedApplications"] == ["All"]
    assert admins["conditions"]["users"]["includedGroups"] == ["g1", "g2"]
    loc = g.by_type("azuread:index/namedLocation:NamedLocation")[0]
    assert loc.inputs["ip"] == {"ipRanges": ["193.191.0.0/18"], "trusted": True}
    assert outside["conditions"]["locations"] == {"includedLocations": ["All"], "excludedLocations": [loc.id]}


def test_mfa_without_trusted_network_applies_everywhere_and_needs_groups():
    g = record(lambda opts: AdminMfaPolicy("mfa", AdminMfaPolicyArgs(admin_group_ids=["g1"]), opts=opts))
    assert not g.by_type("azuread:index/namedLocation:NamedLocation")
    outside = next(
        r.inputs
        for r in g.by_type("azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy")
        if "outside" in r.inputs["displayName"]
    )
    assert outside["conditions"]["locations"] == {"includedLocations": ["All"]}
    with pytest.raises(Exception, match="admin group"):
        record(lambda opts: AdminMfaPolicy("mfa", AdminMfaPolicyArgs(admin_group_ids=[]), opts=opts))
