"""Judges of Azure settings that send copies of data (backups, logs, exports, mounts) to a storage account or
workspace they name, of API Management's hops in plain HTTP, and of network manager rules (which NSGs cannot
override) that let the internet in. The destination must be a store of this
stack, whose key, exposure, TLS and locks are judged; one outside it receives the data unjudged.
disallow-public-data-access and require-tls-1-2 merge these tables into theirs (via pia_more_exposure)."""

from __future__ import annotations

import re
from collections.abc import Callable

from policies.core.azure_uris import named_in_stack
from policies.core.data_collection import data_collection_rule, diagnostic_destinations
from policies.core.exposure import _azure_world, _ports, beyond_web
from policies.core.pia_az_blocks import STORAGE_ACCOUNT, VNET, WORKSPACE, _held, in_stack
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

EVENTHUB_NAMESPACE = "azure-native:eventhub:Namespace"
_ACCOUNT_HOST = re.compile(r"^https://([a-z0-9]+)\.(?:blob|file|dfs)\.core\.windows\.net", re.IGNORECASE)


def _account_dep(graph: StackGraph, r: ResourceView, fld: str) -> bool:
    """`fld` was computed from a storage account of the stack (its value is unknown at preview)."""
    return any(d.type == STORAGE_ACCOUNT for d in graph.dependency_of(r, fld.split(".", 1)[0]))


def _account_named(graph: StackGraph, name: str) -> bool:
    return any(name in (a.name, a.input("accountName")) for a in graph.by_type(STORAGE_ACCOUNT))


def _url_account(graph: StackGraph, r: ResourceView, where: str) -> list[str]:
    """A (SAS) URL of a blob container: its account must be a storage account of this stack."""
    url = r.get(where)
    if _account_dep(graph, r, where):
        return []
    if is_unknown(url) or r.unknowns(where.split(".", 1)[0]):
        return [unknown_message(where, "where the copy goes")]
    if not url:
        return []
    m = _ACCOUNT_HOST.match(str(url))
    if m and _account_named(graph, m.group(1).lower()):
        return []
    return [f"`{where}` writes to {str(url).split('?', 1)[0]!r}, no storage account of this stack"]


PublicCheck = Callable[[ResourceView, StackGraph], list[str]]


