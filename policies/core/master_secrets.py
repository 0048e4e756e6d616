"""People who read a database's master user secret (round 26). RDS, Aurora and Redshift keep the managed
master password in a secret named `rds!…` / `redshift!…`; a person who reads it signs in as the shared master
user: the database logs no personal identity, and the password, once copied, opens it again later with no
second factor. People reach a database as their own database user with a short-lived IAM token
(`rds-db:connect`, IAM database authentication); the master secret stays for the workload and break-glass."""

from __future__ import annotations

import fnmatch
from typing import Any

from policies.core.iam import breakglass
from policies.core.iam.managed import METADATA_ONLY
from policies.core.iam.principals import aws_principals
from policies.core.iam.statements import as_list, statement_actions
from policies.core.view import ResourceView, StackGraph

# Database types with a managed master secret: (flag, secret name prefix, IAM-authentication flag or None).
IAM_AUTH = "iamDatabaseAuthenticationEnabled"
MANAGED = {
    "aws:rds/instance:Instance": ("manageMasterUserPassword", "rds!db-", IAM_AUTH),
    "aws:rds/cluster:Cluster": ("manageMasterUserPassword", "rds!cluster-", IAM_AUTH),
    "aws:redshift/cluster:Cluster": ("manageMasterPassword", "redshift!", None),
}
GET = "secretsmanager:getsecretvalue"


def _reads(stmt: dict[str, Any], prefix: str) -> str | None:
    """The resource pattern through which an Allow statement reads a secret named `prefix…`, or None."""
    if stmt.get("Effect") != "Allow" or stmt.get(METADATA_ONLY) or GET not in statement_actions(stmt):
        return None
    if "NotResource" in stmt:
        return "NotResource"  # everything but some: over-approximated as everything
    for pattern in map(str, as_list(stmt.get("Resource")) or ["*"]):
        parts = pattern.split(":", 6)
        name = parts[6] if len(parts) == 7 and parts[5] in ("secret", "*") else None
        if pattern == "*" or (name is not None and fnmatch.fnmatchcase(f"{prefix}0abc-1234", name)):
            return pattern
    return None


def _databases(graph: StackGraph) -> list[tuple[ResourceView, str, bool]]:
    """(database, secret prefix, IAM database authentication on) for those with a managed master secret."""
    out = []
    for t, (flag, prefix, iam) in MANAGED.items():
        for db in graph.by_type(t):
            if db.input(flag) is True:
                out.append((db, prefix, iam is not None and db.input(iam) is True))
    return out


def people_reading_master_secrets(graph: StackGraph, stack: str) -> list[tuple[str, str]]:
    dbs = _databases(graph)
    if not dbs:
        return []
    entries = breakglass.records(stack)
    out: list[tuple[str, str]] = []
    for p in aws_principals(graph):
        if not p.people or breakglass.entry_for(entries, p.kind, p.physical_name) is not None:
            continue
        if GET not in p.actions():  # its permission boundary, or a Deny, leaves no secret value
            continue
        for db, prefix, iam_auth in dbs:
            how = next((r for s in p.statements if (r := _reads(s, prefix))), None)
            if how is None:
                continue
            auth = "" if iam_auth else " (IAM database authentication is off on it too)"
            out.append(
                (
                    p.view.urn,
                    f"people using this {p.kind} read the master user secret of {db.name} "
                    f"(secretsmanager:GetSecretValue on {how}){auth}: they sign in as the shared master "
                    "user, unnamed in the database's log, and the copied password opens it later without a "
                    "second factor; give people IAM database authentication as their own database users "
                    "(rds-db:connect) and keep the master secret to the workload and break-glass",
                )
            )
    return out
