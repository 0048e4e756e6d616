"""The resource types the PIA conditions judge as data stores: the shared classification (types.py) plus
the stores this pack found missing there (SQL Managed Instance, Azure VMs classified like EC2, snapshot
copies). Kept separate so the SDK-generated classification can replace it (see docs/pia-conditions.md)."""

from __future__ import annotations

from policies.core.types import DATA_BEARING

PIA_EXTRA_DATA_STORES: frozenset[str] = frozenset(
    {
        "azure-native:sql:ManagedInstance",
        "azure-native:compute:VirtualMachine",
        "aws:rds/snapshotCopy:SnapshotCopy",
        # backups kept at the destination of the replication
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "azure-native:cosmosdb:DatabaseAccount",
    }
)
PIA_DATA_STORES: frozenset[str] = DATA_BEARING | PIA_EXTRA_DATA_STORES
