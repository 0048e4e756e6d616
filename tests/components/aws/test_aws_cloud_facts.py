"""What the mocks accept but AWS would refuse or leave doing nothing (cloud-facts review, 2026-12-05;
docs/development.md). Each case names the AWS documentation it follows."""

import pytest
from aws_support import ACCOUNT, KEY, TAGS, doc, one, record
from test_aws_data_stores import _db
from test_aws_web import _service

from components.aws.files import SharedFiles, SharedFilesArgs
from components.aws.log_archive import LogArchive, LogArchiveArgs

# RDS for MySQL writes a log only when its parameter is on ("Publishing MySQL logs to Amazon CloudWatch
# Logs": general_log = 1, slow_query_log = 1, log_output = FILE); the error log is always written, the
# audit log by the option group, the IAM-auth error log by the export alone.
WRITTEN_WHEN = {"general": {"general_log": "1"}, "slowquery": {"slow_query_log": "1"}}


def test_every_exported_database_log_is_one_the_parameter_group_makes_mysql_write():
    g = _db()
    exports = one(g, "aws:rds/instance:Instance")["enabledCloudwatchLogsExports"]
    params = {p["name"]: p["value"] for p in one(g, "aws:rds/parameterGroup:ParameterGroup")["parameters"]}
    unwritten = [
        log for log in exports
        if any(params.get(name) != value for name, value in WRITTEN_WHEN.get(log, {}).items())
    ]
    assert not unwritten, f"exported but never written: {unwritten}"
    if set(exports) & set(WRITTEN_WHEN):
        assert params.get("log_output") == "FILE"
    options = one(g, "aws:rds/optionGroup:OptionGroup")["options"]
    assert "audit" in exports and any(o["optionName"] == "MARIADB_AUDIT_PLUGIN" for o in options)


def test_the_general_log_of_every_statement_and_its_values_is_not_kept():
    """The general log holds every statement with its literal values (the e-loket's personal data): the
    audit plugin records who connected and changed structure or grants; the general log stays off."""
    g = _db()
    params = {p["name"]: p["value"] for p in one(g, "aws:rds/parameterGroup:ParameterGroup")["parameters"]}
    assert "general" not in one(g, "aws:rds/instance:Instance")["enabledCloudwatchLogsExports"]
    assert params.get("general_log", "0") == "0"


def _files():
    return record(
        lambda opts: SharedFiles(
            "files",
            SharedFilesArgs(
                vpc_id="vpc-1", subnet_ids=["subnet-a"], client_security_group_ids=["sg-app"],
                kms_key_arn=KEY, account_id=ACCOUNT, tags=TAGS,
            ),
            opts=opts,
        )
    )


