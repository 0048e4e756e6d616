"""Azure Managed Grafana (round 45): people sign in through Entra ID (Conditional Access asks their MFA),
and Grafana Admin, Editor and Viewer are Azure roles judged as any other. With API keys and service
accounts switched on (`properties.apiKey` Enabled), a Grafana Admin mints long-lived tokens that act as an
administrator of the workspace, and query its data sources, with no sign-in at all: require-admin-mfa wants
`apiKey` Disabled, written in the program (closed world). Its front end must not face the internet
(`publicNetworkAccess` Disabled, disallow-public-data-access).

Round 46, Amazon Managed Grafana: a workspace is a front end like Azure's (its data stays in the sources
it queries). People sign in through IAM Identity Center (the account's instance, its MFA stated in the PIA
record) or SAML (the IdP's entity ID, read from `idpMetadataXml`, declared as enforcing MFA); API keys and
service accounts (whose tokens any Grafana Admin mints outside the program) sign in with no person and no
MFA, so they block (require-admin-mfa). The workspace's network access is limited to VPC endpoints
(`networkAccessControl.vpceIds`, disallow-public-data-access). An ADMIN role association manages Grafana's
users, teams and data-source permissions: access rights over the dashboards, so an Identity Center user or
group holding another function through its permission sets breaks the separation of duties, and so does
a SAML `adminRoleValues` (round 47: the IdP's groups are not in the program). The workspace's data
(dashboards, alert rules, data-source settings) is on the customer-managed key of `kmsKeyId`."""

from __future__ import annotations

from typing import Any

from policies.core.client_vpn import declared_saml
from policies.core.iam import identity_center
from policies.core.iam.principals import AwsPrincipal
from policies.core.search_saml import ENTITY, HOW
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

GRAFANA = "azure-native:dashboard:Grafana"
AWS_GRAFANA = "aws:grafana/workspace:Workspace"
_SAML = "aws:grafana/workspaceSamlConfiguration:WorkspaceSamlConfiguration"
_ROLES = "aws:grafana/roleAssociation:RoleAssociation"
_TOKENS = (
    "aws:grafana/workspaceApiKey:WorkspaceApiKey",
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
    "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken",
)
CONTROLS = (GRAFANA, AWS_GRAFANA, _SAML, _ROLES, *_TOKENS)
_ADMIN = (
    "Identity Center principal %r holds %s and is a Grafana Admin (users, teams, data-source permissions: "
    "access rights over the dashboards): give Grafana Admin to principals that hold no other function"
)


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


def _saml_gap(graph: StackGraph, workspace: ResourceView, declared: frozenset[str]) -> str | None:
    """Why the SAML IdP signing people in to an Amazon Managed Grafana workspace is not shown to ask MFA."""
    configs = [c for c in graph.by_type(_SAML) if workspace in graph.dependency_of(c, "workspaceId")]
    if not configs:
        return (
            "SAML sign-in is on and no WorkspaceSamlConfiguration of the stack (its workspaceId fed from the "
            "workspace) names the identity provider: its MFA cannot be judged"
        )
    for c in configs:
        xml = c.input("idpMetadataXml")
        found = ENTITY.search(xml) if isinstance(xml, str) and not is_unknown(xml) else None
        if is_unknown(xml):
            return unknown_message("idpMetadataXml", "which identity provider signs people in")
        if found is None:
            return (
                "the SAML configuration names no entityID in `idpMetadataXml` (a metadata URL is read only "
                "when deployed): which IdP signs people in cannot be judged; give the IdP's metadata XML"
            )
        if found.group(1) not in declared:
            return (
                f"Grafana signs people in through the SAML IdP {found.group(1)!r}, which is not "
                "declared in the stack's PIA record as enforcing MFA; " + HOW
            )
    return None


