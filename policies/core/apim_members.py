"""Who holds the keys of the stack's API Management products (round 79; disallow-public-data-access, beside
apim_access). Groups decide which products developers see and may subscribe to; the built-in
Administrators, Developers and Guests groups' membership is the system's, a custom group's the program's
(MicrosoftDocs, "api-management-howto-create-groups"). A developer-portal `User` is shown the keys of the
subscriptions it owns; a client application gives its owner, in the portal, credentials for the products
linked to it ("applications", limited preview). So a member, owner or linked product is judged only where the
stack creates it, in the same service (names as apim_access reads them: the identifier decides, a dependency
only where preview cannot know it); a user the stack does not create (one who signed up, the built-in
administrator `1`) is read nowhere and blocks. A user's `password` written in the program is in the source and
the state ("If no value is provided, a default password is generated", the installed SDK's `User`), so a
literal one blocks; a secret or generated one does not.

A product policy (`ProductPolicy`) runs for the product's key holders; where it sends their calls is read by
origin_hosts (apim_policy_targets, round 70), which is all it can change of where data goes, whichever
product it names.

A product published without approval gives a key at once to every member of a group it is shown to (round 80).
Besides the built-in groups (read by apim_access), only a custom `Group` the stack creates in the service has
members the program names (GroupUser, above). A group the stack does not create, or one of type `external` (or
with an `externalId`: an Entra group, "aad://<tenant>/groups/<object id>", whose membership the directory
decides, guests included; MicrosoftDocs "api-management-howto-create-groups" and "api-management-howto-aad")
is read nowhere, so it blocks unless the product asks approval or is not published. A portal identity
provider (`IdentityProvider`) only widens who signs up, which is already taken as anyone (a product shown to
Developers without approval blocks); its `clientSecret` written in the program is in the source and the
state, so a literal one blocks, as a user's password does."""

from __future__ import annotations

from policies.core import apim_access
from policies.core.apim_access import (
    PRODUCT,
    PRODUCT_GROUPS,
    SELF_SERVICE_GROUPS,
    USER,
    _link,
    _same,
    own_user,
)
from policies.core.references import REDACTED
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

GROUP = "azure-native:apimanagement:Group"
GROUP_USER = "azure-native:apimanagement:GroupUser"
CLIENT_APP = "azure-native:apimanagement:ClientApplication"
CLIENT_APP_PRODUCT = "azure-native:apimanagement:ClientApplicationProductLink"
PRODUCT_POLICY = "azure-native:apimanagement:ProductPolicy"  # its targets: origin_hosts
IDENTITY_PROVIDER = "azure-native:apimanagement:IdentityProvider"
CONTROLS = (*apim_access.CONTROLS, USER, GROUP_USER, CLIENT_APP_PRODUCT, PRODUCT_POLICY, IDENTITY_PROVIDER)
BUILT_IN_GROUPS = ("administrators", *SELF_SERVICE_GROUPS)  # membership the system's (apim_access reads them)
_DECLARE = "declare the User in this stack (an Entra identity, no password in the program)"


def user_gap(graph: StackGraph, r: ResourceView, fld: str, what: str) -> str | None:
    """Why `r.fld` names no user of the stack, or None."""
    if own_user(graph, r, fld):
        return None
    named = r.input(fld)
    if is_unknown(named):
        return unknown_message(fld, f"which user {what}")
    return (
        f"{what} user {str(named).rsplit('/', 1)[-1]!r}, which this stack does not create in service "
        f"{r.input('serviceName')!r} (one who signed up on the developer portal, the built-in administrator "
        f"`1`): who that is, and how it signs in, is read nowhere; {_DECLARE}"
    )


_PASSWORD = (
    "the portal user {user!r} is given a password written in the program: it is in the source and the state, "
    "and whoever reads either signs in as the user and reads its subscriptions' keys; leave `password` out "
    "(one is generated) and sign the user in with an Entra identity, or pass it as a secret"
)


def _literal(value: object) -> bool:
    return isinstance(value, str) and not is_unknown(value) and value != REDACTED


def _user(r: ResourceView, graph: StackGraph) -> list[str]:
    return [_PASSWORD.format(user=r.input("userId"))] if _literal(r.input("password")) else []


