"""People who read a database's master user secret (round 26). RDS, Aurora and Redshift keep the managed
master password in a secret named `rds!…` / `redshift!…`; a person who reads it signs in as the shared master
user: the database logs no personal identity, and the password, once copied, opens it again later with no
second factor. People reach a database as their own database user with a short-lived IAM token
(`rds-db:connect`, IAM database authentication); the master secret stays for the workload and break-glass.
Round 29: a master password the program makes itself (a random password, or one read from a secret) and
also stores in a Secrets Manager secret or an SSM parameter of the stack is the same shared master user —
the database's password field and the stored value are traced to the resources they are computed from."""

from __future__ import annotations

import fnmatch
from typing import Any

from policies.core.iam import breakglass
from policies.core.iam.managed import METADATA_ONLY
from policies.core.iam.principals import AwsPrincipal, aws_principals
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
SSM_GET = frozenset(
    {"ssm:getparameter", "ssm:getparameters", "ssm:getparametersbypath", "ssm:getparameterhistory"}
)
# Password fields of databases whose master password may be given by the program (round 29).
PASSWORD_FIELDS = {
    "aws:rds/instance:Instance": ("password", "passwordWo"),
    "aws:rds/cluster:Cluster": ("masterPassword", "masterPasswordWo"),
    "aws:docdb/cluster:Cluster": ("masterPassword", "masterPasswordWo"),
    "aws:redshift/cluster:Cluster": ("masterPassword", "masterPasswordWo"),
    "aws:redshiftserverless/namespace:Namespace": ("adminUserPassword", "adminUserPasswordWo"),
    "aws:docdb/elasticCluster:ElasticCluster": ("adminUserPassword",),
    "aws:lightsail/database:Database": ("masterPassword",),
    "aws:opensearch/domain:Domain": ("advancedSecurityOptions",),
}
GET_ONLY, SM = frozenset({GET}), "secretsmanager"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SECRET = "aws:secretsmanager/secret:Secret"
PARAMETER = "aws:ssm/parameter:Parameter"


def reads(stmt: dict[str, Any], actions: frozenset[str], service: str, resource: str | None) -> str | None:
    """The resource pattern through which an Allow statement may call one of `actions` on the `service`
    resource `resource` (an ARN's resource part; None: a name not known, read by any pattern), or None."""
    if stmt.get("Effect") != "Allow" or stmt.get(METADATA_ONLY) or not actions & statement_actions(stmt):
        return None
    if "NotResource" in stmt:
        return "NotResource"  # everything but some: over-approximated as everything
    for pattern in map(str, as_list(stmt.get("Resource")) or ["*"]):
        parts = pattern.split(":", 5)
        if pattern == "*" or (
            len(parts) == 6
            and parts[2] in (service, "*")
            and (resource is None or fnmatch.fnmatchcase(resource, parts[5]))
        ):
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


def reading(p: AwsPrincipal, actions: frozenset[str], service: str, resource: str | None) -> str | None:
    """How `p`'s statements let it run one of `actions` on `resource` (`reads`), None when they do not."""
    if not actions & p.actions():
        return None
    return next((how for s in p.statements if (how := reads(s, actions, service, resource))), None)


def people_of(graph: StackGraph, stack: str) -> list[AwsPrincipal]:
    """The stack's principals used by people, break-glass accounts of the records left out."""
    entries = breakglass.records(stack)
    return [
        p for p in aws_principals(graph)
        if p.people and breakglass.entry_for(entries, p.kind, p.physical_name) is None
    ]


def people_reading_master_secrets(graph: StackGraph, stack: str) -> list[tuple[str, str]]:
    dbs = _databases(graph)
    if not dbs:
        return []
    out: list[tuple[str, str]] = []
    for p in people_of(graph, stack):
        if GET not in p.actions():  # its permission boundary, or a Deny, leaves no secret value
            continue
        for db, prefix, iam_auth in dbs:
            how = next(
                (r for s in p.statements if (r := reads(s, GET_ONLY, SM, f"secret:{prefix}0abc"))), None
            )
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


def _stores(graph: StackGraph) -> list[tuple[ResourceView, ResourceView, str, str | None]]:
    """(database, holder, service, resource) for each secret or parameter of the stack that holds a master
    password the program gave a database: both computed from the same resource (or the holder from the
    database)."""
    out = []
    for t, fields in PASSWORD_FIELDS.items():
        for db in graph.by_type(t):
            sources = {r.urn for f in fields for r in graph.dependency_of(db, f)}
            if not sources:
                continue
            sources.add(db.urn)
            for sv in graph.by_type(SECRET_VERSION):
                fed = {r.urn for f in ("secretString", "secretBinary") for r in graph.dependency_of(sv, f)}
                if fed & sources or sv.urn in sources:
                    sec = next((r for r in graph.dependency_of(sv, "secretId") if r.type == SECRET), None)
                    name = sec.input("name") if sec is not None else None
                    res = f"secret:{name}-AbCdEf" if isinstance(name, str) else None
                    out.append((db, sec or sv, SM, res))
            for prm in graph.by_type(PARAMETER):
                if {r.urn for r in graph.dependency_of(prm, "value")} & sources:
                    name = prm.input("name")
                    res = (
                        ("parameter" + ("" if name.startswith("/") else "/") + name)
                        if isinstance(name, str)
                        else None
                    )
                    out.append((db, prm, "ssm", res))
    return out


def people_reading_stored_passwords(graph: StackGraph, stack: str) -> list[tuple[str, str]]:
    """People whose policies read a secret or parameter that holds a database's master password."""
    stores = _stores(graph)
    if not stores:
        return []
    out: list[tuple[str, str]] = []
    for p in people_of(graph, stack):
        for db, holder, service, res in stores:
            actions = GET_ONLY if service == SM else SSM_GET
            how = reading(p, actions, service, res)
            if how is not None:
                out.append(
                    (
                        p.view.urn,
                        f"people using this {p.kind} read {holder.name}, which holds the master password "
                        f"the program gives {db.name} ({sorted(actions)[0]} on {how}): they sign in as the "
                        "shared master user, unnamed in the database's log, and the copied password opens it "
                        "later without a second factor; let the database manage its master secret and give "
                        "people IAM database authentication as their own database users",
                    )
                )
    return out
