"""Microsoft Graph application permissions that hand out rights (round 19): an app role assignment of one
of them lets whoever runs code as the service principal assign directory roles, PIM eligibilities, group
memberships or app roles to anyone, itself included — every function, with no person and no MFA in the way.
Others (round 19, found while fixing) weaken sign-in instead: Conditional Access policies, authentication
methods and methods policy, so MFA is whatever the service principal leaves. Ids are Graph's published
app role ids (the same in every tenant), checked against several independent permission catalogues.
Delegated grants of the same permissions (round 20) let the app do it whenever an administrator signs in to
it: the app's code, not the person, then chooses what is granted."""

from __future__ import annotations

from policies.core.view import StackGraph, is_unknown, unknown_message

APP_ROLE_ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment"
DELEGATED = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant"
GRANTING: dict[str, str] = {
    "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8": "RoleManagement.ReadWrite.Directory",
    "06b708a9-e830-4db3-a914-8e69da51d44f": "AppRoleAssignment.ReadWrite.All",
    "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9": "Application.ReadWrite.All",
    "19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Directory.ReadWrite.All",
    "62a82d76-70ea-41e2-9197-370581804d09": "Group.ReadWrite.All",
    "dbaae8cf-10b5-4b86-a4a1-f871c94c6695": "GroupMember.ReadWrite.All",
    "dd199f4a-f148-40a4-a2ec-f0069cc799ec": "RoleAssignmentSchedule.ReadWrite.Directory",
    "fee28b28-e1f3-4841-818e-2704dc62245f": "RoleEligibilitySchedule.ReadWrite.Directory",
    "31e08e0a-d3f7-4ca2-ac39-7343fb83e8ad": "RoleManagementPolicy.ReadWrite.Directory",
    "2f6817f8-7b12-4f0f-bc18-eeaf60705a9e": "PrivilegedAccess.ReadWrite.AzureADGroup",
    "41202f2c-f7ab-45be-b001-85c9728b9d69": "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "618b6020-bca8-4de6-99f6-ef445fa4d857": "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
}

WEAKENING: dict[str, str] = {
    "01c0a623-fc9b-48e9-b794-0756f8e8f067": "Policy.ReadWrite.ConditionalAccess",
    "29c18626-4985-4dcd-85c0-193eef327366": "Policy.ReadWrite.AuthenticationMethod",
    "50483e42-d915-4231-9639-7fdb7fd190e5": "UserAuthenticationMethod.ReadWrite.All",
}


def weakening_assignments(graph: StackGraph) -> list[tuple[str, str]]:
    """(urn, message) per app role assignment of a permission that decides whether people need MFA."""
    return [
        (
            a.urn,
            f"the app role assignment gives the Graph application permission {name}, with which the service "
            "principal can switch off Conditional Access MFA or register its own factors for any person; "
            "manage sign-in policies from the reviewed program under an administrator's MFA session",
        )
        for a in graph.by_type(APP_ROLE_ASSIGNMENT)
        if (name := WEAKENING.get(str(a.input("appRoleId")).lower())) is not None
    ]


def granting_assignments(graph: StackGraph) -> list[tuple[str, str]]:
    out = []
    for a in graph.by_type(APP_ROLE_ASSIGNMENT):
        role = a.input("appRoleId")
        if is_unknown(role):
            out.append((a.urn, unknown_message("appRoleId", "whether the permission grants rights")))
        elif (name := GRANTING.get(str(role).lower())) is not None:
            out.append(
                (
                    a.urn,
                    f"the app role assignment gives the Graph application permission {name}, with which the "
                    "service principal can grant directory roles, group memberships or permissions to "
                    "anyone, itself included (every function, no MFA); give it read or narrowly scoped "
                    "permissions and grant roles from the reviewed program",
                )
            )
    return out


def _delegated(graph: StackGraph, names: frozenset[str]) -> list[tuple[str, list[str] | None]]:
    """(urn, the scopes of `names` it grants; None when its claim values are unknown) per delegated grant."""
    out: list[tuple[str, list[str] | None]] = []
    for g in graph.by_type(DELEGATED):
        claims = g.input("claimValues")
        if is_unknown(claims) or not isinstance(claims, list) or any(is_unknown(c) for c in claims):
            out.append((g.urn, None))
        elif hits := sorted({str(c) for c in claims} & names):
            out.append((g.urn, hits))
    return out


# Delegated-only: full access to the directory as the signed-in user (an administrator: everything).
_DELEGATED_GRANTING = frozenset(GRANTING.values()) | {"Directory.AccessAsUser.All"}


def granting_grants(graph: StackGraph) -> list[tuple[str, str]]:
    return [
        (
            urn,
            unknown_message("claimValues", "whether the delegated permissions grant rights")
            if hits is None
            else f"the delegated permission grant gives {', '.join(hits)}: whenever an administrator signs "
            "in to the app, its code can grant directory roles, group memberships or permissions to anyone; "
            "grant delegated read scopes only and grant roles from the reviewed program",
        )
        for urn, hits in _delegated(graph, _DELEGATED_GRANTING)
    ]


def weakening_grants(graph: StackGraph) -> list[tuple[str, str]]:
    return [
        (
            urn,
            f"the delegated permission grant gives {', '.join(hits)}: whenever an administrator signs in "
            "to the app, its code can switch off Conditional Access MFA or register factors for any person; "
            "manage sign-in policies from the reviewed program under an administrator's MFA session",
        )
        for urn, hits in _delegated(graph, frozenset(WEAKENING.values()))
        if hits is not None
    ]
