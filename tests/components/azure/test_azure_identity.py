"""SeparationOfDuties / AdminMfaPolicy: five closed groups, separated functions, JIT, no Owner, MFA."""

import re

import pytest
from azure_support import SUB, record

from components.azure.common import KEY_ADMIN_ROLE, ROLES
from components.azure.identity import (
    DELEGABLE_ROLES,
    FUNCTIONS,
    AdminMfaPolicy,
    AdminMfaPolicyArgs,
    SeparationOfDuties,
    SeparationOfDutiesArgs,
    check_separation,
)

GROUP = "azuread:index/group:Group"
ASSIGNED = "azure-native:authorization:RoleAssignment"
POLICY = "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy"
ELIGIBLE = "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule"
ROLE_DEF = "azure-native:authorization:RoleDefinition"
MEMBERS = {
    "key-admin": ["k1"],
    "access-rights-admin": ["a1"],
    "db-structure-admin": ["d1"],
    "security-auditor": ["s1"],
    "operator": ["o1"],
}


def _duties(**kwargs):
    return record(lambda opts: SeparationOfDuties("sod", SeparationOfDutiesArgs(SUB, **kwargs), opts=opts))


def _role(r, g):
    custom = {d.id: d.inputs["roleName"] for d in g.by_type(ROLE_DEF)}
    rd = r.inputs["roleDefinitionId"]
    return custom.get(rd) or next(name for name, guid in ROLES.items() if rd.endswith(guid))


def _groups(g):
    return {r.inputs["displayName"].removeprefix("dosis-"): r for r in g.by_type(GROUP)}


def test_defaults_are_compliant():
    g = _duties(members=MEMBERS)
    groups = _groups(g)
    assert set(groups) == set(FUNCTIONS)
    assert all(r.inputs["securityEnabled"] and not r.inputs["mailEnabled"] for r in groups.values())
    ids = {f: r.outputs["objectId"] for f, r in groups.items()}
    roles: dict[str, set[str]] = {}
    for r in g.by_type(ASSIGNED):
        assert r.inputs["scope"] == f"/subscriptions/{SUB}" and r.inputs["principalType"] == "Group"
        roles.setdefault(r.inputs["principalId"], set()).add(_role(r, g))
    by_function = {f: roles.get(ids[f], set()) for f in FUNCTIONS}
    assert KEY_ADMIN_ROLE in by_function["key-admin"]
    assert "Role Based Access Control Administrator" in by_function["access-rights-admin"]
    assert "SQL DB Contributor" in by_function["db-structure-admin"]
    every = set().union(*by_function.values())
    assert not every & {"Owner", "User Access Administrator", "Key Vault Crypto Officer"}
    # privileged groups have no standing members: membership is eligible only (PIM for Groups)
    for f in FUNCTIONS:
        privileged = f != "security-auditor"
        assert groups[f].inputs.get("members", []) == ([] if privileged else MEMBERS[f]), f
    eligible = {(e.inputs["groupId"], e.inputs["principalId"]) for e in g.by_type(ELIGIBLE)}
    assert eligible == {(ids[f], MEMBERS[f][0]) for f in FUNCTIONS if f != "security-auditor"}
    assert all(
        e.inputs["duration"] == "P365D" and e.inputs["assignmentType"] == "member"
        for e in g.by_type(ELIGIBLE)
    )


def test_pim_activation_needs_a_second_person_mfa_and_at_most_8_hours():
    """Issue 16: no PIM activation policy (approval, MFA, duration)."""
    g = _duties(members=MEMBERS)
    groups = _groups(g)
    policies = {p.inputs["groupId"]: p.inputs for p in g.by_type(POLICY)}
    assert len(policies) == 4
    approvers = groups["security-auditor"].outputs["objectId"]
    for f in ("db-structure-admin", "access-rights-admin", "key-admin", "operator"):
        rules = policies[groups[f].outputs["objectId"]]["activationRules"]
        assert rules["requireApproval"] and rules["requireMultifactorAuthentication"]
        assert rules["maximumDuration"] == "PT8H"
        assert rules["approvalStage"]["primaryApprovers"] == [{"objectId": approvers, "type": "groupMembers"}]


def test_delegation_condition_is_an_allow_list():
    """Issue 16: the deny-list missed Contributor, Key Vault Administrator, SQL Security Manager, ..."""
    g = _duties()
    (rbac,) = [r for r in g.by_type(ASSIGNED) if _role(r, g) == "Role Based Access Control Administrator"]
    condition = rbac.inputs["condition"]
    assert rbac.inputs["conditionVersion"] == "2.0"
    assert "GuidEquals" in condition and "GuidNotEquals" not in condition
    allowed = {ROLES[r] for r in DELEGABLE_ROLES}
    listed = set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", condition))
    assert listed == allowed
    for never in (
        "Owner",
        "User Access Administrator",
        "Key Vault Crypto Officer",
        "Storage Blob Data Reader",
        "SQL DB Contributor",
        "Role Based Access Control Administrator",
    ):
        assert ROLES[never] not in condition, never


def test_key_admin_role_manages_keys_without_using_them():
    """Key Vault Crypto Officer includes keys/* data actions (decrypt, unwrap): key use is data access."""
    g = _duties()
    (definition,) = g.by_type(ROLE_DEF)
    (perm,) = definition.inputs["permissions"]
    assert set(perm["notDataActions"]) >= {
        "Microsoft.KeyVault/vaults/keys/decrypt/action",
        "Microsoft.KeyVault/vaults/keys/unwrap/action",
        "Microsoft.KeyVault/vaults/keys/encrypt/action",
        "Microsoft.KeyVault/vaults/keys/wrap/action",
    }
    assert not [a for a in perm["actions"] if "write" in a.lower() or a.endswith("*")]


def test_options_members_and_standing_assignments():
    g = _duties(
        members={"key-admin": ["k1"], "operator": ["d1", "o1"], "db-structure-admin": ["d1"]},
        just_in_time=False,
        group_prefix="x",
    )
    groups = {r.inputs["displayName"]: r.inputs for r in g.by_type(GROUP)}
    assert groups["x-key-admin"]["members"] == ["k1"]
    assert groups["x-operator"]["members"] == ["d1", "o1"]  # an operator may also administer the DB structure
    assert not g.by_type(ELIGIBLE) and not g.by_type(POLICY)
    with pytest.raises(Exception, match="approvers"):
        _duties(approver_function="key-admin")


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