def _ids_in_stack(fld: str, types: tuple[str, ...], what: str) -> PublicCheck:
    """Each id the input `fld` holds (one or a list) must name a resource of `types` in this stack."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = r.get(fld)
        ids = value if isinstance(value, list) else [value]
        deps = {d.urn for d in graph.dependency_of(r, fld.split(".", 1)[0]) if d.type in types}
        if deps and (len(deps) >= len(ids) or is_unknown(value)):
            return []
        if unknown := r.unknowns(fld):
            return [unknown_message(unknown[0], what)]
        out = []
        for i in ids:
            if not named_in_stack(graph, r, i, types):
                out.append(
                    f"`{fld}` names {i!r}, no {types[0].rsplit(':', 1)[-1]} of this stack (its id names "
                    f"none: type, subscription, resource group and name): {what} is unjudged; feed it from "
                    "the resource"
                )
        return out

    return judge


def web_mounts(r: ResourceView, graph: StackGraph) -> list[str]:
    """Storage mounted into a web app: the app's files land in the account, which must be the stack's."""
    if is_unknown(r.input("properties")):
        return [unknown_message("properties", "which storage the app mounts")]
    dep = _account_dep(graph, r, "properties")
    out = []
    mounts = r.get("properties")
    for name, mount in (mounts if isinstance(mounts, dict) else {}).items():
        account = mount.get("accountName") if isinstance(mount, dict) else None
        if is_unknown(account) and dep:
            continue  # computed from a storage account of the stack
        if not isinstance(account, str) or not _account_named(graph, account):
            out.append(f"mount {name!r} uses storage account {account!r}, no storage account of this stack")
    return out


def web_backup(r: ResourceView, graph: StackGraph) -> list[str]:
    return _url_account(graph, r, "storageAccountUrl")


def web_logs(r: ResourceView, graph: StackGraph) -> list[str]:
    return [
        m
        for fld in ("applicationLogs.azureBlobStorage.sasUrl", "httpLogs.azureBlobStorage.sasUrl")
        for m in _url_account(graph, r, fld)
    ]


def flow_log(r: ResourceView, graph: StackGraph) -> list[str]:
    if in_stack(graph, r, "storageId", (STORAGE_ACCOUNT,)):
        return []
    return [
        f"`storageId` ({r.get('storageId')!r}) is no storage account of this stack: the flow logs leave it"
    ]


def env_storage(r: ResourceView, graph: StackGraph) -> list[str]:
    """A share mounted into a Container Apps environment: its account must be the stack's (SMB) or its NFS
    server an account host of the stack."""
    if _account_dep(graph, r, "properties"):
        return []
    if unknown := r.unknowns("properties"):
        return [unknown_message(unknown[0], "which storage the apps mount")]
    account = r.get("properties.azureFile.accountName")
    server = r.get("properties.nfsAzureFile.server")
    if isinstance(server, str) and server:
        account = server.split(".", 1)[0]
    if isinstance(account, str) and _account_named(graph, account):
        return []
    return [
        f"the environment mounts a share of storage account {account!r}, no storage account of this stack"
    ]


def env_logs(r: ResourceView, graph: StackGraph) -> list[str]:
    """Container Apps' console logs go to the Log Analytics workspace the customer id names: it must be
    computed from a workspace of this stack (the id is a GUID, not a name)."""
    destination = r.get("appLogsConfiguration.destination")
    if is_unknown(destination) or is_unknown(r.input("appLogsConfiguration")):
        return [unknown_message("appLogsConfiguration.destination", "where the apps' logs go")]
    if destination != "log-analytics":
        return []  # none, or azure-monitor (diagnostic settings, judged as such)
    if any(d.type == WORKSPACE for d in graph.dependency_of(r, "appLogsConfiguration")):
        return []
    return [
        "`appLogsConfiguration.logAnalyticsConfiguration.customerId` is not computed from a Log Analytics "
        "workspace of this stack: the apps' logs may go to a workspace outside it"
    ]


# Bastion features that carry a session out of the browser (round 26): native-client tunnelling forwards any
# port of a VM (the database ports too) to the admin's workstation, past the NSGs, which see only the Bastion
# subnet, and past copy-paste control; IP connect reaches any private address, also outside the stack.
_BASTION_OUT = {
    "enableTunneling": "native-client tunnelling forwards any port of the VMs (database ports too) to the "
    "admin's workstation, outside the network the NSGs guard",
    "enableIpConnect": "IP connect reaches any private IP address, also of networks outside the stack",
}


def bastion(r: ResourceView, graph: StackGraph) -> list[str]:
    link = r.input("enableShareableLink")
    if is_unknown(link):
        return [unknown_message("enableShareableLink", "who reaches the VMs' sign-in")]
    out = []
    if link is True:
        out.append("`enableShareableLink` is true: anyone with a link reaches the VMs' sign-in without Entra")
    for fld, why in _BASTION_OUT.items():
        if is_unknown(v := r.input(fld)):
            out.append(unknown_message(fld, "where the Bastion's sessions reach"))
        elif v is True:
            out.append(f"`{fld}` is true: {why}; keep administration in the Bastion's browser session")
    return out


def manager_rule(r: ResourceView, graph: StackGraph) -> list[str]:
    """An inbound admin rule (Allow/AlwaysAllow: NSGs cannot deny it) or user rule from the internet: only the
    web ports may be open."""
    if unknown := r.unknowns("access", "direction", "protocol", "sources", "destinationPortRanges"):
        return [unknown_message(unknown[0], "what the rule lets in")]
    if (
        str(r.input("direction", "")).lower() != "inbound"
        or str(r.input("access", "Allow")).lower() == "deny"
    ):
        return []
    world = [
        s.get("addressPrefix")
        for s in r.input("sources") or []
        if isinstance(s, dict)
        and isinstance(s.get("addressPrefix"), str)
        and _azure_world(s["addressPrefix"])
    ]
    if not world:
        return []
    for spec in r.input("destinationPortRanges") or ["*"]:
        span = _ports(spec)
        hit = (
            f"{world[0]} on ports {spec!r}"
            if span is None
            else beyond_web(world[0], str(r.input("protocol")), *span)
        )
        if hit:
            return [f"the rule lets {hit} in, and no network security group can deny it"]
    return []


def static_member(r: ResourceView, graph: StackGraph) -> list[str]:
    """A network group member gets the group's connectivity (mesh, hub) and rules: a network of this stack."""
    if in_stack(graph, r, "resourceId", (VNET,)):
        return []
    return [f"`resourceId` ({r.get('resourceId')!r}) is no virtual network of this stack"]


def packet_capture(r: ResourceView, graph: StackGraph) -> list[str]:
    """Captured packets (payloads included) go to the storage account named, or a file on the VM."""
    if in_stack(graph, r, "storageLocation.storageId", (STORAGE_ACCOUNT,)):
        return []
    if unknown := r.unknowns("storageLocation"):
        return [unknown_message(unknown[0], "where the captured packets go")]
    if not r.get("storageLocation.storageId"):
        return []  # a file on the VM
    return ["`storageLocation.storageId` is no storage account of this stack: captured packets leave it"]


_BACKENDS = (
    "azure-native:web:WebApp",
    "azure-native:app:ContainerApp",
    "azure-native:apimanagement:ApiManagementService",
)


def static_site_backend(fld: str) -> PublicCheck:
    """A static web app's /api goes to the backend named: an app of this stack, whose TLS is judged."""
    return lambda r, graph: _held(graph, r, fld, _BACKENDS, "the backend the site's /api reaches")


