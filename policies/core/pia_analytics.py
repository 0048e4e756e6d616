"""Analytics platforms judged in round 29: Synapse dedicated SQL pools (the workspace key reaches a pool's
tables only through transparent data encryption), the Databricks workspace storage account (its firewall),
Container Registry tokens (a password per token, beside Entra) and OpenSearch's internal user database (people
signing in with a password alone). Each rule merges the tables it needs."""

from __future__ import annotations

import re

from policies.core.iam.stack_roles import stack_role
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

SQL_POOL = "azure-native:synapse:SqlPool"
POOL_TDE = "azure-native:synapse:SqlPoolTransparentDataEncryption"
WORKSPACE = "azure-native:synapse:Workspace"
ACR_TOKEN = "azure-native:containerregistry:Token"
DATABRICKS = "azure-native:databricks:Workspace"
SEARCH_DOMAINS = ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
CONTROLS = (POOL_TDE, ACR_TOKEN)
STORES = (SQL_POOL,)


def _named(graph: StackGraph, r: ResourceView, fld: str, type_: str, name_field: str) -> ResourceView | None:
    """The resource of the stack `r` names in `fld`: fed from it, or by its name."""
    fed = [d for d in graph.dependency_of(r, fld) if d.type == type_]
    if fed:
        return fed[0]
    name = r.input(fld)
    named = [
        d for d in graph.by_type(type_) if isinstance(name, str) and name in (d.input(name_field), d.name)
    ]
    return named[0] if len(named) == 1 else None


def _tde_status(t: ResourceView) -> list[str]:
    status = t.input("status")
    if is_unknown(status):
        return [unknown_message("status", "whether the pool's data is encrypted with the workspace key")]
    if status != "Enabled":
        return [
            f"`status` is {status or 'not set'!r}: the dedicated SQL pool's transparent data encryption is "
            "off, so the workspace's customer-managed key does not reach its tables; set it to 'Enabled'"
        ]
    return []


