"""Where require-siem-logging's events come from and go to (round 15): a trail that records every region
(root sign-ins and IAM/STS calls are global events, recorded in us-east-1), and diagnostic settings whose
destination is a workspace or storage account of the stack."""

from __future__ import annotations

import re

from policies.core import azure_uris
from policies.core.types import AZURE_DATA_STORES
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

TRAIL = "aws:cloudtrail/trail:Trail"
DESTINATIONS = {
    "workspaceId": "azure-native:operationalinsights:Workspace",
    "storageAccountId": "azure-native:storage:StorageAccount",
}


# Every Azure store the PIA conditions judge (pia_types) that writes resource logs needs a setting, not only
# the types of AZURE_DATA_STORES (session 18: an AKS cluster, a Data Explorer cluster, a registry with no
# setting passed). Not here: VMs and scale sets (no resource logs: the Azure Monitor agent and a data
# collection rule send theirs), children logged with their parent (a Key Vault key, a Cassandra data centre)
# and the retired MySQL single server. Redis Enterprise writes its logs (ConnectionEvents) on the database,
# not the cluster, which has metrics only: the database needs the setting.
LOGGED_STORES: frozenset[str] = AZURE_DATA_STORES | {
    f"azure-native:{t}"
    for t in (
        "appconfiguration:ConfigurationStore",
        "automation:AutomationAccount",  # round 47: job logs and streams, audit events
        "cognitiveservices:Account",
        "containerregistry:Registry",
        "containerservice:ManagedCluster",
        "cosmosdb:CassandraCluster",
        "databricks:Workspace",
        "datafactory:Factory",
        "dbforpostgresql:ServerGroupCluster",
        "eventgrid:Domain",
        "eventgrid:Namespace",
        "eventgrid:Topic",
        "kusto:Cluster",
        "loadtestservice:LoadTest",  # round 55: operation logs
        "machinelearningservices:Workspace",
        "redisenterprise:Database",
        "sql:ManagedInstance",
        "synapse:SqlPool",
    )
}


def destination_in_stack(graph: StackGraph, d: ResourceView) -> bool:
    """The setting sends to a workspace or storage account of the stack (an output of it, or its id):
    one outside the program keeps the logs for as long, and shows them to whom, nobody here judges
    (round 15). Round 89: a workspace must be one Sentinel is onboarded on (a team's own workspace is the
    stack's, but no analytics rule or SOC reads it)."""
    for fld, type_ in DESTINATIONS.items():
        value = d.input(fld)
        found = [r for r in graph.dependency_of(d, fld) if r.type == type_]
        if not found and isinstance(value, str) and value:
            found = azure_uris.named_by(graph, value, (type_,))  # its id, not its last segment (round 89)
        if any(type_ != WORKSPACE or r.urn in siem_workspaces(graph) for r in found):
            return True
    return False


WORKSPACE = DESTINATIONS["workspaceId"]
SENTINEL = "azure-native:securityinsights:SentinelOnboardingState"
SOLUTION = "azure-native:operationsmanagement:Solution"


def siem_workspaces(graph: StackGraph) -> frozenset[str]:
    """URNs of the stack's workspaces Sentinel is onboarded on (an onboarding state or SecurityInsights
    solution fed from the workspace or naming it), indexed once per graph. With no onboarding at all, every
    workspace of the stack (require-siem-logging then refuses the stack for that, once)."""

    def build() -> frozenset[str]:
        out: set[str] = set()
        onboardings = graph.by_type(SENTINEL, SOLUTION)
        if not onboardings:
            return frozenset(r.urn for r in graph.by_type(WORKSPACE))
        for s in onboardings:
            if s.type == SOLUTION and "SecurityInsights" not in str(s.get("plan.product") or ""):
                continue
            out |= {r.urn for r in graph.dependency_of(s, "workspaceName") if r.type == WORKSPACE}
            out |= {r.urn for r in graph.dependency_of(s, "properties") if r.type == WORKSPACE}
            name, rid = s.input("workspaceName"), s.get("properties.workspaceResourceId")
            out |= {r.urn for r in graph.by_type(WORKSPACE) if name and r.input("workspaceName") == name
                    and r.input("resourceGroupName") == s.input("resourceGroupName")}
            if isinstance(rid, str):
                out |= {r.urn for r in azure_uris.named_by(graph, rid, (WORKSPACE,))}
        return frozenset(out)

    return graph.once("siem-workspaces", build)


