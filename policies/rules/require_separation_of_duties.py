"""Three functions stay apart: database structure, access rights, key administration (R2016; D36 §101
3rd/5th; DPA annex 3 b.iii.2, b.vi). Judged over what principals can actually do: AWS actions expanded
against the IAM catalogue on every path (inline, managed, groups, attachments, boundaries, role chaining),
key policies and grants, Azure role definitions at any scope and PIM eligibilities. No person holds two
functions, key administrators cannot use keys, no person holds `*` on `*`. SIEM logging (what stops,
redirects, shortens or deletes what the SIEM records; Azure round 84, AWS round 85) is a function of its own
(D36 §101 6th)."""

from __future__ import annotations

import fnmatch
import functools

from policies.core import aoss_access, grafana_access
from policies.core.iam import (
    azure_paths,
    breakglass,
    graph_permissions,
    identity_center,
    lakeformation,
    pass_role,
    runs_as,
)
from policies.core.iam.azure import (
    ASSIGNMENTS,
    DIRECTORY_ROLE,
    covers,
    functions_of,
    inherit_through_groups,
    object_key,
    permissions,
    principal_of,
    reads_secrets,
    uses_keys,
)
from policies.core.iam.azure_code_objects import inherit_written
from policies.core.iam.azure_functions import ROLE_GRANTS
from policies.core.iam.azure_runs_as import held_by, inherit, workload_keys
from policies.core.iam.azure_vault_grants import self_grants_key_use
from policies.core.iam.catalogue import functions, key_use
from policies.core.iam.directory_role_functions import role_function
from policies.core.iam.dynamic_groups import dynamic_holders
from policies.core.iam.keys import identity, key_findings, policy_admins
from policies.core.iam.principals import AwsPrincipal, aws_principals, external_grants
from policies.core.iam.statements import (
    ASSUME,
    all_resources,
    as_list,
    effective,
    principals,
    statement_actions,
    trust_kind,
    via_service_only,
)
from policies.core.rule import Rule, RuleContext
from policies.core.view import UNKNOWN, ResourceView, StackGraph, is_unknown, unknown_message

# Every way a principal gets an Entra directory role: (role field, principal field). Round 14: a PIM
# eligibility (schedule request) and a membership of an activated directory role hold it like an assignment.
DIRECTORY_ROLE_PATHS: dict[str, tuple[str, str]] = {
    DIRECTORY_ROLE: ("roleId", "principalObjectId"),
    "azuread:index/directoryRoleEligibilityScheduleRequest:DirectoryRoleEligibilityScheduleRequest": (
        "roleDefinitionId",
        "principalId",
    ),
    "azuread:index/directoryRoleMember:DirectoryRoleMember": ("roleObjectId", "memberObjectId"),
    # round 84: a role held over an administrative unit reaches the people in it (all of them, for the gate)
    "azuread:index/administrativeUnitRoleMember:AdministrativeUnitRoleMember": (
        "roleObjectId",
        "memberObjectId",
    ),
}
_DIRECTORY_ROLE_OBJECT = "azuread:index/directoryRole:DirectoryRole"


def _directory_role(graph: StackGraph, d: ResourceView, fld: str) -> object:
    """The role's template id: a literal, or the template of the activated directory role of the stack it is
    an output of (a role object id no resource of the stack explains is unknown: fail closed)."""
    for r in graph.dependency_of(d, fld):
        if r.type == _DIRECTORY_ROLE_OBJECT:
            return r.input("templateId") or UNKNOWN
    if d.type.endswith("RoleMember"):  # a role object id (of a unit's role too) names no template
        return UNKNOWN
    return d.input(fld)


def _star(p: AwsPrincipal) -> bool:
    return any(
        s.get("Effect") == "Allow"
        and {"*", "*:*"} & set(map(str, as_list(s.get("Action"))))
        and all_resources(s)
        for s in p.statements
    )


def _trusting(graph: StackGraph) -> dict[str, list[AwsPrincipal]]:
    """Roles by each identity (`role/<name>`, `user/<name>`) their trust names, once per graph: in one account
    that alone lets the identity assume them, without IAM (a scan of every trust per principal reached was
    quadratic in a stack of thousands of roles)."""
    def build() -> dict[str, list[AwsPrincipal]]:
        idx: dict[str, list[AwsPrincipal]] = {}
        for r in aws_principals(graph):
            if r.kind != "role":
                continue
            names = {
                identity(v)
                for s in r.trust
                if s.get("Effect") == "Allow" and statement_actions(s) & ASSUME
                for v in principals(s).get("AWS", [])
            }
            for name in names:
                idx.setdefault(name, []).append(r)
        return idx

    return graph.once("sod-trusting", build)


