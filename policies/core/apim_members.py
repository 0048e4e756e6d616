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
product it names."""

from __future__ import annotations

from policies.core import apim_access
from policies.core.apim_access import USER, _link, _same, own_user
from policies.core.references import REDACTED
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

GROUP = "azure-native:apimanagement:Group"
GROUP_USER = "azure-native:apimanagement:GroupUser"
CLIENT_APP = "azure-native:apimanagement:ClientApplication"
CLIENT_APP_PRODUCT = "azure-native:apimanagement:ClientApplicationProductLink"
PRODUCT_POLICY = "azure-native:apimanagement:ProductPolicy"  # its targets: origin_hosts
CONTROLS = (*apim_access.CONTROLS, USER, GROUP_USER, CLIENT_APP_PRODUCT, PRODUCT_POLICY)
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


def _user(r: ResourceView, graph: StackGraph) -> list[str]:
    password = r.input("password")
    literal = isinstance(password, str) and not is_unknown(password) and password != REDACTED
    return [_PASSWORD.format(user=r.input("userId"))] if literal else []


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
)
