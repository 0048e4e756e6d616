"""Entra service principals that sign in with a secret or certificate (round 11): the credential is a
password a person can copy and use from anywhere, and Conditional Access cannot ask a service principal
for MFA. Such a principal is judged as people (separation of duties, MFA); a managed identity, or an
application that signs in only through federated credentials, stays a workload."""

from __future__ import annotations

import weakref

from policies.core.view import ResourceView, StackGraph, is_unknown

APP = "azuread:index/application:Application"
SP = "azuread:index/servicePrincipal:ServicePrincipal"
# Credential resources and the field naming what they belong to.
CREDENTIALS = {
    "azuread:index/applicationPassword:ApplicationPassword": "applicationId",
    "azuread:index/applicationCertificate:ApplicationCertificate": "applicationId",
    "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": "servicePrincipalId",
    "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate": "servicePrincipalId",
}
_HOLDERS: weakref.WeakKeyDictionary[StackGraph, frozenset[str]] = weakref.WeakKeyDictionary()


def _linked(graph: StackGraph, r: ResourceView) -> set[str]:
    """URNs of an application and its service principals (an SP names its application by `clientId`)."""
    out = {r.urn}
    if r.type == SP:
        out |= {a.urn for a in graph.dependency_of(r, "clientId") if a.type == APP}
    apps = {u for u in out if (v := graph.get(u)) is not None and v.type == APP}
    out |= {
        s.urn for s in graph.by_type(SP) if any(a.urn in apps for a in graph.dependency_of(s, "clientId"))
    }
    return out


def secret_holders(graph: StackGraph) -> frozenset[str]:
    """URNs of the stack's applications and service principals that carry a password or certificate
    (credential resources, or an application's own `password` block)."""
    got = _HOLDERS.get(graph)
    if got is None:
        found: set[str] = set()
        for t, fld in CREDENTIALS.items():
            for c in graph.by_type(t):
                for d in graph.dependency_of(c, fld):
                    found |= _linked(graph, d)
        for a in graph.by_type(APP):
            if a.input("password"):
                found |= _linked(graph, a)
        got = _HOLDERS[graph] = frozenset(found)
    return got


def is_workload(graph: StackGraph, d: ResourceView) -> bool:
    """A managed identity, or an Entra application / service principal without a secret or certificate."""
    t = d.type.lower()
    if "managedidentity" in t:
        return True
    return d.type.endswith(("ServicePrincipal", "Application")) and d.urn not in secret_holders(graph)


def undeclared_app(graph: StackGraph, grant: ResourceView) -> bool:
    """A grant to a service principal or application the stack does not declare (a literal object id,
    round 12): whether it signs in with a secret a person holds cannot be seen, so it is judged as people.
    A managed identity (`MSI`) has no secret to copy."""
    pid = grant.input("principalId")
    return (
        grant.input("principalType") in ("ServicePrincipal", "Application")
        and isinstance(pid, str)
        and not is_unknown(pid)
        and not graph.dependency_of(grant, "principalId")
    )
