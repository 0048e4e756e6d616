"""How long Azure diagnostic settings keep the logs they write to a storage account (require-audit-log-
retention, round 16): a log entry's own `retentionPolicy`, and the lifecycle management policy of the
destination account, which deletes the `insights-logs-*` append blobs like any other; and (round 19) the
retention of SQL auditing written to storage, and (round 31) the lifecycle policy of its account, which
deletes the `sqldbauditlogs` blobs whatever `retentionDays` says."""

from __future__ import annotations

from typing import Any

from policies.core.helpers import linked
from policies.core.iam.statements import as_list
from policies.core.pia_siem import DESTINATIONS
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

DIAGNOSTIC_SETTINGS = ("azure-native:insights:DiagnosticSetting", "azure-native:monitor:DiagnosticSetting")
STORAGE = DESTINATIONS["storageAccountId"]
LIFECYCLE = "azure-native:storage:ManagementPolicy"
_LOGS = "insights-logs-"  # the containers diagnostic settings write to
_DELETE_AFTER = (
    "daysAfterModificationGreaterThan",
    "daysAfterCreationGreaterThan",
    "daysAfterLastAccessTimeGreaterThan",
)


def _short(days: Any, floor: int) -> bool:
    return isinstance(days, int | float) and not isinstance(days, bool) and 0 < days < floor


def _entries(d: ResourceView, floor: int) -> list[str]:
    out = []
    for e in as_list(d.input("logs")):
        rp = e.get("retentionPolicy") if isinstance(e, dict) else None
        if not isinstance(rp, dict) or rp.get("enabled") is False:
            continue
        days = rp.get("days")
        if is_unknown(days) or is_unknown(rp.get("enabled")):
            out.append(unknown_message("logs.retentionPolicy", "how long the logs are kept"))
        elif _short(days, floor):
            what = e.get("category") or e.get("categoryGroup")
            out.append(f"log entry {what!r} is deleted from storage after {days} days (< {floor})")
    return out


def _matches_logs(rule: dict[str, Any], container: str = _LOGS, blob_type: str | None = "appendBlob") -> bool:
    """Whether a lifecycle rule's filters reach the log blobs in `container` (of `blob_type`, None: any)."""
    filters = get_path(rule, "definition.filters") or {}
    types = as_list(filters.get("blobTypes"))
    if types and blob_type is not None and blob_type not in types:
        return False
    prefixes = [str(p).split("/", 1)[0] for p in as_list(filters.get("prefixMatch"))]
    return not prefixes or any(container.startswith(p) or p.startswith(container) for p in prefixes)


def _lifecycle(
    mp: ResourceView, floor: int, container: str = _LOGS, blob_type: str | None = "appendBlob"
) -> list[str]:
    rules = get_path(mp.inputs, "policy.rules")
    if is_unknown(rules) or mp.unknowns("policy"):
        return [unknown_message("policy", "whether the account's lifecycle deletes the logs")]
    out = []
    for r in as_list(rules):
        if not isinstance(r, dict) or r.get("enabled") is False or not _matches_logs(r, container, blob_type):
            continue
        delete = get_path(r, "definition.actions.baseBlob.delete") or {}
        days = [delete.get(k) for k in _DELETE_AFTER] if isinstance(delete, dict) else []
        short = [n for n in days if _short(n, floor)]
        if short:
            out.append(
                f"lifecycle rule {r.get('name')!r} of the destination account deletes "
                f"{'diagnostic logs' if container == _LOGS else 'SQL audit records'} after {min(short)} days "
                f"(< {floor})"
            )
    return out


def _accounts(graph: StackGraph, d: ResourceView) -> list[ResourceView]:
    found = [r for r in graph.dependency_of(d, "storageAccountId") if r.type == STORAGE]
    value = d.input("storageAccountId")
    if isinstance(value, str) and not is_unknown(value) and value:
        name = value.rstrip("/").rsplit("/", 1)[-1].lower()
        found += [r for r in graph.by_type(STORAGE) if str(r.input("accountName")).lower() == name]
    return list({r.urn: r for r in found}.values())


def diagnostic_retention(graph: StackGraph, floor: int) -> list[tuple[str, str]]:
    """(urn, message) for every diagnostic setting that lets its logs in storage go before `floor` days."""
    out = []
    for d in graph.by_type(*DIAGNOSTIC_SETTINGS):
        out.extend((d.urn, m) for m in _entries(d, floor))
        for acct in _accounts(graph, d):
            policies = linked(graph, acct, (LIFECYCLE,), "accountName")
            out.extend((d.urn, m) for mp in policies for m in _lifecycle(mp, floor))
    return out


# SQL auditing policies (round 19): with a storage target, `retentionDays` deletes the audit blobs (0 or
# absent keeps them); a Log Analytics target keeps what its workspace keeps, which is judged itself.
AUDITING = tuple(
    f"azure-native:sql:{k}BlobAuditingPolicy"
    for k in ("Server", "ExtendedServer", "Database", "ExtendedDatabase")
)


_AUDIT_CONTAINER = "sqldbauditlogs"  # the container SQL auditing writes to, in any blob type


def _audit_accounts(graph: StackGraph, a: ResourceView) -> list[ResourceView]:
    """The stack's storage accounts an auditing policy's `storageEndpoint` names (output or URL host)."""
    found = [r for r in graph.dependency_of(a, "storageEndpoint") if r.type == STORAGE]
    url = a.input("storageEndpoint")
    if isinstance(url, str) and not is_unknown(url) and "://" in url:
        name = url.split("://", 1)[1].split(".", 1)[0].lower()
        found += [r for r in graph.by_type(STORAGE) if str(r.input("accountName")).lower() == name]
    return list({r.urn: r for r in found}.values())


def auditing_retention(graph: StackGraph, floor: int) -> list[tuple[str, str]]:
    out = []
    for a in graph.by_type(*AUDITING):
        if str(a.input("state")).lower() != "enabled" or a.input("storageEndpoint") in (None, ""):
            continue
        for acct in _audit_accounts(graph, a):
            policies = linked(graph, acct, (LIFECYCLE,), "accountName")
            out.extend((a.urn, m) for mp in policies for m in _lifecycle(mp, floor, _AUDIT_CONTAINER, None))
        days = a.input("retentionDays")
        if is_unknown(days):
            out.append((a.urn, unknown_message("retentionDays", "how long the audit records are kept")))
        elif _short(days, floor):
            out.append(
                (
                    a.urn,
                    f"SQL auditing deletes its records from storage after {days} days (retentionDays "
                    f"< {floor}); set 0 (keep) or at least {floor}",
                )
            )
    return out
