"""require-eea-backups: data stores keep restorable backups (>= 7 days, point-in-time recovery) and backup
copies, replicas and geo-redundant backups stay in allowed EEA regions; what cannot be placed fails closed."""

from __future__ import annotations

import pytest
from policy_testlib import UNKNOWN, aws_provider, messages, res

RULE = "require-eea-backups"
REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"
CLOSED = "cannot be judged; the resource is treated as non-compliant (fail closed)"


def _plan(arn):
    return res("aws:backup/plan:Plan", "p", {"rules": [{"copyActions": [{"destinationVaultArn": arn}]}]})


def _sqldb(location="westeurope", redundancy="Geo"):
    return res("azure-native:sql:Database", "d",
               {"location": location, "requestedBackupStorageRedundancy": redundancy})


def test_compliant_stores():
    assert messages(RULE, res("aws:rds/instance:Instance", "db", {"backupRetentionPeriod": 35})) == []
    assert messages(RULE, res("aws:rds/instance:Instance", "db", {"replicateSourceDb": "src"})) == []
    pitr = {"pointInTimeRecovery": {"enabled": True}}
    assert messages(RULE, res("aws:dynamodb/table:Table", "t", pitr)) == []
    assert messages(RULE, _plan("arn:aws:backup:eu-west-1:1:backup-vault:v")) == []
    assert messages(RULE, res(REPLICATION, "r", {})) == []  # the eu-west-1 provider
    assert messages(RULE, _sqldb(redundancy="Local"), {"allowedRegions": ["westeurope"]}) == []


def test_eea_backups():
    assert messages(
        RULE, res("aws:rds/instance:Instance", "db", {"backupRetentionPeriod": 1})
    ) == ["`backupRetentionPeriod` is 1; keep automated backups at least 7 days"]
    plan = {
        "rules": [{"copyActions": [{"destinationVaultArn": "arn:aws:backup:us-east-1:1:backup-vault:v"}]}]
    }
    assert messages(RULE, res("aws:backup/plan:Plan", "p", plan)) == [
        "backup copy `rules.0.copyActions.0.destinationVaultArn` is in 'us-east-1', which is outside the EEA"
    ]
    sqldb = _sqldb()
    assert messages(RULE, sqldb, {"allowedRegions": ["westeurope", "northeurope"]}) == []
    assert messages(RULE, sqldb, {"allowedRegions": ["westeurope"]}) == [
        "geo-redundant backups (`requestedBackupStorageRedundancy` 'Geo') is in 'northeurope', which is not "
        "an allowed region (allowed: westeurope)"
    ]
    assert messages(RULE, res("aws:dynamodb/table:Table", "t", {})) == [
        "`pointInTimeRecovery.enabled` is not true: the table cannot be restored"
    ]


@pytest.mark.parametrize(
    ("view", "message"),
    [
        (res("aws:rds/cluster:Cluster", "db", {"backupRetentionPeriod": UNKNOWN}),
         f"`backupRetentionPeriod` is unknown during preview, so the backups {CLOSED}"),
        (res("aws:rds/instance:Instance", "db", {"backupRetentionPeriod": 7, "backupTarget": "outposts"}),
         "`backupTarget` is 'outposts': backups leave the region's managed storage"),
        (res("aws:backup/plan:Plan", "p", {"rules": UNKNOWN}),
         f"`rules` is unknown during preview, so where backup copies go {CLOSED}"),
        (_plan(UNKNOWN), "`rules.0.copyActions.0.destinationVaultArn` is unknown during preview, so where "
         f"the backup copy goes {CLOSED}"),
        (_plan("arn:aws:s3:::vault-bucket"), "`rules.0.copyActions.0.destinationVaultArn` is not a regional "
         "ARN, so the copy's region cannot be judged"),
        (res(REPLICATION, "r", {}, provider=aws_provider("us-east-1")),
         "the backup replica is in 'us-east-1', which is outside the EEA"),
        (res(REPLICATION, "r", {}, provider=aws_provider(UNKNOWN)),
         f"`provider.region` is unknown during preview, so the resource's region {CLOSED}"),
        (_sqldb(redundancy=UNKNOWN),
         f"`requestedBackupStorageRedundancy` is unknown during preview, so where backups are kept {CLOSED}"),
        (res("azure-native:sql:Database", "d", {"resourceGroupName": "rg"}),
         "geo-redundant backups (`requestedBackupStorageRedundancy` 'default Geo') go to the paired region, "
         "which cannot be judged here; set Local or Zone, or an explicit location"),
    ],
)
def test_each_message(view, message):
    assert messages(RULE, view) == [message]


def test_snapshot_copies_stay_in_the_eea():
    """A snapshot copy goes to `destinationRegion` when its type has one, else to its provider's region."""
    redshift = "aws:redshift/snapshotCopy:SnapshotCopy"
    assert messages(RULE, res(redshift, "c", {"destinationRegion": "us-east-1"})) == [
        "the snapshot copy (`destinationRegion`) is in 'us-east-1', which is outside the EEA"
    ]
    assert messages(RULE, res(redshift, "c", {"destinationRegion": "eu-west-1"})) == []
    assert messages(RULE, res(redshift, "c", {"destinationRegion": UNKNOWN})) == [
        f"`destinationRegion` is unknown during preview, so where the snapshot copy goes {CLOSED}"
    ]
    ebs = res("aws:ebs/snapshotCopy:SnapshotCopy", "e", {}, provider=aws_provider("us-east-1"))
    assert messages(RULE, ebs) == ["the snapshot copy is in 'us-east-1', which is outside the EEA"]
    assert messages(RULE, res("aws:rds/snapshotCopy:SnapshotCopy", "s", {})) == []