def pool_keys(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A dedicated SQL pool is encrypted with its workspace's key (judged on the workspace) through TDE: a
    SqlPoolTransparentDataEncryption of the stack for the pool must exist (its status is judged on it)."""
    ws = _named(graph, r, "workspaceName", WORKSPACE, "workspaceName")
    if ws is None:
        return [
            "the pool's workspace is not a Synapse workspace of the stack, so the key that encrypts its data "
            "cannot be judged; declare the workspace with `encryption.cmk`"
        ]
    if any(_named(graph, t, "sqlPoolName", SQL_POOL, "sqlPoolName") is r for t in graph.by_type(POOL_TDE)):
        return []  # each TDE setting is judged on its own (its status)
    return [
        "no SqlPoolTransparentDataEncryption of the stack sets the pool's transparent data encryption "
        "'Enabled': only through it does the workspace's customer-managed key reach a dedicated pool's data"
    ]


STORE_KEYS = {SQL_POOL: pool_keys}
KEY_CHECKS = {POOL_TDE: lambda r, g, k: _tde_status(r)}
NOT_PUBLIC = {SQL_POOL: "reachable only through its workspace's SQL endpoints, judged on the workspace"}
TLS_ELSEWHERE = {SQL_POOL: "served through its workspace's SQL endpoints (TLS 1.2 enforced by Azure)"}


STORAGE = "azure-native:storage:StorageAccount"
_LAKE_HOST = re.compile(r"^https://([a-z0-9]{3,24})\.(?:dfs|blob)\.core\.windows\.net(?:/.*)?$")


def workspace_lake(r: ResourceView, graph: StackGraph) -> list[str]:
    """A Synapse workspace's default data lake holds what its Spark pools and Synapse Link write (curated
    copies of the stores they read): it must be a storage account of the stack, whose key, exposure and
    deletion protection are judged there (round 43)."""
    url = r.get("defaultDataLakeStorage.accountUrl")
    if any(d.type == STORAGE for d in graph.dependency_of(r, "defaultDataLakeStorage")):
        return []
    if is_unknown(url) or not isinstance(url, str):
        return [unknown_message("defaultDataLakeStorage.accountUrl", "where the workspace writes its data")]
    m = _LAKE_HOST.match(url)
    if m and any(m.group(1) in (a.input("accountName"), a.name) for a in graph.by_type(STORAGE)):
        return []
    return [
        f"`defaultDataLakeStorage.accountUrl` {url} is no storage account of this stack: the workspace's "
        "Spark pools and Synapse Link write their copies there, under a key nothing judges; create the data "
        "lake in this stack (its key, exposure and deletion protection are judged there)"
    ]


def storage_firewall(r: ResourceView) -> list[str]:
    """A Databricks workspace keeps DBFS root and workspace files in a storage account of its managed group;
    without the storage firewall that account accepts connections from all networks (round 29)."""
    value = r.input("defaultStorageFirewall")
    if is_unknown(value):
        return [unknown_message("defaultStorageFirewall", "who can reach the workspace storage")]
    if value != "Enabled":
        return [
            f"`defaultStorageFirewall` is {value or 'not set (Disabled)'!r}: the workspace storage account "
            "(DBFS root, uploaded data) accepts connections from all networks; set it to 'Enabled' with an "
            "`accessConnector`"
        ]
    return []


def acr_token(r: ResourceView, graph: StackGraph) -> list[str]:
    """A repository-scoped token signs in with its own passwords, beside Entra, like the admin user."""
    status = r.input("status")
    if is_unknown(status):
        return [unknown_message("status", "whether the token's passwords sign in")]
    if status == "disabled":
        return []
    return [
        f"token {r.input('tokenName') or r.name!r} is {status or 'enabled'}: its passwords pull (and push, "
        "as its scope map allows) without Entra ID, a static secret like the admin user; give the client a "
        "managed identity or service principal with AcrPull, or set the token's status 'disabled'"
    ]


ENTRA_CHECKS = {ACR_TOKEN: acr_token}


def internal_search_users(graph: StackGraph) -> list[tuple[str, str]]:
    """OpenSearch fine-grained access control on the internal user database: people sign in to Dashboards and
    the REST API as internal users with a password alone, the master user holding every index and the
    security plugin's roles and mappings (round 29). IAM (`masterUserArn`, roles people assume with MFA) or
    SAML/Cognito with MFA keeps the second factor. Round 43: the IAM master user must be a role of the stack
    (an IAM user, or a role the stack does not make, has no trust the pack can judge)."""
    out = []
    for d in graph.by_type(*SEARCH_DOMAINS):
        on = d.get("advancedSecurityOptions.internalUserDatabaseEnabled")
        if is_unknown(on):
            out.append((d.urn, unknown_message("advancedSecurityOptions", "how people sign in")))
        elif on is True:
            out.append(
                (
                    d.urn,
                    "fine-grained access control uses the internal user database: people sign in as internal "
                    "users (the master user administers every index and the security plugin's role mappings) "
                    "with a password alone, no second factor; set `internalUserDatabaseEnabled` false with "
                    "`masterUserOptions.masterUserArn` a role people assume with MFA",
                )
            )
        elif d.get("advancedSecurityOptions.enabled") is not False:
            out.extend((d.urn, m) for m in _master_role(graph, d))
    return out


def _master_role(graph: StackGraph, d: ResourceView) -> list[str]:
    arn = d.get("advancedSecurityOptions.masterUserOptions.masterUserArn")
    if arn is None:
        return []  # no master user given: it is set up later by mapping roles, through the API with IAM
    role = stack_role(graph, d, "advancedSecurityOptions", arn)
    if role is None:
        return [unknown_message("advancedSecurityOptions.masterUserOptions", "who administers the domain")]
    if role is False:
        return [
            f"the master user {arn} is no role of this stack: it administers every index and the security "
            "plugin's role mappings while whether it signs in with MFA cannot be judged; make it a role of "
            "this stack that people assume with MFA"
        ]
    return []
