"""Backups exist, are quickly restorable and stay in allowed EEA regions (CLOUD "Servers": Europe, backups
included; R2016 exit strategy)."""

from __future__ import annotations

from policies.core.location import (
    ALLOWED_REGIONS_SCHEMA,
    AZURE_PAIRS,
    allowed,
    arn_region,
    effective_location,
    region_verdict,
)
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, is_unknown, unknown_message

MIN_RETENTION_DAYS = 7


def _retention(v: ResourceView, field: str) -> list[str]:
    days = v.input(field)
    if is_unknown(days):
        return [unknown_message(field, "the backups")]
    if not isinstance(days, int | float) or days < MIN_RETENTION_DAYS:
        return [f"`{field}` is {days!r}; keep automated backups at least {MIN_RETENTION_DAYS} days"]
    return []


# Copies of snapshots: `destinationRegion` when the type has one (Redshift, RDS cross-region), else the
# region of the provider creating the copy.
SNAPSHOT_COPIES = frozenset(
    {
        "aws:redshift/snapshotCopy:SnapshotCopy",
        "aws:rds/snapshotCopy:SnapshotCopy",
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
        "aws:ebs/snapshotCopy:SnapshotCopy",
        "aws:ec2/amiCopy:AmiCopy",
    }
)

# Multi-Region key replicas: a copy of the key material, which decrypts every copy of the data (round 15).
KEY_REPLICAS = frozenset({"aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"})


# Round 42: each replica of a global table has its own point-in-time recovery (off by default).
_NO_REPLICA_PITR = (
    "{what} is not true (default false): this replica of the global table has no point-in-time recovery of "
    "its own, so the copy cannot be restored; set it true"
)


def _replica_recovery(replicas: object) -> list[str]:
    if is_unknown(replicas):
        return [unknown_message("replicas", "whether the replicas can be restored")]
    return [
        _NO_REPLICA_PITR.format(what=f"`replicas[{i}].pointInTimeRecovery`")
        for i, r in enumerate(replicas if isinstance(replicas, list) else [])
        if not (isinstance(r, dict) and r.get("pointInTimeRecovery") is True)
    ]


def _where(view: ResourceView, what: str, ok) -> list[str]:
    loc = effective_location(view)
    if loc is not None and loc.problem:
        return [loc.problem]
    if loc is not None and loc.region and (msg := region_verdict("aws", loc.region, what, ok)):
        return [msg]
    return []


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    ok = allowed(ctx)
    t = view.type
    out: list[str] = []
    if t in ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster"):
        if view.input("replicateSourceDb"):
            return []  # a read replica: the source keeps the backups
        out += _retention(view, "backupRetentionPeriod")
        if view.input("backupTarget") == "outposts":
            out.append("`backupTarget` is 'outposts': backups leave the region's managed storage")
    elif t == "aws:dynamodb/table:Table":
        if view.get("pointInTimeRecovery.enabled") is not True:
            out.append("`pointInTimeRecovery.enabled` is not true: the table cannot be restored")
        out += _replica_recovery(view.input("replicas"))
    elif t == "aws:dynamodb/tableReplica:TableReplica" and view.input("pointInTimeRecovery") is not True:
        out.append(_NO_REPLICA_PITR.format(what="`pointInTimeRecovery`"))
    elif t == "aws:backup/plan:Plan":
        rules = view.input("rules")
        if is_unknown(rules):
            return [unknown_message("rules", "where backup copies go")]
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            copies = rule.get("copyActions") if isinstance(rule, dict) else None
            for j, copy in enumerate(copies if isinstance(copies, list) else []):
                arn = copy.get("destinationVaultArn") if isinstance(copy, dict) else None
                if arn is None:
                    continue
                field = f"rules.{i}.copyActions.{j}.destinationVaultArn"
                if is_unknown(arn):
                    out.append(unknown_message(field, "where the backup copy goes"))
                    continue
                parsed = arn_region(str(arn))
                if parsed is None or not parsed[1]:
                    out.append(f"`{field}` is not a regional ARN, so the copy's region cannot be judged")
                elif msg := region_verdict("aws", parsed[1], f"backup copy `{field}`", ok):
                    out.append(msg)
    elif t == "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
        out += _where(view, "the backup replica", ok)
    elif t in KEY_REPLICAS:
        out += _where(view, "the key replica (a copy of the key material)", ok)
    elif t in SNAPSHOT_COPIES:
        dest = view.input("destinationRegion")
        if is_unknown(dest):
            out.append(unknown_message("destinationRegion", "where the snapshot copy goes"))
        elif isinstance(dest, str) and dest:
            if msg := region_verdict("aws", dest, "the snapshot copy (`destinationRegion`)", ok):
                out.append(msg)
        else:  # copied into the provider's region
            out += _where(view, "the snapshot copy", ok)
    elif t == "azure-native:sql:Database":
        red = view.input("requestedBackupStorageRedundancy")
        if is_unknown(red):
            out.append(unknown_message("requestedBackupStorageRedundancy", "where backups are kept"))
        elif red in (None, "Geo", "GeoZone"):
            loc = effective_location(view)
            pair = AZURE_PAIRS.get(str(loc.region).replace(" ", "").lower()) if loc and loc.region else None
            what = f"geo-redundant backups (`requestedBackupStorageRedundancy` {red or 'default Geo'!r})"
            if pair is None:
                out.append(
                    f"{what} go to the paired region, which cannot be judged here; set Local or Zone, "
                    f"or "
                    "an explicit location"
                )
            elif msg := region_verdict("azure", pair, what, ok):
                out.append(msg)
    return out


RULE = Rule(
    id="require-eea-backups",
    title="Every data store has restorable backups, kept in allowed EEA regions.",
    severity="high",
    remediation=f"Keep automated backups ≥ {MIN_RETENTION_DAYS} days (point-in-time recovery), and copy them "
    f"only "
    "to vaults/regions in the allowed EEA set.",
    controls=("LOC-01", "LOC-03", "LOC-04"),
    check=check,
    module=__name__,
    resource_types=frozenset(
        {
            "aws:rds/instance:Instance",
            "aws:rds/cluster:Cluster",
            "aws:dynamodb/table:Table",
            "aws:dynamodb/tableReplica:TableReplica",
            "aws:backup/plan:Plan",
            "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
            "azure-native:sql:Database",
            *SNAPSHOT_COPIES,
            *KEY_REPLICAS,
        }
    ),
    config_schema=ALLOWED_REGIONS_SCHEMA,
    waivable=False,  # residency is a contract term (DPA art. 12): no waiver can lift it
)
