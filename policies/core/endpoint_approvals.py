"""Private endpoint connections a program approves on its own resources (round 80), for outside_parties.py.

A private endpoint of any subscription or tenant may ask to connect to the stack's storage account, vault or
database; once the connection is `Approved` its owner reads the data from its own network, wherever that is.
An endpoint whose creator holds rights on the resource is approved without asking (Azure Private Link,
"Manage Azure private endpoints": the approval process is for a service consumer and provider apart), so a
connection the program itself approves is another party's request. Which endpoint asked is the connection's
`properties.privateEndpoint.id`, an output no input names: closed world, the approval blocks. A pending,
rejected or disconnected state grants nothing. Round 81: the organisation's own endpoint in another
subscription (whose identity has no rights here) passes when its connection is declared in stacks/records/
endpoints.yaml with its region: an `azureIds` entry ending in `/privateEndpointConnections/<its name>`
(Azure names it after the endpoint, with a GUID: one endpoint's request).
"""

from __future__ import annotations

from policies.core.private_link_types import CONNECTION_PARENTS
from policies.core.view import ResourceView, is_unknown

Found = tuple[str, str, str]
CONNECTIONS = frozenset(f"azure-native:{t}" for t in CONNECTION_PARENTS) | {
    "azure-native:network:PrivateLinkServicePrivateEndpointConnection"}
_STATE = "privateLinkServiceConnectionState"
_GRANTS_NOTHING = frozenset(("pending", "rejected", "disconnected"))


def approved_connections(view: ResourceView) -> list[Found]:
    """The connection state a program sets on a private endpoint connection, unless it grants nothing."""
    if view.type not in CONNECTIONS:
        return []
    path = _STATE if view.input(_STATE) is not None else f"properties.{_STATE}"
    status = view.get(f"{path}.status")
    if isinstance(status, str) and not is_unknown(status) and status.strip().lower() in _GRANTS_NOTHING:
        return []
    name = view.input(_NAME.get(view.type, "privateEndpointConnectionName"))
    if isinstance(name, str) and not is_unknown(name) and name.strip():
        return [(f"{path}.status", "approval", name.strip())]  # judged against the record (destinations.py)
    return [(f"{path}.status", "site", approval_problem(status))]


# The input naming the connection, where it is not `privateEndpointConnectionName`.
_NAME = {"azure-native:network:PrivateLinkServicePrivateEndpointConnection": "peConnectionName"}


def approval_problem(status: object, name: str | None = None) -> str:
    which = f" {name!r}" if name else ""
    return (f"the program sets the private endpoint connection{which} to {status!r}: a private endpoint the "
            "program approves is one whose owner has no rights on the resource (the stack's own endpoints "
            "are approved when created), so another subscription or tenant reads the data from its network, "
            "wherever that is; connect the stack's own private endpoints (created in the stack, approved "
            "automatically), leave other parties' requests pending or rejected, or declare the "
            "organisation's own connection (azureIds: [<resource id>/privateEndpointConnections/<name>]) "
            "with its region in stacks/records/endpoints.yaml")
