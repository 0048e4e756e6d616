"""Every path that gives an AWS principal permissions: inline and managed policies of roles and users,
group membership (both resource kinds), iam.PolicyAttachment, managed ARNs on the role, permission
boundaries — and who can act as the principal (people, pipelines, workloads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policies.core.accounts import aws_account
from policies.core.eks_access import kubernetes_functions
from policies.core.iam import siem_resources
from policies.core.iam.boundaries import boundary
from policies.core.iam.catalogue import SELF_CREDENTIALS, functions
from policies.core.iam.customer_policy_refs import referenced_policy
from policies.core.iam.managed import is_managed, managed_statements
from policies.core.iam.pass_role import open_pass
from policies.core.iam.statements import as_list, denies_without_mfa, effective, principals, trust_kind
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message

ROLE, USER, GROUP = "aws:iam/role:Role", "aws:iam/user:User", "aws:iam/group:Group"
PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"  # IAM Identity Center: used by people
POLICY = "aws:iam/policy:Policy"
LOGIN = "aws:iam/userLoginProfile:UserLoginProfile"
ACCESS_KEY = "aws:iam/accessKey:AccessKey"
# Passwords and keys besides access keys that sign a user's requests without an MFA key (round 11):
# Keyspaces/CodeCommit/Bedrock service-specific credentials, CodeCommit SSH keys.
LONG_TERM_CREDENTIALS = {
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "userName",
    "aws:iam/sshKey:SshKey": "username",
}
_ATTACH = "aws:iam/policyAttachment:PolicyAttachment"
PEOPLE = ("people", "end-users")  # end users (Cognito) are people for separation of duties
LINKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    ROLE: (
        ("aws:iam/rolePolicy:RolePolicy", "role", "policy"),
        ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", "policyArn"),
        (_ATTACH, "roles", "policyArn"),
        ("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "roleName", "policyArns"),
    ),
    USER: (
        ("aws:iam/userPolicy:UserPolicy", "user", "policy"),
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "user", "policyArn"),
        (_ATTACH, "users", "policyArn"),
        ("aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", "userName", "policyArns"),
    ),
    PERMISSION_SET: (
        (
            "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
            "permissionSetArn",
            "inlinePolicy",
        ),
        (
            "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
            "permissionSetArn",
            "managedPolicyArn",
        ),
        (
            "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
            "permissionSetArn",
            "customerManagedPolicyReference",
        ),
        (  # the exclusive forms hold the whole list (r10p-28)
            "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive",
            "permissionSetArn",
            "managedPolicyArns",
        ),
        (
            "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive",
            "permissionSetArn",
            "customerManagedPolicyReferences",
        ),
    ),
    GROUP: (
        ("aws:iam/groupPolicy:GroupPolicy", "group", "policy"),
        ("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group", "policyArn"),
        (_ATTACH, "groups", "policyArn"),
        (
            "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
            "groupName",
            "policyArns",
        ),
    ),
}


@dataclass
class AwsPrincipal:
    """A role or user with everything that reaches it."""

    view: ResourceView
    people: bool = False
    trust: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    boundary: list[dict[str, Any]] | None = None
    long_term_keys: bool = False
    problems: list[str] = field(default_factory=list)
    trust_problems: list[str] = field(default_factory=list)
    machine_trust: set[int] = field(default_factory=set)
    """Trust statements that admit only pipeline/workload roles of this stack (no person can reach them)."""
    kubernetes: frozenset[str] = frozenset()  # functions its EKS access policies grant (round 26)
    siem_quiet: frozenset[str] = frozenset()  # SIEM logging only on quiet topics of the stack (round 88)
    composite_state: bool = False  # may set a composite alarm's state (round 88)

    @property
    def physical_name(self) -> str:
        n = self.view.input("name")
        return n if isinstance(n, str) and not is_unknown(n) else self.view.name

    def actions(self) -> frozenset[str]:
        acts = effective(self.statements)
        return acts & effective(self.boundary) if self.boundary is not None else acts

    def functions(self) -> list[str]:
        acts = self.actions()
        if acts & SELF_CREDENTIALS:  # managing one's own MFA device, password or keys is no function
            acts -= SELF_CREDENTIALS - effective([s for s in self.statements if not _own_credentials(s)])
        held = [fn for fn, fn_actions in functions().items() if acts & fn_actions]
        held = siem_resources.reread(held, acts, self.siem_quiet, self.composite_state)  # round 88
        if "iam:passrole" in acts and "access rights" not in held and open_pass(self.statements):
            held.append("access rights")  # may pass any role of the account (round 15)
        held.extend(self.kubernetes)
        return [fn for fn in functions() if fn in held]

    @property
    def kind(self) -> str:
        return {ROLE: "role", USER: "user", GROUP: "group"}.get(self.view.type, "permission set")

    def mfa_enforced(self) -> bool:
        """Identity policies deny everything without MFA (the IAM-user way of requiring it). A user who may
        create access keys (even only their own, even only with MFA) has long-term keys in effect."""
        may = effective(self.statements)
        keys = self.long_term_keys or bool(
            {"iam:createaccesskey", "iam:createservicespecificcredential"} & may
        )
        return any(denies_without_mfa(s, keys) for s in self.statements)


def _own_credentials(stmt: dict[str, Any]) -> bool:
    """An Allow scoped to the caller's own user (`user/${aws:username}`) or to virtual MFA devices."""
    res = [str(r) for r in as_list(stmt.get("Resource"))]
    return (
        stmt.get("Effect") == "Allow"
        and "NotResource" not in stmt
        and bool(res)
        and all(r.endswith(":user/${aws:username}") or ":mfa/" in r for r in res)
    )


