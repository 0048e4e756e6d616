"""Whether a diagnostic setting that names its log categories sends the audit events of what it logs
(require-siem-logging; the drop mutants of session 18): any enabled category used to count, so a Key Vault
setting sending only `AzurePolicyEvaluationDetails`, or a blob service's sending only StorageDelete, passed.
The categories that carry each type's audit events are data (policies/data/audit_log_categories.py); the
`audit` and `allLogs` groups carry them for every type."""

from __future__ import annotations

import re

from policies.core.view import ResourceView, StackGraph, is_unknown
from policies.data.audit_log_categories import AUDIT_CATEGORIES

_GROUPS = frozenset({"audit", "alllogs"})
_BY_PULUMI = {t: arm for arm, entry in AUDIT_CATEGORIES.items() for t in entry["pulumi"]}
_PROVIDERS = re.compile(r"/providers/", re.IGNORECASE)


def arm_type(graph: StackGraph, d: ResourceView) -> str | None:
    """The ARM type (lower case) of the resource the setting logs: from its literal `resourceUri`, else
    from the resource of the stack the URI is an output of."""
    uri = d.input("resourceUri")
    tail = _PROVIDERS.split(uri.rstrip("/"))[-1] if isinstance(uri, str) and not is_unknown(uri) else ""
    namespace, _, rest = tail.partition("/")
    if rest:  # the last provider segment: an extension resource's own type, not its parent's
        return "/".join([namespace, *rest.split("/")[0::2]]).lower()
    for r in graph.dependency_of(d, "resourceUri"):
        if r.type in _BY_PULUMI:
            return _BY_PULUMI[r.type]
    return None


def category_gap(graph: StackGraph, d: ResourceView) -> str | None:
    """None when the enabled entries carry the logged resource's audit events; else why they do not."""
    logs = d.input("logs")
    if not isinstance(logs, list):
        return None  # absent or unknown: judged by the rule's own reading of `logs`
    on = [e for e in logs if isinstance(e, dict) and e.get("enabled") is True]
    if any(str(e.get("categoryGroup", "")).lower() in _GROUPS for e in on):
        return None
    named = {str(e["category"]).lower(): str(e["category"]) for e in on if e.get("category")}
    if not named:
        return None
    kind = arm_type(graph, d)
    entry = AUDIT_CATEGORIES.get(kind or "")
    shown = ", ".join(sorted(named.values()))
    group = "enable the categoryGroup 'audit' or 'allLogs'"
    if entry is None:
        return (
            f"the diagnostic setting {d.name!r} names only the categories {shown}, and which categories "
            f"carry the audit events of {kind or 'the resource it logs'} is not known here: {group}"
        )
    missing = [c for c in entry["audit"] if not any(a.lower() in named for a in c.split("|"))]
    if not missing:
        return None
    return (
        f"the diagnostic setting {d.name!r} sends {shown} but not {', '.join(missing)}: who did what on "
        f"this {kind} is not recorded; add them or {group}"
    )
