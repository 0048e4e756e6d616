"""AWS permissions granted to an individual user rather than to a role or group (CLOUD "Rollenbeheer":
"Er mag enkel toegang zijn op basis van rechten toegekend aan de gepaste rollen").

Three paths give an IAM user rights of its own: an identity policy attached to the user (inline, managed, the
exclusive list, `iam.PolicyAttachment`'s `users`); a resource policy whose Allow names the user as principal
or pins a condition on one user (`aws:username`, `aws:userid`, `aws:PrincipalArn` of a user, its `AIDA…`
unique id); and an input naming who receives rights (any key with `principal` in its name, as a KMS grant's
`granteePrincipal`, a Lake Formation `principal`, an EKS access entry's `principalArn`, a QuickSight
permission's `principal`; an OpenSearch domain's `masterUserArn`). A role trust
statement naming a user is role-based access (the user takes the role's rights) and passes. A value the
preview cannot know is judged by what feeds it: a user of the stack grants to an individual."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from policies.core.iam import session_tags
from policies.core.iam.statements import as_list, conditions, statement_actions
from policies.core.redirect_grants import granting_documents
from policies.core.view import ResourceView, StackGraph, is_unknown

USER = "aws:iam/user:User"
_ATTACH = "aws:iam/policyAttachment:PolicyAttachment"
# type -> the input naming the user (the policy inputs are judged by the other rules)
USER_POLICIES = {
    "aws:iam/userPolicy:UserPolicy": "user",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "user",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "userName",
}
# An IAM user, a federated user's session, a QuickSight user: one person each.
_INDIVIDUAL = re.compile(
    r"arn:aws[a-z-]*:(?:iam::\d{12}:user/|sts::\d{12}:federated-user/|quicksight:[a-z0-9-]+:\d{12}:user/)"
)
_USER_ID = re.compile(r"\bAIDA[A-Z0-9]{12,}\b")  # an IAM user's unique id, as a saved policy shows it
_SESSION_ARN = re.compile(r"^arn:aws[a-z-]*:sts::\d{12}:assumed-role/[^/]+/(.+)$")  # one role session
_USER_KEYS = frozenset({"aws:username", "aws:userid", "aws:principalarn", "aws:sourceidentity"})
# Statements that only hand over a role (a trust policy): the person takes the role's rights.
_TRUST = frozenset({"sts:assumerole", "sts:tagsession", "sts:setsourceidentity", "sts:setcontext"})
_MAX_DEPTH = 6
_TAG_KEY = "aws:principaltag/"


def individual(value: str) -> bool:
    """Whether a principal or condition value names one user."""
    return bool(_INDIVIDUAL.search(value) or _USER_ID.search(value))


def problems(r: ResourceView, graph: StackGraph) -> Iterator[str]:
    """Why the resource gives an individual user rights of its own (nothing for other clouds)."""
    if not r.type.startswith("aws:"):
        return
    if r.type in USER_POLICIES:
        yield (
            f"the policy is attached to the IAM user itself (`{USER_POLICIES[r.type]}`): rights reach people "
            "only through roles; attach it to a group the user is a member of, or a role the user assumes"
        )
    elif r.type == _ATTACH:
        users = r.input("users")
        if is_unknown(users) or as_list(users):
            yield (
                "the attachment's `users` names IAM users: rights reach people only through roles; list "
                "the policy under `groups` or `roles` instead"
            )
    for where, stmt in _allows(r):
        if statement_actions(stmt) <= _TRUST:
            continue
        if named := _named_user(stmt) or _tagged_user(stmt, graph) or _session_user(stmt, graph):
            yield (
                f"statement {where} grants to one user ({named}): rights reach people only through roles; "
                "name a role (or the account, leaving the grant to its roles' policies) instead"
            )
    yield from _principal_inputs(r, graph)


def _named_user(stmt: dict[str, Any]) -> str | None:
    """The user a statement's principal or a condition on the caller names, as written; None if none."""
    for value in _principal_values(stmt.get("Principal")):
        if individual(value):
            return value
    for block in conditions(stmt).values():  # keys and values in lower case
        for key, values in block.items():
            for v in values:
                if key not in _USER_KEYS or "${" in v:
                    continue
                if key in ("aws:username", "aws:sourceidentity") or individual(v) or individual(v.upper()):
                    return f"`{key}` {v}"
    return None


def _user_tags(graph: StackGraph) -> dict[str, set[str] | None]:
    """{lower-case tag key: lower-case values} the stack's users carry, indexed once per stack; None for a key
    when some user's tags cannot be read (any key may then be one user's)."""
    def build() -> dict[str, set[str] | None]:
        out: dict[str, set[str] | None] = {}
        for u in graph.by_type(USER):
            tags = u.input("tags")
            if is_unknown(tags) or (tags is not None and not isinstance(tags, dict)):
                out["*"] = None
                continue
            for k, v in (tags or {}).items():
                seen = out.setdefault(str(k).lower(), set())
                if seen is not None:
                    seen.add(v.lower() if isinstance(v, str) and not is_unknown(v) else "*")
        return out

    return graph.once("iam07-user-tags", build)