class _Refs:
    """Resources of a type by what their field refers to (URN of a property dependency, or a string value)."""

    def __init__(self, graph: StackGraph, type_: str, fld: str):
        self.by_key: dict[str, list[ResourceView]] = {}
        for r in graph.by_type(type_):
            keys = set(r.property_dependencies.get(fld, ()))
            keys |= {v for v in _strings(r.input(fld)) if not is_unknown(v)}
            for k in keys:
                self.by_key.setdefault(k, []).append(r)

    def to(self, target: ResourceView) -> list[ResourceView]:
        found: dict[str, ResourceView] = {}
        names = {target.urn, target.name} | {v for v in _strings(target.input("name")) if not is_unknown(v)}
        for k in names:
            for r in self.by_key.get(k, ()):
                found[r.urn] = r
        return list(found.values())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class _Resolver:
    def __init__(self, graph: StackGraph):
        self.graph = graph
        self.refs: dict[tuple[str, str], _Refs] = {}

    def linked(self, type_: str, fld: str, target: ResourceView) -> list[ResourceView]:
        if (type_, fld) not in self.refs:
            self.refs[(type_, fld)] = _Refs(self.graph, type_, fld)
        return self.refs[(type_, fld)].to(target)

    def document(self, holder: ResourceView, fld: str, what: str) -> tuple[list[dict[str, Any]], list[str]]:
        doc, err = json_document(holder.input(fld))
        if err == "unknown":
            return [], [f"{what}: " + unknown_message(fld, "the permissions it grants")]
        if err:
            return [], [f"{what}: `{fld}` is {err}, so the permissions it grants cannot be judged"]
        stmts = doc.get("Statement") if isinstance(doc, dict) else None
        stmts = stmts if isinstance(stmts, list) else [stmts] if isinstance(stmts, dict) else []
        return [s for s in stmts if isinstance(s, dict)], []

    def policy_arn(self, holder: ResourceView, fld: str, arn: Any) -> tuple[list[dict[str, Any]], list[str]]:
        """Statements of a policy named by ARN: a policy of this stack or a known AWS-managed policy."""
        deps = [p for p in self.graph.dependency_of(holder, fld) if p.type == POLICY]
        if not deps and isinstance(arn, str) and not is_unknown(arn):
            if is_managed(arn):
                stmts = managed_statements(arn)
                if stmts is None:
                    return [], [
                        f"AWS-managed policy {arn.rsplit('/', 1)[-1]} is not known to the gate, so the "
                        "functions it grants cannot be judged (use a policy of this stack)"
                    ]
                return stmts, []
            deps = [
                p
                for p in self.graph.by_type(POLICY)
                if p.input("arn") == arn or any(arn.endswith(f"/{n}") for n in _strings(p.input("name")))
            ]
            if not deps:
                return [], [
                    f"policy {arn!r} is not in this stack, so the functions it grants cannot be judged"
                ]
        if not deps:
            return [], [f"{holder.name}: " + unknown_message(fld, "the permissions it grants")]
        out: tuple[list[dict[str, Any]], list[str]] = ([], [])
        for p in deps:
            s, problems = self.document(p, "policy", f"policy {p.name}")
            out[0].extend(s)
            out[1].extend(problems)
        return out

    def attached(self, target: ResourceView) -> tuple[list[dict[str, Any]], list[str]]:
        stmts: list[dict[str, Any]] = []
        problems: list[str] = []
        for type_, fld, doc_field in LINKS[target.type]:
            for holder in self.linked(type_, fld, target):
                s, p = self._attachment(holder, doc_field)
                stmts.extend(s)
                problems.extend(p)
        for i, arn in enumerate(_list(target.input("managedPolicyArns"))):
            s, p = self.policy_arn(target, "managedPolicyArns", arn)
            stmts.extend(s)
            problems.extend(
                p if not is_unknown(arn) else [unknown_message(f"managedPolicyArns.{i}", "the permissions")]
            )
        for i, inline in enumerate(_list(target.input("inlinePolicies"))):
            if isinstance(inline, dict) and inline.get("policy") is not None:
                holder = ResourceView(type=target.type, raw={"policy": inline["policy"]}, name=target.name)
                s, p = self.document(holder, "policy", f"inlinePolicies.{i}")
                stmts.extend(s)
                problems.extend(p)
        return stmts, problems

    def _attachment(self, holder: ResourceView, doc_field: str) -> tuple[list[dict[str, Any]], list[str]]:
        if doc_field in ("policy", "inlinePolicy"):
            return self.document(holder, doc_field, f"policy {holder.name}")
        if doc_field.startswith("customerManagedPolicyReference"):  # IAM policies of the account, by name
            refs = holder.input(doc_field)
            if is_unknown(refs) or (doc_field.endswith("s") and not isinstance(refs, list)):
                return [], [f"{holder.name}: " + unknown_message(doc_field, "the permissions it grants")]
            out_: tuple[list[dict[str, Any]], list[str]] = ([], [])
            for ref in refs if isinstance(refs, list) else [refs]:
                policy, why = referenced_policy(self.graph, ref)
                if policy is None:
                    out_[1].append(str(why))
                    continue
                s, p = self.document(policy, "policy", f"policy {policy.name}")
                out_[0].extend(s)
                out_[1].extend(p)
            return out_
        if doc_field in ("policyArns", "managedPolicyArns"):  # *PolicyAttachmentsExclusive: a list of ARNs
            arns = holder.input(doc_field)
            if is_unknown(arns) or not isinstance(arns, list):
                return [], [f"{holder.name}: " + unknown_message(doc_field, "the permissions it grants")]
            out: tuple[list[dict[str, Any]], list[str]] = ([], [])
            for arn in arns:
                s, p = self.policy_arn(holder, doc_field, arn)
                out[0].extend(s)
                out[1].extend(p)
            return out
        return self.policy_arn(holder, doc_field, holder.input(doc_field))

    def groups_of(self, user: ResourceView) -> list[ResourceView]:
        groups = {
            g.urn: g
            for m in self.linked("aws:iam/groupMembership:GroupMembership", "users", user)
            for g in self._targets(m, "group", GROUP)
        }
        for m in self.linked("aws:iam/userGroupMembership:UserGroupMembership", "user", user):
            groups.update({g.urn: g for g in self._targets(m, "groups", GROUP)})
        return list(groups.values())

    def _targets(self, holder: ResourceView, fld: str, type_: str) -> list[ResourceView]:
        urns = set(holder.property_dependencies.get(fld, ()))
        names = set(_strings(holder.input(fld)))
        return [
            g
            for g in self.graph.by_type(type_)
            if g.urn in urns or g.name in names or bool(set(_strings(g.input("name"))) & names)
        ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def aws_principals(graph: StackGraph) -> list[AwsPrincipal]:
    """Roles and users of the stack with every statement that reaches them (computed once per graph)."""
    cached = graph.__dict__.get("_iam_principals")
    if cached is not None:
        return cached
    res = _Resolver(graph)
    out: list[AwsPrincipal] = []
    for view in graph.by_type(ROLE, USER, PERMISSION_SET, GROUP):
        p = AwsPrincipal(view)
        p.statements, p.problems = res.attached(view)
        if view.type in (PERMISSION_SET, GROUP):
            p.people = True  # IAM Identity Center hands permission sets to people; groups hold users
        elif view.type == ROLE:
            p.trust, p.trust_problems = res.document(view, "assumeRolePolicy", "trust policy")
            p.people = bool(p.trust_problems) or any(trust_kind(s) in PEOPLE for s in p.trust)
        else:
            p.people = bool(res.linked(LOGIN, "user", view))
            p.long_term_keys = bool(res.linked(ACCESS_KEY, "user", view)) or any(
                res.linked(t, f, view) for t, f in LONG_TERM_CREDENTIALS.items()
            )
            for g in res.groups_of(view):
                s, problems = res.attached(g)
                p.statements.extend(s)
                p.problems.extend(problems)
        p.boundary = boundary(res, view)  # role, user or permission set (round 42)
        out.append(p)
    rights = kubernetes_functions(graph)
    for p in out:
        p.kubernetes = frozenset(rights.get(p.view.urn, ()))
        p.siem_quiet = siem_resources.quiet_siem(graph, p.statements)
        p.composite_state = siem_resources.holds_composite_state(graph, p.statements)
    _machine_chains(out)
    graph.__dict__["_iam_principals"] = out
    return out


def _machine_chains(found: list[AwsPrincipal]) -> None:
    """A role whose people-looking trust statements name only roles of this stack (same account, exact
    ARN) that no person can assume is reached by machines only: a pipeline role assuming its deploy role.
    Repeated until nothing changes; a cycle stays people (fail closed)."""
    roles = {(aws_account(r.view.provider)[0], r.physical_name): r for r in found if r.kind == "role"}
    changed = True
    while changed:
        changed = False
        for r in roles.values():
            if not r.people or r.trust_problems:
                continue
            people = {i for i, s in enumerate(r.trust) if trust_kind(s) == "people"}
            machine = {i for i in people if _sources_are_machines(r.trust[i], roles)}
            if machine and machine == people:
                r.machine_trust, r.people, changed = machine, False, True


def _sources_are_machines(stmt: dict[str, Any], roles: dict[tuple[str | None, str], AwsPrincipal]) -> bool:
    p = principals(stmt)
    if set(p) != {"AWS"}:
        return False
    for arn in p["AWS"]:
        head, _, name = arn.partition(":role/")
        account = head.rsplit(":", 1)[-1] if head.startswith("arn:aws:iam::") else None
        source = (
            roles.get((account, name)) if account and name and "*" not in arn and "?" not in arn else None
        )
        if source is None or source.people:
            return False
    return True


def external_grants(graph: StackGraph) -> list[tuple[str, str]]:
    """Policies that give functions to a role, user or group the stack does not declare: who holds them
    (people? with MFA? which other rights?) cannot be judged, so they block (closed world)."""
    res = _Resolver(graph)
    out: list[tuple[str, str]] = []
    for target_type in (ROLE, USER, GROUP):
        known = set()
        for v in graph.by_type(target_type):
            known |= {v.urn, v.name} | {n for n in _strings(v.input("name")) if not is_unknown(n)}
        kind = target_type.rsplit(":", 1)[-1].lower()
        for type_, fld, doc_field in LINKS[target_type]:
            for holder in graph.by_type(type_):
                deps = set(holder.property_dependencies.get(fld, ()))
                names = [n for n in _strings(holder.input(fld)) if not is_unknown(n)]
                outside = [n for n in names if n not in known and not any(n.endswith(f"/{k}") for k in known)]
                if not outside or deps & known:
                    continue
                stmts, problems = res._attachment(holder, doc_field)
                acts = effective(stmts)
                fns = sorted(fn for fn, fa in functions().items() if acts & fa)
                if fns or problems:
                    what = f"gives {', '.join(fns)}" if fns else "gives permissions that cannot be read"
                    out.append(
                        (
                            holder.urn,
                            f"{what} to {kind} {', '.join(map(repr, outside))}, which this "
                            "stack does not declare: who holds it, with which MFA and other rights, cannot "
                            f"be judged (declare the {kind} in the stack)",
                        )
                    )
    return out
