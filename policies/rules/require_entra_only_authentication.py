"""Data stores accept only Entra ID identities, never shared keys or SQL logins: access is tied to a person or
workload with MFA and separation of duties (D36 §101 3rd/4th; DPA annex 3 a.i.3; CLOUD
"Multifactorauthenticatie"). A storage account key or SQL password bypasses all of that."""

from __future__ import annotations

from policies.core import pia_analytics as analytics
from policies.core.helpers import linked
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

_SQL_AAD_ONLY = {
    "azure-native:sql:Server": ("azure-native:sql:ServerAzureADOnlyAuthentication", "serverName"),
    "azure-native:sql:ManagedInstance": (
        "azure-native:sql:ManagedInstanceAzureADOnlyAuthentication",
        "managedInstanceName",
    ),
}


def _storage(r: ResourceView, graph: StackGraph) -> list[str]:
    value = r.input("allowSharedKeyAccess")
    if is_unknown(value):
        return [unknown_message("allowSharedKeyAccess", "whether account keys can be used")]
    out = []
    if value is not False:
        out.append(
            f"`allowSharedKeyAccess` is {value!r} (absent means allowed): account keys and SAS tokens "
            "bypass Entra ID; set it to false"
        )
    local = r.input("isLocalUserEnabled")
    if local is True or is_unknown(local):
        what = "unknown" if is_unknown(local) else "true"
        out.append(_LOCAL_USERS.format(f"`isLocalUserEnabled` is {what}"))
    return out


# Round 18: SFTP/NFS local users of a storage account sign in with passwords, SSH or shared keys of their
# own, whatever `allowSharedKeyAccess` says.
_LOCAL_USERS = "{}: local users (SFTP passwords, SSH and shared keys) sign in outside Entra ID; keep them off"


def _sql(r: ResourceView, graph: StackGraph) -> list[str]:
    flag = get_path(r.inputs, "administrators.azureADOnlyAuthentication")
    out = []
    if is_unknown(flag):
        out.append(unknown_message("administrators.azureADOnlyAuthentication", "the authentication mode"))
    elif flag is not True:
        out.append(
            "`administrators.azureADOnlyAuthentication` is not true: SQL logins (passwords) remain possible"
        )
    kind, fld = _SQL_AAD_ONLY[r.type]
    for s in linked(graph, r, (kind,), fld):
        if s.input("azureADOnlyAuthentication") is not True:
            out.append(
                f"{s.name} sets `azureADOnlyAuthentication` to {s.input('azureADOnlyAuthentication')!r}"
            )
    return out