def _tagged_user(stmt: dict[str, Any], graph: StackGraph) -> str | None:
    """Round 85: a positive condition on `aws:PrincipalTag/<key>` matching a value a user of the stack carries
    narrows the grant to that user (people carry a tag of their own; a role's tag pins no user)."""
    tags = _user_tags(graph)
    for op, block in conditions(stmt).items():
        if "Not" in op or op.startswith("Null"):
            continue
        for key, values in block.items():
            if not key.startswith(_TAG_KEY):
                continue
            if "*" in tags:
                return f"`{key}` {', '.join(values)}, and a user's tags the preview cannot read"
            carried = tags.get(key[len(_TAG_KEY):]) or set()
            if any(c == "*" or fnmatchcase(c, v) for v in values for c in carried):
                return f"`{key}` {', '.join(values)}, a tag a user of the stack carries"
            if source := _session_source(key[len(_TAG_KEY):], values, graph):
                return f"`{key}` {', '.join(values)}, a session tag Identity Center sets from {source}"
            if source := session_tags.idp_source(key[len(_TAG_KEY):], values, graph):  # round 89
                return f"`{key}` {', '.join(values)}, {source}"
    return None


def _session_user(stmt: dict[str, Any], graph: StackGraph) -> str | None:
    """Round 94: a positive condition on `aws:userid` naming one session of a role (`<role id>:<name>`, the
    name not only wildcards) narrows the grant to one person when someone names the sessions after people
    (`session_tags.session_name_source`: Identity Center, SAML, a trust binding the name to the caller).
    Round 98: so does a Principal naming one session by its ARN (`assumed-role/<role>/<name>`)."""
    for v in _principal_values(stmt.get("Principal")):
        if src := _personal_session(v, graph):
            return f"{v}, a role session {src}"
    for op, block in conditions(stmt).items():
        if "Not" in op or op.startswith("Null"):
            continue
        for v in block.get("aws:userid", ()):
            session = str(v).split(":", 1)[1] if ":" in str(v) else ""
            src = session.strip("*?") and "${" not in str(v) and session_tags.session_name_source(graph)
            if src:
                return f"`aws:userid` {v}, a role session name {src}"
    return None


def _personal_session(value: str, graph: StackGraph) -> str:
    """Who names the session an assumed-role ARN names after one person ('' when no one, or no one name)."""
    m = _SESSION_ARN.match(value)
    if not m or not m.group(1).strip("*?") or "${" in value:
        return ""
    return session_tags.session_name_source(graph)


def _session_source(key: str, values: list[str], graph: StackGraph) -> str | None:
    """Round 88: what Identity Center sets the session tag `key` from, when it may name one person and some
    value is a literal (a `${…}` variable compares with the request, `*` matches everyone tagged)."""
    personal = session_tags.personal_keys(graph)
    source = personal.get(key) or personal.get(session_tags.UNREADABLE)
    if source is None or all("${" in v or not v.strip("*") for v in values):
        return None  # only variables or `*` (anyone carrying the tag): no one person
    if source.startswith("${"):
        return f"`{source}`, one person's attribute (department, cost centre, division or title are shared)"
    return source


def _principal_values(principal: Any) -> list[str]:
    if isinstance(principal, dict):
        return [str(v) for val in principal.values() for v in as_list(val)]
    return [str(v) for v in as_list(principal)]


def _principal_inputs(r: ResourceView, graph: StackGraph) -> Iterator[str]:
    """A grant input naming a user by ARN, or fed by a user of the stack."""
    for path, key, value in _keyed(r.inputs, "", 0):
        if isinstance(value, str) and individual(value):
            yield f"`{path}` grants to one user ({value}): name a role or group instead"
        elif isinstance(value, str) and (src := _personal_session(value, graph)):  # round 98
            yield f"`{path}` grants to one role session ({value}), a session {src}: name a role instead"
        elif is_unknown(value) and any(d.type == USER for d in graph.dependency_of(r, key)):
            yield f"`{path}` is fed by an IAM user of the stack: name a role or group instead"


_GRANTEE_KEY = re.compile(r"principal|userarn$", re.IGNORECASE)


def _keyed(value: Any, path: str, depth: int, top: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, top-level key, value) of each input naming who receives rights: a principal (`principal`,
    `granteePrincipal`, `principalArn`, `allowedPrincipals`…) or a master user (OpenSearch `masterUserArn`);
    one value or a list of them. Policy documents are read by `_allows`."""
    if depth > _MAX_DEPTH:
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        grantee = isinstance(k, str) and _GRANTEE_KEY.search(k) is not None
        if grantee and not isinstance(v, (dict, list)):
            yield f"{path}.{k}" if path else k, top or k, v
        elif grantee and isinstance(v, list):
            p = f"{path}.{k}" if path else k
            yield from ((f"{p}.{i}", top or k, e) for i, e in enumerate(v) if not isinstance(e, (dict, list)))
        elif isinstance(v, (dict, list)):
            yield from _keyed(v, f"{path}.{k}" if path else str(k), depth + 1, top or str(k))


def _allows(r: ResourceView) -> list[tuple[str, dict[str, Any]]]:
    """(where, Allow statement) of every policy document the resource holds: a resource policy's principal
    or condition, or an identity policy's condition, can name one user (an unreadable document blocks where
    the other rules read it)."""
    return [(f"`{path}(json).Statement.{i}`", s) for path, doc in granting_documents(r)
            for i, s in enumerate(as_list(doc.get("Statement")))
            if isinstance(s, dict) and s.get("Effect") == "Allow"]
