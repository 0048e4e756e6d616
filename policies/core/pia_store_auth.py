"""Stores that answer clients without authentication (round 14): a cache, graph or Kafka cluster inside the
VPC that asks no one for credentials is open to everything that reaches its port (a compromised pod, a
peered network, a misrouted security group), so disallow-public-data-access judges it like a public store.

Closed world: a Redis/Valkey cache needs AUTH or a user group without the built-in `default` user (no
password, every command), MemoryDB an ACL other than `open-access`, MSK a client authentication that is not
`unauthenticated`, Neptune IAM database authentication (Neptune has no passwords).
"""

from __future__ import annotations

from collections.abc import Callable

from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

Judge = Callable[[ResourceView, StackGraph], list[str]]

# The built-in users of ElastiCache and MemoryDB: no password, `on ~* +@all`.
_BUILTIN_DEFAULT = "default"
_PASSWORDLESS = (
    "`{fld}` lists the built-in user 'default' (no password, every command): anyone who reaches the "
    "cache uses it; list a user of your own named default, switched off (`off -@all`)"
)


def _redis_engine(r: ResourceView) -> str | None:
    """The engine when it is Redis or Valkey (the default of replication groups is redis), else None."""
    engine = r.input("engine")
    if is_unknown(engine):
        return "unknown"
    engine = str(engine or "redis").lower()
    return engine if engine in ("redis", "valkey") else None


def replication_group(r: ResourceView, graph: StackGraph) -> list[str]:
    if _redis_engine(r) is None:
        return []
    token, groups = r.input("authToken"), r.input("userGroupIds")
    if token is not None or is_unknown(groups) or groups:
        return []
    if r.input("globalReplicationGroupId"):
        return []  # a member of a global datastore takes its primary's AUTH (judged there)
    return [
        "the replication group has neither `authToken` nor `userGroupIds`: every client that reaches it "
        "runs any command (set a user group of this stack or an AUTH token)"
    ]


def serverless_cache(r: ResourceView, graph: StackGraph) -> list[str]:
    if _redis_engine(r) is None:
        return []
    group = r.input("userGroupId")
    if group or is_unknown(group):
        return []
    return [
        "the serverless cache has no `userGroupId`: its default user needs no password (set a user group "
        "of this stack)"
    ]


def cache_cluster(r: ResourceView, graph: StackGraph) -> list[str]:
    """A stand-alone Redis/Valkey node (no replication group) cannot have AUTH or users at all."""
    if r.input("engine") is None or _redis_engine(r) is None or r.input("replicationGroupId"):
        return []
    return [
        "a stand-alone Redis/Valkey cache cluster cannot ask for a password or user; create a replication "
        "group with a user group or AUTH token"
    ]


def _lists_default(r: ResourceView, fld: str) -> list[str]:
    users = r.input(fld)
    if is_unknown(users):
        return [unknown_message(fld, "which users may sign in")]
    users = [users] if isinstance(users, str) else users or []
    return [_PASSWORDLESS.format(fld=fld)] if _BUILTIN_DEFAULT in users else []


def memorydb_cluster(r: ResourceView, graph: StackGraph) -> list[str]:
    acl = r.input("aclName")
    if is_unknown(acl) or acl != "open-access":
        return []
    return [
        "`aclName` is 'open-access': the default user needs no password and runs every command (use an ACL "
        "of this stack)"
    ]


def memorydb_user(r: ResourceView, graph: StackGraph) -> list[str]:
    kind = r.get("authenticationMode.type")
    if is_unknown(kind):
        return [unknown_message("authenticationMode.type", "how the user authenticates")]
    if kind not in ("password", "iam"):
        return [f"`authenticationMode.type` is {kind!r}; use password or iam"]
    return []


def msk_cluster(r: ResourceView, graph: StackGraph) -> list[str]:
    auth = r.input("clientAuthentication")
    if is_unknown(auth):
        return [unknown_message("clientAuthentication", "whether clients must authenticate")]
    if not isinstance(auth, dict) or not auth:
        return [
            "no `clientAuthentication`: MSK admits unauthenticated clients (use SASL/IAM, SCRAM or "
            "mutual TLS and `unauthenticated: false`)"
        ]
    if auth.get("unauthenticated") is True:
        return [
            "`clientAuthentication.unauthenticated` is true: any client that reaches a broker reads topics"
        ]
    if not (get_path(auth, "sasl.iam") or get_path(auth, "sasl.scram") or auth.get("tls")):
        return ["`clientAuthentication` names no SASL (IAM, SCRAM) or TLS client authentication"]
    return []


def neptune_cluster(r: ResourceView, graph: StackGraph) -> list[str]:
    iam = r.input("iamDatabaseAuthenticationEnabled")
    if is_unknown(iam):
        return [unknown_message("iamDatabaseAuthenticationEnabled", "whether clients must authenticate")]
    if iam is True:
        return []
    return [
        "`iamDatabaseAuthenticationEnabled` is not true: Neptune has no passwords, so every client that "
        "reaches port 8182 queries the graph"
    ]


AUTH_CHECKS: tuple[tuple[str, Judge], ...] = (
    ("aws:elasticache/replicationGroup:ReplicationGroup", replication_group),
    ("aws:elasticache/serverlessCache:ServerlessCache", serverless_cache),
    ("aws:elasticache/cluster:Cluster", cache_cluster),
    ("aws:elasticache/userGroup:UserGroup", lambda r, g: _lists_default(r, "userIds")),
    (
        "aws:elasticache/userGroupAssociation:UserGroupAssociation",
        lambda r, g: _lists_default(r, "userId"),
    ),
    ("aws:memorydb/cluster:Cluster", memorydb_cluster),
    ("aws:memorydb/acl:Acl", lambda r, g: _lists_default(r, "userNames")),
    ("aws:memorydb/user:User", memorydb_user),
    ("aws:msk/cluster:Cluster", msk_cluster),
    ("aws:neptune/cluster:Cluster", neptune_cluster),
)
"""Second judges of the exposure rule (a type may also have its first judge there)."""
