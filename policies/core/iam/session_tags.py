"""Round 88: session tags that name one person. IAM Identity Center's attributes for access control "pass the
attribute values of the authenticated user into IAM" (AccessControlAttribute, the SSO Admin API reference) as
session tags, read as `aws:PrincipalTag/<key>`; a key configured here replaces what an external identity
provider's SAML assertion passes for it. A key sourced from an attribute many people share (department, cost
centre, division, organisation, title, user type, locale, language, time zone, a work address's city,
region or country) is a team's; any other source (user name, id, e-mail, display, given or family name,
nickname, employee number, phone, manager, street) or one the gate does not know names one person, and so
do keys whose attributes the preview cannot read (closed world)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from policies.core.accounts import aws_account
from policies.core.iam.principals import aws_principals
from policies.core.iam.statements import (
    condition_values,
    conditions,
    principals,
    statement_actions,
    trust_kind,
)
from policies.core.view import StackGraph, is_unknown

ABAC = "aws:ssoadmin/instanceAccessControlAttributes:InstanceAccessControlAttributes"
CONTROLS = frozenset({ABAC})  # read by disallow-direct-user-grants (user_grants._tagged_user)
UNREADABLE = "*"  # the key under which attributes the preview cannot read are kept
_SHARED = re.compile(
    r"^\$\{(?:path:(?:enterprise\.(?:department|costCenter|division|organization)|title|userType|locale"
    r"|preferredLanguage|timezone|addresses\[type eq \"work\"\]\.(?:locality|region|country))"
    r"|user:(?:department|costCenter|division|organization|title|userType|locale|preferredLanguage))\}$"
)


def personal_keys(graph: StackGraph) -> dict[str, str]:
    """{lower-case session tag key: its source} of the keys that may name one person (`UNREADABLE` when some
    attributes cannot be read), indexed once per stack."""

    def build() -> dict[str, str]:
        out: dict[str, str] = {}
        for r in graph.by_type(ABAC):
            attrs = r.input("attributes")
            if not isinstance(attrs, list):
                out[UNREADABLE] = "attributes the preview cannot read"
                continue
            for a in attrs:
                key, sources = _attribute(a)
                if key is None:
                    out[UNREADABLE] = "an attribute the preview cannot read"
                elif not sources:
                    out[key] = "no source the preview can read"
                elif personal := [s for s in sources if not _SHARED.match(s)]:
                    out[key] = personal[0]
        return out

    return graph.once("iam07-session-tags", build)


def _attribute(a: object) -> tuple[str | None, list[str]]:
    """(lower-case key, sources) of one attribute; key None when either cannot be read."""
    if not isinstance(a, dict) or not isinstance(a.get("key"), str) or is_unknown(a["key"]):
        return None, []
    values = a.get("values") if isinstance(a.get("values"), list) else [a.get("value")]
    sources = [s for v in values if isinstance(v, dict) for s in (v.get("sources") or [])]
    if not values or any(not isinstance(s, str) or is_unknown(s) for s in sources):
        return None, []
    return a["key"].lower(), sources


ROLE = "aws:iam/role:Role"
TAG_SESSION = "sts:tagsession"
ANY_KEY = "*"


def idp_keys(graph: StackGraph) -> frozenset[str]:
    """Round 89: the (lower-case) session tag keys an external identity provider may set (`ANY_KEY`: any).
    A role whose trust lets a SAML or OIDC federation call `sts:TagSession` takes the tags the assertion or
    token carries ("PrincipalTag" attributes), whose values the IdP maps from its users' attributes, which
    the program does not show: unless a `ForAllValues` condition on `aws:TagKeys` lists the keys, any key may
    carry one person's name. Round 93: a trust letting people chain into the role (an IAM user, the account,
    a role people assume: not a machine chain) binds a key to the caller when it requires `aws:RequestTag/
    <key>` to be a variable of the request (`${aws:username}`: r93p-12); a key the caller fills freely names
    no one (anyone who may assume the role may claim any value). Indexed once per stack."""

    def build() -> frozenset[str]:
        out: set[str] = set()
        found = aws_principals(graph)
        stack_roles = {(aws_account(r.view.provider)[0], r.physical_name) for r in found if r.kind == "role"}
        for r in found:
            if r.kind != "role":
                continue
            if r.trust_problems:
                out.add(ANY_KEY)  # a trust the preview cannot read may federate anyone
                continue
            allows = [s for i, s in enumerate(r.trust)
                      if isinstance(s, dict) and s.get("Effect") == "Allow" and i not in r.machine_trust]
            tagging = [s for s in allows if TAG_SESSION in statement_actions(s)]
            for s in tagging:
                if principals(s).get("Federated"):
                    out |= _allowed_keys(s)
                elif _callers(s) == "people" and _unseen_callers(s, stack_roles):
                    out |= _allowed_keys(s)  # round 94: tags carried from a trust the program does not show
            if any(_callers(s) == "people" and not principals(s).get("Federated") for s in tagging):
                for s in allows:  # round 94: any statement of the request binds (r94p-02: AssumeRole's)
                    if trust_kind(s) == "people":
                        out |= _bound_keys(s)
        return frozenset(out)

    return graph.once("iam07-idp-session-tags", build)


def _callers(s: dict) -> str | None:
    """The kind of caller a trust statement admits, whatever it allows (a statement allowing only
    sts:TagSession admits the same principals to tag the session they assume by another: r94p-02)."""
    return trust_kind({**{k: v for k, v in s.items() if k != "NotAction"}, "Action": "sts:AssumeRole"})


def _unseen_callers(s: dict, stack_roles: set[tuple[str | None, str]]) -> bool:
    """Round 94: whether a people trust statement admits a caller whose own session tags the program does not
    show: a role the stack does not create (its trust may bind a key and pass it on as a transitive tag,
    which the next session cannot change: r94p-11), the account or anyone (any such role among them)."""
    for arn in principals(s).get("AWS", []):
        head, _, name = arn.partition(":role/")
        account = head.rsplit(":", 1)[-1] if head.startswith("arn:aws:iam::") else None
        if not name:
            if arn == "*" or arn.isdigit() or arn.endswith(":root"):
                return True
            continue
        if "*" in arn or "?" in arn or (account, name.rsplit("/", 1)[-1]) not in stack_roles:
            return True
    return False


def _bound_keys(s: dict) -> set[str]:
    """The session tag keys a people trust statement binds to the caller: a positive condition requiring
    `aws:RequestTag/<key>` to be a request variable (the caller's user name, id, tag, source identity)."""
    out = set()
    for op, block in conditions(s).items():
        if "Not" in op or op.startswith("Null"):
            continue
        for key, values in block.items():
            if key.startswith("aws:requesttag/") and any("${" in str(v) for v in values):
                out.add(key[len("aws:requesttag/"):])
    return out


def _allowed_keys(s: dict) -> set[str]:
    """The keys a trust statement's `ForAllValues:StringEquals|StringLike aws:TagKeys` admits (`*`: any)."""
    for op, block in conditions(s).items():
        if op.lower() in ("forallvalues:stringequals", "forallvalues:stringlike") and "aws:tagkeys" in block:
            return set(block["aws:tagkeys"])
    return {ANY_KEY}


def idp_source(key: str, values: list[str], graph: StackGraph) -> str | None:
    """Why `aws:PrincipalTag/<key>` with literal `values` may name one person through an IdP's session tag."""
    keys = idp_keys(graph)
    if not keys or all("${" in v or not v.strip("*") for v in values):
        return None
    if key in keys or ANY_KEY in keys or any(fnmatchcase(key, k) for k in keys):
        return (
            "a session tag an external identity provider passes (sts:TagSession on a SAML or OIDC trust) "
            "from attributes the program does not show, one a trust binds to the person chaining into "
            "the role (`aws:RequestTag/<key>` a request variable such as ${aws:username}), or one a role "
            "the program does not show (or the account's) may carry in as a transitive tag; list the shared "
            "keys in the trust's `ForAllValues:StringEquals aws:TagKeys` (and not this one), bind "
            "no key to the caller, or set the key in Identity Center from a shared attribute"
        )
    return None


PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"


def session_name_source(graph: StackGraph) -> str:
    """Round 94: who names a role's sessions after one person ('' when no one does). An assumed role's
    `aws:userid` is `<role id>:<session name>`; the caller picks the name freely (a grant to one name is then
    the role's), unless IAM Identity Center names the session after the signed-in user (any permission set
    of the stack), a SAML assertion's RoleSessionName attribute names it (any SAML trust), or a people trust
    requires `sts:RoleSessionName` to be a request variable (${aws:username}: r94p-03). Indexed once."""

    def build() -> str:
        if graph.by_type(PERMISSION_SET):
            return "IAM Identity Center names after the signed-in user (the stack has permission sets)"
        for r in aws_principals(graph):
            if r.kind != "role":
                continue
            if r.trust_problems:
                return "a trust the preview cannot read may name after the caller"
            for i, st in enumerate(r.trust):
                if not isinstance(st, dict) or st.get("Effect") != "Allow" or i in r.machine_trust:
                    continue
                if any(":saml-provider/" in f for f in principals(st).get("Federated", [])):
                    return "a SAML provider names after the signed-in person (its RoleSessionName attribute)"
                if trust_kind(st) == "people" and any(
                    "${" in str(v) for v in condition_values(st, "sts:RoleSessionName")
                ):
                    return (
                        f"role {r.physical_name}'s trust binds to the caller (`sts:RoleSessionName` a "
                        "request variable)"
                    )
        return ""

    return graph.once("iam07-session-names", build)
