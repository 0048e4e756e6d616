"""Shared writable files of Drupal (`sites/default/files`): EFS, CMK-encrypted, TLS + IAM only.

The containers run with a read-only root file system; uploads must survive a task restart and be the
same on every task, so they live on EFS reached through one access point (uid/gid of the web server)
with IAM authorisation and encryption in transit. DPA annex 3 b.iv/b.v; D36 §108: no DOSIS data.

EFS's automatic backups go to the default EFS backup vault, which EFS creates with a key the stack cannot
choose, and an EFS backup is encrypted with its vault's key, not the file system's ("Encryption for backups
in AWS Backup"). So automatic backups are off, and a daily AWS Backup plan keeps 35 days (EFS's own default)
in a vault of this component under the file system's CMK, locked in compliance mode.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, client_security_group, kept, service_role

BACKUP_ROLE_NAME = "eloket-files-backup"
"""Fixed so the files key's policy can name the AWS Backup role before it exists."""


@dataclass
class SharedFilesArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the file system."""
    subnet_ids: list[pulumi.Input[str]]
    """Private subnets for the mount targets (the app tier, one per AZ)."""
    client_security_group_ids: list[pulumi.Input[str]]
    """Security groups allowed to mount (NFS over TLS, 2049)."""
    kms_key_arn: pulumi.Input[str]
    """CMK of the file system and of its backup vault."""
    account_id: str
    """AWS account id; limits the backup role's trust to this account."""
    tags: dict[str, str]
    """Mandatory tags; the component adds `dosis-data: none`."""
    uid: int = 33
    """POSIX user (and group) of the web server writing the files (www-data)."""
    root_path: str = "/drupal-files"
    """Directory exposed by the access point."""
    backup_retention_days: int = 35
    """Days each daily backup is kept (EFS's default backup plan: daily, 35 days)."""


class SharedFiles(pulumi.ComponentResource):
    """One encrypted EFS file system, its mount targets, a TLS/IAM-only policy and an access point."""

    def __init__(self, name: str, args: SharedFilesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:SharedFiles", name, None, opts)
        tags = {**args.tags, "dosis-data": "none"}
        self.file_system = aws.efs.FileSystem(
            name,
            encrypted=True,
            kms_key_id=args.kms_key_arn,
            performance_mode="generalPurpose",
            throughput_mode="elastic",
            protection={"replication_overwrite": "DISABLED"},
            tags=tags,
            opts=kept(self),
        )
        self._backups(name, args, tags)
        sg = client_security_group(
            f"{name}-efs",
            self,
            vpc_id=args.vpc_id,
            port=2049,
            clients=args.client_security_group_ids,
            what="NFS (TLS) to EFS",
            tags=tags,
        )
        self.mount_targets = [
            aws.efs.MountTarget(
                f"{name}-{i}",
                file_system_id=self.file_system.id,
                subnet_id=s,
                security_groups=[sg.id],
                opts=child(self),
            )
            for i, s in enumerate(args.subnet_ids)
        ]
        self.access_point = aws.efs.AccessPoint(
            name,
            file_system_id=self.file_system.id,
            posix_user={"uid": args.uid, "gid": args.uid},
            root_directory={
                "path": args.root_path,
                "creation_info": {"owner_uid": args.uid, "owner_gid": args.uid, "permissions": "0750"},
            },
            tags=tags,
            opts=child(self),
        )
        through_access_point = {"elasticfilesystem:AccessPointArn": self.access_point.arn}
        aws.efs.FileSystemPolicy(
            name,
            file_system_id=self.file_system.id,
            bypass_policy_lockout_safety_check=False,
            policy=policy.document(
                policy.statement(
                    "Deny",
                    ["*"],
                    self.file_system.arn,
                    sid="TlsOnly",
                    principal={"AWS": "*"},
                    condition={"Bool": {"aws:SecureTransport": "false"}},
                ),
                # `AccessedViaMountTarget` is true for every NFS mount; only the access point's ARN tells
                # a mount through it (with its uid and root directory) from one of the whole file system.
                policy.statement(
                    "Deny",
                    [
                        "elasticfilesystem:ClientMount",
                        "elasticfilesystem:ClientWrite",
                        "elasticfilesystem:ClientRootAccess",
                    ],
                    self.file_system.arn,
                    sid="OnlyThroughTheAccessPoint",
                    principal={"AWS": "*"},
                    condition={"StringNotEquals": through_access_point},
                ),
            ),
            opts=child(self),
        )
        self.register_outputs({"fileSystemId": self.file_system.id, "accessPointId": self.access_point.id})

    def _backups(self, name: str, args: SharedFilesArgs, tags: dict[str, str]) -> None:
        """Automatic backups off; a daily plan into a locked vault under the file system's CMK."""
        aws.efs.BackupPolicy(
            name, file_system_id=self.file_system.id, backup_policy={"status": "DISABLED"}, opts=child(self)
        )
        self.backup_vault = aws.backup.Vault(
            name, kms_key_arn=args.kms_key_arn, force_destroy=False, tags=tags, opts=kept(self)
        )
        aws.backup.VaultLockConfiguration(
            name,
            backup_vault_name=self.backup_vault.name,
            changeable_for_days=3,
            min_retention_days=7,
            max_retention_days=365,
            opts=kept(self),
        )
        plan = aws.backup.Plan(
            name,
            rules=[
                {
                    "rule_name": "daily",
                    "target_vault_name": self.backup_vault.name,
                    "schedule": "cron(0 3 * * ? *)",
                    "lifecycle": {"delete_after": args.backup_retention_days},
                }
            ],
            tags=tags,
            opts=child(self),
        )
        role = service_role(
            f"{name}-backup",
            self,
            service="backup.amazonaws.com",
            account_id=args.account_id,
            role_name=BACKUP_ROLE_NAME,
            statements=[
                policy.statement(
                    "Allow",
                    ["elasticfilesystem:Backup", "elasticfilesystem:DescribeTags"],
                    self.file_system.arn,
                    sid="BackUpTheFileSystem",
                )
            ],
            tags=tags,
        )
        aws.backup.Selection(
            name, plan_id=plan.id, iam_role_arn=role.arn, resources=[self.file_system.arn], opts=child(self)
        )

    def client_statement(self) -> dict:
        """Task-role statement: mount and write through this access point only."""
        return policy.statement(
            "Allow",
            ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            self.file_system.arn,
            sid="MountSharedFiles",
            condition={"StringEquals": {"elasticfilesystem:AccessPointArn": self.access_point.arn}},
        )

    def volume(self, volume_name: str = "files") -> dict:
        """ECS task-definition volume for this access point (TLS and IAM authorisation enabled)."""
        return {
            "name": volume_name,
            "efs_volume_configuration": {
                "file_system_id": self.file_system.id,
                "transit_encryption": "ENABLED",
                "authorization_config": {"access_point_id": self.access_point.id, "iam": "ENABLED"},
            },
        }