def _identity_provider(r: ResourceView, graph: StackGraph) -> list[str]:
    if not _literal(r.input("clientSecret")):
        return []
    return [
        f"the portal's identity provider {r.input('identityProviderName') or r.input('type')!r} is given its "
        "application's client secret written in the program: it is in the source and the state, and whoever "
        "reads either signs in as the application; pass it as a secret (an ApplicationPassword's value)"
    ]


_GROUP_REMEDY = (
    "ask approval for every subscription (approvalRequired true), or show the product only to a custom Group "
    "this stack creates, whose members are Users it creates"
)


def _group_gap(group: ResourceView) -> str | None:
    """Why the stack's group has members the program does not name (an Entra group), or None."""
    kind, external = group.input("type"), group.input("externalId")
    if is_unknown(kind) or is_unknown(external):
        return unknown_message("type/externalId", "whose members the group holds")
    if str(kind or "custom").lower() == "custom" and not external:
        return None
    return (
        f"the product, published without approval, is shown to group {group.input('groupId')!r} of type "
        f"{kind!r} (externalId {external!r}): an Entra group whose membership the directory decides, guests "
        f"included, and each member gets a key at once; {_GROUP_REMEDY}"
    )


def _shown_groups(product: ResourceView, graph: StackGraph) -> list[str]:
    """A published product without approval gives a key at once to the members of each group it is shown
    to: the built-in ones are apim_access's, the rest must be custom groups of the stack (GroupUser)."""
    if product.input("state") != "published" or product.input("approvalRequired") not in (None, False):
        return []
    out = []
    for link in graph.by_type(*PRODUCT_GROUPS):
        named = link.input("groupId")
        if is_unknown(named) or not _same(graph, link, "productId", product, "productId"):
            continue  # a group not known at preview: apim_access blocks on the product
        name = str(named).rsplit("/", 1)[-1]
        if name.lower() in BUILT_IN_GROUPS:
            continue
        groups = [g for g in graph.by_type(GROUP) if _same(graph, link, "groupId", g, "groupId")]
        out.extend(gap for g in groups if (gap := _group_gap(g)))
        if not groups:
            out.append(
                f"the product, published without approval, is shown to group {name!r}, which this stack does "
                f"not create in service {link.input('serviceName')!r}: who is in it, and so gets a key at "
                f"once, is read nowhere; {_GROUP_REMEDY}"
            )
    return out


def _group_user(r: ResourceView, graph: StackGraph) -> list[str]:
    out = []
    if not any(_same(graph, r, "groupId", g, "groupId") for g in graph.by_type(GROUP)):
        named = r.input("groupId")
        out.append(unknown_message("groupId", "which group the user joins") if is_unknown(named) else (
            f"the user is put into group {str(named).rsplit('/', 1)[-1]!r}, which this stack does not create "
            f"in service {r.input('serviceName')!r}: which products that group sees, and so what its members "
            "subscribe to, is read nowhere; add members only to a custom Group this stack creates"))
    if gap := user_gap(graph, r, "userId", "the group member is"):
        out.append(gap)
    return out


def _client_app_link(r: ResourceView, graph: StackGraph) -> list[str]:
    """The product must be the stack's (apim_access reads who may use it), the application the stack's, owned
    by a user of the stack: its owner reads the application's credentials in the portal."""
    out = _link(r, graph)
    fld = "clientApplicationId"
    apps = [a for a in graph.by_type(CLIENT_APP) if _same(graph, r, fld, a, fld)]
    if not apps:
        named = r.input(fld)
        out.append(unknown_message(fld, "which application gets the product")
                   if is_unknown(named) else
                   f"client application {named!r} is no ClientApplication this stack creates in service "
                   f"{r.input('serviceName')!r}: who owns it, and so reads its credentials, is read nowhere; "
                   "declare the application in this stack, owned by a User it creates")
    owned = "its client application is owned by"
    out.extend(gap for a in apps if (gap := user_gap(graph, a, "ownerId", owned)))
    return out


EXTRA_CHECKS = (
    *apim_access.EXTRA_CHECKS,
    (USER, _user), (GROUP_USER, _group_user), (CLIENT_APP_PRODUCT, _client_app_link),
    (PRODUCT, _shown_groups), (IDENTITY_PROVIDER, _identity_provider),  # round 80
)
