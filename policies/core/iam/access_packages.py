"""Entitlement-management access packages (round 42): an assignment policy hands out what its package holds to
whoever may request it. A package holding membership or ownership of a group (an `AadGroup` resource of its
catalogue) and a policy whose requestors are people of other tenants (`requestorSettings.scopeType` one of
EXTERNAL) makes them guests in that group on request, invited by the policy rather than the program: when the
group administers something (a function or key use, nested groups followed), their second factor may be
accepted from their home tenant and their accounts leave with another organisation (as round 25's invited
guests), so it blocks. So does `AllExistingDirectorySubjects` (round 43): every user of the directory, guests
invited elsewhere included. A package or group that cannot be resolved blocks too (closed world)."""

from __future__ import annotations

from typing import Any

from policies.core.iam.azure import inherit_through_groups, object_key
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

_AP = "azuread:index/accessPackage"
POLICY = f"{_AP}AssignmentPolicy:AccessPackageAssignmentPolicy"
PACKAGE_RESOURCE = f"{_AP}ResourcePackageAssociation:AccessPackageResourcePackageAssociation"
CATALOG_RESOURCE = f"{_AP}ResourceCatalogAssociation:AccessPackageResourceCatalogAssociation"
EXTERNAL = frozenset({
    "AllExternalSubjects",
    "AllConfiguredConnectedOrganizationSubjects",
    "AllExistingConnectedOrganizationSubjects",
    "SpecificConnectedOrganizationSubjects",
})
WITH_GUESTS = "AllExistingDirectorySubjects"  # the directory's users, guests included


def _same(graph: StackGraph, r: ResourceView, fld: str, target: ResourceView) -> bool:
    """`r.fld` is `target`: fed from it, or its literal id."""
    if any(d.urn == target.urn for d in graph.dependency_of(r, fld)):
        return True
    value = r.input(fld)
    return isinstance(value, str) and value == target.input("id")


def _groups(graph: StackGraph, policy: ResourceView) -> list[str | None]:
    """Directory keys of the groups the policy's package gives membership or ownership of (None: unknown)."""
    deps = [d for d in graph.dependency_of(policy, "accessPackageId") if not d.type.startswith("pulumi:")]
    if not deps:
        return [None]  # a package outside the program: what it holds cannot be judged
    out: list[str | None] = []
    for link in graph.by_type(PACKAGE_RESOURCE):
        if not any(_same(graph, link, "accessPackageId", p) for p in deps):
            continue
        catalogued = [
            d for d in graph.dependency_of(link, "catalogResourceAssociationId") if d.type == CATALOG_RESOURCE
        ]
        if not catalogued:
            out.append(None)
        for c in catalogued:
            if c.input("resourceOriginSystem") == "AadGroup":
                out.append(object_key(graph, c, "resourceOriginId"))
    return out


def _scope(policy: ResourceView) -> Any:
    if get_path(policy.inputs, "requestorSettings.requestsAccepted") is False:
        return None
    return get_path(policy.inputs, "requestorSettings.scopeType")


def external_requests(graph: StackGraph, admins: dict[str, str]) -> list[tuple[str, str]]:
    """Assignment policies letting people of other tenants request a group that administers something."""
    policies = graph.by_type(POLICY)
    if not policies:
        return []
    held = {k: {what} for k, what in admins.items()}
    inherit_through_groups(graph, held, {})
    out = []
    for p in policies:
        scope = _scope(p)
        if is_unknown(scope):
            out.append((p.urn, unknown_message("requestorSettings.scopeType", "who may request the package")))
            continue
        if scope not in EXTERNAL and scope != WITH_GUESTS:
            continue
        who = ("people of other tenants", "they join as guests, whose") if scope in EXTERNAL else (
            "every user of the directory, guests included", "guests among them, whose")
        for key in _groups(graph, p):
            what = held.get(key) if key is not None else None
            if key is not None and not what:
                continue  # a group that administers nothing
            holds = f"group {key}, which holds {', '.join(sorted(what))}" if what else "a group unjudged"
            out.append((
                p.urn,
                f"the access package's assignment policy lets {who[0]} (requestorSettings."
                f"scopeType {scope!r}) request membership of {holds}: {who[1]} second "
                "factor may be accepted from their home tenant and whose accounts leave with another "
                "organisation; "
                "limit requestors to this tenant's users (AllExistingDirectoryMemberUsers or "
                "SpecificDirectorySubjects)",
            ))
    return out