def _flag(fld: str, good: object, why: str):
    """A local-auth switch that must be set to `good` (absent means keys/passwords still work)."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = get_path(r.inputs, fld)
        if is_unknown(value):
            return [unknown_message(fld, "whether keys or passwords can be used")]
        return [] if value == good else [f"`{fld}` is {value!r} (absent: {why}); set it to {good!r}"]

    return judge


_KEYS = "access keys / SAS tokens bypass Entra ID"
_PUBLISHING = "the API default; FTP / Web Deploy publishing passwords bypass Entra ID"


# Round 22: a site or slot that declares no basic-publishing policy keeps the API default (allowed): its FTP
# and SCM endpoints take a user name and password. Each must be switched off by a resource of the stack.
_POLICIES = {
    "azure-native:web:WebApp": (
        ("ftp", "azure-native:web:WebAppFtpAllowed"),
        ("scm", "azure-native:web:WebAppScmAllowed"),
    ),
    "azure-native:web:WebAppSlot": (
        ("ftp", "azure-native:web:WebAppFtpAllowedSlot"),
        ("scm", "azure-native:web:WebAppScmAllowedSlot"),
    ),
}


def _basic_publishing(r: ResourceView, graph: StackGraph) -> list[str]:
    """Every site and slot names its FTP and SCM basic-publishing policies (judged by `_flag` above)."""
    name, slot = r.input("name"), r.input("slot")
    names = [name] if isinstance(name, str) and not is_unknown(name) else []
    urns = (r.urn, *r.property_dependencies.get("name", ()))
    out = []
    for kind, t in _POLICIES[r.type]:
        found = [
            p
            for u in urns
            for p in graph.referring((t,), "name", u, names)
            if r.type == "azure-native:web:WebApp" or p.input("slot") == slot or is_unknown(p.input("slot"))
        ]
        if not found:
            out.append(
                f"no {t.rsplit(':', 1)[-1]} of this stack for the site{' slot ' + repr(slot) if slot else ''}"
                f": {kind.upper()} basic publishing credentials keep the API default (allowed) and bypass "
                "Entra ID; add one with `allow` false"
            )
    return out


_IDENTITIES = ("SystemAssignedIdentity", "UserAssignedIdentity")
_DEPLOY_AUTH = "functionAppConfig.deployment.storage.authentication.type"


def _deployment_storage(r: ResourceView) -> list[str]:
    """A Flex Consumption app fetches its package with an identity, not a storage key (round 24)."""
    storage = get_path(r.inputs, "functionAppConfig.deployment.storage")
    if storage is None:
        return []
    kind = get_path(r.inputs, _DEPLOY_AUTH)
    if is_unknown(kind) or is_unknown(storage):
        return [unknown_message(_DEPLOY_AUTH, "how it signs in")]
    if kind not in _IDENTITIES:
        return [
            f"the deployment storage signs in with {kind or 'no stated authentication'!s}, not an "
            f"identity: a storage account key bypasses Entra ID; set `{_DEPLOY_AUTH}` to "
            "SystemAssignedIdentity or UserAssignedIdentity"
        ]
    return []


def _mysql(r: ResourceView, graph: StackGraph) -> list[str]:
    """MySQL flexible server: password logins stop only with the server parameter `aad_auth_only` ON."""
    for c in linked(graph, r, ("azure-native:dbformysql:Configuration",), "serverName"):
        if str(c.input("configurationName")).lower() == "aad_auth_only":
            value = c.input("value")
            if is_unknown(value):
                return [unknown_message("aad_auth_only", "whether MySQL password logins work")]
            if str(value).upper() in ("ON", "1", "TRUE"):
                return []
    return ["no server parameter `aad_auth_only` = ON (dbformysql.Configuration): MySQL password logins work"]


# Round 44: a Cosmos DB for PostgreSQL cluster keeps password authentication on unless `authConfig` switches
# it off (the citus administrator's `administratorLoginPassword` is required at creation and signs in while it
# is on); the API's values are lower-case. Its roles (`ServerGroupRole`) are Entra principals, or roles with a
# password of their own, which sign in outside Entra whatever the cluster says.
def _cosmos_pg(r: ResourceView, graph: StackGraph) -> list[str]:
    out = []
    for fld, good, why in (
        ("authConfig.passwordAuth", "disabled", "the citus administrator and password roles sign in"),
        ("authConfig.activeDirectoryAuth", "enabled", "no Entra sign-in"),
    ):
        value = get_path(r.inputs, fld)
        if is_unknown(value):
            out.append(unknown_message(fld, "whether passwords can be used"))
        elif str(value).lower() != good:
            out.append(f"`{fld}` is {value!r} (absent: {why}); set it to {good!r}")
    return out


def _cosmos_pg_role(r: ResourceView, graph: StackGraph) -> list[str]:
    why = (
        f"cluster role {r.input('roleName')!r} is given a password: it signs in outside Entra ID; create "
        "roles for Entra principals (objectId, principalType) without a password"
    )
    return [] if r.input("password") is None else [why]


CHECKS = {
    "azure-native:dbforpostgresql:ServerGroupCluster": _cosmos_pg,
    "azure-native:dbforpostgresql:ServerGroupRole": _cosmos_pg_role,
    "azure-native:dbformysql:Server": _mysql,
    "azure-native:dbformysql:SingleServer": lambda r, g: [
        "a MySQL single server always accepts password logins (and is retired); use a flexible server"
    ],
    "azure-native:cosmosdb:DatabaseAccount": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:appconfiguration:ConfigurationStore": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:cognitiveservices:Account": _flag("properties.disableLocalAuth", True, _KEYS),
    "azure-native:containerservice:ManagedCluster": _flag(
        "disableLocalAccounts", True, "cluster-admin certificates"
    ),
    "azure-native:containerregistry:Registry": lambda r, g: (
        ["`adminUserEnabled` is true: the admin user's passwords bypass Entra ID"]
        if r.input("adminUserEnabled") is True or is_unknown(r.input("adminUserEnabled"))
        else []
    ),
    "azure-native:servicebus:Namespace": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:eventhub:Namespace": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:search:Service": _flag("disableLocalAuth", True, "API keys bypass Entra ID"),
    "azure-native:redis:Redis": _flag("disableAccessKeyAuthentication", True, _KEYS),
    "azure-native:redisenterprise:Database": _flag("accessKeysAuthentication", "Disabled", _KEYS),
    "azure-native:applicationinsights:Component": _flag("disableLocalAuth", True, "instrumentation keys"),
    "azure-native:dbforpostgresql:Server": lambda r, g: (
        _flag("authConfig.passwordAuth", "Disabled", "passwords work")(r, g)
        + _flag("authConfig.activeDirectoryAuth", "Enabled", "no Entra sign-in")(r, g)
    ),
    "azure-native:storage:StorageAccount": _storage,
    "azure-native:storage:LocalUser": lambda r, g: [
        _LOCAL_USERS.format(f"local user {r.input('username')!r}")
    ],
    "azure-native:web:WebApp": lambda r, g: _basic_publishing(r, g) + _deployment_storage(r),
    "azure-native:web:WebAppSlot": _basic_publishing,
    "azure-native:web:WebAppFtpAllowed": _flag("allow", False, _PUBLISHING),
    "azure-native:web:WebAppFtpAllowedSlot": _flag("allow", False, _PUBLISHING),
    "azure-native:web:WebAppScmAllowed": _flag("allow", False, _PUBLISHING),
    "azure-native:web:WebAppScmAllowedSlot": _flag("allow", False, _PUBLISHING),
    "azure-native:sql:Server": _sql,
    "azure-native:sql:ManagedInstance": _sql,
    # round 12: every other store or control whose SDK type has a local-auth switch
    # (tests/policies/rules/test_pia_r12.py holds the line)
    "azure-native:synapse:Workspace": _flag("azureADOnlyAuthentication", True, "SQL logins (passwords) work"),
    "azure-native:automation:AutomationAccount": _flag("disableLocalAuth", True, "webhook and account keys"),
    "azure-native:communication:CommunicationService": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:eventgrid:Domain": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:eventgrid:PartnerNamespace": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:eventgrid:Topic": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:signalrservice:SignalR": _flag("disableLocalAuth", True, _KEYS),
    "azure-native:webpubsub:WebPubSub": _flag("disableLocalAuth", True, _KEYS),
    **analytics.ENTRA_CHECKS,  # round 29: Container Registry tokens
}
# Judged through the server or instance they belong to (`_sql`).
JUDGED_WITH_SERVER = (
    "azure-native:sql:ServerAzureADOnlyAuthentication",
    "azure-native:sql:ManagedInstanceAzureADOnlyAuthentication",
)


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    return [(r.urn, m) for t, judge in CHECKS.items() for r in graph.by_type(t) for m in judge(r, graph)]


RULE = Rule(
    id="require-entra-only-authentication",
    title="Every Azure data store accepts Entra ID identities only, no shared keys or SQL logins.",
    severity="high",
    remediation="Set `allow_shared_key_access=False` on storage accounts, "
    "`administrators.azure_ad_only_authentication=True` on SQL servers and managed instances, "
    "`disable_local_auth=True` on Cosmos DB, Service Bus, Event Hubs, Search and Application Insights, "
    "`disable_access_key_authentication=True` on Redis, password authentication Disabled (Entra "
    "Enabled) on PostgreSQL flexible servers and Cosmos DB for PostgreSQL clusters (no roles with "
    "passwords), and `allow=False` on web apps' FTP / SCM basic publishing credentials.",
    controls=("IAM-03", "IAM-04", "IAM-07", "PIA-03"),
    check=check,
    module=__name__,
    scope="stack",
)
