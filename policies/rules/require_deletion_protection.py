"""Stateful resources (data stores, keys, log archives) are protected against deletion: R2016 (data must
not get lost, exit strategy), CLOUD "Servers" (backups quickly restorable)."""

from __future__ import annotations

import re
from typing import Any

from policies.core.helpers import is_transient
from policies.core.pia_types import PIA_DATA_STORES
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

TRANSIENT_TYPES = frozenset({"aws:sns/topic:Topic", "aws:sqs/queue:Queue"})
_LOCKS = (
    "azure-native:authorization:ManagementLockAtResourceGroupLevel",
    "azure-native:authorization:ManagementLockByScope",
    "azure-native:authorization:ManagementLockAtResourceLevel",
)

# type -> (field, value that means protected, value when absent is protected?)
SERVICE_FLAGS: dict[str, tuple[tuple[str, Any, bool], ...]] = {
    "aws:rds/instance:Instance": (
        ("deletionProtection", True, False),
        ("deleteAutomatedBackups", False, False),
    ),
    "aws:rds/cluster:Cluster": (("deletionProtection", True, False),),
    "aws:docdb/cluster:Cluster": (("deletionProtection", True, False),),
    "aws:neptune/cluster:Cluster": (("deletionProtection", True, False),),
    "aws:dynamodb/tableReplica:TableReplica": (("deletionProtectionEnabled", True, False),),
    "aws:backup/vault:Vault": (("forceDestroy", False, True),),
    "aws:dynamodb/table:Table": (("deletionProtectionEnabled", True, False),),
    "aws:s3/bucket:Bucket": (("forceDestroy", False, True),),
    "aws:s3/bucketV2:BucketV2": (("forceDestroy", False, True),),
    "aws:s3/directoryBucket:DirectoryBucket": (("forceDestroy", False, True),),
    "aws:s3tables/tableBucket:TableBucket": (("forceDestroy", False, True),),
    "aws:ecr/repository:Repository": (("forceDelete", False, True),),
    "aws:opensearch/domain:Domain": (),
    "aws:qldb/ledger:Ledger": (("deletionProtection", True, True),),
    "azure-native:appconfiguration:ConfigurationStore": (("enablePurgeProtection", True, False),),
    "aws:cloudtrail/eventDataStore:EventDataStore": (("terminationProtectionEnabled", True, True),),
    # not data stores of the closed world's tables, but what they hold cannot be recreated (round 11): the
    # controller's HSM and its keys; an Aurora global cluster (a global type) and its member clusters
    "azure-native:keyvault:ManagedHsm": (
        ("properties.enablePurgeProtection", True, False),
        ("properties.enableSoftDelete", True, True),
    ),
    "aws:rds/globalCluster:GlobalCluster": (
        ("deletionProtection", True, False),
        ("forceDestroy", False, True),
    ),
    # round 12: the other engines' global clusters, like Aurora's
    "aws:docdb/globalCluster:GlobalCluster": (("deletionProtection", True, False),),
    "aws:neptune/globalCluster:GlobalCluster": (("deletionProtection", True, False),),
    "azure-native:keyvault:Vault": (
        ("properties.enablePurgeProtection", True, False),
        ("properties.enableSoftDelete", True, True),
    ),
    # round 16: stores outside the closed world's tables (it blocks them too) judged like the others, so the
    # message says what to set: a user pool's own protection, Lightsail's final snapshot and bucket contents
    "aws:cognito/userPool:UserPool": (("deletionProtection", "ACTIVE", False),),
    "aws:lightsail/database:Database": (("skipFinalSnapshot", False, True),),
    "aws:lightsail/bucket:Bucket": (("forceDelete", False, True),),
}


# Backup vaults whose soft delete keeps deleted recovery points (round 14): Off/Disabled purges them at once.
# Unset is the service default (On, 14 days).
SOFT_DELETE: dict[str, str] = {
    "azure-native:dataprotection:BackupVault": "properties.securitySettings.softDeleteSettings.state",
    "azure-native:recoveryservices:Vault": "properties.securitySettings.softDeleteSettings.softDeleteState",
}


# Round 22: soft delete On (or unset) can be switched off by whoever may write the vault, and then the points
# are purged; only AlwaysOn or a Locked immutability setting cannot be undone.
IMMUTABILITY: dict[str, str] = {
    t: "properties.securitySettings.immutabilitySettings.state" for t in SOFT_DELETE
}
_IRREVERSIBLE = ("alwayson",)


