"""A small, conservative reading of IAM policy documents, so tests and rules can ask "may X do Y?".

Conditions are not evaluated: an Allow with conditions still counts as an allow (conservative for
"can this role do too much?"), and only unconditioned Denies on all resources count as denies
(conservative too).
Documents that cannot be parsed raise ValueError so callers fail closed.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

# Concrete actions that stand for each R2016 function when judging what a role can do.
FUNCTION_PROBES: dict[str, tuple[str, ...]] = {
    "db-structure": (
        "rds:CreateDBInstance",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        "rds-db:connect",
    ),
    "iam-admin": ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PassRole"),
    "kms-admin": ("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey", "kms:CreateKey"),
}


def statements(document: str | dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of a policy document (JSON string or dict), each with list-valued fields."""
    try:
        doc = json.loads(document) if isinstance(document, str) else document
        raw = doc["Statement"]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"not a policy document: {str(document)[:80]!r}") from exc
    out = []
    for stmt in raw if isinstance(raw, list) else [raw]:
        norm = dict(stmt)
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if key in norm and not isinstance(norm[key], list):
                norm[key] = [norm[key]]
        out.append(norm)
    return out


def _matches(patterns: list[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in patterns)


def principals(stmt: dict[str, Any]) -> list[str]:
    """All principal values of a statement (`*` for a bare wildcard)."""
    p = stmt.get("Principal")
    if p is None:
        return []
    if p == "*":
        return ["*"]
    found: list[str] = []
    for v in p.values():
        found.extend(v if isinstance(v, list) else [v])
    return found


def covers_action(stmt: dict[str, Any], action: str) -> bool:
    """True when the statement's Action/NotAction applies to `action`."""
    if "Action" in stmt:
        return _matches(stmt["Action"], action)
    if "NotAction" in stmt:
        return not _matches(stmt["NotAction"], action)
    return False


def _for(stmt: dict[str, Any], principal: str | None) -> bool:
    if principal is None:
        return True
    return any(p == "*" or p == principal for p in principals(stmt))


def allows(document: str | dict[str, Any], action: str, principal: str | None = None) -> bool:
    """Some Allow statement (for `principal`, if given) covers `action`."""
    return any(
        s["Effect"] == "Allow" and covers_action(s, action) and _for(s, principal)
        for s in statements(document)
    )


def denies(document: str | dict[str, Any], action: str, principal: str | None = None) -> bool:
    """Some Deny statement (for `principal`, if given) covers `action` on every resource, unconditionally."""
    return any(
        s["Effect"] == "Deny"
        and not s.get("Condition")
        and "*" in s.get("Resource", [])
        and covers_action(s, action)
        and _for(s, principal)
        for s in statements(document)
    )


def role_may(
    action: str, identity: list[str | dict], boundary: str | dict | None, managed_policy_count: int = 0
) -> bool:
    """May a role perform `action`? Identity allow (managed AWS policies are assumed to allow anything),
    within the permission boundary, not explicitly denied anywhere."""
    granted = managed_policy_count > 0 or any(allows(d, action) for d in identity)
    bounded = boundary is None or allows(boundary, action)
    denied = any(denies(d, action) for d in [*identity, *([boundary] if boundary is not None else [])])
    return granted and bounded and not denied


def functions_held(
    identity: list[str | dict], boundary: str | dict | None, managed_policy_count: int = 0
) -> set[str]:
    """Which of the R2016 functions a role can exercise (any probe action allowed)."""
    return {
        fn
        for fn, probes in FUNCTION_PROBES.items()
        if any(role_may(a, identity, boundary, managed_policy_count) for a in probes)
    }