# A storage account's logs (StorageRead/Write/Delete) live on its services; the account itself has metrics
# only, so a setting on `<account>/blobServices/default` is how a team logs the account (round 28).
_STORAGE_SERVICE = re.compile(
    r"/storageAccounts/([^/]+)/(blob|file|queue|table)Services/default/?$", re.IGNORECASE
)
STORAGE_SERVICES = tuple(
    f"azure-native:storage:{k}ServiceProperties" for k in ("Blob", "File", "Queue", "Table")
)


def diagnosed_id(uri: str) -> str:
    """The id of the resource a setting's literal `resourceUri` logs: a storage service's account."""
    return _STORAGE_SERVICE.sub(lambda m: f"/storageAccounts/{m.group(1)}", uri.rstrip("/"))


def diagnosed(graph: StackGraph, uri: str) -> list[ResourceView]:
    """The resources of the stack a literal `resourceUri` logs, named as ARM names them (round 89: type path,
    group, names and subscription, any case; its last segment alone named a web app or a sandbox workspace
    of the same name)."""
    return azure_uris.named_by(graph, diagnosed_id(uri), parents=_STANDS_FOR_CHILDREN)


# A setting on a SQL server or a Synapse workspace stands for their databases and SQL pools, as it did when a
# name matched any resource whose `serverName`/`workspaceName` was that name (round 89 keeps it: a lead).
_STANDS_FOR_CHILDREN = frozenset({"microsoft.sql/servers", "microsoft.synapse/workspaces"})


def accounts_of_services(graph: StackGraph, d: ResourceView) -> set[str]:
    """Accounts whose service (a `*ServiceProperties` of the stack) the setting's `resourceUri` comes from."""
    return {
        a.urn
        for s in graph.dependency_of(d, "resourceUri")
        if s.type in STORAGE_SERVICES
        for a in graph.dependency_of(s, "accountName")
    }


# What each service of an account holds (round 29): a queue's messages, a table's entities, a share's files.
SERVICE_STORES = {
    "azure-native:storage:BlobContainer": "blob",
    "azure-native:storage:Queue": "queue",
    "azure-native:storage:Table": "table",
    "azure-native:storage:FileShare": "file",
}
ACCOUNT = "azure-native:storage:StorageAccount"


def _logged_services(graph: StackGraph, settings: list[ResourceView]) -> dict[str, set[str]]:
    """{account name: the services (blob, file, queue, table) whose own setting sends logs}."""
    out: dict[str, set[str]] = {}
    for d in settings:
        for s in graph.dependency_of(d, "resourceUri"):
            if s.type in STORAGE_SERVICES:
                kind = s.type.rsplit(":", 1)[-1].removesuffix("ServiceProperties").lower()
                for a in graph.dependency_of(s, "accountName"):
                    out.setdefault(str(a.input("accountName") or a.name), set()).add(kind)
        uri = d.input("resourceUri")
        m = _STORAGE_SERVICE.search(uri) if isinstance(uri, str) and not is_unknown(uri) else None
        if m:
            out.setdefault(m.group(1), set()).add(m.group(2).lower())
    return out