def _soft_delete(r: ResourceView) -> list[str]:
    fld = SOFT_DELETE.get(r.type)
    if not fld:
        return []
    value, imm = r.get(fld), r.get(IMMUTABILITY[r.type])
    if is_unknown(value):
        return [unknown_message(fld, "whether deleted backups are kept")]
    if isinstance(value, str) and value.lower() in ("off", "disabled"):
        return [f"`{fld}` is {value!r}: deleted backups are purged at once; set it On or AlwaysOn"]
    if isinstance(value, str) and value.lower() in _IRREVERSIBLE:
        return []
    if is_unknown(imm):
        return [unknown_message(IMMUTABILITY[r.type], "whether the backups can be purged")]
    if not (isinstance(imm, str) and imm.lower() == "locked"):
        return [
            f"`{fld}` is {value if value is not None else 'unset (On)'!r} and `{IMMUTABILITY[r.type]}` is "
            f"{imm!r}: whoever may write the vault switches soft delete off and purges the backups; set soft "
            "delete AlwaysOn or immutability Locked"
        ]
    return []


_VAULT_LOCK = ("aws:backup/vaultLockConfiguration:VaultLockConfiguration",)


def _vault_lock(r: ResourceView, graph: StackGraph) -> list[str]:
    """An AWS Backup vault needs a vault lock of the stack in compliance mode (`changeableForDays` set):
    without one, whoever may delete recovery points empties it; a governance lock is lifted by an admin."""
    if r.type != "aws:backup/vault:Vault":
        return []
    name = r.input("name")
    names = [name] if isinstance(name, str) and not is_unknown(name) else []
    locks = graph.referring(_VAULT_LOCK, "backupVaultName", r.urn, names)
    if not locks:
        return [
            "no VaultLockConfiguration of this stack locks the vault: whoever may delete recovery points "
            "empties it; add one in compliance mode (`changeableForDays` set)"
        ]
    if any(is_unknown(x.input("changeableForDays")) for x in locks):
        return [unknown_message("changeableForDays", "the vault lock's mode")]
    if all(x.input("changeableForDays") is None for x in locks):
        return [
            "the vault lock has no `changeableForDays`: it is in governance mode, which a privileged user "
            "lifts; set `changeableForDays` (compliance mode)"
        ]
    return []


_KEPT = frozenset(
    {
        "azure-native:keyvault:ManagedHsm",
        "aws:rds/globalCluster:GlobalCluster",
        "aws:docdb/globalCluster:GlobalCluster",
        "aws:neptune/globalCluster:GlobalCluster",
        "aws:cognito/userPool:UserPool",
        "aws:lightsail/database:Database",
        "aws:lightsail/bucket:Bucket",
        "aws:lightsail/disk:Disk",
    }
)


def _flags(r: ResourceView) -> list[str]:
    out = []
    for field, good, absent_ok in SERVICE_FLAGS.get(r.type, ()):
        value = r.get(field)
        if is_unknown(value):
            out.append(unknown_message(field, "the deletion protection"))
        elif value is None:
            if not absent_ok:
                out.append(f"`{field}` is not set; set it to {good!r}")
        elif value != good:
            out.append(f"`{field}` is {value!r}; set it to {good!r}")
    out.extend(_soft_delete(r))
    if r.type == "aws:secretsmanager/secret:Secret" and r.input("recoveryWindowInDays") == 0:
        out.append("`recoveryWindowInDays` is 0: the secret would be deleted without recovery window")
    if r.type == "aws:kms/key:Key":
        window = r.input("deletionWindowInDays")
        if isinstance(window, int | float) and window < 30:
            out.append(f"`deletionWindowInDays` is {window!r}; keep the 30-day window")
    return out


_LOCK_PREFIX = "azure-native:authorization:ManagementLock"
_SUBSCRIPTION = re.compile(r"/subscriptions/([^/]+)/", re.IGNORECASE)
_CONTAINERS = (
    "resourceGroupName",
    "vaultName",
    "accountName",
    "serverName",
    "workspaceName",
    "managedInstanceName",
)


