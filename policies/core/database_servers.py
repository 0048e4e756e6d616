"""A database is judged on its server (round 94): an Azure SQL database, a PostgreSQL or MySQL flexible-server
database has no key, network access or TLS setting of its own that replaces its server's; the server's TDE
protector or data encryption key encrypts it, the server's public network access and firewall admit its
clients, the server's minimum TLS version (or `require_secure_transport` / `ssl_min_protocol_version`) sets
the link. Each is judged on the server, which must therefore be a server of the stack: a database created on
another server (a copy onto a vendor's server, r93p-14, r94p-08; a database in a vendor's flexible server,
r94p-09, -10) has settings no rule can read. One home for the three rules that say "judged on its server"
(require-customer-managed-keys, disallow-public-data-access, require-tls-1-2); each names its own concern."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.pia_az_blocks import in_stack
from policies.core.view import ResourceView, StackGraph

SQL_DATABASE = "azure-native:sql:Database"
# database type -> (its server's type, how the message names it)
SERVERS: dict[str, tuple[str, str]] = {
    SQL_DATABASE: ("azure-native:sql:Server", "sql.Server"),
    "azure-native:dbforpostgresql:Database": (
        "azure-native:dbforpostgresql:Server", "PostgreSQL flexible server"
    ),
    "azure-native:dbformysql:Database": ("azure-native:dbformysql:Server", "MySQL flexible server"),
}
_CONCERNS = {
    "keys": "its key (a SQL server's TDE protector, a flexible server's data encryption), which encrypts the "
    "database",
    "public": "its public network access and firewall, which admit the database's clients",
    "tls": "its minimum TLS version, which secures the database's connections",
}


def foreign_server(r: ResourceView, graph: StackGraph | None, concern: str) -> list[str]:
    """Why the database's server, on which `concern` is judged, cannot be read: it is no server of the stack
    (by the property dependency `serverName` is fed from, else as ARM places the literal name). A resource
    rule (require-tls-1-2) has no graph: there the property dependency or the database's parent names a
    server of the stack (the Pulumi policy plugin gives a resource rule no property dependencies; the
    stacks' component creates the database under its server); a literal name alone blocks there."""
    server_type, label = SERVERS[r.type]
    if graph is not None and in_stack(graph, r, "serverName", (server_type,)):
        return []
    if graph is None and server_type in _fed_or_parent(r):
        return []
    fed = "" if graph is not None else " (this rule reads what it is fed from or its parent, not a name)"
    return [
        f"the database's server {r.input('serverName')!r} is not a {label} of this stack{fed}: "
        f"{_CONCERNS[concern]}, cannot be judged; create the database on a server of this stack (feed "
        "serverName from it)"
    ]


def _fed_or_parent(r: ResourceView) -> set[str]:
    """The types of the resources `serverName` is fed from and of the database's parent (a component creates
    the database under its server: the parent's type is the one before the database's in its URN)."""
    chain = r.urn.split("::")[2].split("$") if r.urn.count("::") >= 3 else []
    found = {_urn_type(u) for u in r.property_dependencies.get("serverName", ())}
    return found | {_urn_type(r.parent or "")} | set(chain[-2:-1])


def _urn_type(urn: str) -> str:
    """The type token of a Pulumi URN (`urn:pulumi:<stack>::<project>::[<parent type>$]<type>::<name>`)."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def judges(concern: str) -> dict[str, Callable[[ResourceView, StackGraph], list[str]]]:
    """{database type: judge(r, graph)} of one concern, for a rule's table of checks."""
    return {t: (lambda r, g: foreign_server(r, g, concern)) for t in SERVERS}
