"""Amazon MQ for ActiveMQ brokers (round 42): who signs in to the ActiveMQ Web Console, and whether what
administrators do there is logged.

The Web Console browses, moves and purges messages and manages destinations; it signs people in with a
broker username and password and has no second factor (Amazon MQ developer guide, "Users" and
"Integrating ActiveMQ brokers with LDAP"). With `authenticationStrategy` simple (the default) a `users`
entry with `consoleAccess` true is such a person; with ldap, every directory user in the
`amazonmq-console-admins` group is, a membership the program does not declare. Either way a person reaches the
broker's data behind one factor (require-admin-mfa): applications connect as users without console access.
ActiveMQ's audit log records management actions (through the console or JMX: destinations created or
deleted, users changed); `logs.audit` defaults to false, so those actions reach no SIEM
(require-siem-logging). RabbitMQ has no audit log and no LDAP (not judged here).
"""

from __future__ import annotations

from policies.core.iam.statements import as_list
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

BROKER = "aws:mq/broker:Broker"


def _active_mq(r: ResourceView) -> bool:
    return str(r.input("engineType") or "").lower() == "activemq"


def _console(r: ResourceView) -> list[str]:
    strategy = r.input("authenticationStrategy")
    if is_unknown(strategy):
        return [unknown_message("authenticationStrategy", "who signs in to the ActiveMQ Web Console")]
    if str(strategy or "simple").lower() == "ldap":
        return [
            "the broker signs people in through LDAP (authenticationStrategy ldap): every directory user "
            "in amazonmq-console-admins, a membership outside the program, uses the ActiveMQ Web Console "
            "(browse, move and purge messages) with the directory password and no second factor; use "
            "simple authentication with application users only (consoleAccess false)"
        ]
    users = r.input("users")
    if is_unknown(users):
        return [unknown_message("users", "who signs in to the ActiveMQ Web Console")]
    out = []
    for i, u in enumerate(as_list(users)):
        access = u.get("consoleAccess") if isinstance(u, dict) else None
        if is_unknown(access):
            out.append(unknown_message(f"users[{i}].consoleAccess", "who signs in to the Web Console"))
        elif access is True:
            out.append(
                f"`users[{i}]` ({u.get('username')!r}) has consoleAccess: the ActiveMQ Web Console (browse, "
                "move and purge messages) signs them in with a password and no second factor; give people "
                "no broker user (manage the broker through the Amazon MQ API with an MFA role)"
            )
    return out


def console_sign_ins(graph: StackGraph) -> list[tuple[str, str]]:
    """ActiveMQ brokers that sign people in to the Web Console with a password alone (require-admin-mfa)."""
    return [(r.urn, m) for r in graph.by_type(BROKER) if _active_mq(r) for m in _console(r)]


def unaudited(graph: StackGraph) -> list[tuple[str, str]]:
    """ActiveMQ brokers whose audit log is off (require-siem-logging)."""
    out = []
    for r in graph.by_type(BROKER):
        if not _active_mq(r):
            continue
        audit = r.get("logs.audit")
        if is_unknown(audit) or is_unknown(r.input("logs")):
            out.append((r.urn, unknown_message("logs.audit", "whether management actions are logged")))
        elif audit is not True:
            out.append((
                r.urn,
                "`logs.audit` is not true (default false): management actions on the broker (destinations "
                "created, deleted or purged, users changed, through the console or JMX) are recorded "
                "nowhere; "
                "set logs.audit true and adopt its log group (/aws/amazonmq/broker/<broker id>/audit)",
            ))
    return out