def unlogged_services(graph: StackGraph, settings: list[ResourceView]) -> list[tuple[str, str]]:
    """Every storage service that holds data of the stack needs its own setting that sends logs: a setting on
    the blob service says nothing of who read the queue (round 29), and the account-level setting carries
    only metrics, no StorageRead/Write/Delete (round 30)."""
    logged = _logged_services(graph, settings)
    out = []
    for t, kind in SERVICE_STORES.items():
        for r in graph.by_type(t):
            fed = [a for a in graph.dependency_of(r, "accountName") if a.type == ACCOUNT]
            name = str(fed[0].input("accountName") or fed[0].name) if fed else r.input("accountName")
            kinds = logged.get(name) if isinstance(name, str) else None
            if kind not in (kinds or ()):
                out.append(
                    (
                        r.urn,
                        f"the storage account {name!r} sends logs from "
                        + (
                            f"its {', '.join(sorted(kinds))} service only"
                            if kinds
                            else "no service (an account-level setting carries metrics only)"
                        )
                        + f": who read, wrote or deleted the data of this {kind} is recorded "
                        f"nowhere; add a diagnostic setting on {name}/{kind}Services/default sending "
                        "StorageRead, StorageWrite and StorageDelete to the SIEM workspace",
                    )
                )
    return out


def all_regions(t: ResourceView) -> bool:
    """Root sign-ins and IAM/STS calls are global events recorded in us-east-1: a single-region trail
    elsewhere never sees them (round 15)."""
    return t.input("isMultiRegionTrail") is True


def one_region_feeds(graph: StackGraph) -> list[tuple[str, str]]:
    """Single-region trails delivering to a log group that metric filters read."""
    filtered = {
        x
        for f in graph.by_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
        for x in (f.input("logGroupName"), *f.property_dependencies.get("logGroupName", ()))
    } - {None}
    out = []
    for t in graph.by_type(TRAIL):
        arn = t.input("cloudWatchLogsGroupArn")
        group = (
            arn.split(":log-group:", 1)[1].removesuffix(":*")
            if isinstance(arn, str) and ":log-group:" in arn
            else None
        )
        if not all_regions(t) and (
            {group, *t.property_dependencies.get("cloudWatchLogsGroupArn", ())} & filtered
        ):
            out.append(
                (
                    t.urn,
                    "the trail delivers to a log group for the SIEM alarms but records one region only: root "
                    "sign-ins and IAM/STS events (global, recorded in us-east-1) never reach the alarms (set "
                    "`isMultiRegionTrail` true)",
                )
            )
    return out


_AUDIT_ENTRIES = frozenset({"sqlsecurityauditevents", "audit", "alllogs"})


def _carries_sql_audit(d: ResourceView, explicit: bool) -> bool:
    """Some enabled log entry carries SQLSecurityAuditEvents (by name, or by the audit / allLogs group
    unless `explicit`: a setting whose target is only known as the server's output must name it)."""
    logs = d.input("logs")
    if not isinstance(logs, list) or is_unknown(logs):
        return False
    for e in logs:
        if isinstance(e, dict) and e.get("enabled") is True:
            cat = str(e.get("category") or ("" if explicit else e.get("categoryGroup") or "")).lower()
            if cat in _AUDIT_ENTRIES:
                return True
    return False


def _audit_database(p: ResourceView) -> tuple[str, set[str]]:
    """`<server>/databases/<db>` a policy's records are emitted from (master for a server policy), and the
    URNs an output-built `resourceUri` of that database would depend on."""
    db = "master"
    deps = set(p.property_dependencies.get("serverName", ()))
    if "Database" in p.type:
        db = str(p.input("databaseName"))
        deps = set(p.property_dependencies.get("databaseName", ())) or deps
    return f"/servers/{p.input('serverName')}/databases/{db}".lower(), deps


