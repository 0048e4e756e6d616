"""What an Entra directory role a person holds counts as for the separation of duties (round 84). A built-in
role is read from `DIRECTORY_ROLE_FUNCTIONS` (access rights) or known to hold none (the other privileged
roles, judged for MFA by `standing_roles`, and the readers); a custom directory role of the stack holds access
rights when one of its allowed actions changes who is in a group or who may sign in as an application or
service principal (members, owners, credentials: "allProperties/allTasks" covers them), and one whose
permissions cannot be read blocks. Any other role id (a built-in role the gate does not know, a custom role
defined elsewhere) cannot be judged: it counts as a function of its own, which blocks beside any other."""

from __future__ import annotations

from fnmatch import fnmatchcase

from policies.core.iam.azure_functions import DIRECTORY_ROLE_FUNCTIONS
from policies.core.iam.standing_roles import CUSTOM_ROLE, PRIVILEGED, READERS
from policies.core.view import ResourceView, StackGraph, is_unknown

ACCESS = "access rights"
# Directory actions that make their holder someone else: a member or owner of a group (which holds roles),
# or the holder of a credential of an application or service principal (which holds roles).
_TAKEOVER = tuple(
    f"microsoft.directory/{entity}/{part}"
    for entity in ("groups", "groups.security", "groups.unified", "groups.distribution")
    for part in ("members/update", "owners/update")
) + tuple(
    f"microsoft.directory/{entity}/{part}"
    for entity in ("applications", "serviceprincipals")
    for part in ("credentials/update", "owners/update")
)


def _custom_by_id(graph: StackGraph) -> dict[str, ResourceView]:
    """The stack's custom directory roles by their literal object and template ids (indexed once)."""

    def build() -> dict[str, ResourceView]:
        out: dict[str, ResourceView] = {}
        for r in graph.by_type(CUSTOM_ROLE):
            for fld in ("objectId", "templateId"):
                v = r.input(fld)
                if isinstance(v, str) and v and not is_unknown(v):
                    out[v.lower()] = r
        return out

    return graph.once("custom-directory-roles-by-id", build)


def _takes_over(actions: list[str]) -> bool:
    patterns = [a.lower().replace("allproperties/alltasks", "*").replace("alltasks", "*") for a in actions]
    return any(fnmatchcase(op, p) for op in _TAKEOVER for p in patterns)


def _custom(role: ResourceView) -> tuple[str | None, str | None]:
    perms = role.input("permissions")
    actions = [a for p in perms if isinstance(p, dict) for a in (p.get("allowedResourceActions") or [])] if (
        isinstance(perms, list)) else None
    if actions is None or any(not isinstance(a, str) or is_unknown(a) for a in actions):
        return None, (
            f"the permissions of the custom directory role {role.name} cannot be read, so whether it "
            "changes group members or application credentials cannot be judged"
        )
    return (ACCESS if _takes_over(actions) else None), None


def role_function(
    graph: StackGraph, grant: ResourceView, fld: str, template: object
) -> tuple[str | None, str | None]:
    """(function, problem) of the directory role a grant names in `fld` (`template`: its template id as the
    grant gives it); a problem blocks."""
    for d in graph.dependency_of(grant, fld):
        if d.type == CUSTOM_ROLE:
            return _custom(d)
    t = str(template).lower()
    if t in DIRECTORY_ROLE_FUNCTIONS:
        return DIRECTORY_ROLE_FUNCTIONS[t], None
    if t in PRIVILEGED or t in READERS:
        return None, None
    if (custom := _custom_by_id(graph).get(t)) is not None:
        return _custom(custom)
    # may hold access rights: counted as a function of its own, so it blocks beside any other (alone, it is
    # its holder's one function: a device team's Intune Administrator passes)
    return (
        f"directory role {t} (neither a built-in role the gate knows nor a custom directory role of this "
        "stack, so it may hold access rights; declare it as a CustomDirectoryRole of the stack)"
    ), None
