"""Live Azure evidence with azure-identity (DefaultAzureCredential) and the Azure management SDKs.

Subscription: AZURE_SUBSCRIPTION_ID, else the one in the plan's resource ids. Permissions needed: the
built-in Reader role on the DOSIS subscriptions (its */read covers vaults, SQL encryption protectors,
diagnostic settings, role assignments, Sentinel onboarding states and VPN connections).
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from typing import Any

from evidence.live.common import check, drift_of, failed, guarded, planned, planned_by, stack_outputs
from evidence.model import LiveCheck, StackEvidence

CLOUD = "azure"
ARM = "https://management.azure.com"
VAULT = "azure-native:keyvault:Vault"
SQL = "azure-native:sql:Server"
DIAG = "azure-native:insights:DiagnosticSetting"
ROLE = "azure-native:authorization:RoleAssignment"
SENTINEL = "azure-native:securityinsights:SentinelOnboardingState"
WORKSPACE = "azure-native:operationalinsights:Workspace"
CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
DIAG_API = "2021-05-01-preview"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# Built-in role definition GUIDs grouped into the three functions R2016 wants separated (and D36 §101
# 3rd/5th: separation of functions for access and for the security settings).
FUNCTIONS = {
    "access rights": {
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",  # Owner
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",  # User Access Administrator
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    },  # Role Based Access Control Administrator
    "encryption keys": {
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",  # Key Vault Administrator
        "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",  # Key Vault Crypto Officer
        "f25e0fa2-a7c8-4377-a976-54943a77a395",
    },  # Key Vault Contributor
    "database structure": {
        "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437",  # SQL Server Contributor
        "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec",  # SQL DB Contributor
        "056cd41c-7e88-42e1-933e-88ba6a50c9c3",
    },  # SQL Security Manager
}
_RG = re.compile(r"/resourceGroups/([^/]+)/", re.IGNORECASE)
_SUB = re.compile(r"/subscriptions/([0-9a-fA-F-]{36})", re.IGNORECASE)


def _c(check_id: str, resource: str, ok: bool | None, detail: str, rtype: str, **kw: Any) -> LiveCheck:
    return check(CLOUD, check_id, resource, ok, detail, rtype, **kw)


def _known(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and UNKNOWN not in value and value != "[secret]"


def _text(value: Any) -> str:
    """An SDK enum or string as its wire value ("" for None)."""
    return "" if value is None else str(getattr(value, "value", value))


def _rg(resource_id: str) -> str:
    m = _RG.search(resource_id or "")
    return m.group(1) if m else ""


def key_vaults(clients: dict[str, Any], evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Purge protection, RBAC authorisation and a closed network on every vault (DPA annex 3 b.vi)."""
    out = []
    plan = planned_by(evidence, VAULT, "vaultName")
    for v in clients["keyvault"].vaults.list_by_subscription():
        p = v.properties
        purge = bool(p.enable_purge_protection)
        _, purge_drift = drift_of(plan.get(v.name), "properties.enablePurgeProtection", purge)
        out.append(
            _c(
                "azure.keyvault.purge-protection",
                v.id,
                purge,
                f"purge protection {'on' if purge else 'off'}, soft delete {p.enable_soft_delete}",
                VAULT,
                actual={
                    "enablePurgeProtection": p.enable_purge_protection,
                    "enableSoftDelete": p.enable_soft_delete,
                },
                expected={"enablePurgeProtection": True},
                drift=purge_drift,
            )
        )
        rbac = bool(p.enable_rbac_authorization)
        _, rbac_drift = drift_of(plan.get(v.name), "properties.enableRbacAuthorization", rbac)
        out.append(
            _c(
                "azure.keyvault.rbac",
                v.id,
                rbac,
                f"RBAC authorisation {'on' if rbac else 'off'}",
                VAULT,
                actual=p.enable_rbac_authorization,
                expected=True,
                drift=rbac_drift,
            )
        )
        default = getattr(p.network_acls, "default_action", None) if p.network_acls else None
        public, default = _text(p.public_network_access), _text(default)
        closed = public.lower() == "disabled" or default.lower() == "deny"
        out.append(
            _c(
                "azure.keyvault.network",
                v.id,
                closed,
                f"public network access {public}, default action {default}",
                VAULT,
                actual={"publicNetworkAccess": public, "defaultAction": default},
            )
        )
        clients.setdefault("_monitored", []).append((v.id, VAULT))
    return out


