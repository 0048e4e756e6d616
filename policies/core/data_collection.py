"""Where Azure Monitor sends what it collects (round 89): data collection rules and the other destinations
of a diagnostic setting.

- A data collection rule's destinations must be stores of the stack, named by their id as ARM names them
  (`azure_uris`: a workspace of the same name in another subscription is another party's, r89p-04), or fed
  from one (disallow-public-data-access, as since round 9).
- A machine's data collection rule association must send its logs to the SIEM: the rule it names must be the
  stack's, and some data flow must carry a log stream (anything but the metrics and performance counters) to
  a Log Analytics workspace of the stack that Sentinel is onboarded on (require-siem-logging).
  A rule whose only destination is Azure Monitor Metrics collects the Syslog and security events and keeps
  none (r89p-05).
- A diagnostic setting may send to an event hub or a partner solution beside the workspace: each destination
  it names must be the stack's (an event hub namespace of the stack, its authorization rule; a partner is
  always another party), else every logged read and write leaves the stack (disallow-public-data-access,
  r89p-13).
- A transformation (`transformKql`) on a log stream, of an agent's rule or of a workspace's own rule
  (WorkspaceTransforms, the workspace's `defaultDataCollectionRuleResourceId`), may drop any row before the
  SIEM keeps it (r89p-18, -19): only the identity (`source`) passes (require-siem-logging)."""

from __future__ import annotations

import re
from typing import Any

from policies.core.azure_uris import named_by
from policies.core.machine_systems import LINUX, WINDOWS, systems
from policies.core.pia_siem import siem_workspaces
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

WORKSPACE = "azure-native:operationalinsights:Workspace"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
EVENT_HUB = "azure-native:eventhub:EventHub"
NAMESPACE = "azure-native:eventhub:Namespace"
RULES = ("azure-native:monitor:DataCollectionRule", "azure-native:insights:DataCollectionRule")
ASSOCIATIONS = (
    "azure-native:monitor:DataCollectionRuleAssociation",
    "azure-native:insights:DataCollectionRuleAssociation",
)
_DESTINATIONS = {
    "logAnalytics": ("workspaceResourceId", (WORKSPACE,)),
    "storageAccounts": ("storageAccountResourceId", (STORAGE_ACCOUNT,)),
    "storageBlobsDirect": ("storageAccountResourceId", (STORAGE_ACCOUNT,)),
    "storageTablesDirect": ("storageAccountResourceId", (STORAGE_ACCOUNT,)),
    "eventHubs": ("eventHubResourceId", (EVENT_HUB,)),
    "eventHubsDirect": ("eventHubResourceId", (EVENT_HUB,)),
}
_NOT_LOGS = frozenset({"microsoft-insightsmetrics", "microsoft-perf"})  # metrics and performance counters


def _items(r: ResourceView) -> list[tuple[str, dict[str, Any] | None]]:
    dest = r.get("destinations")
    return [
        (kind, item if isinstance(item, dict) else None)
        for kind, items in (dest if isinstance(dest, dict) else {}).items()
        for item in (items if isinstance(items, list) else [items])
    ]


def _ours(graph: StackGraph, r: ResourceView, kind: str, item: dict[str, Any] | None) -> bool | None:
    """Whether a destination is a store of the stack: True, False, or None when it cannot be read."""
    fld, types = _DESTINATIONS.get(kind, ("?", ()))
    target = item.get(fld) if item is not None else None
    if is_unknown(target):  # an id computed from a store of the stack
        return True if {d.type for d in graph.dependency_of(r, "destinations")} & set(types) else None
    return bool(types) and isinstance(target, str) and bool(named_by(graph, target, types))


def data_collection_rule(r: ResourceView, graph: StackGraph) -> list[str]:
    """The machines' logs go to the rule's destinations: each must be a store of this stack (Azure Monitor
    metrics stay in the platform)."""
    if is_unknown(r.get("destinations")):
        return [unknown_message("destinations", "where the collected logs go")]
    out = []
    for kind, item in _items(r):
        if kind == "azureMonitorMetrics":
            continue
        ours = _ours(graph, r, kind, item)
        if ours is None:
            out.append(unknown_message(f"destinations.{kind}", "where the collected logs go"))
        elif not ours:
            target = item.get(_DESTINATIONS.get(kind, ("?",))[0]) if item else None
            out.append(
                f"destination {kind} {target!r} is no store of this stack (its id names none: type, "
                "subscription, resource group and name): the logs leave it unjudged"
            )
    return out