def aws_sign_ins(
    graph: StackGraph, saml: list[dict[str, Any]], instances: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """require-admin-mfa: Amazon Managed Grafana sign-in not shown to ask MFA, and its tokens."""
    out = [
        (t.urn, f"{t.type.rsplit(':', 1)[-1]}: Grafana API keys and service-account tokens sign in to the "
                "workspace (and query its data sources) with no person and no MFA; sign people in through "
                "Identity Center or a recorded SAML IdP")
        for t in graph.by_type(*_TOKENS)
    ]
    for w in graph.by_type(AWS_GRAFANA):
        kinds = w.input("authenticationProviders")
        if is_unknown(kinds) or not isinstance(kinds, list) or not kinds:
            out.append((w.urn, unknown_message("authenticationProviders", "how people sign in")))
            continue
        gaps = [
            identity_center.account_instance_problem(graph, instances) if k == "AWS_SSO"
            else _saml_gap(graph, w, declared_saml(saml)) if k == "SAML"
            else f"authentication provider {k!r} is not one the gate reads: use AWS_SSO or SAML"
            for k in kinds
        ]
        out.extend((w.urn, g) for g in gaps if g)
    return out


def public_workspace(view: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: an Amazon Managed Grafana workspace open beyond its VPC endpoints."""
    vpce = get_path(view.inputs, "networkAccessControl.vpceIds")
    if is_unknown(vpce):
        return [unknown_message("networkAccessControl.vpceIds", "who may reach the workspace")]
    if not vpce:
        return ["the workspace sets no `networkAccessControl.vpceIds`: its sign-in page and API face the "
                "internet; admit the stack's VPC endpoints only"]
    return []


def _holders(graph: StackGraph, a: ResourceView) -> list[str] | None:
    """The Identity Center ids a role association names — literals, or the id (else the URN) of the
    identity-store groups and users fed in — or None when one of them cannot be read."""
    out: list[str] = []
    for fld in ("groupIds", "userIds"):
        deps = graph.dependency_of(a, fld)
        for d in deps:
            v = d.input("groupId") or d.input("userId")
            out.append(v if isinstance(v, str) and not is_unknown(v) else d.urn)
        given = a.input(fld)
        listed = given if isinstance(given, list) else []
        literal = [v for v in listed if isinstance(v, str) and not is_unknown(v)]
        if given is not None and not deps and (not isinstance(given, list) or len(literal) < len(given)):
            return None
        out.extend(literal)
    return out


def separated_admins(graph: StackGraph, people: list[AwsPrincipal]) -> list[tuple[str, str]]:
    """require-separation-of-duties: Grafana ADMIN role associations of Identity Center users or groups
    that hold another function through their permission sets."""
    out = []
    for a in graph.by_type(_ROLES):
        role = a.input("role")
        if is_unknown(role) or role not in ("ADMIN", "EDITOR", "VIEWER"):
            why = "is not ADMIN, EDITOR or VIEWER" if not is_unknown(role) else "is unknown"
            out.append((a.urn, f"`role` {why}: what the association grants cannot be judged"))
            continue
        ids = _holders(graph, a) if role == "ADMIN" else []
        if ids is None:
            out.append((a.urn, unknown_message("groupIds/userIds", "whom the association makes admins")))
            continue
        for who in ids:
            if held := identity_center.assigned_functions(graph, people, who):
                out.append((a.urn, _ADMIN % (who, ", ".join(sorted(held)))))
    return out + saml_admins(graph)


def saml_admins(graph: StackGraph) -> list[tuple[str, str]]:
    """SAML configurations whose `adminRoleValues` make IdP groups Grafana Admins (round 47): who is in
    them, and which other functions they hold, is in the IdP, not in the program."""
    out = []
    for c in graph.by_type(_SAML):
        values = c.input("adminRoleValues")
        if is_unknown(values):
            out.append((c.urn, unknown_message("adminRoleValues", "whom the IdP makes Grafana Admins")))
        elif values:
            out.append((c.urn, f"`adminRoleValues` ({', '.join(map(str, values))}) make members of IdP "
                               "groups Grafana Admins (access rights over the dashboards), and whether they "
                               "also hold another function is in the IdP, not in the program: give Grafana "
                               "Admin through a role association of an Identity Center group of the stack"))
    return out