def sync_member(r: ResourceView, graph: StackGraph) -> list[str]:
    """SQL Data Sync copies rows both ways with the member: an Azure SQL database of this stack."""
    kind = r.input("databaseType")
    if is_unknown(kind):
        return [unknown_message("databaseType", "where the rows are synced")]
    if kind != "AzureSqlDatabase":
        return [f"`databaseType` is {kind!r}: the rows are synced with a database outside the stack"]
    fld = "syncMemberAzureDatabaseResourceId"
    return _held(graph, r, fld, ("azure-native:sql:Database",), "the database the rows are synced with")


# ---------------------------------------------------------------- API Management: plain-HTTP hops


def _https(v: ResourceView, fld: str, what: str) -> list[str]:
    url = v.get(fld)
    if is_unknown(url):
        return [unknown_message(fld, "the TLS setting")]
    if url and not str(url).lower().startswith(("https://", "wss://")):
        return [f"`{fld}` is {url!r}: {what} travels in plain text; use https://"]
    return []


def apim_api(v: ResourceView) -> list[str]:
    """Clients reach the API by `protocols` (http allows plain text); the gateway calls `serviceUrl`."""
    protocols = v.input("protocols")
    if is_unknown(protocols):
        return [unknown_message("protocols", "the TLS setting")]
    plain = [p for p in protocols or [] if str(p).lower() in ("http", "ws")]
    out = [f"`protocols` includes {plain[0]!r}: clients may call the API in plain text"] if plain else []
    return out + _https(v, "serviceUrl", "the call to the backend")


def apim_backend(v: ResourceView) -> list[str]:
    out = _https(v, "url", "the call to the backend")
    for fld in ("tls.validateCertificateChain", "tls.validateCertificateName"):
        if v.get(fld) is False:
            out.append(f"`{fld}` is false: the backend's TLS certificate is not checked")
    return out


PUBLIC_CHECKS: dict[str, PublicCheck] = {
    "azure-native:web:WebAppAzureStorageAccounts": web_mounts,
    "azure-native:web:WebAppAzureStorageAccountsSlot": web_mounts,
    "azure-native:web:WebAppBackupConfiguration": web_backup,
    "azure-native:web:WebAppBackupConfigurationSlot": web_backup,
    "azure-native:web:WebAppDiagnosticLogsConfiguration": web_logs,
    "azure-native:web:WebAppDiagnosticLogsConfigurationSlot": web_logs,
    "azure-native:network:FlowLog": flow_log,
    "azure-native:sql:SyncMember": sync_member,
    "azure-native:web:StaticSiteLinkedBackend": static_site_backend("backendResourceId"),
    "azure-native:web:StaticSiteLinkedBackendForBuild": static_site_backend("backendResourceId"),
    "azure-native:web:StaticSiteUserProvidedFunctionAppForStaticSite": static_site_backend(
        "functionAppResourceId"
    ),
    "azure-native:web:StaticSiteUserProvidedFunctionAppForStaticSiteBuild": static_site_backend(
        "functionAppResourceId"
    ),
    "azure-native:monitor:DataCollectionRule": data_collection_rule,
    "azure-native:insights:DataCollectionRule": data_collection_rule,
    "azure-native:insights:DiagnosticSetting": diagnostic_destinations,  # round 89
    "azure-native:monitor:DiagnosticSetting": diagnostic_destinations,
    "azure-native:network:AdminRule": manager_rule,
    "azure-native:network:SecurityUserRule": manager_rule,
    "azure-native:network:UserRule": manager_rule,
    "azure-native:network:StaticMember": static_member,
    "azure-native:network:PacketCapture": packet_capture,
    "azure-native:network:BastionHost": bastion,
    "azure-native:app:ManagedEnvironment": env_logs,
    "azure-native:app:ManagedEnvironmentsStorage": env_storage,
    "azure-native:operationalinsights:DataExport": _ids_in_stack(
        "resourceId", (STORAGE_ACCOUNT, EVENTHUB_NAMESPACE), "the destination of the exported tables"
    ),
    "azure-native:operationalinsights:LinkedStorageAccount": _ids_in_stack(
        "storageAccountIds", (STORAGE_ACCOUNT,), "the account the workspace keeps data in"
    ),
    "azure-native:security:WorkspaceSetting": _ids_in_stack(
        "workspaceId", (WORKSPACE,), "the workspace Defender's security data goes to"
    ),
}
TLS_CHECKS: dict[str, Callable[[ResourceView], list[str]]] = {
    "azure-native:apimanagement:Api": apim_api,
    "azure-native:apimanagement:WorkspaceApi": apim_api,
    "azure-native:apimanagement:Backend": apim_backend,
    "azure-native:apimanagement:WorkspaceBackend": apim_backend,
}
