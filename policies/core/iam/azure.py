"""Azure RBAC semantics: role definitions (built-in roles from a data file, custom roles from the graph)
evaluated by actions/notActions/dataActions/notDataActions, role assignments and PIM eligibilities at any
scope, and the Conditional Access reading of MFA."""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from pathlib import Path
from typing import Any

from policies.core.iam.azure_functions import FUNCTIONS, KEY_USE, SECRET_READ
from policies.core.iam.azure_secrets import is_workload, secret_holders, undeclared_app
from policies.core.iam.per_role import per_role
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown

ROLE_DEFINITION = "azure-native:authorization:RoleDefinition"
ASSIGNMENTS = (
    "azure-native:authorization:RoleAssignment",
    "azure-native:authorization:PimRoleEligibilitySchedule",
    "azure-native:authorization:RoleEligibilitySchedule",
    "azure-native:authorization:RoleAssignmentScheduleRequest",
    "azure-native:authorization:RoleEligibilityScheduleRequest",
)
WORKLOAD_TYPES = ("ServicePrincipal", "MSI", "Application")
GROUP_MEMBER = "azuread:index/groupMember:GroupMember"
DIRECTORY_ROLE = "azuread:index/directoryRoleAssignment:DirectoryRoleAssignment"
Permissions = list[dict[str, Any]]


@functools.lru_cache(maxsize=1)
def builtin_roles() -> dict[str, dict[str, Any]]:
    data = json.loads((Path(__file__).parent / "azure_builtin_roles.json").read_text())
    return {guid.lower(): role for guid, role in data["roles"].items()}


@functools.lru_cache(maxsize=65536)
def _match(pattern: str, op: str) -> bool:
    return fnmatch.fnmatchcase(op.lower(), pattern.lower())


def covers(perms: Permissions, op: str, data: bool = False) -> bool:
    """Whether a role's permissions allow operation `op` (an action, or a dataAction when `data`)."""
    allow, deny = ("dataActions", "notDataActions") if data else ("actions", "notActions")
    for p in perms:
        if any(_match(str(a), op) for a in p.get(allow) or ()) and not any(
            _match(str(n), op) for n in p.get(deny) or ()
        ):
            return True
    return False


@per_role  # what covers() reads of the role, judged once per role
def functions_of(perms: Permissions) -> set[str]:
    return {fn for fn, (acts, data) in FUNCTIONS.items()
            if any(covers(perms, a) for a in acts) or any(covers(perms, d, data=True) for d in data)}


def uses_keys(perms: Permissions) -> bool:
    return any(covers(perms, op, data=True) for op in KEY_USE)


def reads_secrets(perms: Permissions) -> bool:
    """Round 90: the role reads secret values in Key Vault (SECRET_READ)."""
    return any(covers(perms, op, data=True) for op in SECRET_READ)


def permissions(graph: StackGraph, assignment: ResourceView) -> tuple[Permissions | None, str | None]:
    """The permissions of the role an assignment/eligibility names: (perms, problem)."""
    for d in graph.dependency_of(assignment, "roleDefinitionId"):
        if d.type == ROLE_DEFINITION:
            return _custom(d)
    rd = assignment.input("roleDefinitionId")
    if not isinstance(rd, str) or is_unknown(rd):
        return None, "`roleDefinitionId` is unknown during preview and not a role definition of this stack"
    guid = rd.rsplit("/", 1)[-1].lower()
    if guid in builtin_roles():
        r = builtin_roles()[guid]
        return [{k: r.get(k, []) for k in ("actions", "notActions", "dataActions", "notDataActions")}], None
    for d in graph.by_type(ROLE_DEFINITION):
        if guid in {
            str(d.input(k, "")).rsplit("/", 1)[-1].lower() for k in ("roleDefinitionId", "roleId", "name")
        }:
            return _custom(d)
    return None, (
        f"role definition {guid} is neither a built-in role known to the gate "
        "(policies/core/iam/azure_builtin_roles.json) nor a custom role of this stack"
    )


def _custom(d: ResourceView) -> tuple[Permissions | None, str | None]:
    perms = d.input("permissions")
    if is_unknown(perms) or not isinstance(perms, list):
        return None, f"the permissions of custom role {d.name} are unknown or missing"
    return [p for p in perms if isinstance(p, dict)], None


