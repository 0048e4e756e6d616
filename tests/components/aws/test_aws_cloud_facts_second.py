"""Second pass of the cloud-facts review (2026-12-05; docs/development.md): the first pass's leads, each
decided from the AWS documentation its test names."""

from aws_support import ACCOUNT, KEY, TAGS, doc, one, record

from components.aws.log_archive import LogArchive, LogArchiveArgs
from components.aws.platform import ContainerPlatform, ContainerPlatformArgs

ARCHIVE = "444455556666"

LOGS_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/66666666-7777-8888-9999-000000000000"


def _platform():
    return record(
        lambda opts: ContainerPlatform(
            "eloket",
            ContainerPlatformArgs(tags=TAGS, image_kms_key_arn=KEY, log_kms_key_arn=LOGS_KEY,
                                  log_retention_days=400),
            opts=opts,
        )
    )


def test_container_insights_writes_into_a_declared_cmk_group_made_before_the_cluster():
    """Container Insights writes its performance events to `/aws/ecs/containerinsights/<cluster>/performance`
    and creates that group itself when it is missing (CloudWatch user guide, "Container Insights performance
    log events for Amazon ECS": "it automatically creates a log group ... You don't need to create this log
    group yourself"), under no customer-managed key and with no retention. The cluster's name is fixed so
    the group can be declared, under the logs key with a retention, before the cluster exists."""
    g = _platform()
    cluster = g.by_type("aws:ecs/cluster:Cluster")[0]
    assert {"name": "containerInsights", "value": "enabled"} in cluster.inputs["settings"]
    name = cluster.inputs.get("name")
    assert name, "an autonamed cluster's performance group cannot be declared before it"
    groups = [r for r in g.by_type("aws:cloudwatch/logGroup:LogGroup")
              if r.inputs.get("name") == f"/aws/ecs/containerinsights/{name}/performance"]
    assert len(groups) == 1
    group = groups[0]
    assert group.inputs["kmsKeyId"] == LOGS_KEY and group.inputs["retentionInDays"] == 400
    assert group.protect
    assert group.urn in cluster.dependencies



def _may(policy: dict, principal: str, action: str) -> bool:
    return any(
        s["Effect"] == "Allow" and principal in _principals(s) and action in s["Action"]
        for s in policy["Statement"]
    )


def _principals(statement: dict) -> list[str]:
    aws = statement.get("Principal", {}).get("AWS", [])
    return [aws] if isinstance(aws, str) else aws


def test_imported_material_keys_let_their_administrators_import_the_material():
    """A key of origin EXTERNAL is created without material and stays `PendingImport`, unusable, until
    ImportKeyMaterial ("Required permissions: kms:ImportKeyMaterial (key policy)", KMS API reference), so
    CreateTrail on the archive key waits for the import. The key policy must let the archive's key
    administrator and the role that creates the key import it (GetParametersForImport is `kms:Get*`)."""
    admin = f"arn:aws:iam::{ARCHIVE}:role/security-log-archive-admin"
    deployer = f"arn:aws:iam::{ARCHIVE}:role/eloket-log-archive-deployer"
    g = record(lambda opts: LogArchive("log-archive", LogArchiveArgs(
        archive_account_id=ARCHIVE, workload_account_id=ACCOUNT, admin_role_arn=admin, tags=TAGS,
        management_account_id="333344445555", deployer_role_arn=deployer), opts=opts))
    key = doc(one(g, "aws:kms/externalKey:ExternalKey")["policy"])
    for who in (admin, deployer):
        assert _may(key, who, "kms:ImportKeyMaterial"), who
        assert _may(key, who, "kms:Get*"), who


def test_file_backups_are_kept_under_the_file_systems_key_not_in_the_default_efs_vault():
    """"Amazon EFS backups are always encrypted. The AWS KMS encryption key for Amazon EFS backups is
    configured in the AWS Backup vault that the Amazon EFS backups are stored in" (AWS Backup developer guide,
    "Encryption for backups in AWS Backup"); automatic backups go to the default EFS vault that EFS creates,
    with a key the stack cannot choose (EFS user guide, "Backing up EFS file systems"). So automatic backups
    are off and a daily plan writes into a locked vault of the stack under the file system's CMK."""
    from test_aws_cloud_facts import _files

    g = _files()
    assert one(g, "aws:efs/backupPolicy:BackupPolicy")["backupPolicy"] == {"status": "DISABLED"}
    vault = g.by_type("aws:backup/vault:Vault")[0]
    assert vault.inputs["kmsKeyArn"] == one(g, "aws:efs/fileSystem:FileSystem")["kmsKeyId"] == KEY
    assert vault.protect and not vault.inputs.get("forceDestroy")
    lock = one(g, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert lock["changeableForDays"] >= 3
    (rule,) = one(g, "aws:backup/plan:Plan")["rules"]
    assert rule["lifecycle"]["deleteAfter"] == 35
    assert lock["minRetentionDays"] <= 35 <= lock["maxRetentionDays"]
    selection = one(g, "aws:backup/selection:Selection")
    fs_arn = g.by_type("aws:efs/fileSystem:FileSystem")[0].outputs["arn"]
    assert selection["resources"] == [fs_arn]
    role = g.by_type("aws:iam/role:Role")[0]
    trust = doc(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    assert selection["iamRoleArn"] == role.outputs["arn"]