def _to_siem(graph: StackGraph, rule: ResourceView) -> list[dict[str, Any]]:
    """The data flows that carry a log stream untransformed to a Log Analytics destination that is a SIEM
    workspace of the stack."""
    siem = {
        str(item.get("name"))
        for kind, item in _items(rule)
        if kind == "logAnalytics" and item is not None and _sentinel_workspace(graph, rule, item)
    }
    flows = rule.get("dataFlows")
    return [
        f for f in (flows if isinstance(flows, list) else [])
        if isinstance(f, dict)
        and siem & {str(d) for d in f.get("destinations") or []}
        and _log_streams(f)
        and _identity(f.get("transformKql"))
    ]


# Round 90: what the agent collects is the rule's `dataSources`; a flow carries only what a source of its
# stream collects. The sign-ins and commands the SIEM needs are Syslog's auth and authpriv facilities from
# Info up (the levels are listed, the portal writes the minimum and every level above it) and the Windows
# Security channel, whole (`Security!*`, or its audit success and failure keywords: every audit event).
_SIGN_INS = {
    "microsoft-syslog": "syslog",
    "microsoft-securityevent": "windowsEventLogs",
    "microsoft-windowsevent": "windowsEventLogs",
    "microsoft-event": "windowsEventLogs",
}
_WHOLE_SECURITY = frozenset({"security!*", "security!*[system[(band(keywords,13510798882111488))]]"})


def _sign_ins(source: dict[str, Any], kind: str) -> set[str]:
    """What of the sign-ins a source collects: Syslog facilities from Info up, or `security` for the whole
    Security channel (round 91: a machine's facilities are pooled over the sources and rules it has)."""
    if kind == "syslog":
        levels = {str(x).lower() for x in source.get("logLevels") or []}
        facilities = {str(f).lower() for f in source.get("facilityNames") or []}
        return facilities if levels & {"*", "debug", "info"} else set()
    queries = {"".join(str(q).split()).lower() for q in source.get("xPathQueries") or []}
    return {"security"} if queries & _WHOLE_SECURITY else set()


def _complete(collected: set[str]) -> bool:
    return bool(collected & {"*", "security"}) or {"auth", "authpriv"} <= collected


_MACHINES = ("azure-native:compute:VirtualMachine", "azure-native:compute:VirtualMachineScaleSet")


def _source_kinds(graph: StackGraph, a: ResourceView) -> tuple[frozenset[str], str | None]:
    """The sources that hold the sign-ins of the machine an association names (wave 2, r90p-15): Syslog on
    Linux, the Security channel on Windows (round 93: also read from its image or OS disk,
    `machine_systems`), and why the system is not known, once (None: stated); both, unstated, for a VM of the
    stack that does not say or says both, and (round 94) for a machine that is not the stack's (an Arc
    server, a VM or scale set named by a literal id: r94p-05 to -07), whose system the program cannot show:
    each source must then be complete."""
    rid = a.input("resourceUri")
    vms = [d for d in graph.dependency_of(a, "resourceUri") if d.type in _MACHINES]
    vms = vms or (named_by(graph, rid, _MACHINES) if isinstance(rid, str) and not is_unknown(rid) else [])
    if not vms:
        return frozenset(_SIGN_INS.values()), (
            f"the machine {rid!r} is not a VM or scale set of this stack (an Arc server, or a machine "
            "named by a literal id), so its system cannot be read: feed resourceUri from a VM of this stack "
            "that states it"
        )
    found = [systems(graph, vm) for vm in vms]
    kinds = set().union(*found)
    stated = all(len(f) == 1 for f in found)
    return frozenset(kinds or set(_SIGN_INS.values())), None if stated else (
        "the machine's system is not stated (no osDisk `osType`, osProfile linuxConfiguration or "
        "windowsConfiguration, OS disk or image of this stack, or marketplace image of a known publisher): "
        "state it"
    )


