"""Logic Apps managed-connector actions that name their target resource in the action's path (round 39).

A connection authorised by a managed identity names no account: the workflow's action does, in its `path`.
The azureblob and azurefile V2 actions write to `/v2/datasets/<account>/…` (an account name or its
endpoint; `default` and `AccountNameFromSettings` are the connection's own), sql V2 to
`/v2/datasets/<server>,<database>/…`, azuretables and azurequeues to `/v2/storageAccounts/<account>/…`,
documentdb to `/v2/cosmosdb/<account>/…`, and the ARM-style connectors (azuredatafactory, azurevm, arm,
azureautomation, azurecontainerinstance, azureappservice, azuremonitorlogs, azuresentinel's workspaces) to
`…/subscriptions/<id>/resourcegroups/<group>/providers/<namespace>/<type>/<name>/…`. Segments are written
`@{encodeURIComponent('<literal>')}` (once or twice encoded): those are read as the literal; a segment
computed at run time blocks (kind `runtime`), as a destination field's expression does."""

from __future__ import annotations

import re
from typing import Any

from policies.core.view import ResourceView

Found = list[tuple[str, str, str]]  # (path, kind, value)
WORKFLOW = "azure-native:logic:Workflow"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
COSMOS_ACCOUNT = "azure-native:cosmosdb:DatabaseAccount"
_LITERAL = re.compile(r"@\{\s*(?:encodeUriComponent\(\s*)+'([^']*)'\s*(?:\)\s*)+\}", re.I)
_OWN_ACCOUNT = frozenset({"default", "accountnamefromsettings"})  # the connection's own account
_DATASET = re.compile(r"^/(?:v2/)?datasets/([^/]+)", re.I)
_NAMED_SEGMENT = {  # a path prefix -> the type its next segment names by its physical name
    "/v2/storageaccounts/": STORAGE_ACCOUNT, "/v2/cosmosdb/": COSMOS_ACCOUNT,
}
_SCOPE = re.compile(
    r"/subscriptions/([^/]+)/resourcegroups/([^/]+)/(?:providers/([^/]+)/([^/]+)|(workspaces))/([^/?]+)",
    re.I)


def _literal(path: str) -> str:
    """The path with each `@{encodeURIComponent('<literal>')}` replaced by the literal."""
    return _LITERAL.sub(lambda m: m.group(1), path)


def _segment(at: str, raw: str, value: str, target: str) -> Found:
    """A segment naming a resource: `@{…}` left in it is chosen at run time; a host or URL is scanned as the
    text of the path (an endpoint), a bare name is resolved by the stack's physical names."""
    if "@" in value or "{" in value:
        return [(at, "runtime", raw)]
    if value.lower() in _OWN_ACCOUNT or "." in value or ":" in value:
        return []  # the connection's own, or a host the path's text spells out (scanned as any input)
    return [(at, "named", f"{target}|{value}")]


def _place(at: str, raw: str) -> Found:
    path = _literal(raw)
    if m := _SCOPE.search(path):
        sub, group, namespace, kind, workspaces, name = m.groups()
        if any("@" in s or "{" in s for s in (sub, group, name)):
            return [(at, "runtime", raw)]
        if workspaces:  # azuresentinel: `…/resourceGroups/<g>/workspaces/<w>` (a Log Analytics workspace)
            namespace, kind = "Microsoft.OperationalInsights", "workspaces"
        rid = f"/subscriptions/{sub}/resourceGroups/{group}/providers/{namespace}/{kind}/{name}"
        return [(at, "azure-id", rid)]
    if m := _DATASET.match(path):
        server = m.group(1).split(",", 1)  # sql: `<server>,<database>`
        if len(server) == 2:
            return [(at, "runtime", raw)] if "@" in server[0] or "{" in server[0] else []
        return _segment(at, raw, m.group(1), STORAGE_ACCOUNT)
    low = path.lower()
    for prefix, target in _NAMED_SEGMENT.items():
        if low.startswith(prefix):
            return _segment(at, raw, path[len(prefix):].split("/", 1)[0], target)
    return []


def connector_path_refs(view: ResourceView) -> Found:
    """The places the managed-connector actions of a workflow's definition name in their paths."""
    found: Found = []
    stack: list[tuple[str, Any]] = [("definition", view.get("definition"))]
    while stack:
        at, node = stack.pop()
        if isinstance(node, dict):
            inputs = node.get("inputs")
            action = str(node.get("type", "")).startswith("ApiConnection") and isinstance(inputs, dict)
            if action and isinstance(raw := inputs.get("path"), str):  # type: ignore[union-attr]
                found += _place(f"{at}.inputs.path", raw)
            stack += [(f"{at}.{k}", v) for k, v in node.items() if isinstance(v, dict | list)]
        elif isinstance(node, list):
            stack += [(f"{at}.{i}", v) for i, v in enumerate(node)]
    return found