class _Roles(list):  # type: ignore[type-arg]
    """The roles people may assume (built once per check), with their identities for membership tests."""

    @functools.cached_property
    def ids(self) -> frozenset[int]:
        return frozenset(map(id, self))


def _chained(p: AwsPrincipal, roles: list[AwsPrincipal], graph: StackGraph) -> list[AwsPrincipal]:
    """Roles people may assume that `p` may also assume (sts:AssumeRole on their ARN, or their trust names
    `p`), in `roles` order."""
    patterns = [
        str(r)
        for s in p.statements
        if s.get("Effect") == "Allow" and "sts:assumerole" in statement_actions(s)
        for r in as_list(s.get("Resource") or "*")
    ]
    if "sts:assumerole" not in p.actions():
        patterns = []
    trusted = _trusting(graph).get(f"{p.kind}/{p.physical_name}", [])
    if not patterns:
        ids = roles.ids if isinstance(roles, _Roles) else frozenset(map(id, roles))
        return [r for r in trusted if r is not p and id(r) in ids]
    trusting = set(map(id, trusted))
    return [
        r
        for r in roles
        if r is not p
        and (
            id(r) in trusting
            or any(
                pat == "*" or fnmatch.fnmatchcase(r.physical_name, pat.rsplit("/", 1)[-1]) for pat in patterns
            )
        )
    ]


def _reached(
    p: AwsPrincipal, roles: list[AwsPrincipal], graph: StackGraph
) -> tuple[list[tuple[str, AwsPrincipal]], list[str]]:
    """[(how, role)] whose rights `p` can use — assuming it, running code as it, passing it to a service —
    followed hop by hop (round 15: a harmless role in between adds nothing but a step), and exact ARNs of
    roles outside the stack `p` may pass."""
    everyone = aws_principals(graph)
    seen, out, outside, todo = {p.view.urn}, [], [], [p]
    while todo:
        cur = todo.pop(0)
        passed, far = pass_role.passed(cur, everyone)
        outside.extend(far)
        for how, found in (
            ("assuming", _chained(cur, roles, graph)),
            ("running code as", runs_as.acted_as(cur, graph, everyone)),
            ("passing", passed),
        ):
            for r in found:
                if r.view.urn not in seen:
                    seen.add(r.view.urn)
                    out.append((how, r))
                    todo.append(r)
    return out, outside


def _aws(p: AwsPrincipal, roles: list[AwsPrincipal], graph: StackGraph, key_admins: set[str]) -> list[str]:
    if p.problems:
        return p.problems
    out = []
    held = set(p.functions()) | lakeformation.held_by(p.view, p.physical_name, p.kind, graph)
    if {"*", f"{p.kind}/{p.physical_name}"} & key_admins:  # a key policy names it (no IAM needed)
        held.add("key administration")
    reached, outside = _reached(p, roles, graph)
    ways: list[str] = []
    for how in ("assuming", "running code as", "passing"):
        adds = [r for h, r in reached if h == how and set(r.functions()) - held]
        if adds and how == "assuming":
            ways.append(f"assuming {', '.join(r.physical_name for r in adds)}")
        else:
            ways.extend(f"{how} {r.physical_name}" for r in adds)
        held |= {fn for h, r in reached if h == how for fn in r.functions()}
    if p.kubernetes:
        ways.append("an EKS access entry's Kubernetes RBAC (access policy or Kubernetes group)")
    acts = p.actions()
    other_rights = acts & functions()["access rights"]  # then a wildcard PassRole adds nothing to say
    if pass_role.PASS in acts and pass_role.open_pass(p.statements) and not other_rights:
        ways.append("passing any role, iam:PassRole on a wildcard: name the roles by exact ARN")
    if outside:
        held.add("access rights")
        ways.append(f"passing {', '.join(sorted(set(outside)))}, a role this stack does not declare")
    if _star(p):
        out.append(f"a policy allows `*` on `*` for a {p.kind} people use")
    if len(held) > 1:
        extra = f" (through {'; '.join(ways)})" if ways else ""
        out.append(f"the {p.kind} holds {len(held)} separated functions: {', '.join(sorted(held))}{extra}")
    uses = effective([s for s in p.statements if not via_service_only(s)]) & key_use()
    if "key administration" in held and uses:
        out.append(f"the {p.kind} administers keys and can also use them ({', '.join(sorted(uses)[:3])}…)")
    return out