def _collected(graph: StackGraph, rule: ResourceView, kinds: frozenset[str]) -> set[str]:
    """What of the machine's sign-ins (of `kinds`) the rule's sources collect into a stream a flow of the
    rule carries to the SIEM."""
    sources, out = rule.get("dataSources"), set()
    for stream in {s for f in _to_siem(graph, rule) for s in _log_streams(f)}:
        kind = _SIGN_INS.get(stream)
        items = sources.get(kind) if kind in kinds and isinstance(sources, dict) else None
        for src in items if isinstance(items, list) else []:
            if isinstance(src, dict) and stream in {str(x).lower() for x in src.get("streams") or []}:
                out |= _sign_ins(src, kind)
    return out


def _log_streams(flow: dict[str, Any]) -> set[str]:
    """The streams of a flow that carry logs (a workspace table's `Microsoft-Table-<table>` too)."""
    streams = {str(s).lower() for s in flow.get("streams") or []}
    return {s for s in streams - _NOT_LOGS if s.removeprefix("microsoft-table-") not in _NOT_TABLES}


_NOT_TABLES = frozenset({"perf", "insightsmetrics"})


def _sentinel_workspace(graph: StackGraph, rule: ResourceView, item: dict[str, Any]) -> bool:
    """A Log Analytics destination that is a workspace Sentinel is onboarded on (`siem_workspaces`)."""
    target, siem = item.get("workspaceResourceId"), siem_workspaces(graph)
    if is_unknown(target):
        return any(d.urn in siem for d in graph.dependency_of(rule, "destinations"))
    return isinstance(target, str) and any(w.urn in siem for w in named_by(graph, target, (WORKSPACE,)))


def _identity(kql: object) -> bool:
    """No transformation, or the identity one (`source`, as the portal writes it): every row arrives."""
    return kql is None or (isinstance(kql, str) and " ".join(kql.split()).lower() == "source")


def dropping_transforms(graph: StackGraph) -> list[tuple[str, str]]:
    """Rules of the stack whose data flows transform log streams at ingestion (an agent's rule, or a
    workspace's transformation rule, kind WorkspaceTransforms): KQL may drop any row the SIEM must keep, and
    the gate does not judge KQL; a workspace's default rule that is no rule of the stack cannot be read."""
    out = []
    for r in graph.by_type(*RULES):
        flows = r.get("dataFlows")
        for f in flows if isinstance(flows, list) else []:
            if isinstance(f, dict) and _log_streams(f) and not _identity(f.get("transformKql")):
                out.append((r.urn, f"the data flow of {sorted(_log_streams(f))} transforms them at ingestion "
                            f"({f.get('transformKql')!r}): a query may drop the rows the SIEM must keep and "
                            "cannot be judged here; send log streams untransformed (transformKql `source`)"))
    for w in graph.by_type(WORKSPACE):
        rid = w.input("defaultDataCollectionRuleResourceId")
        if rid is None or graph.dependency_of(w, "defaultDataCollectionRuleResourceId"):
            continue
        if not isinstance(rid, str) or not named_by(graph, rid, RULES):
            out.append((w.urn, f"the workspace's transformation rule {rid!r} is no rule of this stack: what "
                        "it drops of the SIEM's tables cannot be judged; feed it from a rule of this stack"))
    return out


