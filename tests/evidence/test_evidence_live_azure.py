"""Azure live collectors through the real SDK clients, answered by a transport that returns responses
shaped like Microsoft's published REST API examples (Key Vault, SQL, Monitor, Authorization, Sentinel,
Network)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import requests
from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest._requests_basic import RestRequestsTransportResponse
from evidence.live import azure
from evidence.model import StackEvidence
from evidence_fixtures import PSK, report

SUB = "00000000-1111-2222-3333-444444444444"
RG = f"/subscriptions/{SUB}/resourceGroups/dosis-network-we"
VAULT_ID = f"{RG}/providers/Microsoft.KeyVault/vaults/dosis-kv"
OPEN_VAULT_ID = f"{RG}/providers/Microsoft.KeyVault/vaults/dosis-kv-open"
SQL_ID = f"{RG}/providers/Microsoft.Sql/servers/dosis-sql"
WORKSPACE_ID = f"{RG}/providers/Microsoft.OperationalInsights/workspaces/dosis-law"
ROLE_DEF = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
OWNER, CRYPTO_OFFICER, READER = (
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
)


def _vault(rid: str, purge: bool, rbac: bool, public: str, default_action: str) -> dict[str, Any]:
    # Shape of the "List vaults in the specified subscription" example (Microsoft.KeyVault 2023-07-01).
    return {
        "id": rid,
        "name": rid.rsplit("/", 1)[-1],
        "type": "Microsoft.KeyVault/vaults",
        "location": "westeurope",
        "tags": {},
        "properties": {
            "tenantId": "11111111-2222-3333-4444-555555555555",
            "sku": {"family": "A", "name": "premium"},
            "accessPolicies": [],
            "enabledForDeployment": False,
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": 90,
            "enablePurgeProtection": purge,
            "enableRbacAuthorization": rbac,
            "publicNetworkAccess": public,
            "networkAcls": {
                "bypass": "AzureServices",
                "defaultAction": default_action,
                "ipRules": [],
                "virtualNetworkRules": [],
            },
            "vaultUri": f"https://{rid.rsplit('/', 1)[-1]}.vault.azure.net/",
            "provisioningState": "Succeeded",
        },
    }


def _assignment(name: str, principal: str, role: str) -> dict[str, Any]:
    # Shape of "List role assignments for subscription" (Microsoft.Authorization 2022-04-01).
    return {
        "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": ROLE_DEF + role,
            "principalId": principal,
            "principalType": "User",
            "scope": f"/subscriptions/{SUB}",
        },
    }


ROUTES: list[tuple[str, int, Any]] = [
    (
        r"/providers/Microsoft\.KeyVault/vaults$",
        200,
        {
            "value": [
                _vault(VAULT_ID, True, True, "Disabled", "Deny"),
                _vault(OPEN_VAULT_ID, False, False, "Enabled", "Allow"),
            ]
        },
    ),
    (
        r"/providers/Microsoft\.Sql/servers$",
        200,
        {
            "value": [
                {
                    "id": SQL_ID,
                    "name": "dosis-sql",
                    "type": "Microsoft.Sql/servers",
                    "location": "westeurope",
                    "kind": "v12.0",
                    "properties": {
                        "administratorLogin": "dummylogin",
                        "version": "12.0",
                        "state": "Ready",
                        "fullyQualifiedDomainName": "dosis-sql.database.windows.net",
                        "publicNetworkAccess": "Disabled",
                    },
                }
            ]
        },
    ),
    (
        r"/servers/dosis-sql/encryptionProtector/current$",
        200,
        {
            "id": SQL_ID + "/encryptionProtector/current",
            "name": "current",
            "kind": "azurekeyvault",
            "type": "Microsoft.Sql/servers/encryptionProtector",
            "location": "West Europe",
            "properties": {
                "serverKeyName": "dosis-kv_tde_0123456789abcdef",
                "serverKeyType": "AzureKeyVault",
                "uri": "https://dosis-kv.vault.azure.net/keys/tde/0123456789abcdef",
                "thumbprint": "00112233445566778899AABBCCDDEEFF00112233",
                "autoRotationEnabled": True,
            },
        },
    ),
    (
        r"vaults/dosis-kv/providers/Microsoft\.Insights/diagnosticSettings$",
        200,
        {
            "value": [
                {
                    "id": VAULT_ID + "/providers/microsoft.insights/diagnosticSettings/to-sentinel",
                    "name": "to-sentinel",
                    "type": "Microsoft.Insights/diagnosticSettings",
                    "properties": {
                        "workspaceId": WORKSPACE_ID,
                        "logs": [{"categoryGroup": "audit", "enabled": True}],
                        "metrics": [],
                        "logAnalyticsDestinationType": "Dedicated",
                    },
                }
            ]
        },
    ),
    (r"/providers/Microsoft\.Insights/diagnosticSettings$", 200, {"value": []}),
    (
        r"/providers/Microsoft\.Authorization/roleAssignments$",
        200,
        {
            "value": [
                _assignment("a1", "p-admin", OWNER),
                _assignment("a2", "p-admin", CRYPTO_OFFICER),
                _assignment("a3", "p-keys", CRYPTO_OFFICER),
                _assignment("a4", "p-reader", READER),
            ]
        },
    ),
    (
        r"workspaces/dosis-law/providers/Microsoft\.SecurityInsights/onboardingStates/default$",
        200,
        {
            "id": WORKSPACE_ID + "/providers/Microsoft.SecurityInsights/onboardingStates/default",
            "name": "default",
            "type": "Microsoft.SecurityInsights/onboardingStates",
            "properties": {"customerManagedKey": False},
        },
    ),
    (
        r"/providers/Microsoft\.Network/connections$",
        200,
        {
            "value": [
                {
                    "id": f"{RG}/providers/Microsoft.Network/connections/dosis-to-aws-0",
                    "name": "dosis-to-aws-0",
                    "location": "westeurope",
                    "type": "Microsoft.Network/connections",
                    "properties": {
                        "provisioningState": "Succeeded",
                        "connectionType": "IPsec",
                        "connectionStatus": "Connected",
                        "connectionProtocol": "IKEv2",
                        "routingWeight": 0,
                        "sharedKey": PSK,
                        "enableBgp": True,
                        "virtualNetworkGateway1": {
                            "id": f"{RG}/providers/Microsoft.Network/virtualNetworkGateways/gw"
                        },
                        "localNetworkGateway2": {
                            "id": f"{RG}/providers/Microsoft.Network/localNetworkGateways/aws"
                        },
                        "ingressBytesTransferred": 1024,
                        "egressBytesTransferred": 2048,
                    },
                },
                {
                    "id": f"{RG}/providers/Microsoft.Network/connections/dosis-to-aws-1",
                    "name": "dosis-to-aws-1",
                    "location": "westeurope",
                    "type": "Microsoft.Network/connections",
                    "properties": {
                        "provisioningState": "Succeeded",
                        "connectionType": "IPsec",
                        "connectionStatus": "NotConnected",
                        "sharedKey": PSK,
                        "virtualNetworkGateway1": {
                            "id": f"{RG}/providers/Microsoft.Network/virtualNetworkGateways/gw"
                        },
                        "localNetworkGateway2": {
                            "id": f"{RG}/providers/Microsoft.Network/localNetworkGateways/aws2"
                        },
                    },
                },
            ]
        },
    ),
]
DENIED = {
    "error": {
        "code": "AuthorizationFailed",
        "message": "The client 'x' with object id 'x' does not have "
        "authorization to perform action 'Microsoft.Authorization/roleAssignments/read'.",
    }
}


class CannedTransport(HttpTransport):
    """Answers ARM requests from ROUTES (first regex matching the URL path wins); records every request."""

    def __init__(self, routes: list[tuple[str, int, Any]]) -> None:
        self.routes = routes
        self.requests: list[str] = []

    def __enter__(self) -> CannedTransport:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, request: Any, **kwargs: Any) -> RestRequestsTransportResponse:
        assert request.url.startswith("https://management.azure.com/"), request.url
        assert request.headers.get("Authorization") == "Bearer canned-token"
        path = request.url.split("?", 1)[0]
        self.requests.append(path)
        status, body = 404, {"error": {"code": "ResourceNotFound", "message": f"{path} not found"}}
        for pattern, code, payload in self.routes:
            if re.search(pattern, path):
                status, body = code, payload
                break
        resp = requests.Response()
        resp.status_code = status
        resp._content = json.dumps(body).encode()
        resp._content_consumed = True  # the SDK streams the body: serve it from _content
        resp.raw = io.BytesIO(resp._content)
        resp.headers["content-type"] = "application/json"
        resp.headers["x-ms-request-id"] = "canned"
        resp.url = request.url
        return RestRequestsTransportResponse(request=request, internal_response=resp)


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        assert scopes == ("https://management.azure.com/.default",)
        return AccessToken("canned-token", 4_102_444_800)


def _plan() -> list[StackEvidence]:
    pre = "urn:pulumi:dosis-prod::dosis-eloket::"
    state = {
        "version": 3,
        "deployment": {
            "resources": [
                {
                    "urn": pre + "pulumi:pulumi:Stack::dosis-eloket-dosis-prod",
                    "type": "pulumi:pulumi:Stack",
                    "outputs": {
                        "logAnalyticsWorkspaceId": WORKSPACE_ID,
                        "resourceGroupName": "dosis-network-we",
                    },
                },
                {
                    "urn": pre + "azure-native:keyvault:Vault::open",
                    "type": "azure-native:keyvault:Vault",
                    "inputs": {"vaultName": "dosis-kv-open", "properties": {"enablePurgeProtection": True}},
                },
            ]
        },
    }
    return [StackEvidence("dosis-prod", report("dosis-prod"), state)]


def _by(checks, check_id):
    return {c.resource.rsplit("/", 1)[-1]: c.status for c in checks if c.check == check_id}


def test_azure_collectors_read_microsoft_shaped_responses() -> None:
    transport = CannedTransport(ROUTES)
    checks = azure.collect(_plan(), credential=FakeCredential(), subscription_id=SUB, transport=transport)
    assert _by(checks, "azure.keyvault.purge-protection") == {"dosis-kv": "pass", "dosis-kv-open": "fail"}
    assert _by(checks, "azure.keyvault.rbac") == {"dosis-kv": "pass", "dosis-kv-open": "fail"}
    drifted = [(c.check, c.resource.rsplit("/", 1)[-1]) for c in checks if c.drift]
    assert drifted == [("azure.keyvault.purge-protection", "dosis-kv-open")], "planned on, live off"
    assert _by(checks, "azure.keyvault.network") == {"dosis-kv": "pass", "dosis-kv-open": "fail"}
    assert _by(checks, "azure.sql.tde-protector") == {"dosis-sql": "pass"}
    assert _by(checks, "azure.diagnostics") == {
        "dosis-kv": "pass",
        "dosis-kv-open": "fail",
        "dosis-sql": "fail",
    }
    assert _by(checks, "azure.rbac.separation") == {"p-admin": "fail"}
    sep = next(c for c in checks if c.check == "azure.rbac.separation")
    assert sep.detail == "holds access rights and encryption keys"
    assert _by(checks, "azure.sentinel") == {"default": "pass"}
    assert _by(checks, "azure.vpn.connection") == {"dosis-to-aws-0": "pass", "dosis-to-aws-1": "fail"}
    assert not [c for c in checks if c.status in ("error", "not-verified")]
    assert PSK not in json.dumps([c.to_json() for c in checks], default=str)
    assert any(
        p.endswith("/Microsoft.Network/connections") and "/resourceGroups/dosis-network-we/" in p
        for p in transport.requests
    )


def test_missing_permission_is_an_error_for_that_check_only() -> None:
    routes = [(r"/providers/Microsoft\.Authorization/roleAssignments$", 403, DENIED), *ROUTES]
    checks = azure.collect(
        _plan(), credential=FakeCredential(), subscription_id=SUB, transport=CannedTransport(routes)
    )
    sep = [c for c in checks if c.check == "azure.rbac.separation"]
    assert [(c.status, c.detail) for c in sep] == [("error", "missing permission: AuthorizationFailed")]
    assert _by(checks, "azure.sql.tde-protector") == {"dosis-sql": "pass"}


def test_sentinel_not_onboarded_is_a_failure_and_drift() -> None:
    routes = [r for r in ROUTES if "onboardingStates" not in r[0]]
    checks = azure.collect(
        _plan(), credential=FakeCredential(), subscription_id=SUB, transport=CannedTransport(routes)
    )
    sentinel = [c for c in checks if c.check == "azure.sentinel"]
    assert [(c.status, c.drift) for c in sentinel] == [("fail", True)]


def test_no_subscription_is_not_verified(monkeypatch) -> None:
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    plan = _plan()
    plan[0].state["deployment"]["resources"][0]["outputs"] = {}
    checks = azure.collect(plan, credential=FakeCredential())
    assert checks and {c.status for c in checks} == {"not-verified"}


def test_default_credential_without_any_login_is_not_verified_once(monkeypatch, capsys) -> None:
    for key in (
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_USERNAME",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # no az / azd / pwsh to fall back on
    checks = azure.collect(_plan(), subscription_id=SUB)
    assert {c.check for c in checks} == {name for name, _, _ in azure.COLLECTORS}
    assert {c.status for c in checks} == {"not-verified"}
    assert "DefaultAzureCredential failed" not in capsys.readouterr().err