class _Locks:
    """The scopes the stack's CanNotDelete/ReadOnly locks cover, indexed once: a lock covers its scope and
    everything below it — never what merely depends on it."""

    def __init__(self, graph: StackGraph):
        self.graph = graph
        self.subscriptions: set[str] = set()  # subscription ids locked as a whole
        self._stack_subscriptions: set[str] | None = None
        # resource group names and URNs of locked groups -> the subscriptions the locks were made in: a
        # same-named group in another subscription is another group
        self.groups: dict[str, set[str]] = {}
        self.urns: set[str] = set()  # locked resources (children inherit through their container fields)
        for lock in graph.by_type(*_LOCKS):
            if lock.input("level") not in ("CanNotDelete", "ReadOnly"):
                continue
            if lock.type.endswith("AtResourceGroupLevel"):
                subs = self._subscription_of(lock)
                deps = lock.property_dependencies.get("resourceGroupName", ())
                for key in (*deps, lock.input("resourceGroupName")):
                    self._add_group(key, subs)
            elif lock.type.endswith("ByScope"):
                self._by_scope(lock)
            else:
                name = lock.input("resourceName")
                if isinstance(name, str) and not is_unknown(name):
                    self.urns.update(
                        r.urn
                        for r in graph.named(name)
                        if r.input("resourceGroupName") == lock.input("resourceGroupName")
                    )

    def _add_group(self, key: object, subs: set[str]) -> None:
        if isinstance(key, str) and not is_unknown(key):
            self.groups.setdefault(key, set()).update(subs)

    def _by_scope(self, lock: ResourceView) -> None:
        deps = lock.property_dependencies.get("scope", ())
        groups = {u for u in deps if (r := self.graph.get(u)) and r.type.endswith(":ResourceGroup")}
        for g in groups:
            self._add_group(g, self._subscription_of(lock))
        self.urns.update(set(deps) - groups)
        scope = lock.input("scope")
        if deps or not isinstance(scope, str) or is_unknown(scope):
            return
        parts = scope.strip("/").split("/")
        if len(parts) == 2 and parts[0].lower() == "subscriptions":
            self.subscriptions.add(parts[1].lower())
        elif len(parts) == 4 and parts[2].lower() == "resourcegroups":
            self._add_group(parts[3], {parts[1].lower()})
        else:
            self.urns.update(r.urn for r in self.graph.named(parts[-1]))

    def _subscription_of(self, r: ResourceView) -> set[str]:
        """The resource's subscription: its provider's `subscriptionId`, else (ambient credentials) the
        subscriptions the stack's own ARM ids name (none named: the ambient one, ""); a lock on any other
        subscription covers nothing here."""
        sub = r.provider.inputs.get("subscriptionId") if r.provider is not None else None
        if isinstance(sub, str) and sub and not is_unknown(sub):
            return {sub.lower()}
        if self._stack_subscriptions is None:
            self._stack_subscriptions = {
                m.group(1).lower()
                for x in self.graph.resources
                if x.type.startswith("azure-native:") and not x.type.startswith(_LOCK_PREFIX)
                for v in x.inputs.values()
                if isinstance(v, str)
                for m in _SUBSCRIPTION.finditer(v)
            } or {""}
        return self._stack_subscriptions

    def cover(self, r: ResourceView) -> bool:
        if self.subscriptions and self.subscriptions & self._subscription_of(r):
            return True
        rg = r.input("resourceGroupName")
        keys = (rg, *r.property_dependencies.get("resourceGroupName", ()))
        subs = self._subscription_of(r)
        if any(isinstance(k, str) and self.groups.get(k, set()) & subs for k in keys):
            return True
        containers = {u for f in _CONTAINERS for u in r.property_dependencies.get(f, ())} | {r.urn}
        return bool(containers & self.urns)


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    locks = _Locks(graph)
    for r in graph.resources:
        stateful = r.type in PIA_DATA_STORES or r.type in _KEPT
        if not stateful or r.type in TRANSIENT_TYPES or is_transient(r):
            continue
        if not r.protect:
            out.append((r.urn, "the resource is not `protect`ed: Pulumi could delete it with its data"))
        out.extend((r.urn, m) for m in _flags(r) + _vault_lock(r, graph))
        if r.cloud == "azure" and not locks.cover(r):
            out.append((r.urn, "no CanNotDelete management lock covers the resource or its resource group"))
    return out


RULE = Rule(
    id="require-deletion-protection",
    title="Every stateful resource is protected against deletion by Pulumi and by the cloud service.",
    severity="high",
    remediation="Set `protect=True` and the service's deletion protection (RDS deletionProtection, no "
    "forceDestroy, Key Vault purge protection, a CanNotDelete lock on Azure resource groups).",
    controls=("LOC-04", "LOC-03", "LOG-04"),
    check=check,
    module=__name__,
    scope="stack",
)