def _machine_grants(p: AwsPrincipal, roles: list[AwsPrincipal], graph: StackGraph) -> list[str]:
    """A workload or pipeline role holds no function to separate (round 19), but one that may change
    permissions — put or attach policies, write a policy version, rewrite a trust, also through a role whose
    code it may replace or which it may pass — hands every function to whoever runs code as it."""
    if p.problems:
        return p.problems
    reached, outside = _reached(p, roles, graph)
    own = sorted(p.actions() & functions()["access rights"])
    if "access rights" in p.kubernetes and not _pipeline(p):  # a pipeline applies reviewed RBAC (round 26)
        own.append("Kubernetes RBAC through an EKS access entry's policy or group")
    via = sorted({f"{how} {r.physical_name}" for how, r in reached if "access rights" in r.functions()})
    via += [f"passing {x}, a role this stack does not declare" for x in sorted(set(outside))]
    if not own and not via:
        return []
    what = ", ".join(own[:3]) + ("…" if len(own) > 3 else "") if own else "; ".join(via)
    return [
        f"the role is a workload or pipeline (no person signs in as it) but may change permissions ({what}): "
        "whoever runs code as it can grant itself or anyone every function; give it no IAM "
        "permission-management actions and let the reviewed program create roles and policies"
    ]


def _pipeline(p: AwsPrincipal) -> bool:
    """Every statement of the role's trust federates a pipeline (OIDC): require-pinned-pipeline-trust's."""
    kinds = {trust_kind(s) for s in p.trust} - {None}
    return kinds == {"pipeline"}


def _azure(graph: StackGraph, recorded: set[str]) -> list[tuple[str, str]]:
    """Functions per Entra principal (assignments, directory roles, nested groups); a break-glass principal
    recorded in the PIA record (by object id) is excluded, as on AWS."""
    held: dict[str, set[str]] = {}
    uses: dict[str, bool] = {}
    first: dict[str, str] = {}
    roles: dict[str, list] = {}  # person -> (permissions, assignment) of its roles
    workloads: dict[str, set[str]] = {}  # workload identity URN -> its functions ("use": key use)
    out: list[tuple[str, str]] = []
    for a in graph.by_type(*ASSIGNMENTS):
        key, people = principal_of(graph, a)
        if key is None:
            out.append((a.urn, unknown_message("principalId", "the separation of duties")))
            continue
        perms, problem = permissions(graph, a)
        if perms is None:  # round 17: a workload too, else an unknown role could hand it any right
            out.append((a.urn, f"{problem}, so the functions it grants cannot be judged"))
            continue
        if not people:
            out.extend((a.urn, m) for m in _workload_grants(perms))
            for w in workload_keys(graph, a, "principalId"):  # round 80: what a person running as it holds
                workloads.setdefault(w, set()).update(held_by(perms))
            continue
        key = _canonical(graph, key)
        first.setdefault(key, a.urn)
        roles.setdefault(key, []).append((perms, a))
        held.setdefault(key, set()).update(functions_of(perms))
        # round 84: writing a vault's access policies is giving oneself its keys' use
        uses[key] = uses.get(key, False) or uses_keys(perms) or reads_secrets(perms) or self_grants_key_use(
            graph, perms, a
        )
    for g in azure_paths.grants(graph):  # Entra database administrators, Key Vault access policies
        if g.key is None:
            out.append((g.urn, unknown_message("objectId/sid", "the separation of duties")))
            continue
        if not g.people:
            workloads.setdefault(g.key, set()).update(g.functions | ({"use"} if g.uses_keys else set()))
            continue
        key = _canonical(graph, g.key)
        first.setdefault(key, g.urn)
        held.setdefault(key, set()).update(g.functions)
        uses[key] = uses.get(key, False) or g.uses_keys or g.reads_secrets  # round 90: secrets read
    inherit(graph, roles, workloads, held, uses)  # round 80: code run as a managed identity
    inherit_written(graph, roles, workloads, held, uses)  # round 83: the package or image it runs
    out.extend(_directory_roles(graph, held, first))
    out.extend(
        (u, unknown_message("groupObjectId/memberObjectId", "whose rights the group passes on"))
        for u in inherit_through_groups(graph, held, first)
    )
    out.extend(dynamic_holders(graph, held, first))  # round 37: members chosen by a rule
    using = {k: {"use"} for k, v in uses.items() if v}
    inherit_through_groups(graph, using, {})  # key use passes to members too
    for key, fns in held.items():
        if key in recorded:
            continue
        if len(fns) > 1:
            out.append(
                (
                    first[key],
                    f"principal {key} holds {len(fns)} separated functions: {', '.join(sorted(fns))}",
                )
            )
        if "key administration" in fns and key in using:
            out.append(
                (
                    first[key],
                    f"principal {key} administers keys and can also use them (decrypt/unwrap/sign, or read "
                    "the vault's secrets or a managed storage account's SAS, or back up secrets, "
                    "certificates or managed storage accounts, whose backup restores readable into a vault "
                    "it administers); a certificate's create, import, update, delete, purge, recover and "
                    "restore administer its key (round 91): give the use and the backups to another group",
                )
            )
    return out


