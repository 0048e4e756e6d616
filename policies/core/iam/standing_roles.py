"""Entra directory roles held permanently (round 22): a DirectoryRoleAssignment or a membership of an
activated DirectoryRole is standing, used without activation and so without the MFA challenge and the record
PIM asks on each use. A privileged role (one that grants roles, resets who can sign in and how, or rules
sign-in) must be PIM-eligible instead. Closed world: a role whose template cannot be read blocks. A custom
directory role of the stack (round 23) is privileged when it may change anything (any action not a read); any
other role id (a custom role defined elsewhere, round 24) cannot be judged and blocks, as the readers below
are the only standing roles the gate admits."""

from __future__ import annotations

from policies.core.iam.azure import DIRECTORY_ROLE
from policies.core.iam.azure_functions import DIRECTORY_ROLE_FUNCTIONS
from policies.core.view import ResourceView, StackGraph, is_unknown

ACTIVATED_ROLE = "azuread:index/directoryRole:DirectoryRole"
ROLE_MEMBER = "azuread:index/directoryRoleMember:DirectoryRoleMember"
CUSTOM_ROLE = "azuread:index/customDirectoryRole:CustomDirectoryRole"
UNIT_ROLE_MEMBER = "azuread:index/administrativeUnitRoleMember:AdministrativeUnitRoleMember"  # round 84
# Beyond the access-rights roles: the roles that change authentication methods, sign-in policies or the
# applications that sign in (Microsoft marks them privileged).
PRIVILEGED: dict[str, str] = {
    **{t: "grants roles or resets who can sign in" for t in DIRECTORY_ROLE_FUNCTIONS},
    "c4e39bd9-1100-46d3-8c65-fb160da0071f": "resets users' authentication methods",  # Authentication Admin
    "0526716b-113d-4c15-b2c8-68e3c22b9f80": "sets the authentication methods policy",  # Auth. Policy Admin
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "edits Conditional Access",  # Conditional Access Administrator
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "edits Conditional Access",  # Security Administrator
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "adds credentials to applications",  # Application Administrator
    "158c047a-c907-4556-b7ef-446551a6b5f7": "adds credentials to applications",  # Cloud App Administrator
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "changes federation and sign-in sync",  # Hybrid Identity Admin
    "8329153b-31d0-4727-b945-745eb3bc5f31": "changes federation",  # Domain Name Administrator (round 87)
    "be2f45a1-457d-42af-a067-6ec1fa63bc45": "changes federation",  # External IdP Administrator (round 87)
}
# Built-in roles that only read (round 24): the only templates, beside the privileged ones, the gate knows.
READERS: dict[str, str] = {
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
    "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": "Directory Readers",
    "4a5d8f65-41da-4de4-8968-e035b65339cf": "Reports Reader",
    "5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
    "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b": "Message Center Reader",
    "75934031-6c7e-415a-99d7-48dbd49e875e": "Usage Summary Reports Reader",
}


def template_of(graph: StackGraph, r: ResourceView, fld: str) -> str | None:
    """The role template a grant names: a literal template id, or the template of the stack's activated
    DirectoryRole fed into the field; None when it cannot be read."""
    for d in graph.dependency_of(r, fld):
        if d.type == ACTIVATED_ROLE:
            t = d.input("templateId")
            return str(t).lower() if isinstance(t, str) and not is_unknown(t) else None
    value = r.input(fld)
    return str(value).lower() if isinstance(value, str) and not is_unknown(value) else None


def _custom_writes(role: ResourceView) -> list[str] | None:
    """The actions of a custom directory role that are not reads; None when they cannot be read."""
    perms = role.input("permissions")
    if is_unknown(perms) or not isinstance(perms, list):
        return None
    actions = [a for p in perms if isinstance(p, dict) for a in (p.get("allowedResourceActions") or [])]
    if any(not isinstance(a, str) or is_unknown(a) for a in actions):
        return None
    return [a for a in actions if not a.rsplit("/", 1)[-1].lower().endswith("read")]


def _custom(graph: StackGraph, r: ResourceView, fld: str) -> list[tuple[str, str]] | None:
    """Findings for a grant of a custom directory role of the stack; None when the grant names none."""
    roles = [d for d in graph.dependency_of(r, fld) if d.type == CUSTOM_ROLE]
    if not roles:
        return None
    out = []
    for role in roles:
        writes = _custom_writes(role)
        if writes is None:
            out.append(
                (
                    r.urn,
                    f"the permissions of the custom directory role {role.name} cannot be read: "
                    "state its allowedResourceActions so the gate can tell whether a standing "
                    "grant of it is privileged",
                )
            )
        elif writes:
            out.append(
                (
                    r.urn,
                    f"a permanent {r.type.rsplit(':', 1)[-1]} holds the custom directory role "
                    f"{role.name}, which may {', '.join(writes[:3])}: it is used without "
                    "activation, so PIM never asks MFA or records the use; make it PIM-eligible "
                    "(DirectoryRoleEligibilityScheduleRequest)",
                )
            )
    return out


def standing_privileged_roles(graph: StackGraph) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for r in graph.by_type(DIRECTORY_ROLE, ROLE_MEMBER, UNIT_ROLE_MEMBER):
        fld = "roleId" if r.type == DIRECTORY_ROLE else "roleObjectId"
        custom = _custom(graph, r, fld)
        if custom is not None:
            out.extend(custom)
            continue
        template = template_of(graph, r, fld)
        if template is None:
            out.append(
                (
                    r.urn,
                    f"`{fld}` cannot be read: name the role's template id (or feed it from a DirectoryRole "
                    "of this stack) so the gate can tell whether a standing grant is privileged",
                )
            )
        elif template in PRIVILEGED:
            out.append(
                (
                    r.urn,
                    f"a permanent {r.type.rsplit(':', 1)[-1]} holds the directory role {template}, "
                    f"which {PRIVILEGED[template]}: it is used without activation, so PIM never asks MFA "
                    "or records the use; make it PIM-eligible (DirectoryRoleEligibilityScheduleRequest)",
                )
            )
        elif template not in READERS:
            out.append(
                (
                    r.urn,
                    f"a permanent {r.type.rsplit(':', 1)[-1]} holds the directory role {template}, which is "
                    "neither a built-in role the gate knows nor a CustomDirectoryRole of this stack, so what "
                    "it may change cannot be judged; declare the custom role in this stack (or feed the "
                    "template from a DirectoryRole) or make the grant PIM-eligible",
                )
            )
    return out
