"""Azure and Entra prerequisites of dosis-prod over ARM and Microsoft Graph (azure-core pipeline with the
caller's credential; tests inject a canned transport)."""

from __future__ import annotations

from typing import Any

from azure.core import PipelineClient
from azure.core.pipeline.policies import BearerTokenCredentialPolicy, RetryPolicy
from azure.core.rest import HttpRequest

from preflight.checks import ERROR, MISSING, OK, Result

GRAPH = "https://graph.microsoft.com"
ARM = "https://management.azure.com"
# Service plans in subscribedSkus that carry the features the stack uses.
P1_PLANS = {"AAD_PREMIUM", "AAD_PREMIUM_P2"}
P2_PLANS = {"AAD_PREMIUM_P2"}
ROLES = {  # Azure RBAC built-in role GUIDs
    "owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "rbac-admin": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "uaa": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
}
ENTRA_ROLES = {  # Entra directory role template ids
    "Conditional Access Administrator": "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
    "Groups Administrator": "fdd7a751-b60b-444a-984c-02652fe8fa1c",
    "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "Security Administrator": "194ae4cb-b126-40b2-bd5b-6091b380977d",
}
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"


class Api:
    """GET JSON from Graph or ARM with the caller's token."""

    def __init__(self, credential: Any, transport: Any = None):
        self.clients = {
            base: PipelineClient(
                base_url=base,
                policies=[
                    RetryPolicy(retry_total=0),
                    BearerTokenCredentialPolicy(credential, f"{base}/.default"),
                ],
                transport=transport,
            )
            for base in (GRAPH, ARM)
        }

    def get(self, base: str, path: str) -> dict[str, Any]:
        response = self.clients[base].send_request(HttpRequest("GET", f"{base}{path}"))
        response.read()
        response.raise_for_status()
        return response.json()


def _safe(item: str, fn) -> Result:
    try:
        return fn()
    except Exception as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        return Result(
            item, ERROR, f"{type(exc).__name__}{f' HTTP {status}' if status else ''}: could not check"
        )


def check(api: Api, subscription_id: str, deployer_object_id: str) -> list[Result]:
    """Every Azure/Entra item; one result each."""

    def licences() -> list[Result]:
        plans = {
            p["servicePlanName"]
            for sku in api.get(GRAPH, "/v1.0/subscribedSkus")["value"]
            if sku.get("capabilityStatus") == "Enabled"
            and (sku.get("prepaidUnits") or {}).get("enabled", 0) > 0
            for p in sku.get("servicePlans", [])
        }
        return [
            Result(
                "entra-p1",
                OK if plans & P1_PLANS else MISSING,
                "Entra ID P1" + ("" if plans & P1_PLANS else " not licensed"),
            ),
            Result(
                "entra-p2",
                OK if plans & P2_PLANS else MISSING,
                "Entra ID P2" + ("" if plans & P2_PLANS else " not licensed"),
            ),
        ]

    def defaults() -> Result:
        on = api.get(GRAPH, "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy")["isEnabled"]
        return Result(
            "security-defaults-off", MISSING if on else OK, "Security Defaults are " + ("on" if on else "off")
        )

    def rbac() -> Result:
        path = (
            f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleAssignments"
            f"?$filter=assignedTo('{deployer_object_id}')&api-version=2022-04-01"
        )
        held = {a["properties"]["roleDefinitionId"].rsplit("/", 1)[-1] for a in api.get(ARM, path)["value"]}
        enough = ROLES["owner"] in held or (
            ROLES["contributor"] in held and held & {ROLES["rbac-admin"], ROLES["uaa"]}
        )
        return Result(
            "deployer-azure-rbac",
            OK if enough else MISSING,
            "deployer can create resources and role assignments"
            if enough
            else "deployer lacks Owner or Contributor + Role Based Access Control Administrator",
        )

    def entra() -> Result:
        path = f"/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '{deployer_object_id}'"
        held = {a["roleDefinitionId"] for a in api.get(GRAPH, path)["value"]}
        if GLOBAL_ADMIN in held:
            return Result("deployer-entra-roles", OK, "Global Administrator")
        lacking = sorted(name for name, rid in ENTRA_ROLES.items() if rid not in held)
        return Result(
            "deployer-entra-roles",
            MISSING if lacking else OK,
            f"lacks {', '.join(lacking)}" if lacking else "all directory roles held",
        )

    try:
        out = licences()
    except Exception as exc:  # one unreadable call: both licence items are errors
        out = [Result(i, ERROR, f"{type(exc).__name__}: could not check") for i in ("entra-p1", "entra-p2")]
    out += [
        _safe("security-defaults-off", defaults),
        _safe("deployer-azure-rbac", rbac),
        _safe("deployer-entra-roles", entra),
    ]
    return out


def caller_object_id(credential: Any) -> str:
    """Object id of whoever runs the preflight (the `oid` claim of an ARM token; not verified here: the
    APIs verify the token, this only names the caller)."""
    import base64
    import json

    token = credential.get_token(f"{ARM}/.default").token
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims["oid"]
