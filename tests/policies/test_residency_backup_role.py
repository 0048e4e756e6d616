"""AWS Backup's service role and the EFS backups (issue 13): `elasticfilesystem:Backup` makes a recovery point
of the file system its ARN names in a vault of that file system's account and region, so it is judged by that
ARN, as an NFS client's write is; copies elsewhere are other grants and inputs (cases: refs-efs-*)."""

from __future__ import annotations

import residency_corpus as corpus

from policies.core.grant_patterns import writes_where_its_arn_says
from policies.core.redirect_grants import aims

RESIDENCY = corpus.CORPUS


def _blocking(name: str) -> list[str]:
    case = corpus.load(RESIDENCY / name)
    report = corpus.evaluate_case(case, corpus.PACK, corpus.PACK_CONFIG)
    return [v.message for v in report.violations if v.blocking]


def test_a_backup_of_a_file_system_is_judged_by_its_arn_not_as_an_aim():
    assert writes_where_its_arn_says("elasticfilesystem:backup")
    assert aims(frozenset({"elasticfilesystem:backup"})) == ()


def test_the_eloket_backup_role_on_its_own_file_system_passes():
    assert _blocking("good/refs-efs-01-eloket-backup-role-own-file-system.yaml") == []


def test_backup_on_star_names_the_file_systems_it_reaches():
    (message,) = _blocking("evil/refs-efs-01-backup-role-star.yaml")
    assert "elasticfilesystem:Backup" in message and "EFS file systems" in message
    assert "aims a resource" not in message


def test_the_copy_permissions_stay_aims():
    messages = _blocking("evil/refs-efs-05-backup-role-copy-into-any-vault.yaml")
    assert any("backup:StartCopyJob" in m and "aims a resource" in m for m in messages)
    assert not any("elasticfilesystem:Backup" in m for m in messages)
