"""Conditions that pin who may use a resource policy's `*` grant (round 12 moved them here from
disallow-public-data-access): a key naming the caller's account, organisation, source or network, under an
operator that admits only the values named. A key that says who calls without naming an account pins nothing
(round 75): `aws:userid` is a principal's unique id ("for IAM roles, this value format can vary", IAM global
condition keys), `aws:SourceIdentity` what the one assuming a role chose, a principal tag what an account puts
on its own principals, so each admits principals of any account that fit it; such keys, and any key not
listed here, leave the grant public.

Round 76: a network names no account either, so `aws:SourceVpce`/`aws:SourceVpc` pin only an endpoint or VPC
the stack creates, named by its recorded id (whoever owns another endpoint, another account's VPC, reads
through it); `aws:VpceAccount` ("the account that owns the VPC endpoint", AWS Security Blog, "Use scalable
controls to help prevent access from unexpected networks") names an account, judged as the others, as is
`kms:CallerAccount`; `aws:VpceOrgID`/`aws:VpceOrgPaths` (same source) name the endpoint owner's
organisation. An organisation pins only when the stack's PIA record names it (`aws_organizations`): every
account of another one reads, as a RAM share to it would hand it over (round 37).

Round 77: an Allow to anyone is also pinned when a Deny to anyone in the same policy covers its actions and
resources unless one pinning key holds (`StringNotEquals aws:SourceVpce <the stack's endpoint>`, the
template API Gateway documents for private APIs): a caller the pin does not name is denied. Round 78: the
caller's account fences too (`StringNotEquals aws:PrincipalAccount`, an ARN key by its account field) when
every account it names is one the PIA record names (`aws_accounts`)."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from policies.core.caller_conditions import ORIGIN_TYPES
from policies.core.iam.breakglass import records
from policies.core.iam.statements import as_list, conditions
from policies.core.own_keys import BUCKET_TYPES
from policies.core.records import current_stack
from policies.core.view import ResourceView, StackGraph, json_document

_PINNING = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:vpceaccount",
        "aws:vpceorgid",
        "aws:vpceorgpaths",
        "kms:calleraccount",
    }
)


# Keys whose values name the account a request comes from or acts for (round 12): a grant to a service
# "for account X" (confused-deputy conditions) lets X's use of that service reach the data.
_CONTEXT_ARN_KEY = re.compile(r"^kms:encryptioncontext:aws:[a-z0-9-]+:arn$")
_ACCOUNT_KEYS = (
    "aws:vpceaccount",
    "kms:calleraccount",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcearn",
    "aws:principalaccount",
    "aws:principalarn",
)


def anyone(stmt: dict[str, Any]) -> bool:
    return "NotPrincipal" in stmt or "*" in _principals(stmt)


# Operators that pin a key to the values named (round 12): `Null` only asks that a key exist (any VPC
# endpoint of any account), negations (`StringNotEquals` one account) admit everyone else, and
# `ForAllValues:` matches a request without the key.
_PINNING_OPERATORS = frozenset(
    {
        "stringequals",
        "stringequalsignorecase",
        "stringlike",
        "arnequals",
        "arnlike",
        "foranyvalue:stringequals",
        "foranyvalue:stringlike",
    }
)


def stack_accounts(graph: StackGraph) -> frozenset[str]:
    """The AWS accounts the stack's PIA record names (computed once per graph)."""
    return graph.once("own_accounts", lambda: frozenset(
        str(e.get("account")) for e in records(current_stack(), "aws_accounts")))


def pinned(stmt: dict[str, Any], graph: StackGraph) -> bool:
    """A condition on who calls or from where, with concrete values; IfExists does not pin (a caller
    without the key passes); a network must be one of the stack's and an organisation one its PIA record
    names (round 76)."""
    return any(
        key in _PINNING and op.lower() in _PINNING_OPERATORS and values and all(_pins(key, v) for v in values)
        and not unplaced(graph, key, values)
        for op, block in conditions(stmt).items()
        for key, values in block.items()
    )


def unplaced(graph: StackGraph, key: str, values: list[str]) -> list[str]:
    """The values of a network or organisation condition that name no VPC endpoint or VPC of the stack (by
    its recorded id) or no organisation of its PIA record: another party's network or organisation, or one the
    program cannot show is its own."""
    if key in ORIGIN_TYPES:
        own = graph.once(f"origins:{key}", lambda: frozenset(
            str(r.input("id")).lower() for r in graph.by_type(ORIGIN_TYPES[key]) if r.input("id")))
        return [v for v in values if v not in own]
    if key == "aws:sourcearn":
        return [v for v in values if _foreign_bucket(graph, v)]
    if key in _ORG_KEYS:
        orgs = graph.once("own_organizations", lambda: frozenset(
            str(e.get("organization")).lower() for e in records(current_stack(), "aws_organizations")))
        return [v for v in values if v.split("/", 1)[0] not in orgs]
    return []


