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


# Round 26: a guest need not be invited by the program; one invited in the portal is named by the literal
# object id of its guest account, which the program cannot tell from an employee's. Conditional Access
# covering all users covers guests too, but whether the tenant performs their MFA or accepts it from their
# home tenant is the cross-tenant access settings' inbound trust, outside the program: the PIA record states
# it per tenant.
EXTERNAL_MFA = "entra_external_mfa"
GROUP_MEMBER = "azuread:index/groupMember:GroupMember"


def literal_users(graph: StackGraph, grants: dict[str, str]) -> dict[str, str]:
    """{object id: URN naming it} of users given by a literal id: `grants` (role grants to users) and group
    members not taken from a resource of the stack (a literal member may be a user: fail closed)."""
    out = dict(grants)
    for m in graph.by_type(GROUP_MEMBER):
        member = m.input("memberObjectId")
        if not graph.dependency_of(m, "memberObjectId") and isinstance(member, str):
            out.setdefault(member.lower(), m.urn)
    return out


def literal_user_admins(
    graph: StackGraph, admins: dict[str, str], users: dict[str, str], entries: list[dict], recorded: set[str]
) -> list[tuple[str, str]]:
    """Users named by a literal id holding a function or key use, unless the record states that no external
    MFA is trusted (then Conditional Access's MFA is performed here for guests too)."""
    if any(e.get("inbound_mfa_trust") == "none" for e in entries):
        return []
    held = {k: {what} for k, what in admins.items()}
    inherit_through_groups(graph, held, {})
    return [
        (
            urn,
            f"user {key} is named by a literal object id and holds {', '.join(sorted(held[key]))}: it may be "
            "a guest, whose second factor the tenant may accept from its home tenant (cross-tenant access "
            "settings, outside the program); record the tenant's inbound MFA trust in the PIA record "
            f"({EXTERNAL_MFA}: [{{tenant, inbound_mfa_trust: none, verified_on: YYYY-MM-DD}}])",
        )
        for key, urn in users.items()
        if held.get(key) and key not in recorded
    ]
