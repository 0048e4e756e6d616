"""Workloads that may shorten the trail's log group (round 37): a "log hygiene" function that sets 30 days on
every log group it finds cuts the trail's CloudWatch copy below the year kept for analysis, after the gate
judged the group's own `retentionInDays`. A role or programmatic user the stack gives to a machine (not a
person, who is judged by MFA and duties, and not the pipeline that deploys the program the gate judges) may
not `logs:PutRetentionPolicy` or `logs:DeleteLogGroup` on a resource pattern that matches a log group a
trail of the stack delivers to (`*`, `NotResource`, a wildcard over its name)."""

from __future__ import annotations

from fnmatch import fnmatchcase

from policies.core.iam.principals import AwsPrincipal, aws_principals
from policies.core.iam.statements import as_list, statement_actions, trust_kind
from policies.core.view import ResourceView, StackGraph, is_unknown

SHORTENS = frozenset({"logs:putretentionpolicy", "logs:deleteloggroup"})


def _machine(p: AwsPrincipal) -> bool:
    if p.people or p.kind not in ("role", "user"):
        return False
    if p.kind == "user":
        return p.long_term_keys
    pipeline = any(trust_kind(s) == "pipeline" for s in p.trust) or bool(p.machine_trust)
    return not pipeline


def _matches(stmt: dict, names: list[str]) -> list[str]:
    if "NotResource" in stmt:
        return names
    patterns = [str(r).lower() for r in as_list(stmt.get("Resource"))]
    hits = []
    for n in names:
        arns = (f"arn:aws:logs:r:a:log-group:{n}".lower(), f"arn:aws:logs:r:a:log-group:{n}:*".lower())
        if any(fnmatchcase(a, _loose(p)) for p in patterns for a in arns):
            hits.append(n)
    return hits


def _loose(pattern: str) -> str:
    """A resource pattern with its region and account parts matching any value (the group's are not read)."""
    parts = pattern.split(":", 5)
    if len(parts) == 6 and parts[2] == "logs":
        parts[3], parts[4] = "*", "*"
        return ":".join(parts)
    return pattern


def retention_writers(graph: StackGraph, groups: list[ResourceView]) -> list[tuple[str, str]]:
    names = sorted({n for g in groups if isinstance(n := g.input("name"), str) and not is_unknown(n)})
    if not names:
        return []
    out = []
    for p in aws_principals(graph):
        if not _machine(p):
            continue
        hit: set[str] = set()
        for s in p.statements:
            if s.get("Effect") == "Allow" and statement_actions(s) & SHORTENS:
                hit.update(_matches(s, names))
        if hit:
            out.append(
                (
                    p.view.urn,
                    f"the {p.kind} may shorten or delete the trail's log group {', '.join(sorted(hit))} "
                    "(logs:PutRetentionPolicy / logs:DeleteLogGroup on a pattern that matches it): a "
                    "workload could cut the copy kept for analysis below what the gate judged; scope the "
                    "action to the log groups the workload owns (their ARNs, not `*`)",
                )
            )
    return out
