"""Restore sources named by an id that is not the source's own (red-team round 43).

A Cosmos DB account or container restored to a point in time (`createMode: Restore`) names its source as a
restorable account: `/subscriptions/<s>/providers/Microsoft.DocumentDB/locations/<region>/
restorableDatabaseAccounts/<instanceId>`, an id under a location whose last segment is the source account's
`instanceId` output. Its location places the backup, not whose data it is: another subscription's account
(of this tenant or another) hands the stack data it cannot place. The id resolves only to the stack's Cosmos
DB account with that `instanceId` in the same subscription; any other is a reference that is neither a
resource of the stack nor a declared endpoint (policies/core/resolution.py).
"""

from __future__ import annotations

import re

from policies.core.view import ResourceView, StackGraph

COSMOS_ACCOUNT = "azure-native:cosmosdb:DatabaseAccount"
RESTORABLE_ID = re.compile(
    r"^(/subscriptions/[^/]+)/providers/microsoft\.documentdb/locations/([^/]+)/restorabledatabaseaccounts/([^/]+)$"
)


def restored_account(rid: str, graph: StackGraph) -> tuple[bool, ResourceView | None]:
    """Whether the (lower-case) Azure id names a restorable Cosmos DB account, and the stack's account it is
    (None: not one of the stack's)."""
    m = RESTORABLE_ID.match(rid)
    if m is None:
        return False, None
    sub, instance = m.group(1) + "/", m.group(3)
    return True, next((r for r in graph.by_type(COSMOS_ACCOUNT)
                       if str(r.input("instanceId", "")).lower() == instance
                       and str(r.input("id", "")).lower().startswith(sub)), None)