def _foreign_bucket(graph: StackGraph, arn: str) -> bool:
    """Round 79: an ARN without an account field (`arn:aws:s3:::bucket`) pins only as a bucket the stack
    creates, named by its `bucket` input or recorded id; whoever owns another bucket is the source. Other
    account-less ARNs cannot be placed (closed world)."""
    parts = str(arn).split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[4]:
        return False  # an account field: judged as an account (`_pins`, `pia_other_accounts`)
    own = graph.once("own_buckets", lambda: frozenset(
        str(b.input(f)).lower() for b in graph.by_type(*BUCKET_TYPES) for f in ("bucket", "id")
        if isinstance(b.input(f), str)))
    return parts[2] != "s3" or parts[5].split("/", 1)[0] not in own


_ARN_KEYS = frozenset({"aws:sourcearn", "aws:principalarn"})
_PATH_KEYS = frozenset({"aws:principalorgpaths", "aws:sourceorgpaths", "aws:vpceorgpaths"})
_ORG_KEYS = frozenset({"aws:principalorgid", "aws:sourceorgid", "aws:vpceorgid"}) | _PATH_KEYS
_WILD = ("*", "?")


def _pins(key: str, value: Any) -> bool:
    """A value names someone (round 18): a wildcard in an account (`arn:aws:iam::*:role/x`), an endpoint
    (`vpce-*`), an organisation or a bucket name matches every account's. An ARN's account field and an
    organisation path's first segment must be concrete; what follows may be a pattern."""
    text = str(value)
    if key in _ARN_KEYS and text.startswith("arn:") and text.split(":", 5)[4:5] != [""]:
        return arn_account(text) is not None
    if key in _PATH_KEYS:
        text = text.split("/", 1)[0]
    return bool(text) and not any(w in text for w in _WILD)


def open_statements(r: ResourceView, fld: str, graph: StackGraph) -> list[str]:
    """Findings for a resource policy's Allows to anyone without a pinning condition; an unreadable policy
    fails closed."""
    return open_in(r.get(fld), fld, graph)


def open_in(policy: Any, fld: str, graph: StackGraph) -> list[str]:
    """open_statements of a policy document given as a value (round 77: one inside an OpenAPI body)."""
    if policy is None:
        return []
    doc, err = json_document(policy)
    if err:
        what = "unknown during preview" if err == "unknown" else err
        return [f"`{fld}` is {what}, so who it lets in cannot be judged (fail closed)"]
    stmts = doc.get("Statement") if isinstance(doc, dict) else None
    denials = [s for s in as_list(stmts) if isinstance(s, dict) and s.get("Effect") == "Deny"]
    return [
        f"`{fld}` statement {s.get('Sid') or i} allows anyone (Principal '*') without a condition pinning "
        "the caller's account, organisation or source" + _unplaced(s, graph, denials)
        + _spared(denials, graph)
        for i, s in enumerate(as_list(stmts))
        if isinstance(s, dict) and s.get("Effect") == "Allow" and anyone(s) and not pinned(s, graph)
        and not any(fences(d, s, graph) for d in denials)
    ]


# Negated operators: true when the key is absent too, so a Deny under one refuses every caller it does not
# name.
_NEGATED = frozenset({"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals",
                      "arnnotlike"})


def fences(deny: dict[str, Any], allow: dict[str, Any], graph: StackGraph) -> bool:
    """A Deny to anyone, over every action and resource of the Allow, whose one condition is a negated pin (a
    key that pins, concrete values, the stack's network or the record's organisation): whoever the pin does
    not name is refused, so the Allow reaches only the pinned callers (round 77). Several conditions must all
    hold for the Deny to apply, so a caller failing only one escapes it: they do not fence."""
    if "NotPrincipal" in deny:
        return _spares_recorded(deny, allow, graph)
    blocks = [(op.lower().removesuffix("ifexists"), key, values)
              for op, block in conditions(deny).items() for key, values in block.items()]
    if len(blocks) != 1 or "*" not in _principals(deny) or {"NotPrincipal", "NotAction", "NotResource"} & (
            set(deny) | set(allow)):
        return False
    op, key, values = blocks[0]
    return (
        op in _NEGATED and key in _FENCE_KEYS and bool(values) and all(_pins(key, v) for v in values)
        and not unplaced(graph, key, values) and not unrecorded(graph, key, values)
        and _covered(as_list(allow.get("Action")), as_list(deny.get("Action")), fold=True)
        and _covered(as_list(allow.get("Resource")), as_list(deny.get("Resource")), fold=False)
    )


def _spares_recorded(deny: dict[str, Any], allow: dict[str, Any], graph: StackGraph) -> bool:
    """Round 79: a Deny with `NotPrincipal` refuses "all principals except the ones specified" (IAM User
    Guide, NotPrincipal; anonymous callers among them), so with no condition, over every action and resource
    of the Allow, sparing only AWS principals of accounts the PIA record names, only those reach the Allow."""
    if "Principal" in deny or "Condition" in deny or {"NotAction", "NotResource"} & (set(deny) | set(allow)):
        return False
    return (
        not spared_unrecorded(deny, graph)
        and _covered(as_list(allow.get("Action")), as_list(deny.get("Action")), fold=True)
        and _covered(as_list(allow.get("Resource")), as_list(deny.get("Resource")), fold=False)
    )


