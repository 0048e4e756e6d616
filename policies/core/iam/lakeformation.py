"""Functions that Lake Formation hands out outside IAM: a grant WITH GRANT OPTION lets its holder give data
access to others (access rights), ALL/ALTER/CREATE_*/DROP change the catalogue's structure (database
structure), and a data lake administrator holds both. require-separation-of-duties adds these to what IAM
gives the same role or user."""

from __future__ import annotations

from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown

PERMISSIONS = "aws:lakeformation/permissions:Permissions"
SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
STRUCTURE = frozenset({"ALL", "ALTER", "CREATE_DATABASE", "CREATE_TABLE", "DROP", "CREATE_CATALOG"})
ADMIN = ("database structure", "access rights")
EVERYONE = "IAM_ALLOWED_PRINCIPALS"


def _strings(value: Any) -> list[str]:
    return [str(v).upper() for v in value] if isinstance(value, list) else []


def _grant_functions(p: ResourceView) -> set[str]:
    fns = set()
    if set(_strings(p.input("permissions"))) & STRUCTURE:
        fns.add("database structure")
    if _strings(p.input("permissionsWithGrantOptions")):
        fns.add("access rights")
    return fns


def grants(graph: StackGraph) -> list[tuple[ResourceView, Any, set[str]]]:
    """(resource, principal as written or an unknown, functions) of every Lake Formation grant and admin
    (computed once per graph: every principal of the stack asks)."""
    return graph.once("lakeformation_grants", lambda: _grants(graph))


def _grants(graph: StackGraph) -> list[tuple[ResourceView, Any, set[str]]]:
    out = []
    for p in graph.by_type(PERMISSIONS):
        fns = _grant_functions(p)
        if fns:
            out.append((p, p.input("principal"), fns))
    for s in graph.by_type(SETTINGS):
        admins = s.input("admins")
        for a in [admins] if is_unknown(admins) else admins or []:
            out.append((s, a, set(ADMIN)))
    return out


def held_by(view: ResourceView, physical_name: str, kind: str, graph: StackGraph) -> set[str]:
    """The Lake Formation functions of one role or user of the stack (by ARN suffix or by reference)."""
    fns: set[str] = set()
    for holder, principal, given in grants(graph):
        deps = {u for us in holder.property_dependencies.values() for u in us}
        named = _names(principal, kind, physical_name)
        if named or (view.urn in deps and holder.type == PERMISSIONS):
            fns |= given
    return fns


def _names(principal: Any, kind: str, name: str) -> bool:
    """`arn:aws:iam::<account>:<kind>/<optional path/><name>` names the role or user."""
    if not isinstance(principal, str) or f":{kind}/" not in principal:
        return False
    return principal.rsplit("/", 1)[-1] == name


def undeclared(graph: StackGraph, known: set[str]) -> list[tuple[str, str]]:
    """Grants of functions to someone the stack does not declare (another account, everyone with IAM
    rights, an unknown principal): who holds them cannot be judged (closed world, as for IAM policies)."""
    out = []
    for holder, principal, given in grants(graph):
        deps = {u for us in holder.property_dependencies.values() for u in us}
        if is_unknown(principal) and not deps & known:
            out.append(
                (
                    holder.urn,
                    f"a Lake Formation principal is unknown, so who holds {_fns(given)} cannot be judged",
                )
            )
        elif isinstance(principal, str) and principal == EVERYONE:
            out.append(
                (
                    holder.urn,
                    f"Lake Formation gives {_fns(given)} to IAM_ALLOWED_PRINCIPALS: everyone "
                    "whose IAM policies reach the catalogue",
                )
            )
        elif isinstance(principal, str) and principal.rsplit("/", 1)[-1] not in known and not (deps & known):
            out.append(
                (
                    holder.urn,
                    f"Lake Formation gives {_fns(given)} to {principal!r}, which this stack does "
                    "not declare: who holds it cannot be judged (declare the role or user in the stack)",
                )
            )
    return out


def _fns(given: set[str]) -> str:
    return ", ".join(sorted(given))
