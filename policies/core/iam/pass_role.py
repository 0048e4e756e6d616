"""Passing a role (iam:PassRole): whoever may pass a role to a service (a Lambda function, an instance
profile, a schedule, an automation runbook, a stack…) runs that service as the role, so holds the role's
functions — not "access rights" as such (round 15: a DBA deploying a function as an RDS-only role holds one
function). Only a role named by exact ARN that the stack declares can be judged; a wildcard, `NotResource`
or a role outside the program may be any role of the account, one granting access rights among them."""

from __future__ import annotations

from typing import Any

from policies.core.accounts import aws_account
from policies.core.iam.statements import as_list, statement_actions

PASS = "iam:passrole"


def _targets(statements: list[dict[str, Any]]) -> list[str]:
    """Resources of the Allows naming iam:PassRole (`*` for `NotResource`, which is every role but some)."""
    out: list[str] = []
    for s in statements:
        if s.get("Effect") == "Allow" and PASS in statement_actions(s):
            out.extend(["*"] if "NotResource" in s else [str(r) for r in as_list(s.get("Resource") or "*")])
    return out


def _exact(arn: str) -> tuple[str, str] | None:
    """(account, role name) of an exact role ARN; None for a wildcard or anything else."""
    head, sep, path = arn.partition(":role/")
    if not sep or not head.startswith("arn:aws:iam::") or any(c in arn for c in "*?$"):
        return None
    return head.rsplit(":", 1)[-1], path.rsplit("/", 1)[-1]


def _may_name_a_role(target: str) -> bool:
    """A resource pattern that can match some role ARN (a stack or bucket ARN passes no role)."""
    parts = target.split(":")
    service = parts[2] if len(parts) > 2 else "*"
    wild = target.startswith("arn:") and any(c in service for c in "*?")
    return target == "*" or wild or service == "iam"


def open_pass(statements: list[dict[str, Any]]) -> bool:
    """The statements let the holder pass a role named by wildcard (any role of the account)."""
    return any(_exact(t) is None and _may_name_a_role(t) for t in _targets(statements))


def passed(p: Any, principals: list[Any]) -> tuple[list[Any], list[str]]:
    """(roles of the stack `p` may pass, exact role ARNs it may pass that the stack does not declare)."""
    if PASS not in p.actions():
        return [], []
    roles = {
        (aws_account(r.view.provider)[0], r.physical_name): r
        for r in principals
        if r.kind == "role" and r is not p
    }
    found: dict[str, Any] = {}
    outside: list[str] = []
    for t in _targets(p.statements):
        exact = _exact(t)
        if exact is None:
            continue  # a wildcard is access rights (AwsPrincipal.functions()); another ARN passes no role
        r = roles.get(exact) or roles.get((None, exact[1]))
        if r is None:
            outside.append(t)
        else:
            found[r.view.urn] = r
    return list(found.values()), outside
