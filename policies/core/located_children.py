"""Children below a resource of the stack that have a place of their own (red-team round 42).

An Azure id below a resource of the stack resolves to that resource (a container of the stack's storage
account, a database of its server): such children live where their parent lives. A Site Recovery fabric does
not: it is a child of the vault whose `customDetails.location` is the region it stands for, and every
protection container, network and mapping below it is in that region. An id below such a child resolves only
to the stack's own child of that name under the same parent (whose place is judged there), never to the
parent; any other is a reference that is neither a resource of the stack nor a declared endpoint.
"""

from __future__ import annotations

import re

from policies.core.view import ResourceView, StackGraph

# The id segment (lower case) of a child with a place of its own -> its type, the input naming it, the input
# naming its parent.
LOCATED: dict[str, tuple[str, str, str]] = {
    "replicationfabrics": ("azure-native:recoveryservices:ReplicationFabric", "fabricName", "resourceName"),
}
_BELOW = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/([^/]+)/providers/[^/]+/[^/]+/([^/]+)/([^/]+)/([^/]+)"
)


def located_child(rid: str, graph: StackGraph) -> tuple[bool, ResourceView | None]:
    """Whether the (lower-case) Azure id lies below a child with a place of its own, and the stack's child it
    names (None: not one of the stack's)."""
    m = _BELOW.match(rid)
    if m is None or m.group(3) not in LOCATED:
        return False, None
    typ, key, parent_key = LOCATED[m.group(3)]
    want = (m.group(1), m.group(2), m.group(4))
    return True, next((r for r in graph.by_type(typ)
                       if (_low(r.input("resourceGroupName")), _low(r.input(parent_key)), _low(r.input(key)))
                       == want), None)


def _low(value: object) -> str | None:
    return value.lower() if isinstance(value, str) else None
