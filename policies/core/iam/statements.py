"""What IAM statements allow: effective action sets, and the conditions that matter (MFA, OIDC subject and
audience, kms:ViaService). The one place where an MFA condition is read (issue 20)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from policies.core.iam.catalogue import all_actions, expand, sensitive_actions

ASSUME = frozenset({"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity"})
_MFA_PRESENT = "aws:multifactorauthpresent"
_MFA_AGE = "aws:multifactorauthage"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statement_actions(stmt: dict[str, Any]) -> frozenset[str]:
    """Catalogue actions a statement names: Action expanded, or everything but NotAction."""
    negated = "NotAction" in stmt
    return _expanded(negated, tuple(str(a) for a in as_list(stmt.get("NotAction" if negated else "Action"))))


@functools.lru_cache(maxsize=2048)
def _expanded(negated: bool, patterns: tuple[str, ...]) -> frozenset[str]:
    """One set per action list, whoever reads the statement (round 66: grant_patterns.py and
    redirect_grants.py each expanded every statement, and a tiled state repeats the same lists): the same
    object each time, so sets keyed by it (their hash is kept) are looked up, not rebuilt."""
    named = frozenset().union(*(expand(a) for a in patterns))
    return all_actions() - named if negated else named


def all_resources(stmt: dict[str, Any]) -> bool:
    res = as_list(stmt.get("Resource"))
    return "NotResource" not in stmt and (not res or "*" in res)


def conditions(stmt: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """{operator: {lower-case key: [values as strings]}}."""
    cond = stmt.get("Condition")
    out: dict[str, dict[str, list[str]]] = {}
    if isinstance(cond, dict):
        for op, block in cond.items():
            if isinstance(block, dict):
                out[str(op)] = {
                    str(k).lower(): [str(v).lower() for v in as_list(val)] for k, val in block.items()
                }
    return out


def requires_mfa(stmt: dict[str, Any]) -> bool:
    """The statement only matches an MFA-authenticated session. `...IfExists` operators match when the key is
    absent (long-term keys, no MFA), so they never count."""
    for op, block in conditions(stmt).items():
        if op.endswith("IfExists"):
            continue
        if op == "Bool" and block.get(_MFA_PRESENT) == ["true"]:
            return True
        if op.startswith("Numeric") and _MFA_AGE in block:
            return True
        if op == "Null" and block.get(_MFA_AGE) == ["false"]:
            return True
    return False


def denies_without_mfa(stmt: dict[str, Any], long_term_keys: bool = False) -> bool:
    """A Deny of everything a person could use when the session has no MFA — how MFA is enforced for IAM
    users. The MFA test must be the statement's only condition (another one narrows the Deny), `NotAction`
    may spare only actions that hold no function and touch no data (the MFA self-service ones), and a plain
    `Bool` never matches long-term access keys (the key is absent), so it counts only for users without
    one."""
    if stmt.get("Effect") != "Deny" or not all_resources(stmt):
        return False
    if "NotAction" in stmt:
        if spared_actions(stmt) & sensitive_actions():
            return False
    elif "*" not in as_list(stmt.get("Action")):
        return False
    ops = {"BoolIfExists"} if long_term_keys else {"Bool", "BoolIfExists"}
    cond = conditions(stmt)
    return (
        len(cond) == 1 and next(iter(cond)) in ops and next(iter(cond.values())) == {_MFA_PRESENT: ["false"]}
    )


def spared_actions(stmt: dict[str, Any]) -> frozenset[str]:
    return frozenset().union(*(expand(str(a)) for a in as_list(stmt.get("NotAction"))))


def via_service_only(stmt: dict[str, Any]) -> bool:
    """Use only through a named AWS service (kms:ViaService): the principal never handles plaintext keys."""
    return any(
        "kms:viaservice" in block for op, block in conditions(stmt).items() if not op.endswith("IfExists")
    )


def _key(stmts: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(stmts), sort_keys=True, default=str)


def effective(stmts: list[dict[str, Any]]) -> frozenset[str]:
    """Actions allowed by some Allow and not removed by an unconditional, all-resource Deny. Conditions and
    resources on Allow statements are kept (over-approximation: a condition never shrinks what is judged)."""
    return _effective(_key(stmts))


@functools.lru_cache(maxsize=4096)
def _effective(key: str) -> frozenset[str]:
    allowed: set[str] = set()
    denied: set[str] = set()
    for s in json.loads(key):
        if not isinstance(s, dict):
            continue
        if s.get("Effect") == "Allow":
            allowed |= statement_actions(s)
        elif s.get("Effect") == "Deny" and not s.get("Condition") and all_resources(s):
            denied |= statement_actions(s)
    return frozenset(allowed - denied)


def principals(stmt: dict[str, Any]) -> dict[str, list[str]]:
    """{'AWS'|'Service'|'Federated'|'*': [values]} of a resource-policy statement."""
    p = stmt.get("Principal")
    if p == "*" or p == {"AWS": "*"} or "NotPrincipal" in stmt:  # NotPrincipal: everyone but some
        return {"*": ["*"]}
    if not isinstance(p, dict):
        return {}
    out = {k: [str(v) for v in as_list(val)] for k, val in p.items()}
    if "*" in out.get("AWS", ()):  # {"AWS": ["*"]} is everyone, however it is written
        out["*"] = ["*"]
    return out


COGNITO_IDENTITY = "cognito-identity.amazonaws.com"


def trust_kind(stmt: dict[str, Any]) -> str | None:
    """'people', 'end-users', 'pipeline', 'workload' or None (not an Allow of an assume action)."""
    if stmt.get("Effect") != "Allow" or not (statement_actions(stmt) & ASSUME):
        return None
    p = principals(stmt)
    if "*" in p or "AWS" in p:
        return "people" if "*" in p or any(v == "*" or ":" in v or v.isdigit() for v in p["AWS"]) else None
    federated = p.get("Federated", [])
    if any(":saml-provider/" in f for f in federated):
        return "people"
    if COGNITO_IDENTITY in [f.lower() for f in federated]:
        return "end-users"  # signed in to the e-loket through a Cognito identity pool: people, no pipeline
    if federated:
        return "pipeline"
    return "workload" if "Service" in p else None


def oidc_issuers(stmt: dict[str, Any]) -> list[str]:
    """Host names of the OIDC providers a trust statement federates (the prefix of its condition keys)."""
    out = []
    for f in principals(stmt).get("Federated", []):
        out.append(f.split(":oidc-provider/", 1)[1] if ":oidc-provider/" in f else f)
    return [o.lower() for o in out]


def condition_values(stmt: dict[str, Any], key: str) -> list[str]:
    """Every value condition `key` is compared with, under any operator."""
    return [v for block in conditions(stmt).values() for v in block.get(key.lower(), ())]


def pinned(stmt: dict[str, Any], key: str) -> bool:
    """Whether condition `key` is pinned to exact values (StringEquals, or StringLike without wildcards).
    `ForAllValues:` never pins: it also matches a request without the key."""
    for op, block in conditions(stmt).items():
        values = block.get(key.lower())
        if not values:
            continue
        if op in ("StringEquals", "ForAnyValue:StringEquals"):
            return all(values)
        if op in ("StringLike", "ForAnyValue:StringLike") and all(
            v and not any(c in v for c in "*?") for v in values
        ):
            return True
    return False


def people_trust_requires_mfa(document: dict[str, Any]) -> bool | None:
    """Whether every statement of a trust policy that lets people assume the role requires MFA (as
    require-admin-mfa reads it); None when no statement lets people in. Used by live evidence and tests."""
    stmts = as_list(document.get("Statement"))
    people = [s for s in stmts if isinstance(s, dict) and trust_kind(s) == "people"]
    if not people:
        return None
    return all("*" not in principals(s) and requires_mfa(s) for s in people)
