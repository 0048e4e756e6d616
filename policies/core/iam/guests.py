"""Guests holding administration (round 25): an `azuread.Invitation` brings a person of another tenant into
the directory. Whether Conditional Access's MFA is performed here or accepted from the guest's home tenant
(cross-tenant access settings) lies outside the program, and the guest's account lives and leaves with
another organisation; a guest who holds one of R2016's functions or key use, directly or through (nested)
groups, cannot be judged and blocks."""

from __future__ import annotations

from policies.core.iam.azure import inherit_through_groups
from policies.core.view import StackGraph, is_unknown

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


# Round 44: the statement is one of a tenant's own cross-tenant access settings (the inbound trust of the
# directory the guests are users of), so it excuses only for the tenant the program deploys into: the one the
# stack names (its azuread or azure-native providers' `tenantId`, a Key Vault's or Managed HSM's
# `properties.tenantId`, which Azure requires to be the subscription's tenant). Several named: every one must
# be stated (a literal user may be in any); none named: no statement can be matched to the users' directory.
# Round 45: a SQL server's or Managed Instance's Entra administrator names the tenant it signs in through
# (`tenantId`); another tenant there is a directory whose inbound trust must be stated as well.
TENANT_INPUTS = {
    "azure-native:keyvault:Vault": "properties.tenantId",
    "azure-native:keyvault:ManagedHsm": "properties.tenantId",
    "azure-native:sql:Server": "administrators.tenantId",
    "azure-native:sql:ManagedInstance": "administrators.tenantId",
    "azure-native:sql:ServerAzureADAdministrator": "tenantId",
    "azure-native:sql:ManagedInstanceAdministrator": "tenantId",
}


def sql_admin_users(graph: StackGraph) -> dict[str, str]:
    """{object id: URN} of SQL Entra administrators named by a literal id that may be users (principalType
    User, or none given): as any literal user, they sign in through the tenant their `tenantId` names."""
    out: dict[str, str] = {}
    for t, base in (("Server", "administrators."), ("ManagedInstance", "administrators."),
                    ("ServerAzureADAdministrator", ""), ("ManagedInstanceAdministrator", "")):
        for r in graph.by_type(f"azure-native:sql:{t}"):
            sid, kind = r.get(base + "sid"), r.get(base + "principalType")
            literal = isinstance(sid, str) and not is_unknown(sid)
            if literal and kind in (None, "User") and not graph.dependency_of(r, base.rstrip(".") or "sid"):
                out.setdefault(str(sid).lower(), r.urn)
    return out


def stack_tenants(graph: StackGraph) -> set[str]:
    """The Entra tenant ids the program names for the directory and subscriptions it deploys into."""
    found = []
    for r in graph.resources:
        if r.type.startswith(("azuread:", "azure-native:")) and r.provider is not None:
            found.append(r.provider.inputs.get("tenantId"))
        if r.type in TENANT_INPUTS:
            found.append(r.get(TENANT_INPUTS[r.type]))
    return {t.lower() for t in found if isinstance(t, str) and not is_unknown(t)}


def _unstated(graph: StackGraph, entries: list[dict]) -> str | None:
    """Which of the stack's tenants the record does not state to trust no external MFA (None: all are)."""
    tenants = stack_tenants(graph)
    trusted = {str(e.get("tenant")).lower() for e in entries if e.get("inbound_mfa_trust") == "none"}
    if tenants and tenants <= trusted:
        return None
    if not tenants:
        return (
            "the stack's tenant (the program names none: set the azuread provider's tenantId, so that a "
            "statement can be matched to the directory its users are in)"
        )
    return "tenant " + ", ".join(sorted(tenants - trusted))


def literal_user_admins(
    graph: StackGraph, admins: dict[str, str], users: dict[str, str], entries: list[dict], recorded: set[str]
) -> list[tuple[str, str]]:
    """Users named by a literal id holding a function or key use, unless the record states that the stack's
    tenant trusts no external MFA (then Conditional Access's MFA is performed here for guests too)."""
    held = {k: {what} for k, what in admins.items()}
    inherit_through_groups(graph, held, {})
    named = [(key, urn) for key, urn in users.items() if held.get(key) and key not in recorded]
    unstated = _unstated(graph, entries) if named else None
    if unstated is None:
        return []
    return [
        (
            urn,
            f"user {key} is named by a literal object id and holds {', '.join(sorted(held[key]))}: it may be "
            "a guest, whose second factor the tenant may accept from its home tenant (cross-tenant access "
            f"settings, outside the program); record the inbound MFA trust of {unstated} in the PIA record "
            f"({EXTERNAL_MFA}: [{{tenant, inbound_mfa_trust: none, verified_on: YYYY-MM-DD}}])",
        )
        for key, urn in named
    ]
