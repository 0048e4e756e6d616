"""What the AWS collectors share: the resource types they check, and turning a verdict into a LiveCheck."""

from __future__ import annotations

from typing import Any

from evidence.live.common import check, planned
from evidence.model import LiveCheck, StackEvidence

CLOUD = "aws"
TRAIL = "aws:cloudtrail/trail:Trail"
KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
RDS = "aws:rds/instance:Instance"
PASSWORD_POLICY = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
ROLE = "aws:iam/role:Role"
GUARDDUTY = "aws:guardduty/detector:Detector"
VPN = "aws:ec2/vpnConnection:VpnConnection"


def aws_check(check_id: str, resource: str, ok: bool | None, detail: str, rtype: str, **kw: Any) -> LiveCheck:
    """One AWS check's result (evidence.live.common.check with the cloud filled in)."""
    return check(CLOUD, check_id, resource, ok, detail, rtype, **kw)


def missing_planned(
    evidence: list[StackEvidence], rtype: str, key: str, found: set[str], check_id: str
) -> list[LiveCheck]:
    """Drift: resources the plan names that the account does not have."""
    out = []
    for stack, inputs in planned(evidence, rtype):
        name = inputs.get(key)
        if isinstance(name, str) and name and not name.startswith("04da6b54") and name not in found:
            out.append(
                aws_check(
                    check_id,
                    name,
                    False,
                    f"planned in {stack} but not found in the account",
                    rtype,
                    expected="present",
                    actual="absent",
                    drift=True,
                )
            )
    return out


def client_error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
