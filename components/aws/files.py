"""Shared writable files of Drupal (`sites/default/files`): EFS, CMK-encrypted, TLS + IAM only.

The containers run with a read-only root file system; uploads must survive a task restart and be the
same on every task, so they live on EFS reached through one access point (uid/gid of the web server)
with IAM authorisation and encryption in transit. DPA annex 3 b.iv/b.v; D36 §108: no DOSIS data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, client_security_group, kept


@dataclass
class SharedFilesArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the file system."""
    subnet_ids: list[pulumi.Input[str]]
    """Private subnets for the mount targets (the app tier, one per AZ)."""
    client_security_group_ids: list[pulumi.Input[str]]
    """Security groups allowed to mount (NFS over TLS, 2049)."""
    kms_key_arn: pulumi.Input[str]
    """CMK of the file system."""
    tags: dict[str, str]
    """Mandatory tags; the component adds `dosis-data: none`."""
    uid: int = 33
    """POSIX user (and group) of the web server writing the files (www-data)."""
    root_path: str = "/drupal-files"
    """Directory exposed by the access point."""


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
        aws.efs.BackupPolicy(
            name, file_system_id=self.file_system.id, backup_policy={"status": "ENABLED"}, opts=child(self)
        )
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
