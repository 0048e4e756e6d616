"""Entra groups with dynamic membership holding a function (round 37): their members are whoever matches a
rule over directory attributes (`user.department -eq "ICT Operations"`), so no person decides who holds the
function and the people holding the other functions match the same rule as easily; whoever may edit the
attribute (User Administrators, an HR sync) hands the function out. Separation cannot be judged: the
function goes to an assigned group (members declared, or PIM for Groups)."""

from __future__ import annotations

from policies.core.view import ResourceView, StackGraph, is_unknown

GROUP = "azuread:index/group:Group"


def _dynamic(g: ResourceView) -> bool:
    types = g.input("types")
    rule = g.input("dynamicMembership")
    if is_unknown(types) or is_unknown(rule):
        return True  # cannot be read: fail closed
    by_type = isinstance(types, list) and any(str(t).lower() == "dynamicmembership" for t in types)
    return by_type or (isinstance(rule, dict) and rule.get("enabled") is not False and bool(rule.get("rule")))


def dynamic_holders(
    graph: StackGraph, held: dict[str, set[str]], first: dict[str, str]
) -> list[tuple[str, str]]:
    groups: dict[str, ResourceView] = {}
    for g in graph.by_type(GROUP):
        if _dynamic(g):
            oid = g.input("objectId")
            groups[g.urn] = g
            if isinstance(oid, str) and not is_unknown(oid):
                groups[oid.lower()] = g
    out = []
    for key, fns in held.items():
        if fns and (g := groups.get(key)) is not None:
            out.append(
                (
                    first.get(key, g.urn),
                    f"the Entra group {g.name} has dynamic membership and holds {', '.join(sorted(fns))}: "
                    "whoever matches its rule (or whoever may edit the attribute it reads) holds the "
                    "function, so separation of duties cannot be judged; grant functions to an assigned "
                    "group whose members are declared, or through PIM for Groups",
                )
            )
    return out
