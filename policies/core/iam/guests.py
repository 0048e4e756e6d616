"""Guests holding administration (round 25): an `azuread.Invitation` brings a person of another tenant into
the directory. Whether Conditional Access's MFA is performed here or accepted from the guest's home tenant
(cross-tenant access settings) lies outside the program, and the guest's account lives and leaves with
another organisation; a guest who holds one of R2016's functions or key use, directly or through (nested)
groups, cannot be judged and blocks."""

from __future__ import annotations

from policies.core.iam.azure import inherit_through_groups
from policies.core.view import StackGraph

INVITATION = "azuread:index/invitation:Invitation"


def guest_admins(graph: StackGraph, admins: dict[str, str]) -> list[tuple[str, str]]:
    """Invited guests among `admins` (directory object key -> what it administers), groups followed."""
    invitations = graph.by_type(INVITATION)
    if not invitations:
        return []
    held = {k: {what} for k, what in admins.items()}
    where: dict[str, str] = {}
    inherit_through_groups(graph, held, where)
    out = []
    for inv in invitations:
        what = held.get(inv.urn)
        if what:
            out.append(
                (
                    inv.urn,
                    f"the invited guest {inv.input('userEmailAddress')!r} holds {', '.join(sorted(what))}"
                    + (" through a group membership" if inv.urn in where else "")
                    + ": a guest's second factor may be accepted from its home tenant (cross-tenant access "
                    "settings, outside the program) and its account leaves with another organisation, so its "
                    "MFA cannot be judged; give administration to accounts of this tenant only",
                )
            )
    return out