def spared_unrecorded(deny: dict[str, Any], graph: StackGraph) -> list[str]:
    """What a Deny's `NotPrincipal` spares that is no AWS principal of an account the PIA record names: a
    service, federated or canonical user (of any account), `*`, another account; itself if it names no one."""
    spared = deny.get("NotPrincipal")
    if not isinstance(spared, dict) or not spared:
        return [repr(spared)]
    own = stack_accounts(graph)
    return [f"{kind} {v!r}" for kind, vals in spared.items() for v in as_list(vals)
            if kind != "AWS" or arn_account(str(v)) not in own]


def unrecorded(graph: StackGraph, key: str, values: list[str]) -> list[str]:
    """The values of an account key (round 78: in a Deny's negated condition) that name no account of the
    stack's PIA record: that account's callers escape the Deny."""
    if key not in _ACCOUNT_KEYS:
        return []
    own = stack_accounts(graph)
    return [v for v in values if arn_account(v) not in own]


# Keys whose values `unplaced` or `unrecorded` judge: the stack's networks, the record's organisations and
# accounts (round 78).
_FENCE_KEYS = frozenset(ORIGIN_TYPES) | _ORG_KEYS | frozenset(_ACCOUNT_KEYS)


def _principals(stmt: dict[str, Any]) -> list[Any]:
    p = stmt.get("Principal")
    return as_list(p) if not isinstance(p, dict) else [v for val in p.values() for v in as_list(val)]


def _covered(values: list[Any], patterns: list[Any], fold: bool) -> bool:
    """Every value (itself perhaps a pattern) lies within one of the patterns: equal, `*`, a prefix pattern
    (`execute-api:*`), or a concrete value the pattern matches. A pattern value is not matched loosely
    (`x/?` does not cover `x/*`)."""
    def norm(x: Any) -> str:
        return str(x).lower() if fold else str(x)

    def within(v: str, p: str) -> bool:
        head = p[:-1]
        prefix = p.endswith("*") and not any(w in head for w in _WILD) and v.startswith(head)
        return p in ("*", v) or prefix or (not any(w in v for w in _WILD) and fnmatch.fnmatchcase(v, p))

    return bool(values) and all(any(within(norm(v), norm(p)) for p in patterns) for v in values)


def _unplaced(stmt: dict[str, Any], graph: StackGraph, denials: list[dict[str, Any]]) -> str:
    """Why a network or organisation condition of an open statement, or a network, organisation or account
    condition of a Deny fencing it (rounds 77, 78), pins nothing: it is not the stack's."""
    def named(s: dict[str, Any], ops: frozenset[str], tail: str) -> set[str]:
        return {f"{key} {v!r}" for op, block in conditions(s).items() for key, values in block.items()
                if op.lower().removesuffix(tail) in ops and all(_pins(key, v) for v in values)
                for v in unplaced(graph, key, values) + (unrecorded(graph, key, values) if tail else [])}

    found = sorted(named(stmt, _PINNING_OPERATORS, "").union(*(named(d, _NEGATED, "ifexists")
                                                                for d in denials)))
    return (
        f": {', '.join(found)} is no VPC endpoint or VPC of this stack, nor a bucket it creates (none "
        "records that id or name), nor an organisation or account its PIA record names (`aws_organizations`, "
        "`aws_accounts`), so whoever owns it, another party among them, reads; name the endpoint, VPC or "
        "bucket the stack creates by its id, record the controller's organisation, or pin the caller's "
        "account (aws:PrincipalAccount)"
        if found else ""
    )


def _spared(denials: list[dict[str, Any]], graph: StackGraph) -> str:
    """Why a Deny with `NotPrincipal` and no condition fences nothing (round 79): whom it spares."""
    found = sorted({v for d in denials if "NotPrincipal" in d and "Condition" not in d
                    for v in spared_unrecorded(d, graph)})
    return (
        f"; a Deny's NotPrincipal spares {', '.join(found)}, not only AWS principals of accounts the PIA "
        "record names (`aws_accounts`), so those escape it; spare only the controller's accounts or roles"
        if found else ""
    )


def condition_accounts(stmt: dict[str, Any]) -> list[str]:
    """Accounts a statement's pinning conditions name: bare ids, or the account field of ARNs; the ARN in a
    KMS encryption context (`kms:EncryptionContext:aws:logs:arn`) names the account whose resources may use
    the key (round 26)."""
    out = []
    for op, block in conditions(stmt).items():
        if op.lower() not in _PINNING_OPERATORS:
            continue
        for key, values in block.items():
            if key not in _ACCOUNT_KEYS and not _CONTEXT_ARN_KEY.match(key):
                continue
            out.extend(account for v in values if (account := arn_account(v)) is not None)
    return out


def arn_account(value: str) -> str | None:
    """A bare 12-digit account id, or the account field of an ARN (any service)."""
    text = str(value)
    parts = text.split(":")
    account = text if text.isdigit() else parts[4] if text.startswith("arn:") and len(parts) > 5 else ""
    return account if len(account) == 12 and account.isdigit() else None
