"""Entra service principals that sign in with a secret or certificate (round 11): the credential is a
password a person can copy and use from anywhere, and Conditional Access cannot ask a service principal
for MFA. Such a principal is judged as people (separation of duties, MFA); a managed identity, or an
application that signs in only through federated credentials, stays a workload.

An owner of an application or service principal adds passwords and certificates to it (Microsoft Graph,
`application: addPassword`: in delegated calls the signed-in user may be an owner of the application; the
azuread SDK's `owners`: "users or service principals"), so one owned by a person, or by an object the program
does not show to be a workload (a literal id, a value unknown at preview), is judged as one with a secret
(round 80): its owner can mint one, copy it and act as it without MFA."""

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
OWNER = "azuread:index/applicationOwner:ApplicationOwner"  # applicationId, ownerObjectId
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
    (credential resources, or an application's own `password` block), or that a person owns (round 80)."""
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
        owned = _owners(graph)
        while True:  # an owner that is itself owned by a person, or has a secret, is people too
            machines = _machines(graph, found)
            more = {u for u, owners in owned.items() if u not in found and not owners <= machines}
            if not more:
                break
            for u in more:
                found |= _linked(graph, graph.get(u))
        got = _HOLDERS[graph] = frozenset(found)
    return got


def _owners(graph: StackGraph) -> dict[str, set[str]]:
    """Application or service principal URN -> its owners: the URNs of the stack resources `owners` is fed
    from, each literal beside them (lower case), and "?" (never a machine) for a value unknown at preview that
    no resource feeds."""
    out: dict[str, set[str]] = {}
    for r in graph.by_type(APP, SP):
        fed = {d.urn for d in graph.dependency_of(r, "owners")}
        listed = r.input("owners")
        values = listed if isinstance(listed, list) else [listed] if listed else []
        owners = fed | {str(v).lower() for v in values if not is_unknown(v)}
        if any(is_unknown(v) for v in values) and not fed:
            owners.add("?")
        if owners:
            out[r.urn] = owners
    for o in graph.by_type(OWNER):
        fed = [d.urn for d in graph.dependency_of(o, "ownerObjectId")]
        named = o.input("ownerObjectId")
        owner = fed[0] if fed else "?" if is_unknown(named) else str(named).lower()
        for a in graph.dependency_of(o, "applicationId"):
            out.setdefault(a.urn, set()).add(owner)
        if not graph.dependency_of(o, "applicationId"):
            out.setdefault(o.urn, set()).add(owner)  # an application the stack does not create: still owned
    return out


def _machines(graph: StackGraph, people: set[str]) -> set[str]:
    """URNs of the stack's workload identities: managed identities, and applications and service principals
    not (yet) known to be people."""
    return {r.urn for r in graph.resources if "managedidentity" in r.type.lower()} | {
        r.urn for r in graph.by_type(APP, SP) if r.urn not in people
    }


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