def object_key(graph: StackGraph, r: ResourceView, fld: str) -> str | None:
    """One key per directory object, however it is given: the object id (lower case) of a literal or of an
    azuread resource of the stack it is an output of, else that resource's URN; None when unknown."""
    for d in graph.dependency_of(r, fld):
        oid = d.input("objectId") or d.input("id")
        return oid.lower() if isinstance(oid, str) and not is_unknown(oid) else d.urn
    value = r.input(fld)
    return value.lower() if isinstance(value, str) and not is_unknown(value) else None


def inherit_through_groups(graph: StackGraph, held: dict[str, set[str]], where: dict[str, str]) -> list[str]:
    """Members of a group hold what the group holds (nested groups too; `where[member]` becomes the
    membership that gave it); returns the memberships whose group or member cannot be known (fail closed)."""
    edges, unknown = _member_edges(graph)
    for _ in range(len(edges)):  # to a fixed point: at most one round per membership
        changed = False
        for member, g, urn in edges:
            extra = held.get(g, set()) - held.get(member, set())
            if extra:
                held.setdefault(member, set()).update(extra)
                where.setdefault(member, urn)
                changed = True
        if not changed:
            break
    return unknown


def _member_edges(graph: StackGraph) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(member, group, urn) of every membership, and the memberships that cannot be read."""
    from policies.core.iam.azure_paths import PIM_GROUPS, group_member_edges

    edges, unknown = group_member_edges(graph), []
    pairs = [(m, "groupObjectId", "memberObjectId") for m in graph.by_type(GROUP_MEMBER)]
    pairs += [(m, "groupId", "principalId") for m in graph.by_type(*PIM_GROUPS)]
    for m, gfld, mfld in pairs:
        g, member = object_key(graph, m, gfld), object_key(graph, m, mfld)
        if g is None or member is None:
            unknown.append(m.urn)
        else:
            edges.append((member, g, m.urn))
    return edges, unknown


def members_within(graph: StackGraph | None, groups: set[str]) -> set[str]:
    """The groups and everyone in them, nested memberships included (Conditional Access reads them so)."""
    out = {g.lower() for g in groups}
    if graph is None:
        return out
    edges, _ = _member_edges(graph)
    changed = True
    while changed:
        changed = False
        for member, g, _urn in edges:
            if g.lower() in out and member.lower() not in out:
                out.add(member.lower())
                changed = True
    return out


def principal_of(graph: StackGraph, a: ResourceView) -> tuple[str | None, bool]:
    """(principal key, is people): a workload is a managed identity or a service principal of this stack
    without a secret or certificate (one outside the stack may hold a secret: people)."""
    ptype = a.input("principalType")
    pid = a.input("principalId")
    deps = graph.dependency_of(a, "principalId")
    if any(d.urn in secret_holders(graph) for d in deps):
        return deps[0].urn, True  # a secret or certificate a person can hold, whatever principalType says
    if undeclared_app(graph, a):
        return str(pid), True  # its credentials are outside the stack: fail closed
    if ptype in WORKLOAD_TYPES:
        return str(pid), False
    if deps:
        return deps[0].urn, not any(is_workload(graph, d) for d in deps)
    if not isinstance(pid, str) or is_unknown(pid):
        return None, True
    return pid, ptype not in WORKLOAD_TYPES


# Applications a policy must cover for the administrators: all cloud apps, the Azure management API (portal,
# ARM, CLI) or the admin portals app group.
ADMIN_APPS = frozenset({"All", "797f4846-ba00-4fd7-ba43-dac1f8f63013", "MicrosoftAdminPortals"})


def ca_problem(
    p: ResourceView,
    admins: frozenset[str] = frozenset(),
    graph: StackGraph | None = None,
    recorded: frozenset[str] = frozenset(),
) -> str | None:
    """Why a Conditional Access policy does not require MFA of the administrators; None when it does.
    `admins`: the principal ids the stack gives Azure roles (an exclusion of one of them lifts MFA, and the
    policy must include all users or each of them); `recorded`: the break-glass ids the PIA record names."""
    if p.input("state") != "enabled":
        return f"is in state {p.input('state')!r}, not 'enabled'"
    controls = get_path(p.inputs, "grantControls.builtInControls") or []
    strength = get_path(p.inputs, "grantControls.authenticationStrengthPolicyId")
    if "mfa" not in controls and not strength:
        return "does not require mfa (grantControls.builtInControls)"
    if "mfa" not in controls and (weak := ca_strength_problem(p, strength, graph)):
        return weak
    if narrowed := ca_narrowing(p):
        return narrowed
    operator = str(get_path(p.inputs, "grantControls.operator") or "OR").upper()
    # every grant control counts: with OR, accepting terms of use or a custom factor alone satisfies it
    others = [
        *(get_path(p.inputs, "grantControls.termsOfUses") or []),
        *(get_path(p.inputs, "grantControls.customAuthenticationFactors") or []),
    ]
    if operator == "OR" and len(controls) + len(others) > 1:
        return f"grants with OR of {[*controls, *others]}: a session satisfies it without MFA"
    users = get_path(p.inputs, "conditions.users") or {}
    included = [
        v
        for k in ("includedUsers", "includedGroups", "includedRoles")
        for v in (users.get(k) or [])
        if v != "None"
    ]
    if not included:
        return "includes no users, groups or roles"
    if "All" not in (users.get("includedUsers") or []):
        named = {str(v).lower() for k in ("includedUsers", "includedGroups") for v in users.get(k) or []}
        named |= _fed_in(graph, p)  # round 89: groups and users of the stack it is fed from
        if missing := sorted(admins - named):
            return (
                f"does not include {missing}, who hold Azure roles in this stack (include All users or them)"
            )
    apps = get_path(p.inputs, "conditions.applications.includedApplications") or []
    if not ADMIN_APPS & set(apps if isinstance(apps, list) else [apps]):
        return f"covers only the applications {apps}, not all cloud apps or the Azure management API"
    app_cond = get_path(p.inputs, "conditions.applications") or {}
    if isinstance(app_cond, dict) and (app_cond.get("excludedApplications") or app_cond.get("filter")):
        # which data an excluded application reaches (ARM, SQL, Storage, Key Vault, ...) cannot be told
        return (
            f"excludes applications ({app_cond.get('excludedApplications') or app_cond.get('filter')}): "
            "sign-ins to them need no MFA"
        )
    return _exclusion_problem(graph, users, admins, recorded)


def _exclusion_problem(
    graph: StackGraph | None, users: dict, admins: frozenset[str], recorded: frozenset[str]
) -> str | None:
    """Why the users a policy excludes may hold administration (None when they cannot)."""
    if other := sorted(
        k for k, v in users.items() if k.startswith("excluded") and k not in _JUDGED_EXCLUSIONS and v
    ):
        return f"excludes {', '.join(other)}: administrators among them sign in without MFA"
    if users.get("excludedRoles"):
        return f"excludes the directory roles {users.get('excludedRoles')}: holders sign in without MFA"
    excluded = {str(v) for k in ("excludedUsers", "excludedGroups") for v in (users.get(k) or [])}
    if any(is_unknown(v) for v in excluded):  # round 89: fed from the stack, it may be anyone included
        return "excludes objects whose ids are unknown at preview: administrators among them need no MFA"
    if keywords := sorted(v for v in excluded if not _GUID.match(v) and not is_unknown(v)):
        return (
            f"excludes {keywords}, a class of users rather than principals (e.g. every guest): "
            "administrators among them sign in without MFA"
        )
    if lifted := sorted(members_within(graph, excluded) & admins):
        return (
            f"excludes {lifted} (directly or through a group), who hold Azure roles in this stack: they "
            "sign in without MFA"
        )
    # Round 95: a group's members are added and removed outside the program (a literal group id, or one fed
    # from the stack, whose id the exclusion then cannot show at preview): an administrator among them
    # signs in without MFA. Only a break-glass principal the PIA record names may be excluded as a group.
    if groups := sorted(
        str(g) for g in users.get("excludedGroups") or [] if str(g).lower() not in recorded
    ):
        return (
            f"excludes the groups {groups}, whose members the program does not state (they change outside "
            "it, and an administrator among them signs in without MFA): exclude only the break-glass "
            "accounts the PIA record names (`break_glass`), by their user ids"
        )
    # Round 96: a user is one person, but the directory's groups (an administrator group among them) are
    # filled outside the program: only a break-glass account the PIA record names (with its reason) may be
    # excluded, as a group may (round 95).
    if unnamed := sorted(str(u) for u in users.get("excludedUsers") or [] if str(u).lower() not in recorded):
        return (
            f"excludes the users {unnamed}, whom the PIA record does not name as break-glass accounts (they "
            "may be in an administrator group filled outside the program, and then sign in without MFA): "
            "exclude only break-glass accounts, each listed with its reason under `break_glass` in the "
            "stack's PIA record (stacks/records/pia/<stack>.yaml)"
        )
    return None


def _fed_in(graph: StackGraph | None, p: ResourceView) -> set[str]:
    """The keys (`object_key`'s: object id, else URN) of the stack's objects a policy's conditions are fed
    from: the people it includes by an output of them."""
    deps = graph.dependency_of(p, "conditions") if graph is not None else []
    return {k for d in deps for k in (d.urn, str(d.input("objectId") or "").lower()) if k}


# Built-in authentication strengths (Entra): multifactor, passwordless MFA, phishing-resistant MFA.
_MFA_STRENGTHS = frozenset(f"00000000-0000-0000-0000-00000000000{i}" for i in (2, 3, 4))
# Single methods that are multi-factor by themselves; any other single method (password, sms, voice,
# federatedSingleFactor, ...) is one factor.
_STRONG_METHODS = frozenset(
    {
        "fido2",
        "windowsHelloForBusiness",
        "x509CertificateMultiFactor",
        "deviceBasedPush",
        "temporaryAccessPassOneTime",
        "temporaryAccessPassMultiUse",
        "federatedMultiFactor",
    }
)
STRENGTH_POLICY = "azuread:index/authenticationStrengthPolicy:AuthenticationStrengthPolicy"


def ca_strength_problem(p: ResourceView, strength: object, graph: StackGraph | None) -> str | None:
    """Why an authentication strength is not MFA: a built-in MFA strength, or a custom one of this stack
    whose every combination has two factors (or one multi-factor method); anything else cannot be judged."""
    if isinstance(strength, str) and strength.rsplit("/", 1)[-1].lower() in _MFA_STRENGTHS:
        return None
    custom = (
        [d for d in graph.dependency_of(p, "grantControls") if d.type == STRENGTH_POLICY] if graph else []
    )
    if not custom:
        return (
            f"requires authentication strength {strength!r}, which is neither a built-in MFA strength nor "
            "a strength policy of this stack, so whether it needs a second factor cannot be judged"
        )
    combos = custom[0].input("allowedCombinations")
    if is_unknown(combos) or not isinstance(combos, list) or not combos:
        return f"the authentication strength {custom[0].name} has unknown or no allowedCombinations"
    weak = [c for c in combos if "," not in str(c) and str(c) not in _STRONG_METHODS]
    return f"its authentication strength {custom[0].name} allows single-factor {weak}" if weak else None


def ca_narrowing(p: ResourceView) -> str | None:
    """A condition that leaves some sign-ins of the included users outside the policy (client apps,
    locations, platforms, and every other condition): MFA then holds only on some paths."""
    cond = p.input("conditions") or {}
    if not isinstance(cond, dict):
        return "has unknown conditions"
    apps = cond.get("clientAppTypes") or ["all"]
    if "all" not in apps:
        return f"covers only the client app types {apps}, not all"
    loc = cond.get("locations") or {}
    if isinstance(loc, dict) and (
        loc.get("excludedLocations") or set(loc.get("includedLocations") or ["All"]) != {"All"}
    ):
        return f"applies only in some locations ({loc}): elsewhere a password suffices"
    plat = cond.get("platforms") or {}
    if isinstance(plat, dict) and (
        plat.get("excludedPlatforms") or set(plat.get("includedPlatforms") or ["all"]) != {"all"}
    ):
        return f"applies only to some device platforms ({plat})"
    # Closed world: any other condition (risk levels, device filters, authentication flows, client
    # applications, and whatever Entra adds next) selects some sign-ins only.
    other = sorted(k for k, v in cond.items() if k not in _JUDGED_CONDITIONS and v not in (None, "", [], {}))
    if other:
        return f"applies only to some sign-ins ({', '.join(other)}): the others need no MFA"
    return None


_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_JUDGED_CONDITIONS = frozenset({"clientAppTypes", "applications", "users", "locations", "platforms"})
_JUDGED_EXCLUSIONS = frozenset({"excludedUsers", "excludedGroups", "excludedRoles"})