def test_file_system_policy_refuses_mounts_not_made_through_the_access_point():
    """`elasticfilesystem:AccessedViaMountTarget` is true for every NFS mount; only
    `elasticfilesystem:AccessPointArn` says which access point a client mounted through (EFS user guide,
    "Using access points in IAM policies")."""
    g = _files()
    ap_arn = g.by_type("aws:efs/accessPoint:AccessPoint")[0].outputs["arn"]
    statements = doc(one(g, "aws:efs/fileSystemPolicy:FileSystemPolicy")["policy"])["Statement"]
    mount = [s for s in statements if "elasticfilesystem:ClientMount" in s["Action"]]
    assert len(mount) == 1 and mount[0]["Effect"] == "Deny" and mount[0]["Principal"] == {"AWS": "*"}
    assert mount[0]["Condition"] == {"StringNotEquals": {"elasticfilesystem:AccessPointArn": ap_arn}}
    assert set(mount[0]["Action"]) >= {"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                                       "elasticfilesystem:ClientRootAccess"}
    assert ACCOUNT in ap_arn


def test_service_waits_for_and_outlives_its_role_policies():
    """The pulumi-aws `ecs.Service` docstring: depend on the related `iam.RolePolicy`, or deleting the
    service races the policy and the service is stuck DRAINING; on create, tasks would start before their
    roles may pull the image, write logs or read secrets."""
    g = _service(secrets_kms_key_arn=KEY, secret_names=("DB_PASSWORD",),
                 task_statements=[{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}])
    service = g.by_type("aws:ecs/service:Service")[0]
    policies = g.by_type("aws:iam/rolePolicy:RolePolicy")
    assert len(policies) == 2
    assert {p.urn for p in policies} <= set(service.dependencies)


ARCHIVE, MANAGEMENT = "444455556666", "333344445555"


def _archive(**kwargs):
    args = {
        "archive_account_id": ARCHIVE, "workload_account_id": ACCOUNT,
        "admin_role_arn": f"arn:aws:iam::{ARCHIVE}:role/security-log-archive-admin", "tags": TAGS,
        "management_account_id": MANAGEMENT,
        "deployer_role_arn": f"arn:aws:iam::{ARCHIVE}:role/eloket-log-archive-deployer", **kwargs,
    }
    return record(lambda opts: LogArchive("log-archive", LogArchiveArgs(**args), opts=opts))


def test_organisation_trail_is_let_in_as_the_management_accounts_trail():
    """"The management account remains the owner of any CloudTrail organization resources the delegated
    administrator creates" (CloudTrail user guide, "Organization delegated administrator"): the trail's ARN,
    its `aws:SourceArn`/`aws:SourceAccount` and the KMS encryption context name the management account, so
    a bucket policy or key policy naming the archive account makes CreateTrail fail
    (InsufficientS3BucketPolicyException / InsufficientEncryptionPolicyException)."""
    g = _archive()
    trail_arn = f"arn:aws:cloudtrail:eu-west-1:{MANAGEMENT}:trail/organization-trail"
    policies = [doc(r.inputs["policy"]) for r in g.by_type("aws:s3/bucketPolicy:BucketPolicy")]
    org = [s for p in policies for s in p["Statement"] if s.get("Sid", "").startswith("OrgTrail")]
    assert len(org) == 2
    assert all(s["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arn for s in org)
    key = doc(one(g, "aws:kms/externalKey:ExternalKey")["policy"])["Statement"]
    trail = [s for s in key if s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}]
    assert trail and all(s["Condition"]["StringEquals"]["aws:SourceAccount"] == MANAGEMENT for s in trail)
    context = next(s for s in trail if "kms:GenerateDataKey*" in s["Action"])["Condition"]["StringLike"]
    assert context == {
        "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*"
    }


def test_the_management_account_cannot_be_the_archive():
    """CloudTrail refuses to register the management account as delegated administrator
    (CannotDelegateManagementAccountException)."""
    with pytest.raises(Exception, match="ValueError: LogArchive log-archive: the management account"):
        _archive(management_account_id=ARCHIVE)


def _may_put_key_policy(policy: dict, principal: str) -> bool:
    return any(
        s["Effect"] == "Allow" and principal in s["Principal"].get("AWS", [])
        and any(a in ("kms:PutKeyPolicy", "kms:Put*", "kms:*") for a in s["Action"])
        and not s.get("Condition")
        for s in policy["Statement"]
    )


def test_archive_key_lets_the_role_that_creates_it_manage_it():
    """CreateKey refuses a key policy that does not let the caller make a later PutKeyPolicy (the policy
    lockout safety check, KMS API reference CreateKey `Policy`); the archive's provider assumes the
    log-archive deployer role, which must also update the key's policy and tags afterwards."""
    deployer = f"arn:aws:iam::{ARCHIVE}:role/eloket-log-archive-deployer"
    g = _archive(deployer_role_arn=deployer)
    key = one(g, "aws:kms/externalKey:ExternalKey")
    assert not key.get("bypassPolicyLockoutSafetyCheck")
    assert _may_put_key_policy(doc(key["policy"]), deployer)


def test_off_vendor_key_lets_the_role_that_creates_it_manage_it():
    from components.interconnect.offvendor_backup import OffVendorBucket, OffVendorBucketArgs

    backup = "777788889999"
    deployer = f"arn:aws:iam::{backup}:role/dosis-offvendor-deployer"
    args = OffVendorBucketArgs(
        account_id=backup, admin_role_arn=f"arn:aws:iam::{backup}:role/offvendor-admin",
        writer_role_arn=f"arn:aws:iam::{backup}:role/offvendor-writer",
        restore_role_arn=f"arn:aws:iam::{backup}:role/offvendor-restore", source_vpce_id="vpce-1",
        tags=TAGS, deployer_role_arn=deployer,
    )
    g = record(lambda opts: OffVendorBucket("dosis-copies", args, opts=opts))
    key = one(g, "aws:kms/externalKey:ExternalKey")
    assert _may_put_key_policy(doc(key["policy"]), deployer)
