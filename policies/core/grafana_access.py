"""Azure Managed Grafana (round 45): people sign in through Entra ID (Conditional Access asks their MFA),
and Grafana Admin, Editor and Viewer are Azure roles judged as any other. With API keys and service
accounts switched on (`properties.apiKey` Enabled), a Grafana Admin mints long-lived tokens that act as an
administrator of the workspace, and query its data sources, with no sign-in at all: require-admin-mfa wants
`apiKey` Disabled, written in the program (closed world). Its front end must not face the internet
(`publicNetworkAccess` Disabled, disallow-public-data-access)."""

from __future__ import annotations

from policies.core.view import StackGraph

GRAFANA = "azure-native:dashboard:Grafana"
CONTROLS = (GRAFANA,)


def token_sign_ins(graph: StackGraph) -> list[tuple[str, str]]:
    """Managed Grafana workspaces whose API keys and service-account tokens are not switched off."""
    return [
        (
            g.urn,
            f"`properties.apiKey` is {g.get('properties.apiKey')!r}: Grafana Admins may mint API keys and "
            "service-account tokens that sign in without Entra ID or MFA; set it to Disabled",
        )
        for g in graph.by_type(GRAFANA)
        if g.get("properties.apiKey") != "Disabled"
    ]