def _directory_roles(
    graph: StackGraph, held: dict[str, set[str]], first: dict[str, str]
) -> list[tuple[str, str]]:
    """Entra directory roles held (assigned, eligible, as members, over a unit): their function to their
    holder; a role or holder that cannot be read blocks (round 84: custom roles read, others refused)."""
    out = []
    for d, (role_fld, who) in ((d, f) for t, f in DIRECTORY_ROLE_PATHS.items() for d in graph.by_type(t)):
        role, key = _directory_role(graph, d, role_fld), object_key(graph, d, who)
        if is_unknown(role):
            out.append((d.urn, unknown_message(f"{role_fld}/{who}", "the separation of duties")))
            continue
        fn, problem = role_function(graph, d, role_fld, role)
        if problem is not None or (key is None and fn is not None):
            out.append((d.urn, problem or unknown_message(f"{role_fld}/{who}", "the separation of duties")))
        elif fn is not None and key is not None:
            first.setdefault(key, d.urn)
            held.setdefault(key, set()).add(fn)
    return out


def _workload_grants(perms: object) -> list[str]:
    """A workload (managed identity, service principal) that may grant roles hands every function to whoever
    runs code as it (round 16): it holds no function itself, so the right to grant is never its to hold."""
    if isinstance(perms, list) and any(covers(perms, op) for op in ROLE_GRANTS):
        return [
            "a workload identity may grant Azure roles (role assignments or definitions, elevation, PIM "
            "requests), so whoever runs code as it holds every function; grant it data roles only"
        ]
    return []


def _canonical(graph: StackGraph, key: str) -> str:
    """A principal key as object_key gives it (the object id of a stack resource the id comes from)."""
    r = graph.get(key) if key.startswith("urn:") else None
    oid = (r.input("objectId") or r.input("id")) if r is not None else key
    return oid.lower() if isinstance(oid, str) and not is_unknown(oid) else key


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    entries = breakglass.records(ctx.stack)
    # An IAM user is judged even without a console password: whoever holds its access keys acts as it, and
    # no service can be the only one to (unlike a role only a service assumes).
    people = [p for p in aws_principals(graph) if p.people or p.kind == "user"]
    judged = [p for p in people if breakglass.entry_for(entries, p.kind, p.physical_name) is None]
    roles = _Roles(p for p in people if p.kind == "role")
    key_admins = policy_admins(graph)
    out = [(p.view.urn, m) for p in judged for m in _aws(p, roles, graph, key_admins)]
    machines = [p for p in aws_principals(graph) if not p.people and p.kind == "role"]
    out.extend((p.view.urn, m) for p in machines for m in _machine_grants(p, roles, graph))
    out.extend(key_findings(graph, judged))
    out.extend(identity_center.assignment_findings(graph, people))
    out.extend(aoss_access.separated_holders(graph, people))  # OpenSearch Serverless readers (round 45)
    out.extend(grafana_access.separated_admins(graph, people))  # Amazon Managed Grafana (round 46)
    out.extend(external_grants(graph))
    declared = {x for p in aws_principals(graph) for x in (p.view.urn, p.physical_name)}
    out.extend(lakeformation.undeclared(graph, declared))
    out.extend(_azure(graph, {str(e.get("principal", "")).lower() for e in entries}))
    out.extend(graph_permissions.granting_assignments(graph))  # Graph application permissions (round 19)
    out.extend(graph_permissions.granting_grants(graph))  # delegated permission grants (round 20)
    return out


RULE = Rule(
    id="require-separation-of-duties",
    title="No person holds two of database structure, access rights and key administration, and key "
    "administrators cannot use keys.",
    severity="critical",
    remediation="Split the rights over separate MFA-only roles / groups "
    "(components.aws.identity.HumanRoles), "
    "deny the other functions, keep key-use grants away from key administrators, never give people *:* "
    "or Owner; record break-glass principals in the PIA record.",
    controls=("PIA-02", "PIA-04", "PIA-05", "IAM-01", "IAM-02", "IAM-04", "IAM-05", "ENC-04"),
    check=check,
    module=__name__,
    scope="stack",
)
