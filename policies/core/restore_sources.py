"""Where restores come from and where they may go (red-team round 43).

A Cosmos DB account or container restored to a point in time (`createMode: Restore`) names its source as a
restorable account: `/subscriptions/<s>/providers/Microsoft.DocumentDB/locations/<region>/
restorableDatabaseAccounts/<instanceId>`, an id under a location whose last segment is the source account's
`instanceId` output. Its location places the backup, not whose data it is: another subscription's account
(of this tenant or another) hands the stack data it cannot place. The id resolves only to the stack's Cosmos
DB account with that `instanceId` in the same subscription; any other is a reference that is neither a
resource of the stack nor a declared endpoint (policies/core/resolution.py).

A backup vault lets anyone with restore rights in another subscription of the tenant restore its recovery
points there (cross-subscription restore), and Azure enables it on every vault unless it is set otherwise
("Disable Cross Subscription Restore for Backup Vaults ... so that restore targets cannot be in different
subscription from the vault subscription", Azure Policy built-in). A restore is a copy into resources this
stack neither creates nor places, which that subscription keeps or copies where it likes: like an id of
another subscription (unresolved unless declared), so the vault must say `Disabled` or `PermanentlyDisabled`;
the API has no list of trusted subscriptions to judge instead.
"""

from __future__ import annotations

import re

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

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


# type -> the input path of its cross-subscription restore state (absent: the API default, Enabled)
CROSS_SUBSCRIPTION_RESTORE: dict[str, str] = {
    "azure-native:dataprotection:BackupVault":
        "properties.featureSettings.crossSubscriptionRestoreSettings.state",
    "azure-native:recoveryservices:Vault":
        "properties.restoreSettings.crossSubscriptionRestoreSettings.crossSubscriptionRestoreState",
}
_RESTORE_OFF = ("disabled", "permanentlydisabled")


def cross_subscription_restore(view: ResourceView) -> list[str]:
    """Why the vault's backups may be restored into another subscription ([] when they may not)."""
    path = CROSS_SUBSCRIPTION_RESTORE.get(view.type)
    if path is None:
        return []
    value = view.get(path)
    if is_unknown(value):
        return [unknown_message(path, "whether backups can be restored into other subscriptions")]
    if isinstance(value, str) and value.lower() in _RESTORE_OFF:
        return []
    state = "not set (the API's default is 'Enabled')" if value is None else f"{value!r}"
    return [
        f"`{path}` is {state}: anyone with restore rights in another subscription of the tenant can restore "
        "the vault's backups there, into resources this stack neither creates nor places (that subscription "
        "keeps or copies them where it likes); set it to 'Disabled' (or 'PermanentlyDisabled') and restore "
        "into resources of this stack"
    ]