def sql_audit_unsent(graph: StackGraph, policies: list[ResourceView]) -> list[tuple[str, str]]:
    """SQL auditing reaches the SIEM only through Azure Monitor, i.e. the diagnostic setting of the audited
    database (master for a server policy) with SQLSecurityAuditEvents; without one the records go nowhere
    (round 28), or only to the storage target (session 19: storage alone, or with Azure Monitor on and no
    such setting, keeps the records but the SIEM never sees them)."""
    settings = [
        d
        for d in graph.by_type(
            "azure-native:insights:DiagnosticSetting", "azure-native:monitor:DiagnosticSetting"
        )
        if destination_in_stack(graph, d)
    ]
    index = _AuditSettings(settings)
    out = []
    for p in policies:
        if p.input("state") != "Enabled":
            continue
        path, deps = _audit_database(p)
        monitor, storage = p.input("isAzureMonitorTargetEnabled"), p.input("storageEndpoint")
        if is_unknown(monitor):
            out.append(
                (p.urn, unknown_message("isAzureMonitorTargetEnabled", "whether audits reach the SIEM"))
            )
            continue
        if monitor is not True:  # session 19: a storage target keeps the records, the SIEM never sees them
            why = (
                "SQL auditing writes to its storage account only (`isAzureMonitorTargetEnabled` not true): "
                "the records are kept but never reach the SIEM; set it true"
                if storage
                else "SQL auditing has no target (no `storageEndpoint`, `isAzureMonitorTargetEnabled` "
                "not true): no audit records are kept or reach the SIEM"
            )
            out.append((p.urn, why))
            continue
        if any(_sends_audit_of(settings[i], path, deps) for i in index.candidates(path, deps)):
            continue
        lost = "never reach the SIEM (only the storage account keeps them)" if storage else "go nowhere"
        where = "Azure Monitor" if storage else "Azure Monitor only"
        db = path.rsplit("/", 1)[-1]
        out.append(
            (
                p.urn,
                f"SQL auditing writes to {where}, but no diagnostic setting of the database '{db}' "
                "(resourceUri `.../servers/<server>/databases/<db>`, master for a server policy) sends its "
                f"SQLSecurityAuditEvents to a workspace of the stack: the audit records {lost}",
            )
        )
    return out


def _sends_audit_of(d: ResourceView, path: str, deps: set[str]) -> bool:
    """The setting sends the SQLSecurityAuditEvents of the database `path` (`deps`: the URNs an
    output-built `resourceUri` of it would depend on)."""
    uri = d.input("resourceUri")
    if isinstance(uri, str) and not is_unknown(uri):
        tail = uri.rstrip("/").lower()
        named = tail.endswith(path) or (
            tail.endswith(path[path.index("/databases/") :])
            and set(d.property_dependencies.get("resourceUri", ())) & deps
        )
        return bool(named) and _carries_sql_audit(d, explicit=False)
    return bool(set(d.property_dependencies.get("resourceUri", ())) & deps) and _carries_sql_audit(d, True)


class _AuditSettings:
    """The settings indexed by what `_sends_audit_of` needs, so each policy tests only its candidates (all
    settings for every policy was quadratic: 15 s on a 100k stack). A literal `resourceUri` that ends with
    `path` ends with its last segments, as many as `path` has slashes (a `/servers/s/databases/d` path: the
    last four); a match by the `/databases/d` part alone, or of an output-built one, needs a dependency."""

    def __init__(self, settings: list[ResourceView]):
        self.by_end: dict[str, list[int]] = {}  # "/" + the last four segments of a literal resourceUri
        self.by_last: dict[str, list[int]] = {}  # its last segment (a path with more or fewer slashes)
        self.by_dep: dict[str, list[int]] = {}
        for i, d in enumerate(settings):
            uri = d.input("resourceUri")
            if isinstance(uri, str) and not is_unknown(uri):
                tail = uri.rstrip("/").lower()
                self.by_last.setdefault(tail.rsplit("/", 1)[-1], []).append(i)
                parts = tail.rsplit("/", 4)
                if len(parts) == 5:
                    self.by_end.setdefault("/" + "/".join(parts[1:]), []).append(i)
            for u in d.property_dependencies.get("resourceUri", ()):
                self.by_dep.setdefault(u, []).append(i)

    def candidates(self, path: str, deps: set[str]) -> list[int]:
        """Positions of the settings that may send `path`'s records, in order (a superset of the senders)."""
        if path.count("/") == 4:
            found = set(self.by_end.get(path, ()))
        else:
            found = set(self.by_last.get(path.rsplit("/", 1)[-1], ()))
        for u in deps:
            found.update(self.by_dep.get(u, ()))
        return sorted(found)
