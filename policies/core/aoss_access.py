"""OpenSearch Serverless data access policies (round 45): which principals may read or restructure a
collection's indices. A policy is a list of rule sets, each with its `Principal` list (IAM ARNs, Identity
Center and SAML users and groups) and rules whose `Permission`s apply to collections or indices.

Closed world: a policy the program does not show blocks; `*` (or a wildcard principal) lets any principal
of any account in, and an IAM ARN of an account the PIA record does not name is another party
(disallow-public-data-access). A principal of the stack — an IAM role or user named by its ARN, an Identity
Center group or user holding the stack's permission sets — keeps the functions it holds, and collection or
index management (create, update, delete) adds database structure: two functions, or key administration with
reading the documents, break the separation of duties. Round 46: a role is also named by an STS
assumed-role session and in any case; a SAML user or group given management or reading blocks (its members'
other functions are in the IdP)."""

from __future__ import annotations

import fnmatch
import json

from policies.core.iam import identity_center
from policies.core.iam.principals import AwsPrincipal
from policies.core.pia_other_accounts import UNRECORDED, foreign
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

AOSS_ACCESS = "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy"
CONTROLS = (AOSS_ACCESS,)
_STRUCTURE = ("aoss:createcollectionitems", "aoss:updatecollectionitems", "aoss:deletecollectionitems",
              "aoss:createindex", "aoss:updateindex", "aoss:deleteindex")
_READ = "aoss:readdocument"
_SAML = (
    "SAML principal %r may manage or read the collections, and whether its members also administer keys or "
    "hold another function is in the IdP, not in the program: give data access to an IAM role or Identity "
    "Center group of the stack"
)


def rule_sets(view: ResourceView) -> tuple[list[tuple[list[str], list[str]]], str | None]:
    """([(principals, permissions)] of a data access policy, why it cannot be read)."""
    doc = view.input("policy")
    if view.input("type") != "data" or is_unknown(doc) or not isinstance(doc, str | list):
        return [], unknown_message("type/policy", "who may read the collections")
    try:
        sets = json.loads(doc) if isinstance(doc, str) else doc
    except ValueError:
        return [], "`policy` is not JSON: who may read the collections cannot be judged"
    out = []
    for s in sets if isinstance(sets, list) else [sets]:
        who = s.get("Principal") if isinstance(s, dict) else None
        rules = s.get("Rules") if isinstance(s, dict) else None
        if not isinstance(who, list) or not isinstance(rules, list):
            return [], "a rule set names no `Principal` list or `Rules`: who may read cannot be judged"
        perms = [str(p).lower() for r in rules if isinstance(r, dict) for p in r.get("Permission") or []]
        out.append(([str(w) for w in who], perms))
    return out, None


def public_access(view: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: an unreadable policy, or one admitting any principal (`*`)."""
    sets, problem = rule_sets(view)
    if problem:
        return [problem]
    out = [
        f"principal {w!r} lets any principal of any account read the collections: name the roles and groups"
        for who, _ in sets
        for w in who
        if "*" in w
    ]
    accounts = foreign(graph, [w for who, _ in sets for w in who if w.startswith("arn:")])
    if accounts:
        out.append(
            f"the policy grants account {', '.join(accounts)}, {UNRECORDED}: another party's people read the "
            "collections unjudged; grant only the stack's accounts"
        )
    return out


def _iam_name(principal: str) -> tuple[str, str] | None:
    """(kind, lower-case name) of an IAM role or user ARN, or of an STS assumed-role session (its role):
    IAM names are unique regardless of case, so `role/Key-Admin` is the role `key-admin`."""
    if principal.startswith("arn:aws:iam::"):
        kind, _, name = principal.split(":", 5)[-1].partition("/")
        return kind, name.rsplit("/", 1)[-1].lower()
    if principal.startswith("arn:aws:sts::"):
        kind, _, rest = principal.split(":", 5)[-1].partition("/")
        return ("role", rest.split("/", 1)[0].lower()) if kind == "assumed-role" else None
    return None


def _functions(graph: StackGraph, people: list[AwsPrincipal], principal: str) -> set[str] | None:
    """The functions a principal of the stack holds (none for other accounts' principals); None for a SAML
    user or group, whose members and their other functions are in the IdP, not in the program."""
    if (iam := _iam_name(principal)) is not None:
        return {fn for p in people if (p.kind, p.physical_name.lower()) == iam for fn in p.functions()}
    if principal.startswith("iamidentitycenter/"):
        return identity_center.assigned_functions(graph, people, principal.rsplit("/", 1)[-1])
    return None if principal.startswith("saml/") else set()


def separated_holders(graph: StackGraph, people: list[AwsPrincipal]) -> list[tuple[str, str]]:
    """require-separation-of-duties: principals a data access policy gives a second function or reading
    while they administer keys."""
    out = []
    for view in graph.by_type(AOSS_ACCESS):
        sets, _ = rule_sets(view)  # unreadable: disallow-public-data-access blocks it
        for who, perms in sets:
            structure = any(fnmatch.fnmatch(s, p) for p in perms for s in _STRUCTURE)
            reads = any(fnmatch.fnmatch(_READ, p) for p in perms)
            for w in who:
                held = _functions(graph, people, w)
                if held is None and (structure or reads):
                    out.append((view.urn, _SAML % w))
                    continue
                held = held or set()
                fns = held | ({"database structure"} if structure else set())
                if len(fns) > 1 or ("key administration" in held and reads):
                    out.append(_finding(view, w, held, structure, reads))
    return out


def _finding(view: ResourceView, who: str, held: set[str], structure: bool, reads: bool) -> tuple[str, str]:
    given = " and ".join(x for x, on in (("manage the collections' indices", structure),
                                         ("read the documents", reads)) if on)
    return (
        view.urn,
        f"principal {who!r} holds {', '.join(sorted(held))} and the data access policy lets it {given}: "
        "give data access to principals that hold no other function (separate readers, DBAs, key admins)",
    )