def unsent_collections(graph: StackGraph) -> list[tuple[str, str]]:
    """Associations whose rule is not the stack's; machines whose rules together send no log stream to the
    SIEM, or do not collect their sign-ins into one (round 91: judged per machine, over all its rules)."""
    out, machines = [], {}
    for a in graph.by_type(*ASSOCIATIONS):
        rid = a.input("dataCollectionRuleId")
        if rid is None and a.input("dataCollectionEndpointId") is not None:
            continue  # an endpoint association: where the logs go is its rule association's
        rules = [d for d in graph.dependency_of(a, "dataCollectionRuleId") if d.type in RULES]
        rules = rules or (named_by(graph, rid, RULES) if isinstance(rid, str) else [])
        if not rules:
            out.append((a.urn, unknown_message("dataCollectionRuleId", "where the machine's logs go")
                        if is_unknown(rid) else
                        f"the data collection rule {rid!r} is not one of this stack: where the machine's "
                        "logs go is not judged; feed dataCollectionRuleId from a rule of this stack"))
            continue
        entry = machines.setdefault(_machine_key(graph, a), (a, []))
        entry[1].extend(rules)
    for a, rules in machines.values():
        names = ", ".join(sorted({r.name for r in rules}))
        whose = f"rule {names} {{}}s" if len(rules) == 1 else f"rules of the machine ({names}) {{}}"
        if not any(_to_siem(graph, r) for r in rules):
            out.append((a.urn, f"the data collection {whose.format('send')} no log stream (Syslog, security "
                        "or Windows events) to a workspace of this stack: the machine's sign-ins and "
                        "commands reach no SIEM; add a data flow of them to the SIEM workspace"))
            continue
        kinds, unstated = _source_kinds(graph, a)
        if unstated and _one_system_only(rules, graph):
            out.append((a.urn, f"the data collection {whose.format('collect')} the sign-ins of one system "
                        f"only, and {unstated}, or collect both Syslog auth and authpriv and the whole "
                        "Security channel"))
        elif not _complete(set().union(*(_collected(graph, r, kinds) for r in rules))):
            out.append((a.urn, f"the data collection {whose.format('collect')} no sign-ins into the streams "
                        "sent to the SIEM (dataSources): add syslog sources of the auth and authpriv "
                        "facilities from Info up (one rule or several), or a windowsEventLogs source of the "
                        "whole Security channel (`Security!*`), with the stream the SIEM's flow carries"))
    return out


def _one_system_only(rules: list[ResourceView], graph: StackGraph) -> bool:
    """Rules complete for one system's sign-ins only (round 93: judged so for a VM of the stack whose
    system is not stated, r93p-11; 'either counts' let a Linux machine pass on its Security channel)."""
    per_kind = [set().union(*(_collected(graph, r, frozenset({k})) for r in rules)) for k in (LINUX, WINDOWS)]
    done = [_complete(c) for c in per_kind]
    return any(done) and not all(done)  # none: 'collects no sign-ins', as for any machine


def _machine_key(graph: StackGraph, a: ResourceView) -> str:
    """The machine an association names: the stack's VM it is fed from or its id names, else its literal id
    (lower case), else the association itself (its rules are judged alone)."""
    rid = a.input("resourceUri")
    vms = [d for d in graph.dependency_of(a, "resourceUri") if d.type in _MACHINES]
    vms = vms or (named_by(graph, rid, _MACHINES) if isinstance(rid, str) and not is_unknown(rid) else [])
    if len(vms) == 1:
        return vms[0].urn
    return rid.lower() if isinstance(rid, str) and not is_unknown(rid) and not vms else a.urn


_AUTH_RULE = re.compile(r"/authorizationRules/", re.IGNORECASE)  # a namespace's rule: the namespace's
_SETTING_DESTINATIONS = {"workspaceId": (WORKSPACE,), "storageAccountId": (STORAGE_ACCOUNT,)}


def diagnostic_destinations(r: ResourceView, graph: StackGraph) -> list[str]:
    """Each destination a diagnostic setting names must be the stack's: its workspace or storage account, an
    event hub namespace of the stack (or its authorization rule); a partner solution never is."""
    out = []
    for fld, types in _SETTING_DESTINATIONS.items():
        value = r.input(fld)
        if isinstance(value, str) and not is_unknown(value) and value and not (
            {d.type for d in graph.dependency_of(r, fld)} & set(types) or named_by(graph, value, types)
        ):
            out.append(f"`{fld}` ({value!r}) names no {types[0].rsplit(':', 1)[-1]} of this stack: the logs "
                       "leave it for a store nobody here judges")
    rule = r.input("eventHubAuthorizationRuleId")
    if is_unknown(rule) and not graph.dependency_of(r, "eventHubAuthorizationRuleId"):
        out.append(unknown_message("eventHubAuthorizationRuleId", "where the logs stream to"))
    elif isinstance(rule, str) and not is_unknown(rule) and rule and not (
        graph.dependency_of(r, "eventHubAuthorizationRuleId")
        or named_by(graph, _AUTH_RULE.split(rule.rstrip("/"))[0], (NAMESPACE,))
    ):
        out.append(f"`eventHubAuthorizationRuleId` ({rule!r}) is no event hub namespace of this stack: every "
                   "logged read and write streams to another party")
    if r.input("marketplacePartnerId"):
        out.append("`marketplacePartnerId` sends the logs to a partner solution outside the stack")
    return out
