"""A SQL server's auditing stands for its databases (round 93), for require-siem-logging.

Server auditing applies to every database of the server, whatever a database's own policy says; a
database's own policy adds records (Microsoft advises against enabling both). So a database-level policy
under a server whose own policy is complete (Enabled, sent to the SIEM, every required group, no predicate)
is released: switching it off, or keeping its copy in storage only, loses nothing (ok/r93p-50, -52). Any
other policy is judged as before (round 28: on, sent to the SIEM) and must audit what the SIEM needs: the
sign-ins, successful and failed, and the commands (`auditActionsAndGroups`, the default when absent), with no
`predicateExpression` filtering records at the source (which records a predicate drops cannot be judged:
r93p-03, -06)."""

from __future__ import annotations

from policies.core.pia_siem import sql_audit_unsent
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

SERVER_POLICIES = (
    "azure-native:sql:ServerBlobAuditingPolicy",
    "azure-native:sql:ExtendedServerBlobAuditingPolicy",
)
DATABASE_POLICIES = (
    "azure-native:sql:DatabaseBlobAuditingPolicy",
    "azure-native:sql:ExtendedDatabaseBlobAuditingPolicy",
)
SQL_AUDITING = (*SERVER_POLICIES, *DATABASE_POLICIES)
# What Azure audits when `auditActionsAndGroups` is absent, and what the SIEM needs of every database.
REQUIRED_GROUPS = (
    "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
    "FAILED_DATABASE_AUTHENTICATION_GROUP",
    "BATCH_COMPLETED_GROUP",
)


def _off(p: ResourceView) -> list[str]:
    state = p.input("state")
    if is_unknown(state):
        return [unknown_message("state", "whether SQL auditing records anything")]
    if state != "Enabled":
        return [f"SQL auditing `state` is {state!r}: no audit records reach the SIEM"]
    return []


def _narrowed(p: ResourceView) -> list[str]:
    """What an enabled policy leaves out of the audit: required groups, or records a predicate drops."""
    out = []
    groups = p.input("auditActionsAndGroups")
    if is_unknown(groups) or (groups is not None and not isinstance(groups, list)):
        out.append(unknown_message("auditActionsAndGroups", "what SQL auditing records"))
    elif groups is not None:
        given = {str(g).strip().upper() for g in groups if not is_unknown(g)}
        missing = [g for g in REQUIRED_GROUPS if g not in given]
        if missing:
            out.append(
                f"SQL auditing's `auditActionsAndGroups` leaves out {', '.join(missing)}: those sign-ins or "
                "commands are never audited, so never reach the SIEM; keep "
                f"{', '.join(REQUIRED_GROUPS)} (the default) and add other groups beside them"
            )
    predicate = p.input("predicateExpression")
    if is_unknown(predicate):
        out.append(unknown_message("predicateExpression", "which records SQL auditing drops"))
    elif predicate:
        out.append(
            "SQL auditing's `predicateExpression` filters the records at the source: what it drops never "
            "reaches the SIEM, and which records a predicate drops cannot be judged; remove it (filter in "
            "the SIEM's queries instead)"
        )
    return out


def _server_keys(p: ResourceView) -> set[str]:
    """The server a policy belongs to: the URNs its `serverName` is fed from, and its literal name."""
    keys = set(p.property_dependencies.get("serverName", ()))
    name = p.input("serverName")
    if isinstance(name, str) and not is_unknown(name):
        keys.add(name.lower())  # a server name is unique in Azure (its DNS name)
    return keys


def judged(graph: StackGraph) -> list[tuple[str, str]]:
    """Every SQL auditing policy of the stack judged, database policies under a complete server's released."""
    policies = graph.by_type(*SQL_AUDITING)
    servers = [p for p in policies if p.type in SERVER_POLICIES]
    unsent = {urn for urn, _ in sql_audit_unsent(graph, servers)}
    standing: set[str] = set()
    for p in servers:
        if not _off(p) and not _narrowed(p) and p.urn not in unsent:
            standing |= _server_keys(p)
    judge = [p for p in policies if p.type in SERVER_POLICIES or not _server_keys(p) & standing]
    out = [(p.urn, m) for p in judge for m in _off(p) or _narrowed(p)]
    return out + sql_audit_unsent(graph, judge)