def sql_tde(clients: dict[str, Any], evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Every SQL server's TDE protector is a customer key in Key Vault (R2016: key with the controller)."""
    sql = clients["sql"]
    out = []
    for s in sql.servers.list():
        protector = sql.encryption_protectors.get(_rg(s.id), s.name, "current")
        kind = _text(protector.server_key_type)
        cmk = kind.lower() == "azurekeyvault"
        out.append(
            _c(
                "azure.sql.tde-protector",
                s.id,
                cmk,
                f"TDE protector {kind or 'unknown'} {protector.server_key_name or ''}".strip(),
                SQL,
                actual={"serverKeyType": kind, "serverKeyName": protector.server_key_name},
                expected={"serverKeyType": "AzureKeyVault"},
            )
        )
        clients.setdefault("_monitored", []).append((s.id, SQL))
    return out


def diagnostics(clients: dict[str, Any], evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Key vaults and SQL servers send their logs to a workspace (Sentinel; D36 §101 6th)."""
    from azure.core.rest import HttpRequest

    monitored = clients.get("_monitored", [])
    if not monitored:
        return [_c("azure.diagnostics", "", None, "no key vault or SQL server could be listed", DIAG)]
    out = []
    for resource_id, _rtype in monitored:
        request = HttpRequest(
            "GET",
            f"{ARM}{resource_id}/providers/Microsoft.Insights/diagnosticSettings",
            params={"api-version": DIAG_API},
        )
        response = clients["arm"].send_request(request)
        response.read()
        response.raise_for_status()
        settings = response.json().get("value", [])
        sinks = [s.get("properties", {}).get("workspaceId") for s in settings]
        ok = any(sinks)
        out.append(
            _c(
                "azure.diagnostics",
                resource_id,
                ok,
                f"{len(settings)} diagnostic setting(s); workspace {'set' if ok else 'missing'}",
                DIAG,
                actual=[s for s in sinks if s],
            )
        )
    return out


def separation_of_duties(clients: dict[str, Any], evidence: list[StackEvidence]) -> list[LiveCheck]:
    """No principal holds two of: access rights, encryption keys, database structure (R2016; D36 §101)."""
    held: dict[str, set[str]] = defaultdict(set)
    total = 0
    for a in clients["authorization"].role_assignments.list_for_subscription():
        total += 1
        guid = str(a.role_definition_id or "").rsplit("/", 1)[-1].lower()
        for function, guids in FUNCTIONS.items():
            if guid in guids:
                held[a.principal_id].add(function)
    bad = {p: sorted(f) for p, f in held.items() if len(f) > 1}
    if not bad:
        return [
            _c(
                "azure.rbac.separation",
                "subscription",
                True,
                f"{total} role assignment(s); no principal combines two separated functions",
                ROLE,
            )
        ]
    return [
        _c(
            "azure.rbac.separation",
            principal,
            False,
            "holds " + " and ".join(functions),
            ROLE,
            actual=functions,
        )
        for principal, functions in sorted(bad.items())
    ]


def _workspaces(evidence: list[StackEvidence]) -> list[tuple[str, str]]:
    """(resource group, workspace name) of the Sentinel workspace(s) in the plan."""
    found = []
    wid = stack_outputs(evidence, "dosis").get("logAnalyticsWorkspaceId")
    if _known(wid) and _rg(wid):
        found.append((_rg(wid), wid.rstrip("/").rsplit("/", 1)[-1]))
    for _, inputs in planned(evidence, WORKSPACE):
        rg, name = inputs.get("resourceGroupName"), inputs.get("workspaceName")
        if _known(rg) and _known(name) and (rg, name) not in found:
            found.append((rg, name))
    return found


def sentinel(clients: dict[str, Any], evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Microsoft Sentinel is onboarded on the planned workspace (SIEM; D36 §101 6th)."""
    from azure.core.exceptions import ResourceNotFoundError

    targets = _workspaces(evidence)
    if not targets:
        return [_c("azure.sentinel", "", None, "no Log Analytics workspace named in the plan", SENTINEL)]
    out = []
    for rg, name in targets:
        try:
            state = clients["securityinsight"].sentinel_onboarding_states.get(rg, name, "default")
            out.append(
                _c("azure.sentinel", state.id or name, True, f"Sentinel onboarded on {name}", SENTINEL)
            )
        except ResourceNotFoundError:
            out.append(
                _c(
                    "azure.sentinel",
                    name,
                    False,
                    f"Sentinel is not onboarded on {rg}/{name}",
                    SENTINEL,
                    drift=True,
                    expected="onboarded",
                    actual="absent",
                )
            )
    return out


def _resource_groups(evidence: list[StackEvidence]) -> list[str]:
    groups = []
    rg = stack_outputs(evidence, "dosis").get("resourceGroupName")
    if _known(rg):
        groups.append(rg)
    for _, inputs in planned(evidence, CONNECTION):
        if _known(inputs.get("resourceGroupName")) and inputs["resourceGroupName"] not in groups:
            groups.append(inputs["resourceGroupName"])
    return groups


def vpn(clients: dict[str, Any], evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Every site-to-site connection to AWS is Connected (D36 §96, §131; DPA annex 3 a.ii)."""
    groups = _resource_groups(evidence) or [g.name for g in clients["resource"].resource_groups.list()]
    out = []
    for rg in groups:
        for conn in clients["network"].virtual_network_gateway_connections.list(rg):
            status = _text(conn.connection_status)
            out.append(
                _c(
                    "azure.vpn.connection",
                    conn.id,
                    status.lower() == "connected",
                    f"{_text(conn.connection_type)} connection {status or 'status unknown'}",
                    CONNECTION,
                    actual=status,
                    expected="Connected",
                )
            )
    planned_count = sum(1 for _ in planned(evidence, CONNECTION))
    if planned_count > len(out):
        out.append(
            _c(
                "azure.vpn.drift",
                "",
                False,
                f"plan has {planned_count} connection(s), Azure {len(out)}",
                CONNECTION,
                expected=planned_count,
                actual=len(out),
                drift=True,
            )
        )
    return out


COLLECTORS = [
    ("azure.keyvault", VAULT, key_vaults),
    ("azure.sql.tde-protector", SQL, sql_tde),
    ("azure.diagnostics", DIAG, diagnostics),
    ("azure.rbac.separation", ROLE, separation_of_duties),
    ("azure.sentinel", SENTINEL, sentinel),
    ("azure.vpn.connection", CONNECTION, vpn),
]


def subscription_of(evidence: list[StackEvidence]) -> str | None:
    """AZURE_SUBSCRIPTION_ID, else the subscription in the plan's Azure resource ids."""
    if os.environ.get("AZURE_SUBSCRIPTION_ID"):
        return os.environ["AZURE_SUBSCRIPTION_ID"]
    for value in stack_outputs(evidence, "dosis").values():
        m = _SUB.search(value) if isinstance(value, str) else None
        if m:
            return m.group(1)
    return None


def make_clients(credential: Any, subscription_id: str, transport: Any = None) -> dict[str, Any]:
    """One SDK client per service, sharing the credential (and a transport in tests)."""
    from azure.core.pipeline.policies import RetryPolicy
    from azure.mgmt.authorization import AuthorizationManagementClient
    from azure.mgmt.core import ARMPipelineClient
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy
    from azure.mgmt.keyvault import KeyVaultManagementClient
    from azure.mgmt.network import NetworkManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient
    from azure.mgmt.securityinsight import SecurityInsights
    from azure.mgmt.sql import SqlManagementClient

    kw: dict[str, Any] = {"retry_total": 1}
    if transport is not None:
        kw["transport"] = transport
    policies = [RetryPolicy(retry_total=1), ARMChallengeAuthenticationPolicy(credential, f"{ARM}/.default")]
    arm = ARMPipelineClient(
        base_url=ARM, policies=policies, **({"transport": transport} if transport else {})
    )
    return {
        "keyvault": KeyVaultManagementClient(credential, subscription_id, **kw),
        "sql": SqlManagementClient(credential, subscription_id, **kw),
        "authorization": AuthorizationManagementClient(credential, subscription_id, **kw),
        "securityinsight": SecurityInsights(credential, subscription_id, **kw),
        "network": NetworkManagementClient(credential, subscription_id, **kw),
        "resource": ResourceManagementClient(credential, subscription_id, **kw),
        "arm": arm,
    }


def _probe(credential: Any) -> Exception | None:
    """Ask for one ARM token up front: without one, every check is not-verified (said once, quietly)."""
    log = logging.getLogger("azure.identity")
    level = log.level
    log.setLevel(logging.CRITICAL)  # DefaultAzureCredential logs a page per failed attempt
    try:
        credential.get_token(f"{ARM}/.default")
        return None
    except Exception as exc:
        return exc
    finally:
        log.setLevel(level)


def collect(
    evidence: list[StackEvidence],
    credential: Any = None,
    subscription_id: str | None = None,
    transport: Any = None,
) -> list[LiveCheck]:
    """Every Azure check; each failing API call becomes an error / not-verified result, never a pass."""
    subscription_id = subscription_id or subscription_of(evidence)
    if not subscription_id:
        return [
            _c(name, "", None, "no subscription (set AZURE_SUBSCRIPTION_ID)", rtype)
            for name, rtype, _ in COLLECTORS
        ]
    if credential is None:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
        problem = _probe(credential)
        if problem is not None:
            return [failed(CLOUD, name, "", rtype, problem) for name, rtype, _ in COLLECTORS]
    clients = make_clients(credential, subscription_id, transport)
    out: list[LiveCheck] = []
    for check_id, rtype, fn in COLLECTORS:
        out += guarded(CLOUD, check_id, rtype, lambda fn=fn: fn(clients, evidence))
    return out
